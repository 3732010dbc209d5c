"""The shapes of the API's requests and answers (pydantic, published in the OpenAPI schema)."""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Literal

from ninja import Schema
from pydantic import AfterValidator, BeforeValidator, ConfigDict, Field, StrictBool
from pydantic_core import PydanticCustomError

from tochuc.events.forms import FORMS

EventForm = Literal[tuple(FORMS)]  # type: ignore[valid-type]
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _iso_only(value: object) -> object:
    """Dates are YYYY-MM-DD text; pydantic alone would also read 0 or 1.5e9 as a timestamp."""
    if isinstance(value, dt.date) or (isinstance(value, str) and _ISO_DATE.fullmatch(value)):
        return value
    raise PydanticCustomError("date_parsing", "date must be YYYY-MM-DD")


IsoDate = Annotated[dt.date, BeforeValidator(_iso_only)]


def _no_nul(value: str) -> str:
    """PostgreSQL cannot store or compare a text holding the NUL character: refuse it here (422)
    rather than let the database fail (500)."""
    if "\x00" in value:
        raise PydanticCustomError("string_nul", "text must not contain NUL")
    return value


Text = Annotated[str, AfterValidator(_no_nul)]


def _whole(value: object) -> object:
    """A JSON integer, which JSON Schema lets a client write 12 or 12.0; never "12" nor true."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, bool) or not isinstance(value, int):
        raise PydanticCustomError("int_type", "value must be an integer")
    return value


# Limits inside the type, before the validator: on an optional field, Field(ge=…) would reach the schema as a bare "ge".
RecordId = Annotated[int, Field(ge=1, le=2**31 - 1), BeforeValidator(_whole)]
Year = Annotated[int, Field(ge=1930, le=2100), BeforeValidator(_whole)]


class Error(Schema):
    error: str


class JobPendingOut(Schema):
    """202: a scope this large is computed by a background job; ask again after `retry_after` s."""

    detail: str
    status: str
    progress: int = Field(description="percent done")
    step: str
    retry_after: int


class FieldError(Schema):
    field: str
    message: str


class InvalidInput(Error):
    fields: list[FieldError]


class FindingOut(Schema):
    code: str
    level: Literal["error", "warning", "info"]
    field: str
    message: str
    source: str


class Refused(Error):
    findings: list[FindingOut]


class UnitRef(Schema):
    code: str
    name: str


# --- units ---------------------------------------------------------------------------------


class UnitNode(Schema):
    code: str
    name: str
    kind: str
    kind_label: str
    members: int = Field(description="đảng viên trong cả cây con vào ngày đã chọn")
    direct_members: int = Field(description="đảng viên sinh hoạt trực tiếp tại đơn vị")
    children: list[UnitNode]


class UnitTree(Schema):
    on: dt.date
    units: list[UnitNode]


class UnitVersionOut(Schema):
    name: str
    kind: str
    parent_name: str
    valid_from: dt.date
    valid_to: dt.date | None


class StatusCountOut(Schema):
    status: str
    label: str
    count: int


class UnitOut(Schema):
    code: str
    name: str
    kind: str
    kind_label: str
    on: dt.date
    parent: UnitRef | None
    children: list[UnitRef]
    members: list[StatusCountOut]
    history: list[UnitVersionOut]


# --- people --------------------------------------------------------------------------------


class PersonRow(Schema):
    id: int
    code: str
    full_name: str
    birth_date: dt.date
    sex: str
    national_id: str = Field(description="số CCCD, luôn che (chỉ hiện chữ số đầu và cuối)")
    status: str
    status_label: str
    unit: UnitRef | None


class PersonPage(Schema):
    count: int
    capped: bool = Field(description="true: more people match than were ranked (count is the cap); narrow the name")
    page: int
    pages: int
    per_page: int
    items: list[PersonRow]


class PositionOut(Schema):
    position: str
    unit: str
    valid_from: dt.date
    valid_to: dt.date | None


class PersonOut(Schema):
    id: int
    code: str
    full_name: str
    birth_date: dt.date
    sex: str
    ethnicity: str
    religion: str
    national_id: str = Field(description="đầy đủ cho chuyên viên trở lên, che với vai trò khác")
    hometown: str
    education: str
    profession: str
    status: str
    status_label: str
    unit: UnitRef | None
    first_admitted_on: dt.date | None
    recognized_on: dt.date | None
    left_on: dt.date | None
    party_age: int | None
    positions: list[PositionOut]


class EventOut(Schema):
    id: int
    person_id: int | None
    kind: str
    kind_label: str
    subtype: str
    subtype_label: str
    effective_on: dt.date
    end_on: dt.date | None
    unit: UnitRef | None
    to_unit: UnitRef | None
    position: str
    term: str
    year: int | None
    decision_no: str
    decided_on: dt.date | None
    decided_by: str
    note: str
    details: dict[str, str | int | bool | None]
    voided: bool
    void_reason: str


class EventIn(Schema):
    """One event of a person, with the fields of the web form of the same name."""

    model_config = ConfigDict(extra="forbid")

    person_id: RecordId
    form: EventForm = Field(description="màn hình nhập tương ứng trên web: admission, recognition, …")  # type: ignore[valid-type]
    effective_on: IsoDate
    subtype: Text = Field("", max_length=64)
    award_code: Text = Field("", max_length=64)
    end_on: IsoDate | None = None
    unit: Text = Field("", max_length=64, description="mã đơn vị nơi xảy ra sự kiện")
    to_unit: Text = Field("", max_length=64, description="mã đơn vị đến")
    year: Year | None = None
    position: Text = Field("", max_length=255)
    voted_on: IsoDate | None = None
    education_exception: Text = Field("", max_length=255)
    cause: Text = Field("", max_length=64)
    expunged_on: IsoDate | None = None
    outside_org: Text = Field("", max_length=255)
    pending: StrictBool = False
    reason: Text = Field("", max_length=32)
    arrival_status: Text = Field("", max_length=16)
    admitted_on: IsoDate | None = None
    return_of: RecordId | None = None
    decision_no: Text = Field("", max_length=64)
    decided_on: IsoDate | None = None
    decided_by: Text = Field("", max_length=255)
    note: Text = Field("", max_length=4000)
    confirm: StrictBool = Field(False, description="xác nhận mọi cảnh báo của quy định")


class Recorded(Schema):
    event: EventOut
    findings: list[FindingOut]


class VoidIn(Schema):
    model_config = ConfigDict(extra="forbid")

    reason: Text = Field(min_length=1, max_length=1000)


# --- reports -------------------------------------------------------------------------------


Number = int | float


class PeriodOut(Schema):
    from_: dt.date = Field(alias="from")
    to: dt.date


class ReportFigure(Schema):
    label: str
    value: Number | None
    definition: str
    by_unit: dict[str, Number | None]
    terms: dict[str, int] | None = None


class AnnualReportOut(Schema):
    report: Literal["annual"]
    unit: UnitRef
    period: PeriodOut
    figures: dict[str, ReportFigure]
    text: str
    units: list[UnitRef]


class FigureOut(Schema):
    key: str
    label: str
    value: Number | None
    definition: str
    unit: UnitRef
    period: PeriodOut
    by_unit: dict[str, Number | None]


class Column(Schema):
    key: str
    label: str


class FigureRow(Schema):
    person_id: int | None
    values: dict[str, str]


class FigureRows(Schema):
    key: str
    label: str
    count: int
    page: int
    pages: int
    per_page: int
    columns: list[Column]
    items: list[FigureRow]
