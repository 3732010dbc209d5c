"""The reading register (SECURITY.md E3): who read or exported which personal record, and refusals.

And the security log (E4): authentication and account administration, in `AuthEvent`.
"""

from __future__ import annotations

from django.http import HttpRequest

from tochuc.accounts.models import AccessLog, AuthEvent


def client_ip(request: HttpRequest) -> str | None:
    # Only REMOTE_ADDR: a proxy header is trusted only where a deployment configures it.
    return request.META.get("REMOTE_ADDR") or None


def client_port(request: HttpRequest | None) -> int | None:
    raw = request.META.get("REMOTE_PORT") if request is not None else None
    try:
        return int(raw) if raw else None
    except ValueError:
        return None


def log_access(
    request: HttpRequest, *, action: str, obj=None, object_type: str = "", object_id: str = "", result: str = "ok", **detail
) -> AccessLog:
    user = request.user if getattr(request, "user", None) is not None and request.user.is_authenticated else None
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
    # The middleware logs reads of personal records that a view did not log itself.
    request.access_logged = True  # type: ignore[attr-defined]
    return AccessLog.objects.create(
        user=user,
        ip=client_ip(request),
        port=client_port(request),
        action=action,
        object_type=object_type[:64],
        object_id=object_id[:64],
        result=result,
        detail=detail,
    )


def log_auth(
    *, action: str, request: HttpRequest | None = None, user=None, username: str = "", result: str = "ok", by=None, **detail
) -> AuthEvent:
    if user is not None and not username:
        username = user.get_username()
    return AuthEvent.objects.create(
        user=user if getattr(user, "pk", None) else None,
        username=(username or "")[:150],
        ip=client_ip(request) if request is not None else None,
        port=client_port(request),
        action=action,
        result=result,
        by=by if getattr(by, "pk", None) else None,
        detail=detail,
    )
