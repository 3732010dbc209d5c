"""The JSON API, mounted at /api/v1/ (DESIGN.md §2.6: the same services as pages and the CLI).

Every route needs a session or a token (401 otherwise); the OpenAPI schema is at
/api/v1/openapi.json for callers who are signed in. The interactive docs page is off: its
inline scripts would need exceptions to the site's Content-Security-Policy, and docs/api.md
describes the API for integrators.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import URLPattern
from ninja import NinjaAPI
from ninja.errors import HttpError, ValidationError

from tochuc.api import events, people, reports, units
from tochuc.api.auth import (
    auth_for,
    guard,
    require_get,
    unauthenticated_response,
)
from tochuc.api.errors import (
    MSG_INVALID,
    SafeJSONRenderer,
    error_response,
    field_errors,
    refused_response,
)
from tochuc.core.findings import RecordRefused

app_name = "api"

MSG_NOT_FOUND = "Không tìm thấy"
MSG_FORBIDDEN = "Vai trò của bạn không được làm việc này"
# ninja's own English messages, in the words of the rest of the API
HTTP_ERRORS = {
    "Cannot parse request body": "Nội dung yêu cầu không phải JSON hợp lệ",
    "Forbidden": MSG_FORBIDDEN,
}
MSG_ROOT = "Không có tài nguyên ở địa chỉ này; danh sách các địa chỉ: /api/v1/openapi.json"


class TochucAPI(NinjaAPI):
    def _get_urls(self):
        patterns = super()._get_urls()
        for pattern in patterns:
            if isinstance(pattern, URLPattern):
                pattern.callback = guard(pattern.callback)
        return patterns


def _root(request: HttpRequest, **kwargs) -> HttpResponse:
    return error_response(404, MSG_ROOT)


api = TochucAPI(
    title="tochuc API",
    version="1",
    description="API JSON của hệ thống quản lý công tác tổ chức xây dựng Đảng. Xem docs/api.md.",
    urls_namespace=app_name,
    auth=auth_for("view"),
    renderer=SafeJSONRenderer(),
    docs_url=None,
    docs_decorator=require_get,
)
api.add_router("/units/", units.router)
api.add_router("/people/", people.router)
api.add_router("/events/", events.router)
api.add_router("/", reports.router)


@api.exception_handler(Http404)
def _not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return error_response(404, str(exc) or MSG_NOT_FOUND)


@api.exception_handler(PermissionDenied)
def _forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return error_response(403, str(exc) or MSG_FORBIDDEN)


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    if exc.status_code == 401:
        return unauthenticated_response(exc.message if exc.message != "Unauthorized" else None)
    return error_response(exc.status_code, HTTP_ERRORS.get(exc.message, exc.message))


@api.exception_handler(ValidationError)
def _invalid(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    return error_response(422, MSG_INVALID, fields=field_errors(exc.errors))


@api.exception_handler(RecordRefused)
def _refused(request: HttpRequest, exc: RecordRefused) -> HttpResponse:
    return refused_response(exc)


urlpatterns = api.urls[0]
# The API root answers like the rest: a caller first (401), then a plain JSON 404.
for _pattern in urlpatterns:
    if isinstance(_pattern, URLPattern) and _pattern.name == "api-root":
        _pattern.callback = guard(require_get(_root))
