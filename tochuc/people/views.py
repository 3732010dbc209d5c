from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from tochuc.accounts import scoping
from tochuc.accounts.access import log_access
from tochuc.core.findings import RecordRefused
from tochuc.core.views import apply_findings, confirmed_codes, require, sees_full_national_id
from tochuc.lib.cccd import mask
from tochuc.lib.numbers import format_int
from tochuc.people import selectors
from tochuc.people.forms import PersonCreateForm, PersonEditForm, SearchForm
from tochuc.people.services import PROFILE_FIELDS, person_create, person_update


@login_required
@require_GET
def person_detail(request: HttpRequest, pk: int) -> HttpResponse:
    scope = request.scope  # type: ignore[attr-defined]
    person = scoping.get_person(scope, pk)
    log_access(request, action="view", obj=person)
    role = scoping.role_for_person(scope, person)
    today = scoping.today()
    state = getattr(person, "state", None)
    until = state.left_on if state is not None and state.left_on else today
    return render(
        request,
        "people/person_detail.html",
        {
            "person": person,
            "state": state,
            "national_id": person.national_id
            if sees_full_national_id(role)
            else mask(person.national_id or ""),
            "crumbs": selectors.unit_breadcrumbs(
                scope=scope, unit_id=state.unit_id if state else None, on=today
            ),
            "party_age": selectors.party_age_years(
                first_admitted_on=state.first_admitted_on if state else None,
                recognized_on=state.recognized_on if state else None,
                until=until,
            ),
            "positions": selectors.person_positions(scope=scope, person=person),
            "timeline": selectors.person_timeline(scope=scope, person=person),
            "can_record": scoping.allows(role, "record"),
            "today": today,
        },
    )


@login_required
@require_GET
def person_search(request: HttpRequest) -> HttpResponse:
    scope = request.scope  # type: ignore[attr-defined]
    form = SearchForm(request.GET)
    q = form.data.get("q", "").strip()
    page = selectors.person_search(scope=scope, q=q, page=request.GET.get("trang")) if q else None
    # A full ID number is not echoed to roles that only see masks, even one they typed (E7).
    shown_q = q
    if selectors.is_national_id_query(q) and not sees_full_national_id(scope.best_role()):
        shown_q = mask(q.replace(" ", ""))
    if page is not None:
        # The reading register keeps searches too; an ID number is kept masked (SECURITY.md E5).
        log_access(
            request,
            action="search",
            q=mask(q) if selectors.is_national_id_query(q) else q,
            found=page.paginator.count,
        )
    rows = []
    if page is not None:
        rows = [{"person": p, "state": getattr(p, "state", None)} for p in page.object_list]
        names = selectors.UnitNames(r["state"].unit_id for r in rows if r["state"] is not None)
        today = scoping.today()
        for r in rows:
            r["unit"] = names.version(r["state"].unit_id, today) if r["state"] is not None else None
        # Branch names repeat across wards ("Chi bộ khu vực 1"): the parent tells them apart.
        parents = selectors.UnitNames(r["unit"].parent_id for r in rows if r["unit"] is not None)
        for r in rows:
            r["parent_name"] = (
                parents.name(r["unit"].parent_id, today) if r["unit"] is not None else ""
            )
    return render(
        request,
        "people/search.html",
        {
            "form": form,
            "q": shown_q,
            "box_q": q if shown_q == q else "",
            "page": page,
            "found": ("hơn " if getattr(page, "capped", False) else "") + format_int(page.paginator.count) if page is not None else "",
            "capped": getattr(page, "capped", False),
            "rows": rows,
            "query": urlencode({"q": q}),
        },
    )


def _render_form(request, template: str, form, warnings, **extra) -> HttpResponse:
    return render(request, template, {"form": form, "warnings": warnings, **extra})


@login_required
@require_http_methods(["GET", "POST"])
def person_create_view(request: HttpRequest) -> HttpResponse:
    scope = request.scope  # type: ignore[attr-defined]
    require(scoping.allows(scope.best_role(), "record"))
    template = "people/person_form.html"
    if request.method == "GET":
        form = PersonCreateForm(initial={"unit": request.GET.get("don_vi", "")})
        return _render_form(request, template, form, [], creating=True)
    form = PersonCreateForm(request.POST)
    if not form.is_valid():
        return _render_form(request, template, form, [], creating=True)
    data = form.cleaned_data
    try:
        unit = scoping.get_unit(scope, data["unit"].strip())
    except Http404:
        form.add_error("unit", f"Không tìm thấy đơn vị {data['unit']!r} trong phạm vi của bạn")
        return _render_form(request, template, form, [], creating=True)
    role = scoping.role_for_unit(scope, unit)
    if role is None:
        form.add_error("unit", f"Đơn vị {unit.code} không còn tồn tại vào ngày hôm nay")
        return _render_form(request, template, form, [], creating=True)
    require(scoping.allows(role, "record"))
    try:
        person = person_create(
            by=request.user,
            code=data["code"],
            registered_unit=unit,
            confirm=confirmed_codes(request),
            **{f: data[f] for f in PROFILE_FIELDS},
        )
    except RecordRefused as refused:
        warnings = apply_findings(form, refused)
        return _render_form(request, template, form, warnings, creating=True)
    messages.success(request, f"Đã tạo hồ sơ {person.full_name} ({person.code}).")
    return redirect("people:detail", pk=person.pk)


@login_required
@require_http_methods(["GET", "POST"])
def person_edit(request: HttpRequest, pk: int) -> HttpResponse:
    scope = request.scope  # type: ignore[attr-defined]
    person = scoping.get_person(scope, pk)
    role = scoping.role_for_person(scope, person)
    require(scoping.allows(role, "record"))
    template = "people/person_form.html"
    # A clerk edits without seeing the full ID number: the field starts empty, and empty keeps it.
    full_id = sees_full_national_id(role)
    context = {
        "person": person,
        "creating": False,
        "masked_id": "" if full_id else person.masked_national_id,
    }
    if request.method == "GET":
        initial = {f: getattr(person, f) for f in PROFILE_FIELDS} | {"version": person.version}
        if not full_id:
            initial["national_id"] = ""
        return _render_form(request, template, PersonEditForm(initial=initial), [], **context)
    form = PersonEditForm(request.POST)
    if not form.is_valid():
        return _render_form(request, template, form, [], **context)
    data = dict(form.cleaned_data)
    fields = [
        f for f in PROFILE_FIELDS if full_id or f != "national_id" or data["national_id"].strip()
    ]
    try:
        person_update(
            by=request.user,
            person=person,
            version=data["version"],
            confirm=confirmed_codes(request),
            **{f: data[f] for f in fields},
        )
    except RecordRefused as refused:
        warnings = apply_findings(form, refused)
        return _render_form(request, template, form, warnings, **context)
    messages.success(request, "Đã lưu hồ sơ.")
    return redirect("people:detail", pk=person.pk)
