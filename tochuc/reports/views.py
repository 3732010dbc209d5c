"""Dashboard, drill-down and year-end report pages. Scoped through `accounts.scoping` only."""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from tochuc.accounts import scoping
from tochuc.accounts.access import log_access
from tochuc.lib.dates import format_date, parse_date
from tochuc.reports import figures as F
from tochuc.reports import jobs
from tochuc.reports.annual import build_annual, display, result_of, rows_of
from tochuc.reports.exporters import (
    BREAKDOWN_COLUMNS,
    CORE_KEYS,
    FORMATS,
    file_name,
    html_context,
    rows_to_xlsx,
)
from tochuc.reports.selectors import (
    ReportError,
    build_frame,
    get_def,
    has_data,
)
from tochuc.units.models import Unit
from tochuc.units.selectors import version_on

PAGE_SIZE = 50


class BadPeriod(Exception):
    pass


def _period(request: HttpRequest) -> F.Period:
    """?nam=2017, or ?tu=…&den=… (dd/mm/yyyy or ISO); the current year by default."""
    start, end = request.GET.get("tu", "").strip(), request.GET.get("den", "").strip()
    if start or end:
        try:
            return F.Period(parse_date(start), parse_date(end))
        except ValueError as exc:
            raise BadPeriod(str(exc)) from None
    raw = request.GET.get("nam", "").strip()
    if not raw:
        return F.Period.year(timezone.localdate().year)
    if not raw.isdigit() or not 1930 <= int(raw) <= timezone.localdate().year:
        raise BadPeriod(f"Năm không hợp lệ: {raw}")
    return F.Period.year(int(raw))


def _unit(request: HttpRequest) -> Unit:
    """The chosen unit (404 outside the scope), else the user's first root."""
    code = request.GET.get("don_vi", "").strip()
    scope = request.scope  # type: ignore[attr-defined]
    if code:
        unit = scoping.get_unit(scope, code)
    else:
        unit = Unit.objects.filter(pk__in=scope.root_unit_ids).order_by("code").first()
        if unit is None:
            raise PermissionDenied("Tài khoản chưa được phân quyền đơn vị nào")
    return unit


def _allowed(request: HttpRequest, unit: Unit, period: F.Period, action: str) -> None:
    scope = request.scope  # type: ignore[attr-defined]
    role = scoping.role_for_unit(scope, unit) or scoping.role_for_unit(scope, unit, on=period.end)
    if role is None:
        raise Http404("Không tìm thấy đơn vị")
    if not scoping.allows(role, action):
        raise PermissionDenied


def _query(unit: Unit, period: F.Period, **extra: str) -> str:
    params = {"don_vi": unit.code}
    if period.is_calendar_year:
        params["nam"] = str(period.start.year)
    else:
        params["tu"], params["den"] = period.start.isoformat(), period.end.isoformat()
    params.update({k: v for k, v in extra.items() if v})
    return "?" + urlencode(params)


PICKER_SIZE = 500


def _scope_units(request: HttpRequest, on: dt.date) -> list[tuple[str, str]]:
    """Units the user may pick: their roots and two levels below (a datalist, not a tree), at
    most PICKER_SIZE, the upper levels first: under the nation every province is offered even when
    the districts below them do not all fit (cut by path, the list stopped inside the second
    province). Shown in tree order."""
    versions = scoping.unit_versions(request.scope, on=on).select_related("unit")  # type: ignore[attr-defined]
    roots = {v.depth for v in versions.filter(unit_id__in=request.scope.root_unit_ids)}  # type: ignore[attr-defined]
    top = min(roots) if roots else 0
    kept = versions.filter(depth__lte=top + 2).order_by("depth", "path")[:PICKER_SIZE]
    return [(v.unit.code, v.name) for v in sorted(kept, key=lambda v: v.path)]


def _form_context(request: HttpRequest, unit: Unit, period: F.Period) -> dict:
    today = timezone.localdate()
    on = min(period.end, today)
    version = version_on(unit, on)
    return {
        "unit": unit,
        "unit_name": version.name if version else unit.code,
        "period": period,
        "years": list(range(today.year, today.year - 15, -1)),
        "choices": _scope_units(request, today),
        "tu": format_date(period.start),
        "den": format_date(period.end),
    }


def _waiting(request: HttpRequest, job, unit_name: str, period: F.Period) -> HttpResponse:
    """202: the figures are being computed by a background job; the page reloads itself."""
    return render(
        request,
        "reports/job.html",
        {"job": job, "unit_name": unit_name, "period": period, "refresh": 3},
        status=202,
    )


def _error(request: HttpRequest, template: str, message: str, status: int = 400) -> HttpResponse:
    return render(request, template, {"error": message}, status=status)


@login_required
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    try:
        period = _period(request)
    except BadPeriod as exc:
        return _error(request, "reports/dashboard.html", str(exc))
    unit = _unit(request)
    _allowed(request, unit, period, "view")
    try:
        frame = build_frame(scope=request.scope, code=unit.code, period=period)  # type: ignore[attr-defined]
    except ReportError as exc:
        return _error(request, "reports/dashboard.html", exc.message)
    try:
        results = jobs.figures(frame, user=request.user)
    except jobs.JobPending as pending:
        return _waiting(request, pending.job, frame.root_name, period)
    query = _query(unit, period)
    sections: dict[str, list] = {title: [] for title in F.SECTIONS.values()}
    for r in results.values():
        d = get_def(frame, r.key)
        if r.value is None:
            continue
        sections[F.SECTIONS[d.section]].append(
            {
                "key": r.key,
                "label": r.label,
                "definition": r.definition,
                "text": display(r.value, r.key),
                "value": r.value,
                "core": r.key in CORE_KEYS,
            }
        )
    columns = [(k, label) for k, label in BREAKDOWN_COLUMNS if results[k].value is not None]
    breakdown = []
    for b in frame.buckets:
        cells = []
        for k, _ in columns:
            v = results[k].by_bucket.get(b.unit_id)
            link = get_def(frame, k).has_rows and v is not None
            cells.append(
                {
                    "key": k,
                    "text": display(v, k),
                    "query": _query(unit, period, nhanh=b.code) if link else "",
                }
            )
        if not any(results[k].by_bucket.get(b.unit_id) for k, _ in columns):
            continue  # nothing to show: the root itself, agencies kept for cadre work
        breakdown.append({"bucket": b, "cells": cells})
    context = _form_context(request, unit, period) | {
        "frame": frame,
        "sections": [(t, rows) for t, rows in sections.items() if rows],
        "columns": columns,
        "breakdown": breakdown,
        "query": query,
        "empty": not has_data(frame, results),
        "zero_sections": {
            t for t, rows in sections.items() if any(not f["value"] and not f["core"] for f in rows)
        },
    }
    return render(request, "reports/dashboard.html", context)


@login_required
@require_GET
def figure_detail(request: HttpRequest, key: str) -> HttpResponse:
    try:
        period = _period(request)
    except BadPeriod as exc:
        return _error(request, "reports/figure.html", str(exc))
    unit = _unit(request)
    exporting = request.GET.get("xuat") == "xlsx"
    _allowed(request, unit, period, "export" if exporting else "view")
    try:
        frame = build_frame(scope=request.scope, code=unit.code, period=period)  # type: ignore[attr-defined]
        d = get_def(frame, key)
    except ReportError as exc:
        return _error(request, "reports/figure.html", exc.message, status=404)
    bucket_code = request.GET.get("nhanh", "").strip()
    bucket = frame.bucket_by_code(bucket_code) if bucket_code else None
    if bucket_code and bucket is None:
        raise Http404("Không có đơn vị này trong phạm vi báo cáo")
    result = result_of(frame, key)
    order = request.GET.get("sap", "")
    rows = (
        rows_of(frame, key, bucket=bucket.unit_id if bucket else None, order=order)
        if d.has_rows
        else None
    )
    where = frame.root_name + (f" – {bucket.name}" if bucket else "")
    if exporting and rows is not None:
        data = rows_to_xlsx(
            rows,
            title=f"{d.label}: {display(result.by_bucket.get(bucket.unit_id) if bucket else result.value, key)}",
            subtitle=f"{where}, {period.label()}",
        )
        log_access(
            request,
            action="export",
            object_type="figure",
            object_id=key,
            unit=unit.code,
            branch=bucket_code,
            period=[period.start.isoformat(), period.end.isoformat()],
            format="xlsx",
            rows=rows.queryset.count()
            if hasattr(rows.queryset, "count") and not isinstance(rows.queryset, list)
            else len(rows.queryset),
        )
        response = HttpResponse(data, content_type=FORMATS["xlsx"].content_type)
        safe_key = "".join(ch if ch.isalnum() or ch in "._-" else "-" for ch in key)
        response["Content-Disposition"] = f'attachment; filename="chi-so-{safe_key}.xlsx"'
        response["Cache-Control"] = "no-store"
        return response
    page = None
    if rows is not None:
        page = rows.paginator(PAGE_SIZE).get_page(request.GET.get("trang"))
        rendered = [rows.render(r) for r in page.object_list]  # type: ignore[operator]
        page.rendered = [  # type: ignore[attr-defined]
            {
                "person_id": r.get("person_id"),
                "cells": [(c.key, r.get(c.key, "")) for c in rows.columns],
            }
            for r in rendered
        ]
    base = _query(unit, period, nhanh=bucket_code)
    context = _form_context(request, unit, period) | {
        "figure": d,
        "result": result,
        "value_text": display(
            result.by_bucket.get(bucket.unit_id) if bucket else result.value, key
        ),
        "total_text": display(result.value, key),
        "bucket": bucket,
        "where": where,
        "rows": rows,
        "page": page,
        "order": order,
        "base_query": base,
        "sort_query": base + "&sap=",
        "page_query": base + (f"&sap={order}" if order else "") + "&trang=",
        "export_query": base + (f"&sap={order}" if order else "") + "&xuat=xlsx",
        "dashboard_query": _query(unit, period),
        "metric_query": _query(unit, period),
    }
    return render(request, "reports/figure.html", context)


def _load_annual(request: HttpRequest, action: str):
    """(unit, period, report) for the annual pages, or the response that explains what is wrong."""
    try:
        period = _period(request)
        if not period.is_calendar_year:
            raise BadPeriod("Báo cáo tổng kết năm cần chọn một năm")
    except BadPeriod as exc:
        return _error(request, "reports/annual.html", str(exc))
    unit = _unit(request)
    _allowed(request, unit, period, action)
    try:
        report = build_annual(
            scope=request.scope,  # type: ignore[attr-defined]
            code=unit.code,
            year=period.start.year,
            figures=jobs.for_page(request.user),
        )
    except jobs.JobPending as pending:
        version = version_on(unit, min(period.end, timezone.localdate()))
        return _waiting(request, pending.job, version.name if version else unit.code, period)
    except ReportError as exc:
        return render(
            request,
            "reports/annual.html",
            _form_context(request, unit, period) | {"error": exc.message},
            status=404,
        )
    return unit, period, report


@login_required
@require_GET
def annual(request: HttpRequest) -> HttpResponse:
    loaded = _load_annual(request, "view")
    if isinstance(loaded, HttpResponse):
        return loaded
    unit, period, report = loaded
    context = (
        _form_context(request, unit, period)
        | html_context(report)
        | {
            "query": _query(unit, period),
            "formats": [(key, f.label) for key, f in FORMATS.items()],
            "figure_link": "/bao-cao/chi-so/",
            "figure_query": _query(unit, period),
        }
    )
    return render(request, "reports/annual.html", context)


@login_required
@require_GET
def annual_download(request: HttpRequest, fmt: str) -> HttpResponse:
    if fmt not in FORMATS:
        raise Http404("Định dạng không hỗ trợ")
    loaded = _load_annual(request, "export")
    if isinstance(loaded, HttpResponse):
        return loaded
    unit, period, report = loaded
    f = FORMATS[fmt]
    data = f.render(report)
    log_access(
        request,
        action="export",
        object_type="report",
        object_id=f"annual:{unit.code}:{period.start.year}",
        unit=unit.code,
        year=period.start.year,
        format=fmt,
        size=len(data),
    )
    response = HttpResponse(data, content_type=f.content_type)
    response["Content-Disposition"] = f'attachment; filename="{file_name(report, f.extension)}"'
    response["Cache-Control"] = "no-store"
    return response
