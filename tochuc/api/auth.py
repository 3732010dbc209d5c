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
from tochuc.accounts.ratelimit import MSG_RATE_LIMITED, hit
from tochuc.api.errors import error_response
from tochuc.api.services import api_token_check

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})

MSG_NO_CREDENTIALS = "Cần đăng nhập hoặc gửi khóa truy cập API (Authorization: Bearer …)"
MSG_CSRF = "Thiếu hoặc sai mã CSRF: yêu cầu ghi từ trình duyệt phải kèm tiêu đề X-CSRFToken"
MSG_METHOD = "Địa chỉ này chỉ nhận GET, không nhận {method}"
MSG_ROLE = {
    "record": "Vai trò của bạn chỉ được xem, không được ghi dữ liệu",
    "void": "Chỉ chuyên viên trở lên được hủy sự kiện",
}


def _require_action(scope: scoping.Scope, action: str) -> None:
    """Refuse early a write no grant of the user allows anywhere; per object checks follow."""
    if action == "view":
        return
    if not any(scoping.allows(g.role, action) for g in scope.grants):
        raise HttpError(403, MSG_ROLE[action])


def authenticate_token(request: HttpRequest, secret: str) -> HttpResponse | None:
    """Check a bearer token once per request; set what the middleware sets for a session (user,
    scope) so the reading register and the refusal log name this user. A refusal as a response."""
    found, refused = api_token_check(secret.strip())
    if refused:
        log_auth(
            action="api_token.refused",
            request=request,
            user=found.user if found is not None else None,
            result="failed",
            reason=refused,
        )
        return unauthenticated_response(refused)
    assert found is not None
    request.user = found.user
    request.scope = scoping.scope_for(found.user)  # type: ignore[attr-defined]
    request.api_token = found  # type: ignore[attr-defined]
    allowed, retry = hit(found.user, "api")  # the middleware counts sessions, not tokens
    if not allowed:
        log_access(request, action="limit.api", result="denied")
        return rate_limited_response(retry)
    return None


class TokenAuth(HttpBearer):
    """`Authorization: Bearer tc_…` (a token made with `tochuc api_token add`); `guard` has
    already checked it, this states it in the schema and applies the operation's role."""

    def __init__(self, action: str = "view"):
        super().__init__()
        self.action = action

    def authenticate(self, request: HttpRequest, token: str):
        if getattr(request, "api_token", None) is None:
            return None  # only reached without `guard`, which checks every bearer token
        _require_action(request.scope, self.action)  # type: ignore[attr-defined]
        return request.user


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
    """Every API route, before anything else: who is calling (a token, else the session, else
    401), and a browser session's write without its CSRF token is refused (403) even where no
    operation would answer, as on the rest of the site."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        header = request.headers.get("Authorization", "")
        if header.split(" ")[0].lower() == "bearer":
            refused = authenticate_token(request, header.split(" ", 1)[1] if " " in header else "")
            if refused is not None:
                return refused
        elif not request.user.is_authenticated:
            return unauthenticated_response()
        elif request.method not in SAFE_METHODS and check_csrf(request) is not None:
            return error_response(403, MSG_CSRF)
        return view(request, *args, **kwargs)

    wrapped.csrf_exempt = True  # type: ignore[attr-defined]
    return wrapped


def require_get(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """The schema and the API root are read only (the caller was checked by `guard`)."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if request.method not in ("GET", "HEAD"):
            response = error_response(405, MSG_METHOD.format(method=request.method))
            response["Allow"] = "GET, HEAD"
            return response
        return view(request, *args, **kwargs)

    return wrapped


def unauthenticated_response(message: str | None = None) -> HttpResponse:
    response = error_response(401, message or MSG_NO_CREDENTIALS)
    response["WWW-Authenticate"] = 'Bearer realm="tochuc"'
    return response


def rate_limited_response(retry: int) -> HttpResponse:
    response = error_response(429, MSG_RATE_LIMITED.format(retry=retry))
    response["Retry-After"] = str(retry)
    return response
