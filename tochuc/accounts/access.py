"""The reading register (SECURITY.md E3): who read or exported which personal record, and refusals."""

from __future__ import annotations

from django.http import HttpRequest

from tochuc.accounts.models import AccessLog


def client_ip(request: HttpRequest) -> str | None:
    # Only REMOTE_ADDR: a proxy header is trusted only where a deployment configures it.
    return request.META.get("REMOTE_ADDR") or None


def log_access(
    request: HttpRequest, *, action: str, obj=None, object_type: str = "", object_id: str = "", result: str = "ok", **detail
) -> AccessLog:
    user = request.user if getattr(request, "user", None) is not None and request.user.is_authenticated else None
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
    return AccessLog.objects.create(
        user=user, ip=client_ip(request), action=action, object_type=object_type, object_id=object_id, result=result, detail=detail
    )
