"""Reading cell values the way Excel users actually type them, and writing them back safely.

Excel's usual mess is handled here: codes typed as numbers (123 -> "123"), numbers stored as
text ("2017"), dates as text or as date cells, and the ID number that Excel turned into a number
and stripped of its leading zero, which is detected and explained rather than guessed.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
from typing import Any

from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from tochuc.imports.schema import CODE, DATE, ID, INT, JSON
from tochuc.lib.dates import parse_date

# A cell starting with one of these is a formula to a spreadsheet (CWE-1236, SECURITY.md D6).
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\0")

MSG_ID_AS_NUMBER = (
    "Số CCCD {value} bị lưu dạng số nên Excel đã bỏ số 0 ở đầu (có lẽ là {guess}): "
    "đặt định dạng cột “Số CCCD” là Văn bản (Text) rồi nhập lại số đầy đủ"
)
MSG_ID_SCIENTIFIC = "Số CCCD {value!r} ở dạng số mũ (Excel đã làm tròn): đặt định dạng cột là Văn bản (Text) rồi nhập lại"
MSG_DATE_AS_NUMBER = "Ngày {value!r} là một số: đặt định dạng ô là Ngày (dd/mm/yyyy) hoặc nhập dạng văn bản dd/mm/yyyy"
MSG_INT = "Cần một số nguyên, nhận được {value!r}"
MSG_JSON = "Chi tiết phải là một đối tượng JSON ({{...}}), nhận được {value!r}"
MSG_REQUIRED = "Thiếu giá trị bắt buộc"
MSG_UNCACHED_FORMULA = (
    "Ô chứa công thức nhưng tệp không lưu giá trị đã tính (tệp do một chương trình không tính công thức tạo ra): "
    "mở tệp bằng Excel và lưu lại, hoặc thay công thức bằng giá trị"
)


class _UncachedFormula:
    """The value read from a formula cell that has no cached result (formulas are never evaluated)."""

    def __repr__(self) -> str:
        return "<công thức chưa tính>"

    def __str__(self) -> str:
        return "(công thức)"


UNCACHED_FORMULA = _UncachedFormula()


class CellError(ValueError):
    pass


def neutralise(text: str) -> str:
    """Text as it must be written to a spreadsheet cell so it is never read as a formula."""
    text = ILLEGAL_CHARACTERS_RE.sub("", text)
    if text.startswith(FORMULA_TRIGGERS):
        return "'" + text
    return text


def unneutralise(text: str) -> str:
    """Undo `neutralise` on import, so an export imports back to the same text."""
    if text.startswith("'") and text[1:].startswith(FORMULA_TRIGGERS):
        return text[1:]
    return text


def _number_text(value: int | float) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def to_text(value: Any) -> str:
    if type(value) is str:  # every CSV cell and most sheet cells: the common case first
        text = value.strip()
        return text[1:] if text[:1] == "'" and text[1:].startswith(FORMULA_TRIGGERS) else text
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, int | float):
        return _number_text(value)
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    return unneutralise(str(value).strip())


def convert(kind: str, value: Any) -> Any:
    """The typed value of a cell for a column type; "" / None when empty; CellError when wrong."""
    if value is UNCACHED_FORMULA:
        raise CellError(MSG_UNCACHED_FORMULA)
    if kind == DATE:
        return to_date(value)
    if kind == INT:
        return to_int(value)
    if kind == ID:
        return to_national_id(value)
    if kind == JSON:
        return to_json(value)
    text = to_text(value)
    if kind == CODE:
        return text
    return text


def to_date(value: Any) -> dt.date | None:
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        raise CellError(MSG_DATE_AS_NUMBER.format(value=_number_text(value)))
    text = to_text(value)
    if not text:
        return None
    # ISO with a time part, as some tools write dates
    if len(text) > 10 and text[4:5] == "-" and text[10:11] in ("T", " "):
        text = text[:10]
    try:
        return _parse_date(text)
    except ValueError as exc:
        raise CellError(str(exc)) from None


# a history repeats its dates on thousands of rows; a wrong date is not cached (it raises)
_parse_date = functools.lru_cache(maxsize=1 << 16)(parse_date)


def to_int(value: Any) -> int | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        raise CellError(MSG_INT.format(value=value))
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        if value.is_integer():
            return int(value)
        raise CellError(MSG_INT.format(value=value))
    text = to_text(value).replace(" ", "")
    try:
        return int(text)
    except ValueError:
        try:
            number = float(text)
        except ValueError:
            raise CellError(MSG_INT.format(value=text)) from None
        if number.is_integer():
            return int(number)
        raise CellError(MSG_INT.format(value=text)) from None


def to_national_id(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, int | float) and not isinstance(value, bool):
        if isinstance(value, float) and not value.is_integer():
            raise CellError(MSG_ID_SCIENTIFIC.format(value=value))
        digits = str(int(value))
        if len(digits) in (9, 12):
            return digits
        if len(digits) < 12:
            raise CellError(MSG_ID_AS_NUMBER.format(value=digits, guess=digits.zfill(12)))
        return digits
    text = to_text(value).replace(" ", "")
    if "e+" in text.lower():
        raise CellError(MSG_ID_SCIENTIFIC.format(value=text))
    if text.isdigit() and len(text) in (10, 11):
        # Text, but the zero was lost before (a CSV opened and saved in Excel)
        raise CellError(MSG_ID_AS_NUMBER.format(value=text, guess=text.zfill(12)))
    return text


def to_json(value: Any) -> dict:
    text = to_text(value)
    if not text:
        return {}
    try:
        data = json.loads(text)
    except ValueError:
        raise CellError(MSG_JSON.format(value=text[:80])) from None
    if not isinstance(data, dict):
        raise CellError(MSG_JSON.format(value=text[:80]))
    return data
