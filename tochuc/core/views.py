from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import Resolver404, resolve
from django.views.decorators.http import require_GET

from tochuc.accounts import scoping
from tochuc.accounts.models import ROLE_RANK, Role
from tochuc.core.findings import Finding, Level, RecordRefused
from tochuc.lib.dates import parse_date
from tochuc.lib.numbers import format_int
from tochuc.people.selectors import scope_status_counts_today

# Areas built by other parts of the app: the home page links to those that answer at render time.
AREAS = (
    ("/bao-cao/", "Báo cáo, thống kê", "Các chỉ tiêu, báo cáo tổng kết năm và số liệu chi tiết"),
    ("/su-kien/", "Việc đến hạn", "Hết thời gian dự bị, xét Huy hiệu Đảng, các việc sắp tới hạn"),
    ("/can-bo/", "Công tác cán bộ", "Quy hoạch, bổ nhiệm, luân chuyển, đào tạo cán bộ"),
    ("/nhap-xuat/", "Nhập – xuất dữ liệu", "Nhập sổ Excel theo mẫu, xuất dữ liệu"),
)


def parse_day(value: str | None) -> tuple[dt.date, str]:
    """A date from a `?ngay=` parameter (dd/mm/yyyy or ISO); today and an error message if bad."""
    today = scoping.today()
    if not value or not value.strip():
        return today, ""
    try:
        return parse_date(value), ""
    except ValueError as exc:
        return today, str(exc)


def require(allowed: bool) -> None:
    """Inside the scope, a role too weak is 403 (outside it the loaders already gave 404)."""
    if not allowed:
        raise PermissionDenied("Vai trò của bạn không được làm việc này")


def sees_full_national_id(role: Role | None) -> bool:
    # SECURITY.md E7: the full CCCD is for specialists and above; others see the mask.
    return role is not None and ROLE_RANK[Role(role)] >= ROLE_RANK[Role.SPECIALIST]


def confirmed_codes(request: HttpRequest) -> set[str]:
    return set(request.POST.getlist("confirm"))


def apply_findings(form: forms.Form, refused: RecordRefused) -> list[Finding]:
    """Put each finding next to its field (non-field errors otherwise); return the warnings,
    which the page offers to confirm when no error stands."""
    field_alias = {"parent_code": "parent", "to_unit": "target", "unit": None, "version": None}
    warnings: list[Finding] = []
    for f in refused.findings:
        if f.level == Level.WARNING:
            warnings.append(f)
            continue
        if f.level != Level.ERROR:
            continue
        name = field_alias.get(f.field, f.field)
        form.add_error(name if name in form.fields else None, str(f))
    return warnings


def existing_areas(paths: Iterable[tuple[str, str, str]] = AREAS) -> list[dict[str, str]]:
    out = []
    for path, label, text in paths:
        try:
            resolve(path)
        except Resolver404:
            continue
        out.append({"url": path, "label": label, "text": text})
    return out


@login_required
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    scope = request.scope  # type: ignore[attr-defined]
    today = scoping.today()
    counts = scope_status_counts_today(scope=scope)
    roots = list(
        scoping.unit_versions(scope, on=today)
        .filter(unit_id__in=scope.root_unit_ids)
        .order_by("name")
    )
    return render(
        request,
        "core/home.html",
        {
            "today": today,
            "counts": counts,
            "total": format_int(sum(c.count for c in counts)),
            "roots": roots,
            "role_label": Role(scope.best_role()).label if scope.best_role() else "",
            "areas": existing_areas(),
        },
    )


@require_GET
def health(request: HttpRequest) -> JsonResponse:
    """Liveness and database reachability, for load balancers (SECURITY.md G3)."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return JsonResponse({"status": "ok"})
    except Exception:  # any database failure means "not ready"
        return JsonResponse({"status": "unavailable"}, status=503)
