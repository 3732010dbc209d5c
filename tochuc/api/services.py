"""Creating, revoking and checking API tokens (the writes go through here, as everywhere)."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from tochuc.accounts.access import log_auth
from tochuc.api.models import ApiToken
from tochuc.core.findings import Finding, Level, RecordRefused
from tochuc.core.models import audit

TOKEN_PREFIX = "tc_"
DEFAULT_DAYS = 90
MAX_DAYS = 365
# Writing `last_used_at` on every request would take the SQLite write lock for each read.
LAST_USED_PRECISION = dt.timedelta(minutes=1)

MSG_NAME = "Thiếu tên của khóa truy cập (ví dụ: --name 'Cổng thông tin')"
MSG_DAYS = "Số ngày hiệu lực phải từ 1 đến {max}, nhận được {value}"
MSG_INACTIVE = "Tài khoản {username} đã bị khóa: không cấp khóa truy cập API"
MSG_REVOKED_TWICE = "Khóa truy cập #{pk} đã bị thu hồi lúc {at}"

# Why a presented token is refused (the API says the same words to the client).
REFUSED_UNKNOWN = "Khóa truy cập API không hợp lệ"
REFUSED_REVOKED = "Khóa truy cập API đã bị thu hồi"
REFUSED_EXPIRED = "Khóa truy cập API đã hết hạn"
REFUSED_INACTIVE = "Tài khoản của khóa truy cập API đã bị khóa"


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class NewToken:
    token: ApiToken
    secret: str  # shown once, never stored


@transaction.atomic
def api_token_create(*, by, user, name: str, days: int = DEFAULT_DAYS) -> NewToken:
    name = (name or "").strip()
    findings = []
    if not name:
        findings.append(Finding("api_token.name", Level.ERROR, MSG_NAME, "name"))
    if not 1 <= days <= MAX_DAYS:
        findings.append(Finding("api_token.days", Level.ERROR, MSG_DAYS.format(max=MAX_DAYS, value=days), "days"))
    if not user.is_active:
        findings.append(Finding("api_token.user", Level.ERROR, MSG_INACTIVE.format(username=user.username), "user"))
    if findings:
        raise RecordRefused(findings)
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user,
        name=name[:100],
        prefix=secret[: len(TOKEN_PREFIX) + 6],
        key_hash=hash_secret(secret),
        created_by=by if getattr(by, "pk", None) else None,
        expires_at=timezone.now() + dt.timedelta(days=days),
    )
    log_auth(action="api_token.create", user=user, by=by, token=token.pk, name=token.name, days=days)
    audit(by=by, action="api_token.create", obj=token, changes={"user": user.username, "name": token.name, "days": days})
    return NewToken(token, secret)


@transaction.atomic
def api_token_revoke(*, by, token: ApiToken) -> ApiToken:
    token = ApiToken.objects.select_for_update().get(pk=token.pk)
    if token.revoked_on is not None:
        at = timezone.localtime(token.revoked_on).strftime("%H:%M %d/%m/%Y")
        raise RecordRefused([Finding("api_token.revoked", Level.ERROR, MSG_REVOKED_TWICE.format(pk=token.pk, at=at), "token")])
    token.revoked_on = timezone.now()
    token.revoked_by = by if getattr(by, "pk", None) else None
    token.save(update_fields=["revoked_on", "revoked_by"])
    log_auth(action="api_token.revoke", user=token.user, by=by, token=token.pk, name=token.name)
    audit(by=by, action="api_token.revoke", obj=token, changes={"user": token.user.username, "name": token.name})
    return token


def api_token_check(secret: str, *, now: dt.datetime | None = None) -> tuple[ApiToken | None, str]:
    """(token, "") when the secret opens the API, else (token or None, why it does not)."""
    now = now or timezone.now()
    token = ApiToken.objects.select_related("user").filter(key_hash=hash_secret(secret or "")).first()
    if token is None:
        return None, REFUSED_UNKNOWN
    if token.revoked_on is not None:
        return token, REFUSED_REVOKED
    if token.expires_at <= now:
        return token, REFUSED_EXPIRED
    if not token.user.is_active:
        return token, REFUSED_INACTIVE
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_PRECISION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token, ""
