"""One error body for the whole API, in Vietnamese: `{"error": "...", ...}` with a proper status.

Rule refusals add `findings` (each naming its field), malformed input adds `fields`.
"""

from __future__ import annotations

import json
from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja.renderers import BaseRenderer
from ninja.responses import NinjaJSONEncoder

from tochuc.core.findings import Finding, RecordRefused

MSG_INVALID = "Dữ liệu gửi lên không hợp lệ"
MSG_REFUSED = "Không ghi được: quy định không cho phép"
MSG_UNCONFIRMED = "Cần xác nhận cảnh báo: gửi lại với \"confirm\": true"

# Pydantic error types -> Vietnamese; anything else falls back to MSG_FIELD_INVALID.
FIELD_MESSAGES = {
    "missing": "bắt buộc, chưa có",
    "int_parsing": "phải là số nguyên",
    "int_type": "phải là số nguyên",
    "int_from_float": "phải là số nguyên",
    "float_parsing": "phải là số",
    "bool_parsing": "phải là true hoặc false",
    "bool_type": "phải là true hoặc false",
    "string_type": "phải là chuỗi ký tự",
    "string_too_short": "quá ngắn",
    "string_too_long": "quá dài",
    "date_parsing": "phải là ngày dạng YYYY-MM-DD",
    "date_from_datetime_parsing": "phải là ngày dạng YYYY-MM-DD",
    "date_from_datetime_inexact": "phải là ngày dạng YYYY-MM-DD",
    "date_type": "phải là ngày dạng YYYY-MM-DD",
    "greater_than_equal": "nhỏ hơn giá trị cho phép",
    "less_than_equal": "lớn hơn giá trị cho phép",
    "greater_than": "nhỏ hơn giá trị cho phép",
    "less_than": "lớn hơn giá trị cho phép",
    "literal_error": "không thuộc các giá trị cho phép",
    "enum": "không thuộc các giá trị cho phép",
    "extra_forbidden": "không có trường này",
    "model_attributes_type": "phải là một đối tượng JSON",
    "dict_type": "phải là một đối tượng JSON",
    "json_invalid": "không phải JSON hợp lệ",
    "list_type": "phải là một danh sách",
    "string_nul": "không được chứa ký tự NUL",
}
MSG_FIELD_INVALID = "không hợp lệ"


class SafeJSONRenderer(BaseRenderer):
    """UTF-8 JSON with <, > and & escaped as \\u003c…: a name typed as HTML can never be read
    as markup by a browser that sniffs the response (the JSON value is unchanged)."""

    media_type = "application/json"

    def render(self, request: HttpRequest, data: Any, *, response_status: int) -> str:
        return dumps(data)


def dumps(data: Any) -> str:
    text = json.dumps(data, cls=NinjaJSONEncoder, ensure_ascii=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def error_response(status: int, message: str, **extra: Any) -> HttpResponse:
    return HttpResponse(
        dumps({"error": message, **extra}), status=status, content_type="application/json; charset=utf-8"
    )


def finding_json(f: Finding) -> dict[str, str]:
    return {"code": f.code, "level": str(f.level), "field": f.field, "message": f.message, "source": f.source}


def refused_response(refused: RecordRefused) -> HttpResponse:
    message = MSG_REFUSED if refused.errors else MSG_UNCONFIRMED
    return error_response(422, message, findings=[finding_json(f) for f in refused.findings])


def field_errors(errors: list[dict[str, Any]]) -> list[dict[str, str]]:
    out = []
    for e in errors:
        loc = [str(part) for part in e.get("loc", ())]
        # ("body", "data", "effective_on") -> "effective_on" (the body parameter's own name is
        # ours, not the caller's); ("query", "year") -> "year"
        names = loc[2:] if loc[:1] == ["body"] and len(loc) > 2 else loc[1:]
        field = ".".join(names) or ".".join(loc)
        out.append({"field": field, "message": f"{field}: {FIELD_MESSAGES.get(e.get('type', ''), MSG_FIELD_INVALID)}"})
    return out
