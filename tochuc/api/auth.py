"""Who is calling: a bearer token (scripts) or the browser session (pages), and what they may do.

Both end with the same `request.user` and `request.scope` the web pages use, so every endpoint
applies the user's grants exactly as the web does. Writes are refused before the body is read
when no grant of the user's allows them (a viewer gets 403 whatever they send).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from ninja.errors import HttpError
from ninja.security import APIKeyCookie, HttpBearer
from ninja.utils import check_csrf

from tochuc.accounts import scoping
from tochuc.accounts.access import log_access, log_auth
from tochuc.accounts.ratelimit import hit
from tochuc.api.errors import error_response
from tochuc.api.services import api_token_check
from tochuc.core.middleware import MSG_RATE_LIMITED

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})

MSG_NO_CREDENTIALS = "Cần đăng nhập hoặc gửi khóa truy cập API (Authorization: Bearer …)"
MSG_CSRF = "Thiếu hoặc sai mã CSRF: yêu cầu ghi từ trình duyệt phải kèm tiêu đề X-CSRFToken"
MSG_METHOD = "Địa chỉ này chỉ nhận GET, không nhận {method}"
MSG_ROLE = {
    "record": "Vai trò của bạn chỉ được xem, không được ghi dữ liệu",
    "void": "Chỉ chuyên viên trở lên được hủy sự kiện",
}


class RateLimited(Exception):
    def __init__(self, retry: int):
        super().__init__(retry)
        self.retry = retry


def _require_action(scope: scoping.Scope, action: str) -> None:
    """Refuse early a write no grant of the user allows anywhere; per object checks follow."""
    if action == "view":
        return
    if not any(scoping.allows(g.role, action) for g in scope.grants):
        raise HttpError(403, MSG_ROLE[action])


def _bearer(request: HttpRequest) -> bool:
    return request.headers.get("Authorization", "").split(" ")[0].lower() == "bearer"


class TokenAuth(HttpBearer):
    """`Authorization: Bearer tc_…` (a token made with `tochuc api_token add`)."""

    def __init__(self, action: str = "view"):
        super().__init__()
        self.action = action

    def authenticate(self, request: HttpRequest, token: str):
        found, refused = api_token_check(token.strip())
        if refused:
            log_auth(
                action="api_token.refused",
                request=request,
                user=found.user if found is not None else None,
                result="failed",
                reason=refused,
            )
            raise HttpError(401, refused)
        assert found is not None
        user = found.user
        # The middleware ran before the token was read: what it would have set, set now, so the
        # reading register and the refusal log name this user.
        request.user = user
        request.scope = scoping.scope_for(user)  # type: ignore[attr-defined]
        request.api_token = found  # type: ignore[attr-defined]
        allowed, retry = hit(user, "api")  # the middleware counts sessions, not tokens
        if not allowed:
            log_access(request, action="limit.api", result="denied")
            raise RateLimited(retry)
        _require_action(request.scope, self.action)  # type: ignore[attr-defined]
        return user


class SessionAuth(APIKeyCookie):
    """The logged-in browser user; writes need the CSRF token, as every form of the site."""

    param_name = settings.SESSION_COOKIE_NAME

    def __init__(self, action: str = "view"):
        super().__init__(csrf=True)
        self.action = action

    def _get_key(self, request: HttpRequest):
        if not request.user.is_authenticated:
            return None
        if request.method not in SAFE_METHODS and check_csrf(request) is not None:
            raise HttpError(403, MSG_CSRF)
        return request.COOKIES.get(self.param_name) or "session"

    def authenticate(self, request: HttpRequest, key):
        if key is None:
            return None
        _require_action(request.scope, self.action)  # type: ignore[attr-defined]
        return request.user


def auth_for(action: str = "view") -> list:
    return [TokenAuth(action), SessionAuth(action)]


def guard(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Every API route, before anything else: a browser session's write without its CSRF token
    is refused even where no operation would answer (405), as on the rest of the site."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if (
            request.method not in SAFE_METHODS
            and not _bearer(request)
            and request.user.is_authenticated
            and check_csrf(request) is not None
        ):
            return error_response(403, MSG_CSRF)
        return view(request, *args, **kwargs)

    wrapped.csrf_exempt = True  # type: ignore[attr-defined]
    return wrapped


def require_caller(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """For the schema and the API root (read only): a session or a valid token, else 401."""
    checks = auth_for("view")

    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if request.method not in ("GET", "HEAD"):
            response = error_response(405, MSG_METHOD.format(method=request.method))
            response["Allow"] = "GET, HEAD"
            return response
        try:
            for check in checks:
                if check(request):
                    return view(request, *args, **kwargs)
        except HttpError as exc:
            return error_response(exc.status_code, exc.message)
        except RateLimited as exc:
            return rate_limited_response(exc.retry)
        return unauthenticated_response()

    return wrapped


def unauthenticated_response(message: str | None = None) -> HttpResponse:
    response = error_response(401, message or MSG_NO_CREDENTIALS)
    response["WWW-Authenticate"] = 'Bearer realm="tochuc"'
    return response


def rate_limited_response(retry: int) -> HttpResponse:
    response = error_response(429, MSG_RATE_LIMITED.format(retry=retry))
    response["Retry-After"] = str(retry)
    return response
