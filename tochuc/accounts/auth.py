"""Login, lockout, session lifetime and second-factor policy (SECURITY.md A3-A6, E4).

One place answers "is this login allowed", "has this session expired" and "must this user show a
second factor"; the login form, the middleware and the `tochuc user` command ask it.
"""

from __future__ import annotations

import datetime as dt
import time

from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver
from django.utils import timezone

from tochuc.accounts.access import client_ip, log_auth
from tochuc.accounts.models import AuthEvent, Grant, Role

# The same words for an unknown name, a wrong password, a locked or a disabled account, so a
# login attempt never tells whether an account exists (ASVS 6.3.8).
MSG_LOGIN_FAILED = "Tên đăng nhập hoặc mật khẩu không đúng, hoặc tài khoản đang bị khóa tạm thời."

# Session keys: when the user logged in, and when they were last seen (epoch seconds).
LOGIN_AT = "tochuc.login_at"
SEEN_AT = "tochuc.seen_at"


def failures(username: str, ip: str | None) -> int:
    """Failed logins for this name from this address since the last success or unlock, within
    the lockout window."""
    since = timezone.now() - dt.timedelta(minutes=settings.TOCHUC_LOCKOUT_MINUTES)
    mine = AuthEvent.objects.filter(username=username, at__gte=since)
    reset = (
        mine.filter(action="auth.login", result="ok", ip=ip).order_by("-at").values_list("at", flat=True).first()
    )
    unlocked = mine.filter(action="account.unlock").order_by("-at").values_list("at", flat=True).first()
    for moment in (reset, unlocked):
        if moment is not None and moment > since:
            since = moment
    return mine.filter(action="auth.login", result="failed", ip=ip, at__gt=since).count()


def is_locked_out(username: str, ip: str | None) -> bool:
    return failures(username, ip) >= settings.TOCHUC_LOCKOUT_FAILURES


class LoginForm(AuthenticationForm):
    error_messages = {"invalid_login": MSG_LOGIN_FAILED, "inactive": MSG_LOGIN_FAILED}

    def clean(self):
        username = (self.cleaned_data.get("username") or "")[:150]
        if self.request is not None and username and is_locked_out(username, client_ip(self.request)):
            log_auth(action="auth.login", request=self.request, username=username, result="denied", reason="locked")
            raise self.get_invalid_login_error()
        return super().clean()


def roles_of(user) -> set[str]:
    if user is None or not getattr(user, "pk", None):
        return set()
    return set(Grant.objects.filter(user=user).values_list("role", flat=True))


def is_administrator(user, roles: set[str] | None = None) -> bool:
    roles = roles_of(user) if roles is None else roles
    return bool(getattr(user, "is_superuser", False)) or Role.ADMIN in roles


def needs_second_factor(user, roles: set[str] | None = None) -> bool:
    policy = settings.TOCHUC_REQUIRE_2FA
    if policy == "all":
        return True
    if policy == "staff":
        roles = roles_of(user) if roles is None else roles
        return bool(getattr(user, "is_superuser", False)) or bool(roles & {Role.ADMIN, Role.SPECIALIST})
    return False


def idle_limit_seconds(user, roles: set[str] | None = None) -> int:
    minutes = settings.TOCHUC_ADMIN_IDLE_MINUTES if is_administrator(user, roles) else settings.TOCHUC_IDLE_MINUTES
    return minutes * 60


def session_expired(session, user, roles: set[str] | None = None, *, now: float | None = None) -> str:
    """'' while the session may go on, else 'idle' or 'absolute'. Stamps a session that has none."""
    now = time.time() if now is None else now
    login_at = session.get(LOGIN_AT)
    seen_at = session.get(SEEN_AT)
    if login_at is None or seen_at is None:
        session[LOGIN_AT] = login_at or now
        session[SEEN_AT] = seen_at or now
        return ""
    # A clock moved backwards (tests travelling in time) never expires a session.
    if now - login_at > settings.TOCHUC_SESSION_HOURS * 3600:
        return "absolute"
    if now - seen_at > idle_limit_seconds(user, roles):
        return "idle"
    # Writing the session on every request would cost a write per page; a minute is precise enough.
    if now - seen_at > 60 or now < seen_at:
        session[SEEN_AT] = now
    return ""


def password_change_due(user, roles: set[str] | None = None) -> bool:
    if getattr(user, "must_change_password", False):
        return True
    if not is_administrator(user, roles):
        return False
    changed = user.password_changed_at or user.date_joined
    return timezone.now() - changed > dt.timedelta(days=settings.TOCHUC_ADMIN_PASSWORD_DAYS)


@receiver(user_logged_in, dispatch_uid="tochuc_logged_in")
def _on_logged_in(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        now = time.time()
        request.session[LOGIN_AT] = now
        request.session[SEEN_AT] = now
    log_auth(action="auth.login", request=request, user=user)


@receiver(user_logged_out, dispatch_uid="tochuc_logged_out")
def _on_logged_out(sender, request, user, **kwargs):
    if user is not None:
        log_auth(action="auth.logout", request=request, user=user)


@receiver(user_login_failed, dispatch_uid="tochuc_login_failed")
def _on_login_failed(sender, credentials, request=None, **kwargs):
    username = str(credentials.get("username") or "")[:150]
    log_auth(action="auth.login", request=request, username=username, result="failed")
    ip = client_ip(request) if request is not None else None
    if failures(username, ip) == settings.TOCHUC_LOCKOUT_FAILURES:
        log_auth(action="auth.lockout", request=request, username=username, result="denied")
