"""`/api/v1/reports/annual` and `/api/v1/figures/{key}`: the report JSON of DESIGN.md §5 and one
figure with the rows behind it, built by the same functions as the CLI and the report pages."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated

from django.http import Http404, HttpRequest
from django.utils import timezone
from ninja import Path, Query, Router, Status

from tochuc.accounts import scoping
from tochuc.api.errors import error_response
from tochuc.api.schemas import (
    AnnualReportOut,
    Error,
    FigureOut,
    FigureRows,
    InvalidInput,
    IsoDate,
    JobPendingOut,
    Text,
)
from tochuc.reports import figures as F
from tochuc.reports import jobs
from tochuc.reports.annual import build_annual, result_of, rows_of
from tochuc.reports.selectors import ReportError, build_frame, get_def

router = Router(tags=["Báo cáo"])
ERRORS = {400: Error, 401: Error, 403: Error, 404: Error, 422: InvalidInput, 429: Error}
PAGE_SIZE = 50

MSG_YEAR = "Năm báo cáo không hợp lệ: {value} (từ 1930 đến {last})"
MSG_NO_ROWS = "Chỉ số “{key}” không có danh sách chi tiết"
MSG_PENDING = "Phạm vi lớn: số liệu đang được tính riêng; hỏi lại sau ít giây"
RETRY_AFTER = 5


def _number(value: int | Decimal | None) -> int | float | None:
    return float(value) if isinstance(value, Decimal) else value


def _unit(request: HttpRequest, code: str, end: dt.date):
    """The unit in scope (404 outside it) that the user may view on the period's last day."""
    scope = request.scope  # type: ignore[attr-defined]
    unit = scoping.get_unit(scope, code.strip())
    role = scoping.role_for_unit(scope, unit) or scoping.role_for_unit(scope, unit, on=end)
    if role is None:
        raise Http404("Không tìm thấy đơn vị")
    return unit


def _period(start: dt.date, end: dt.date):
    if start > end:
        return None, error_response(
            422, "Khoảng thời gian không hợp lệ", fields=[{"field": "to", "message": f"to: {end.isoformat()} trước from {start.isoformat()}"}]
        )
    return F.Period(start, end), None


@router.get(
    "/reports/annual",
    response={200: AnnualReportOut, 202: JobPendingOut, **ERRORS},
    by_alias=True,
    exclude_unset=True,  # "terms" only on the figures that have them, as in the CLI's JSON
    url_name="report_annual",
    summary="Báo cáo tổng kết năm (JSON như `tochuc report annual --format json`)",
)
def annual(request: HttpRequest, unit: Annotated[Text, Query(min_length=1, max_length=64)], year: Annotated[int, Query(ge=1, le=9999)]):
    last = timezone.localdate().year
    if not 1930 <= year <= last:
        return error_response(422, MSG_YEAR.format(value=year, last=last), fields=[{"field": "year", "message": MSG_YEAR.format(value=year, last=last)}])
    root = _unit(request, unit, dt.date(year, 12, 31))
    try:
        report = build_annual(scope=request.scope, code=root.code, year=year, figures=jobs.for_page(request.user))  # type: ignore[attr-defined]
    except jobs.JobPending as pending:
        job = pending.job
        return Status(202, {
            "detail": MSG_PENDING, "status": job.status, "progress": job.progress, "step": job.step,
            "retry_after": RETRY_AFTER,
        })
    except ReportError as exc:
        return error_response(404, exc.message)
    return report.to_json()


def _frame(request: HttpRequest, key: str, unit: str, start: dt.date, end: dt.date):
    period, bad = _period(start, end)
    if bad is not None:
        return None, bad
    root = _unit(request, unit, end)
    try:
        frame = build_frame(scope=request.scope, code=root.code, period=period)  # type: ignore[attr-defined]
        get_def(frame, key)
    except ReportError as exc:
        return None, error_response(404, exc.message)
    return frame, None


@router.get(
    "/figures/{key}",
    response={200: FigureOut, **ERRORS},
    by_alias=True,
    url_name="figure",
    summary="Một chỉ số cho một đơn vị và khoảng thời gian (như `tochuc report figure --json`)",
)
def figure(
    request: HttpRequest,
    key: Annotated[Text, Path(max_length=128)],
    unit: Annotated[Text, Query(min_length=1, max_length=64)],
    start: Annotated[IsoDate, Query(alias="from")],
    end: Annotated[IsoDate, Query(alias="to")],
):
    frame, bad = _frame(request, key, unit, start, end)
    if bad is not None:
        return bad
    result = result_of(frame, key)  # the cadre figures too
    return {
        "key": result.key,
        "label": result.label,
        "value": _number(result.value),
        "definition": result.definition,
        "unit": {"code": frame.root.code, "name": frame.root_name},
        "period": {"from": start, "to": end},
        "by_unit": {b.code: _number(result.by_bucket[b.unit_id]) for b in frame.buckets if b.unit_id in result.by_bucket},
    }


@router.get(
    "/figures/{key}/rows",
    response={200: FigureRows, **ERRORS},
    url_name="figure_rows",
    summary="Danh sách người, sự kiện đứng sau một chỉ số (phân trang)",
)
def rows(
    request: HttpRequest,
    key: Annotated[Text, Path(max_length=128)],
    unit: Annotated[Text, Query(min_length=1, max_length=64)],
    start: Annotated[IsoDate, Query(alias="from")],
    end: Annotated[IsoDate, Query(alias="to")],
    page: Annotated[int, Query(ge=1, le=100000)] = 1,
):
    frame, bad = _frame(request, key, unit, start, end)
    if bad is not None:
        return bad
    d = get_def(frame, key)
    if not d.has_rows:
        return error_response(404, MSG_NO_ROWS.format(key=key))
    try:
        found = rows_of(frame, key)
    except ReportError as exc:
        return error_response(404, exc.message)
    paged = found.paginator(PAGE_SIZE).get_page(page)  # takes the count already known
    items = []
    for raw in paged.object_list:
        shown = found.render(raw)  # type: ignore[operator]
        items.append(
            {
                "person_id": shown.get("person_id"),
                "values": {c.key: "" if shown.get(c.key) is None else str(shown.get(c.key)) for c in found.columns},
            }
        )
    return {
        "key": key,
        "label": d.label,
        "count": paged.paginator.count,
        "page": paged.number,
        "pages": paged.paginator.num_pages,
        "per_page": PAGE_SIZE,
        "columns": [{"key": c.key, "label": c.label} for c in found.columns],
        "items": items,
    }
