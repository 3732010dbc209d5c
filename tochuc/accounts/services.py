"""Users and grants."""

from __future__ import annotations

import datetime as dt
import secrets

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from tochuc.accounts.access import log_auth
from tochuc.accounts.models import Grant, PasswordHistory, Role, User
from tochuc.core.findings import Finding, Level, RecordRefused
from tochuc.core.models import audit
from tochuc.units.models import Unit

MSG_USERNAME_TAKEN = "Tên đăng nhập {value!r} đã tồn tại"
MSG_USERNAME_EMPTY = "Thiếu tên đăng nhập"
MSG_ROLE = "Vai trò không hợp lệ: {value!r} (viewer, clerk, specialist, admin)"


@transaction.atomic
def user_create(*, by, username: str, password: str, unit: Unit, role: str, must_change: bool = False) -> User:
    """`must_change`: the password was chosen by someone else and is changed at first login (A8)."""
    username = (username or "").strip()
    findings: list[Finding] = []
    if not username:
        findings.append(Finding("user.username", Level.ERROR, MSG_USERNAME_EMPTY, "username"))
    elif User.objects.filter(username=username).exists():
        findings.append(Finding("user.username_taken", Level.ERROR, MSG_USERNAME_TAKEN.format(value=username), "username"))
    if role not in Role.values:
        findings.append(Finding("user.role", Level.ERROR, MSG_ROLE.format(value=role), "role"))
    candidate = User(username=username)
    try:
        validate_password(password, user=candidate)
    except ValidationError as exc:
        findings.extend(Finding("user.password", Level.ERROR, str(m), "password") for m in exc.messages)
    if findings:
        raise RecordRefused(findings)
    user = User.objects.create_user(
        username=username, password=password, password_changed_at=timezone.now(), must_change_password=must_change
    )
    PasswordHistory.objects.create(user=user, password=user.password, at=user.password_changed_at)
    log_auth(action="account.create", user=user, by=by, unit=unit.code, role=role)
    audit(by=by, action="user.create", obj=user, changes={"unit": unit.code, "role": role})
    grant_add(by=by, user=user, unit=unit, role=role)
    return user


MSG_GRANT_SAME = "{user} đã có vai trò {role} trong phạm vi {unit}"
MSG_GRANT_NONE = "{user} không có quyền nào đang hiệu lực trong phạm vi {unit}"
MSG_GRANT_FORBIDDEN = "Bạn không có quyền quản trị người dùng trong phạm vi {unit}"


def _may_manage_users(by, unit: Unit) -> bool:
    """The server operator (`by=None`, the `tochuc user` command) may; a user needs the
    administrator role over the unit (SECURITY.md B4: never above or outside their subtree)."""
    if by is None:
        return True
    from tochuc.accounts import scoping

    return scoping.allows(scoping.role_for_unit(scoping.scope_for(by), unit), "manage_users")


def _grant_state(grant: Grant | None) -> dict | None:
    return None if grant is None else {"grant": grant.pk, "role": grant.role}


def _end_grant(grant: Grant, *, by, reason: str) -> None:
    grant.valid_to = timezone.now()
    grant.ended_by = by if getattr(by, "pk", None) else None
    grant.end_reason = reason[:255]
    grant.save(update_fields=["valid_to", "ended_by", "end_reason"])


@transaction.atomic
def grant_add(*, by, user: User, unit: Unit, role: str, reason: str = "") -> Grant:
    """Give `user` the `role` within the subtree of `unit`.

    A grant already in force on the same unit with another role is ended and replaced (a role
    change); the same role again is refused. The security log and the audit trail record who
    did it, for whom, on which unit, the role before and after.
    """
    findings: list[Finding] = []
    if role not in Role.values:
        findings.append(Finding("grant.role", Level.ERROR, MSG_ROLE.format(value=role), "role"))
    if not _may_manage_users(by, unit):
        findings.append(Finding("grant.forbidden", Level.ERROR, MSG_GRANT_FORBIDDEN.format(unit=unit.code), "unit"))
    # Lock the user's row: two administrators changing the same grant queue instead of racing.
    User.objects.select_for_update().filter(pk=user.pk).first()
    before = Grant.objects.filter(user=user, unit=unit).first()
    if before is not None and before.role == role:
        findings.append(
            Finding("grant.same", Level.ERROR, MSG_GRANT_SAME.format(user=user.username, role=Role(role).label, unit=unit.code), "role")
        )
    if findings:
        raise RecordRefused(findings)
    if before is not None:
        _end_grant(before, by=by, reason=reason or f"đổi vai trò thành {role}")
    grant = Grant.objects.create(
        user=user, unit=unit, role=role, granted_by=by if getattr(by, "pk", None) else None
    )
    changes = {
        "user": user.username,
        "unit": unit.code,
        "before": _grant_state(before),
        "after": _grant_state(grant),
        "reason": reason,
    }
    log_auth(action="account.grant", user=user, by=by, unit=unit.code, role=role, before=before.role if before else None)
    audit(by=by, action="grant.add", obj=grant, changes=changes)
    return grant


@transaction.atomic
def grant_revoke(*, by, user: User, unit: Unit, reason: str = "") -> Grant:
    """End the user's grant on `unit`: it stays in the history with who ended it, when and why.

    Scope is computed anew on every request, so the user's next request no longer sees the
    subtree; no session needs to end.
    """
    if not _may_manage_users(by, unit):
        raise RecordRefused([Finding("grant.forbidden", Level.ERROR, MSG_GRANT_FORBIDDEN.format(unit=unit.code), "unit")])
    User.objects.select_for_update().filter(pk=user.pk).first()
    grant = Grant.objects.filter(user=user, unit=unit).first()
    if grant is None:
        raise RecordRefused(
            [Finding("grant.none", Level.ERROR, MSG_GRANT_NONE.format(user=user.username, unit=unit.code), "unit")]
        )
    _end_grant(grant, by=by, reason=reason)
    changes = {"user": user.username, "unit": unit.code, "before": _grant_state(grant), "after": None, "reason": reason}
    log_auth(action="account.revoke", user=user, by=by, unit=unit.code, role=grant.role)
    audit(by=by, action="grant.revoke", obj=grant, changes=changes)
    return grant


MSG_PASSWORD_SAME = "Mật khẩu mới phải khác mật khẩu hiện tại"
PASSWORD_ALPHABET = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def _end_sessions(user: User, *, keep: str | None = None) -> int:
    """Delete every server-side session of the user but `keep` (ASVS 7.4.2, 7.4.3): deactivation,
    lock, password reset, a second factor added or removed."""
    ended = 0
    for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator():
        if session.session_key != keep and str(session.get_decoded().get("_auth_user_id")) == str(user.pk):
            session.delete()
            ended += 1
    return ended


@transaction.atomic
def user_set_password(*, by, user: User, password: str, temporary: bool = False, request=None) -> User:
    """Change a password after the validators (length, context words, an administrator's last 10).

    Changing the password changes the session hash, so every other session of the user ends.
    """
    try:
        validate_password(password, user=user)
    except ValidationError as exc:
        raise RecordRefused([Finding("user.password", Level.ERROR, str(m), "password") for m in exc.messages]) from None
    if user.password:
        PasswordHistory.objects.get_or_create(user=user, password=user.password, defaults={"at": timezone.now()})
    user.set_password(password)
    user.password_changed_at = timezone.now()
    user.must_change_password = temporary
    user.save(update_fields=["password", "password_changed_at", "must_change_password"])
    PasswordHistory.objects.create(user=user, password=user.password, at=user.password_changed_at)
    keep = settings.TOCHUC_PASSWORD_HISTORY
    stale = PasswordHistory.objects.filter(user=user).order_by("-at", "-id").values_list("id", flat=True)[keep:]
    PasswordHistory.objects.filter(id__in=list(stale)).delete()
    action = "account.reset" if temporary else "auth.password_change"
    log_auth(action=action, request=request, user=user, by=by)
    return user


def user_reset_password(*, by, user: User) -> str:
    """A random temporary password that must be changed at the next login."""
    while True:
        password = "".join(secrets.choice(PASSWORD_ALPHABET) for _ in range(16))
        try:
            user_set_password(by=by, user=user, password=password, temporary=True)
        except RecordRefused:  # a random draw that happens to look like a context word
            continue
        _end_sessions(user)
        return password


@transaction.atomic
def user_lock(*, by, user: User, reason: str = "") -> User:
    """An administrator locks an account: no login, and its open sessions end now."""
    user.is_active = False
    user.save(update_fields=["is_active"])
    _end_sessions(user)
    log_auth(action="account.lock", user=user, by=by, reason=reason)
    return user


@transaction.atomic
def user_unlock(*, by, user: User) -> User:
    """Re-enable an account and clear its failed-login count (the lockout)."""
    user.is_active = True
    user.save(update_fields=["is_active"])
    log_auth(action="account.unlock", user=user, by=by)
    return user


@transaction.atomic
def user_otp_confirm(*, user: User, device: TOTPDevice, request=None) -> int:
    """The user proved a new authenticator app with a first code: the device counts from now on.

    A new second factor ends the user's other sessions, like a password change (ASVS 7.4.3):
    a session opened before it, perhaps by whoever made the user add it, does not go on. The
    session that proved the code stays. Returns how many sessions ended.
    """
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    keep = request.session.session_key if request is not None and hasattr(request, "session") else None
    ended = _end_sessions(user, keep=keep)
    log_auth(action="auth.otp_setup", request=request, user=user, sessions_ended=ended)
    audit(by=user, action="user.otp_add", obj=user, changes={"device": device.pk, "sessions_ended": ended})
    return ended


@transaction.atomic
def user_otp_reset(*, by, user: User, reason: str = "") -> int:
    """Remove every authenticator of the user (a lost or compromised phone).

    The secrets are destroyed, not kept: a secret that may be in someone else's hands must never
    verify again, and keeping it disabled would let the setup page offer it once more. Every
    session of the user ends; at the next login the user enrols a new app. Returns how many
    devices were removed.
    """
    devices = list(TOTPDevice.objects.filter(user=user).order_by("id").values_list("id", "confirmed"))
    TOTPDevice.objects.filter(user=user).delete()
    ended = _end_sessions(user)
    log_auth(action="account.otp_reset", user=user, by=by, devices=len(devices), sessions_ended=ended, reason=reason)
    audit(
        by=by,
        action="user.otp_reset",
        obj=user,
        changes={"devices": [pk for pk, _ in devices], "confirmed": sum(1 for _, c in devices if c), "reason": reason},
    )
    return len(devices)


def user_disable_inactive(*, by, days: int | None = None, now: dt.datetime | None = None) -> list[User]:
    """Disable accounts unused for 45 days (TCVN 14423:2026 5.4.2.1 d). Idempotent."""
    days = settings.TOCHUC_INACTIVE_DAYS if days is None else days
    cutoff = (now or timezone.now()) - dt.timedelta(days=days)
    disabled = []
    for user in User.objects.filter(is_active=True).order_by("id"):
        last = user.last_login or user.date_joined
        if last < cutoff:
            with transaction.atomic():
                user.is_active = False
                user.save(update_fields=["is_active"])
                _end_sessions(user)
                log_auth(action="account.disable", user=user, by=by, idle_days=(cutoff - last).days + days)
            disabled.append(user)
    return disabled
