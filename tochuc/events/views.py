"""Screens of the member's life: record an event with its findings, void one, admit a new
person from a branch, rate a branch's members for a year, and what falls due.

Every object is loaded through `accounts.scoping` (404 outside the scope) and every write is
allowed by `scoping.allows` (403 inside the scope for a role too weak), then goes through the
services, the same path as the CLI, the importer and the API.
"""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tochuc.accounts import scoping
from tochuc.accounts.access import log_access
from tochuc.core.cache import computed_once
from tochuc.core.findings import Finding, Level, RecordRefused
from tochuc.core.views import confirmed_codes, parse_day, require
from tochuc.events import selectors
from tochuc.events.due import CATEGORIES, DEFAULT_DAYS, due_for_scope, due_for_unit, due_workbook
from tochuc.events.forms import (
    FORMER_MEMBER_FORMS,
    FORMS,
    MEMBER_FORMS,
    RATING_CHOICES,
    EventForm,
    NewPersonForm,
    ReceiptForm,
    VoidForm,
    blocking,
    place_errors,
    preview_findings,
)
from tochuc.events.kinds import Status
from tochuc.events.models import Event
from tochuc.events.services import event_record, event_void
from tochuc.lib.dates import format_date
from tochuc.people import selectors as people_selectors
from tochuc.people.models import Person
from tochuc.people.services import person_create
from tochuc.rules.evaluation import cap_check, grassroots_of
from tochuc.rules.services import exemption_end, transfer_receipt_create
from tochuc.units.models import MEMBER_UNIT_KINDS
from tochuc.units.selectors import version_on


def _person_url(person: Person) -> str:
    return reverse("people:detail", args=[person.pk])


def _split(findings: list[Finding]) -> dict[str, list[Finding]]:
    return {
        "errors": [f for f in findings if f.level == Level.ERROR],
        "warnings": [f for f in findings if f.level == Level.WARNING],
        "infos": [f for f in findings if f.level == Level.INFO],
    }


def forms_for_status(status: str) -> list[tuple[str, str]]:
    if status in (Status.PROBATIONARY, Status.FULL, Status.EXEMPT):
        keys = [k for k in MEMBER_FORMS if not (k == "recognition" and status != Status.PROBATIONARY)]
        if status == Status.EXEMPT:
            keys = ["exemption_end", *(k for k in keys if k != "exemption")]
    elif status == Status.LEFT:
        keys = list(FORMER_MEMBER_FORMS)
    else:
        keys = ["admission", "arrival"]
    return [(k, FORMS[k].label if k in FORMS else EXEMPTION_END_LABEL) for k in keys]


EXEMPTION_END_LABEL = "Kết thúc miễn công tác và sinh hoạt đảng"


def person_facts_context(request: HttpRequest, person: Person) -> dict:
    """Context of the facts panel on the person page (the person is already scoped)."""
    scope = request.scope  # type: ignore[attr-defined]
    today = scoping.today()
    facts = selectors.person_facts_for(person=person, on=today)
    role = scoping.role_for_person(scope, person)
    return {
        "person": person,
        "facts": facts,
        **selectors.facts_display(facts),
        "actions": forms_for_status(facts.status) if scoping.allows(role, "record") else [],
    }


@login_required
@require_GET
def index(request: HttpRequest) -> HttpResponse:
    return redirect("events:due")


@login_required
@require_http_methods(["GET", "POST"])
def event_new(request: HttpRequest, pk: int, key: str) -> HttpResponse:
    scope = request.scope  # type: ignore[attr-defined]
    person = scoping.get_person(scope, pk)
    require(scoping.allows(scoping.role_for_person(scope, person), "record"))
    spec = FORMS.get(key)
    if spec is None:
        raise Http404("Không có loại sự kiện này")
    initial = {name: request.GET[name] for name in ("effective_on", "subtype", "unit", "to_unit", "year", "return_of") if name in request.GET}
    if "unit" not in initial and spec.kind in ("transfer", "evaluation") and getattr(person, "state", None) and person.state.unit_id:
        initial["unit"] = person.state.unit.code
    form = EventForm(spec, request.POST or None, initial=initial)
    findings: list[Finding] = []
    confirmed = confirmed_codes(request)
    if request.method == "POST" and form.is_valid():
        kwargs = form.service_kwargs(scope)
        if kwargs is not None:
            if spec.kind == "evaluation" and "unit" not in kwargs and person.state.unit_id:
                kwargs["unit"] = person.state.unit
            findings = preview_findings(person=person, **kwargs)
            if not blocking(findings, confirmed):
                try:
                    event = event_record(by=request.user, person=person, confirm=confirmed, source="web", **kwargs)
                except RecordRefused as refused:  # another clerk recorded first: judged again under the lock
                    findings = refused.findings
                else:
                    messages.success(request, f"Đã ghi “{event.kind_label}” ngày {format_date(event.effective_on)}.")
                    for f in findings:
                        if f.level == Level.INFO:
                            messages.info(request, str(f))
                    return redirect(_person_url(person))
            place_errors(form, findings)
    return render(
        request,
        "events/event_form.html",
        {"person": person, "spec": spec, "form": form, "confirmed": confirmed, **_split(findings)},
        status=200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def exemption_end_view(request: HttpRequest, pk: int) -> HttpResponse:
    scope = request.scope  # type: ignore[attr-defined]
    person = scoping.get_person(scope, pk)
    require(scoping.allows(scoping.role_for_person(scope, person), "record"))
    form = ReceiptForm(request.POST or None)  # a date and a note
    form.fields["received_on"].label = "Ngày kết thúc miễn sinh hoạt"
    if request.method == "POST" and form.is_valid():
        try:
            exemption_end(by=request.user, person=person, end_on=form.cleaned_data["received_on"], note=form.cleaned_data["note"])
        except RecordRefused as refused:
            for f in refused.findings:
                form.add_error("received_on" if f.field == "end_on" else None, str(f))
        else:
            messages.success(request, f"Đã ghi ngày kết thúc miễn sinh hoạt: {format_date(form.cleaned_data['received_on'])}.")
            return redirect(_person_url(person))
    return render(request, "events/exemption_end.html", {"person": person, "form": form})


@login_required
@require_GET
def person_events(request: HttpRequest, pk: int) -> HttpResponse:
    scope = request.scope  # type: ignore[attr-defined]
    person = scoping.get_person(scope, pk)
    log_access(request, action="view", obj=person)
    role = scoping.role_for_person(scope, person)
    return render(
        request,
        "events/person_events.html",
        {
            "person": person,
            "events": selectors.person_event_rows(scope=scope, person=person),
            "can_void": scoping.allows(role, "void"),
            **person_facts_context(request, person),
        },
    )


def _scoped_event(request: HttpRequest, event_id: int) -> Event:
    scope = request.scope  # type: ignore[attr-defined]
    event = scoping.events(scope).filter(pk=event_id).select_related("person").first()
    if event is None:
        raise Http404("Không tìm thấy sự kiện")
    return event


def _event_role(request: HttpRequest, event: Event):
    scope = request.scope  # type: ignore[attr-defined]
    if event.person_id:
        return scoping.role_for_person(scope, event.person)
    return scoping.role_for_unit(scope, event.unit_id)


@login_required
@require_http_methods(["GET", "POST"])
def void(request: HttpRequest, event_id: int) -> HttpResponse:
    event = _scoped_event(request, event_id)
    require(scoping.allows(_event_role(request, event), "void"))
    form = VoidForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            event_void(event=event, reason=form.cleaned_data["reason"], by=request.user)
        except RecordRefused as refused:
            for f in refused.findings:
                form.add_error("reason" if f.field == "reason" else None, str(f))
        else:
            messages.success(request, f"Đã hủy sự kiện “{event.kind_label}” ngày {format_date(event.effective_on)}.")
            return redirect(_person_url(event.person) if event.person_id else reverse("events:due"))
    return render(request, "events/void_form.html", {"event": event, "form": form})


@login_required
@require_POST
def receipt(request: HttpRequest, event_id: int) -> HttpResponse:
    event = _scoped_event(request, event_id)
    require(scoping.allows(_event_role(request, event), "record"))
    form = ReceiptForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Ngày nơi đến nhận không hợp lệ (dd/mm/yyyy).")
        return redirect("events:due")
    try:
        transfer_receipt_create(by=request.user, event=event, received_on=form.cleaned_data["received_on"], note=form.cleaned_data["note"])
    except RecordRefused as refused:
        for f in refused.findings:
            messages.error(request, str(f))
    else:
        messages.success(request, f"Đã xác nhận nơi đến nhận sinh hoạt đảng của {event.person.full_name}.")
    return redirect("events:due")


# ---- a branch ------------------------------------------------------------------------------


def _branch(request: HttpRequest, code: str, on: dt.date):
    scope = request.scope  # type: ignore[attr-defined]
    unit = scoping.get_unit(scope, code)
    version = version_on(unit, on)
    if version is None:
        raise Http404("Đơn vị không tồn tại vào ngày này")
    return unit, version, scoping.role_for_unit(scope, unit)


@login_required
@require_GET
def unit_actions(request: HttpRequest, code: str) -> HttpResponse:
    today = scoping.today()
    unit, version, role = _branch(request, code, today)
    return render(
        request,
        "events/unit_actions.html",
        {"unit": unit, "version": version, "is_branch": version.kind in MEMBER_UNIT_KINDS, "can_record": scoping.allows(role, "record"),
         "last_year": today.year - 1},
    )


@login_required
@require_http_methods(["GET", "POST"])
def admission_new(request: HttpRequest, code: str) -> HttpResponse:
    """A new person and their admission, in one transaction: both or neither."""
    today = scoping.today()
    unit, version, role = _branch(request, code, today)
    require(scoping.allows(role, "record"))
    spec = FORMS["admission"]
    person_form = NewPersonForm(request.POST or None, prefix="p")
    form = EventForm(spec, request.POST or None, initial={"unit": unit.code})
    confirmed = confirmed_codes(request)
    findings: list[Finding] = []
    if request.method == "POST" and person_form.is_valid() & form.is_valid():
        kwargs = form.service_kwargs(request.scope)  # type: ignore[attr-defined]
        if kwargs is not None:
            try:
                with transaction.atomic():
                    person = _admit(request, person_form.cleaned_data, kwargs, confirmed)
            except RecordRefused as refused:
                findings = refused.findings
                for f in findings:
                    if f.level == Level.ERROR and f.field in person_form.fields:
                        person_form.add_error(f.field, str(f))
                place_errors(form, [f for f in findings if f.field not in person_form.fields])
            else:
                messages.success(request, f"Đã kết nạp {person.full_name} vào {version.name} ngày {format_date(kwargs['effective_on'])}.")
                return redirect(_person_url(person))
    return render(
        request,
        "events/admission_new.html",
        {"unit": unit, "version": version, "spec": spec, "person_form": person_form, "form": form, "confirmed": confirmed, **_split(findings)},
    )


def _admit(request: HttpRequest, profile: dict, kwargs: dict, confirmed: set[str]) -> Person:
    """Create the person then record the admission; every finding of both at once, or raise."""
    findings: list[Finding] = []
    try:
        person = person_create(by=request.user, registered_unit=kwargs["unit"], confirm=confirmed, **profile)
    except RecordRefused as refused:
        findings += refused.findings
        person = Person(**profile)  # unsaved: lets the admission rules judge it too
    findings += preview_findings(person=person, **kwargs)
    if person.pk is None or blocking(findings, confirmed):
        raise RecordRefused(findings)
    event_record(by=request.user, person=person, confirm=confirmed, source="web", **kwargs)
    return person


@login_required
@require_http_methods(["GET", "POST"])
def branch_evaluation(request: HttpRequest, code: str, year: int) -> HttpResponse:
    """Rate every member of a branch for a year on one screen; all rows are written or none."""
    today = scoping.today()
    if not 1930 <= year <= today.year:
        raise Http404("Năm không hợp lệ")
    dec31 = dt.date(year, 12, 31)
    unit, version, role = _branch(request, code, min(dec31, today))
    if version.kind not in MEMBER_UNIT_KINDS:
        raise Http404("Chỉ đánh giá đảng viên theo chi bộ")
    require(scoping.allows(role, "record"))
    rows = selectors.branch_members_for_rating(unit=unit, year=year)
    default_day = min(dec31, today)
    day_text = request.POST.get("effective_on", format_date(default_day))
    chosen = {r.person.pk: request.POST.get(f"rating-{r.person.pk}", "") for r in rows if r.ratable} if request.method == "POST" else {}
    confirmed = confirmed_codes(request)
    row_findings: dict[int, list[Finding]] = {}
    errors: list[str] = []
    org = grassroots_of(unit.pk, dec31)
    check = cap_check(org=org, year=year, changes={pid: r for pid, r in chosen.items() if r}) if org else None
    if request.method == "POST":
        day, bad = parse_day(day_text)
        if bad:
            errors.append(bad)
        elif not any(chosen.values()):
            errors.append("Chưa chọn xếp loại cho đảng viên nào")
        else:
            try:
                _rate_all(request, rows, chosen, day, year, unit, confirmed, row_findings)
            except RecordRefused:
                pass
            else:
                n = sum(1 for v in chosen.values() if v)
                messages.success(request, f"Đã ghi xếp loại năm {year} cho {n} đảng viên của {version.name}.")
                return redirect(reverse("events:branch_evaluation", args=[unit.code, year]))
    warnings = {}
    for found in row_findings.values():
        for f in found:
            if f.level == Level.WARNING:
                warnings.setdefault((f.code, f.message), f)
    return render(
        request,
        "events/branch_evaluation.html",
        {
            "unit": unit, "version": version, "year": year, "rows": rows, "chosen": chosen, "choices": RATING_CHOICES,
            "row_findings": row_findings, "warnings": list(warnings.values()), "errors": errors, "confirmed": confirmed,
            "effective_on": day_text, "check": check,
            "rows_view": [(r, chosen.get(r.person.pk, ""), row_findings.get(r.person.pk, [])) for r in rows],
        },
    )


def _rate_all(request, rows, chosen, day, year, unit, confirmed, row_findings) -> None:
    """Record the chosen ratings in one transaction; on any refusal, collect every row's
    findings and roll everything back. Excellent ratings go last, so the 20% cap counts the
    good ratings of the same batch."""
    by_pk = {r.person.pk: r for r in rows}
    order = sorted((pid for pid, v in chosen.items() if v), key=lambda pid: (chosen[pid] == "excellent", by_pk[pid].person.search_key))
    with transaction.atomic():
        for pid in order:
            try:
                event_record(by=request.user, person=by_pk[pid].person, kind="evaluation", subtype=chosen[pid], year=year,
                             effective_on=day, unit=unit, confirm=confirmed, source="web")
            except RecordRefused as refused:
                row_findings[pid] = refused.findings
        if row_findings:
            raise RecordRefused([f for found in row_findings.values() for f in found])


# ---- what falls due ------------------------------------------------------------------------

MSG_UNIT_NOT_ON = "Đơn vị {code} không tồn tại vào ngày {day}."


@login_required
@require_GET
def due(request: HttpRequest) -> HttpResponse:
    scope = request.scope  # type: ignore[attr-defined]
    on, bad_day = parse_day(request.GET.get("ngay"))
    try:
        days = max(0, min(366, int(request.GET.get("so-ngay", DEFAULT_DAYS))))
    except ValueError:
        days = DEFAULT_DAYS
    code = (request.GET.get("don_vi") or "").strip()
    unit = scoping.get_unit(scope, code) if code else None  # 404 outside the scope
    within = None
    if unit is not None:
        within = scoping.unit_versions(scope, on=on).filter(unit=unit).first()
        if within is None:
            raise Http404(MSG_UNIT_NOT_ON.format(code=unit.code, day=format_date(on)))
    # A nation's list would take minutes to draw up and nobody works through it whole: above
    # TOCHUC_JOB_UNITS units the page asks for a unit below instead.
    depths = people_selectors.unit_depths(scope=scope, on=on, within=within)
    n_units = sum(depths.values())
    if n_units > settings.TOCHUC_JOB_UNITS:
        tree = people_selectors.unit_tree(scope=scope, on=on, within=within, depth=min(depths) + 1)
        return render(
            request,
            "events/due_choose.html",
            {"on": on, "days": days, "n_units": n_units, "unit": within, "bad_day": bad_day,
             "choices": [child for node in tree for child in node.children]},
        )
    # the same list for everyone with the same roots (or unit), until something is recorded
    if unit is not None:
        lines = computed_once(("due-unit", unit.pk, on.isoformat(), days), lambda: due_for_unit(unit=unit, on=on, days=days))
    else:
        roots = tuple(sorted(scope.root_unit_ids))
        lines = computed_once(("due", roots, on.isoformat(), days), lambda: due_for_scope(scope=scope, on=on, days=days))
    if request.GET.get("xuat") == "xlsx":
        require(scoping.allows(scope.best_role(), "export"))
        log_access(request, action="export", object_type="events.due", object_id=on.isoformat(), rows=len(lines))
        response = HttpResponse(
            due_workbook(lines, title=f"Việc cần làm — ngày {format_date(on)}, trong {days} ngày tới"),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = f'attachment; filename="viec-can-lam-{on.isoformat()}.xlsx"'
        return response
    groups = [
        (key, label, [(ln, *_resolve_link(ln)) for ln in lines if ln.category == key])
        for key, label in CATEGORIES.items()
    ]
    return render(
        request,
        "events/due.html",
        {"on": on, "days": days, "bad_day": bad_day, "groups": groups, "total": len(lines),
         "can_record": scoping.allows(scope.best_role(), "record"), "unit": within},
    )


def _resolve_link(line) -> tuple[str, str]:
    """The form that resolves a due line, prefilled."""
    if line.action == "evaluate":
        if not line.unit_code:
            return "", ""
        return reverse("events:branch_evaluation", args=[line.unit_code, line.prefill["year"]]), "Xếp loại"
    if line.action in FORMS:
        return f"{reverse('events:new', args=[line.person_id, line.action])}?{urlencode(line.prefill)}", FORMS[line.action].label
    return (reverse("events:person_events", args=[line.person_id]), "Xem hồ sơ") if line.action == "" else ("", "")
