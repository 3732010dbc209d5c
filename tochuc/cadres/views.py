"""Cadre-work screens: thin views over the scoped selectors and the services.

Roles come from `scoping.allows`: recording decisions, planning entries, exam results is
"record"; the catalogue, planning periods, selections and staffing quotas are "manage_units"
(specialists), being the commission's own registers.
"""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from tochuc.accounts import scoping
from tochuc.accounts.access import log_access
from tochuc.cadres import forms as f
from tochuc.cadres import services
from tochuc.cadres.models import PlanningPeriod, PostStandard, SelectionStatus
from tochuc.cadres.ninebox import nine_box
from tochuc.cadres.planning import planning_review, planning_rows, quotas
from tochuc.cadres.retirement import roadmap_table
from tochuc.cadres.selectors import (
    get_post,
    get_selection,
    person_posts,
    post_list,
    quota_list,
    selection_list,
)
from tochuc.cadres.staffing import staffing_rows
from tochuc.cadres.training import training_gaps, training_plan, training_plan_xlsx
from tochuc.core.findings import RecordRefused
from tochuc.core.views import apply_findings, confirmed_codes, parse_day, require
from tochuc.events.projections import live_events
from tochuc.people.models import Person

CATALOGUE = "manage_units"
RECORD = "record"


def _scope(request: HttpRequest):
    scope = request.scope  # type: ignore[attr-defined]
    if scope.is_empty:
        raise Http404("Không có phạm vi làm việc")
    return scope


def _best(scope, action: str) -> bool:
    return scoping.allows(scope.best_role(), action)


def _find_person(scope, value: str) -> Person | None:
    value = str(value).strip()
    person = scoping.people(scope).filter(code=value).first()
    if person is None and value.isdigit():
        person = scoping.people(scope).filter(pk=int(value)).first()
    return person


@login_required
@require_GET
def index(request: HttpRequest) -> HttpResponse:
    scope = _scope(request)
    today = scoping.today()
    return render(
        request,
        "cadres/index.html",
        {
            "posts": post_list(scope=scope).count(),
            "periods": PlanningPeriod.objects.all(),
            "selections": selection_list(scope=scope).filter(status=SelectionStatus.OPEN).count(),
            "roadmap": roadmap_table(),
            "today": today,
        },
    )


# --- catalogue --------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def posts(request: HttpRequest) -> HttpResponse:
    scope = _scope(request)
    form = f.PostForm(request.POST or None)
    if request.method == "POST":
        require(_best(scope, CATALOGUE))
        if form.is_valid():
            d = form.cleaned_data
            unit = scoping.get_unit(scope, d["unit"].strip())
            require(scoping.allows(scoping.role_for_unit(scope, unit), CATALOGUE))
            try:
                post = services.post_create(
                    by=request.user, unit=unit, name=d["name"], managing_level=d["managing_level"], is_party_committee=d["is_party_committee"]
                )
            except RecordRefused as refused:
                apply_findings(form, refused)
            else:
                messages.success(request, f"Đã thêm chức danh {post.name}")
                return redirect("cadres:post", post.pk)
    rows = post_list(scope=scope).prefetch_related("standards").order_by("unit__code", "name")
    return render(request, "cadres/posts.html", {"rows": rows, "form": form, "can_manage": _best(scope, CATALOGUE)})


@login_required
@require_http_methods(["GET", "POST"])
def post_detail(request: HttpRequest, pk: int) -> HttpResponse:
    scope = _scope(request)
    post = get_post(scope=scope, pk=pk)
    can_manage = scoping.allows(scoping.role_for_unit(scope, post.unit), CATALOGUE)
    form = f.StandardForm(request.POST or None)
    if request.method == "POST":
        require(can_manage)
        if form.is_valid():
            try:
                services.post_standard_set(by=request.user, post=post, **form.cleaned_data)
            except RecordRefused as refused:
                apply_findings(form, refused)
            else:
                messages.success(request, "Đã ghi tiêu chuẩn chức danh")
                return redirect("cadres:post", post.pk)
    return render(
        request,
        "cadres/post_detail.html",
        {"post": post, "standards": PostStandard.objects.filter(post=post).order_by("valid_from"), "form": form, "can_manage": can_manage},
    )


# --- decisions --------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def decide(request: HttpRequest, pk: int) -> HttpResponse:
    scope = _scope(request)
    person = scoping.get_person(scope, pk)
    require(scoping.allows(scoping.role_for_person(scope, person), RECORD))
    form = f.DecisionForm(request.POST or None, posts=post_list(scope=scope).order_by("unit__code", "name"))
    warnings = []
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            services.cadre_decide(
                by=request.user, person=person, subtype=d["subtype"], post=d["post"], effective_on=d["effective_on"],
                end_on=d["end_on"], decision_no=d["decision_no"], decided_on=d["decided_on"], decided_by=d["decided_by"],
                note=d["note"], confirm=confirmed_codes(request),
            )
        except RecordRefused as refused:
            warnings = apply_findings(form, refused)
        else:
            messages.success(request, "Đã ghi quyết định về cán bộ")
            return redirect(reverse("people:detail", args=[person.pk]) + "#can-bo")
    return render(request, "cadres/decide.html", {"person": person, "form": form, "warnings": warnings})


# --- planning ---------------------------------------------------------------------------------


def _period(code: str) -> PlanningPeriod:
    period = PlanningPeriod.objects.filter(code=code).first()
    if period is None:
        raise Http404("Không có nhiệm kỳ quy hoạch này")
    return period


@login_required
@require_http_methods(["GET", "POST"])
def planning(request: HttpRequest) -> HttpResponse:
    scope = _scope(request)
    form = f.PeriodForm(request.POST or None)
    if request.method == "POST":
        require(_best(scope, CATALOGUE))
        if form.is_valid():
            try:
                period = services.planning_period_create(by=request.user, code=form.cleaned_data["code"])
            except RecordRefused as refused:
                apply_findings(form, refused)
            else:
                return redirect("cadres:period", period.code)
    return render(request, "cadres/planning.html", {"periods": PlanningPeriod.objects.all(), "form": form, "can_manage": _best(scope, CATALOGUE)})


@login_required
@require_http_methods(["GET", "POST"])
def period(request: HttpRequest, code: str) -> HttpResponse:
    scope = _scope(request)
    period = _period(code)
    on, day_error = parse_day(request.GET.get("ngay"))
    posts_qs = post_list(scope=scope).filter(active=True).order_by("unit__code", "name")
    form = f.PlanningAddForm(request.POST or None, posts=posts_qs)
    warnings = []
    settings_form = f.PeriodSettingsForm(
        request.POST if request.POST.get("action") == "settings" else None,
        initial={name: getattr(period, name) for name in services.PERIOD_SETTINGS},
    )
    if request.method == "POST":
        require(_best(scope, RECORD))
        action = request.POST.get("action", "add")
        if action == "settings":
            require(_best(scope, CATALOGUE))
            if settings_form.is_valid():
                services.planning_period_update(by=request.user, period=period, **settings_form.cleaned_data)
                messages.success(request, "Đã lưu các tỷ lệ, giới hạn của nhiệm kỳ quy hoạch")
                return redirect("cadres:period", period.code)
            form = f.PlanningAddForm(posts=posts_qs)
        elif action == "remove":
            return _planning_remove(request, scope, period)
        elif form.is_valid():
            d = form.cleaned_data
            person = _find_person(scope, d["person"])
            if person is None:
                form.add_error("person", "Không tìm thấy người trong phạm vi của bạn")
            else:
                require(scoping.allows(scoping.role_for_unit(scope, d["post"].unit), RECORD))
                try:
                    services.planning_add(by=request.user, person=person, post=d["post"], period=period, effective_on=d["effective_on"],
                                          decision_no=d["decision_no"], confirm=confirmed_codes(request))
                except RecordRefused as refused:
                    warnings = apply_findings(form, refused)
                else:
                    messages.success(request, f"Đã đưa {person.full_name} vào quy hoạch chức danh {d['post'].name}")
                    return redirect("cadres:period", period.code)
    rows = planning_rows(scope=scope, period=period, on=on)
    log_access(request, action="view", object_type="cadres.planning", object_id=period.code)
    post_ids = {(p.name, p.unit_id): p.pk for p in posts_qs}
    return render(
        request,
        "cadres/period.html",
        {
            "period": period, "rows": [(r, post_ids.get((r.post, r.unit_id))) for r in rows], "quotas": quotas(period, rows),
            "form": form, "warnings": warnings, "on": on, "day_error": day_error, "can_record": _best(scope, RECORD), "today": scoping.today(),
            "settings_form": settings_form, "can_manage": _best(scope, CATALOGUE),
        },
    )


def _planning_remove(request: HttpRequest, scope, period: PlanningPeriod) -> HttpResponse:
    """Take someone off the list from a row's small form; the outcome is told as a page message."""
    remove_form = f.PlanningRemoveForm(request.POST)
    if not remove_form.is_valid():
        for errors in remove_form.errors.values():
            for e in errors:
                messages.error(request, e)
        return redirect("cadres:period", period.code)
    d = remove_form.cleaned_data
    person = scoping.get_person(scope, d["person"])
    post = get_post(scope=scope, pk=d["post"])
    require(scoping.allows(scoping.role_for_unit(scope, post.unit), RECORD))
    try:
        services.planning_remove(by=request.user, person=person, post=post, period=period, effective_on=d["effective_on"],
                                 reason=d["reason"], confirm=confirmed_codes(request))
    except RecordRefused as refused:
        for finding in refused.findings:
            messages.error(request, str(finding))
    else:
        messages.success(request, f"Đã đưa {person.full_name} ra khỏi quy hoạch chức danh {post.name}")
    return redirect("cadres:period", period.code)


@login_required
@require_GET
def review(request: HttpRequest, code: str) -> HttpResponse:
    scope = _scope(request)
    period = _period(code)
    on, day_error = parse_day(request.GET.get("ngay"))
    result = planning_review(scope=scope, period=period, on=on)
    log_access(request, action="view", object_type="cadres.planning_review", object_id=period.code)
    post_ids = {(p.name, p.unit_id): p.pk for p in post_list(scope=scope)}
    return render(
        request,
        "cadres/review.html",
        {
            "review": result, "period": period, "on": on, "day_error": day_error, "can_record": _best(scope, RECORD),
            "proposals": [(p, post_ids.get((p.row.post, p.row.unit_id))) for p in result.proposals],
        },
    )


@login_required
@require_GET
def grid(request: HttpRequest, code: str) -> HttpResponse:
    """The planning list as a nine-box grid: performance from the ratings × readiness for the post."""
    scope = _scope(request)
    period = _period(code)
    on, day_error = parse_day(request.GET.get("ngay"))
    result = nine_box(scope=scope, period=period, on=on)
    log_access(request, action="view", object_type="cadres.planning_grid", object_id=period.code)
    return render(request, "cadres/grid.html", {"grid": result, "period": period, "on": on, "day_error": day_error})


# --- rotation ---------------------------------------------------------------------------------


@login_required
@require_GET
def rotations(request: HttpRequest) -> HttpResponse:
    scope = _scope(request)
    on, day_error = parse_day(request.GET.get("ngay"))
    rows = (
        scoping.events(scope).filter(pk__in=live_events().filter(kind="decision", subtype="rotation").values("pk"))
        .select_related("person", "unit", "to_unit").order_by("-effective_on", "-id")
    )
    return render(request, "cadres/rotations.html", {"rows": rows, "on": on, "day_error": day_error})


# --- competitive selection --------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def selections(request: HttpRequest) -> HttpResponse:
    scope = _scope(request)
    form = f.SelectionForm(request.POST or None, posts=post_list(scope=scope).order_by("unit__code", "name"))
    if request.method == "POST":
        require(_best(scope, CATALOGUE))
        if form.is_valid():
            d = form.cleaned_data
            require(scoping.allows(scoping.role_for_unit(scope, d["post"].unit), CATALOGUE))
            sel = services.selection_create(by=request.user, post=d["post"], title=d["title"], opened_on=d["opened_on"], rounds=d["rounds"])
            return redirect("cadres:selection", sel.pk)
    return render(request, "cadres/selections.html", {"rows": selection_list(scope=scope), "form": form, "can_manage": _best(scope, CATALOGUE)})


@login_required
@require_http_methods(["GET", "POST"])
def selection(request: HttpRequest, pk: int) -> HttpResponse:
    scope = _scope(request)
    sel = get_selection(scope=scope, pk=pk)
    can_manage = scoping.allows(scoping.role_for_unit(scope, sel.post.unit), CATALOGUE)
    warnings = []
    appoint_form = f.SelectionAppointForm(request.POST if request.POST.get("action") == "appoint" else None)
    if request.method == "POST":
        require(can_manage)
        action = request.POST.get("action")
        if action == "appoint":
            if appoint_form.is_valid():
                try:
                    services.selection_appoint(by=request.user, selection=sel, confirm=confirmed_codes(request), **appoint_form.cleaned_data)
                except RecordRefused as refused:
                    warnings = apply_findings(appoint_form, refused)
                else:
                    messages.success(request, "Đã ghi quyết định bổ nhiệm sau thi tuyển")
                    return redirect("cadres:selection", sel.pk)
        else:
            try:
                _selection_step(request, scope, sel, action)
            except RecordRefused as refused:
                for finding in refused.findings:
                    messages.error(request, str(finding))
            return redirect("cadres:selection", sel.pk)
    rounds = list(sel.rounds.all())
    table = []
    for cand in sel.candidates.select_related("person", "exam_event").prefetch_related("scores"):
        scores = {s.round_id: s.score for s in cand.scores.all()}
        table.append({"candidate": cand, "scores": [(r, scores.get(r.pk)) for r in rounds], "total": services.candidate_total(cand, rounds)})
    return render(
        request,
        "cadres/selection.html",
        {"sel": sel, "rounds": rounds, "table": table, "can_manage": can_manage, "appoint_form": appoint_form, "warnings": warnings,
         "decide_form": f.SelectionDecideForm(), "candidate_form": f.CandidateForm()},
    )


def _selection_step(request: HttpRequest, scope, sel, action: str | None) -> None:
    """Add a candidate, set a score, or close the selection; errors become page messages."""
    if action == "candidate":
        person = _find_person(scope, request.POST.get("person", ""))
        if person is None:
            messages.error(request, "Không tìm thấy người trong phạm vi của bạn")
            return
        services.selection_candidate_add(by=request.user, selection=sel, person=person)
    elif action == "score":
        form = f.ScoreForm(request.POST)
        if not form.is_valid():
            messages.error(request, "Điểm không hợp lệ (từ 0 đến 100)")
            return
        cand = sel.candidates.filter(pk=form.cleaned_data["candidate"]).first()
        rnd = sel.rounds.filter(pk=form.cleaned_data["round"]).first()
        if cand is None or rnd is None:
            raise Http404("Không tìm thấy ứng viên hoặc vòng thi")
        services.selection_score_set(by=request.user, candidate=cand, round=rnd, score=form.cleaned_data["score"])
    elif action == "decide":
        form = f.SelectionDecideForm(request.POST)
        if not form.is_valid():
            messages.error(request, "Cần ngày công bố kết quả (dd/mm/yyyy)")
            return
        services.selection_decide(by=request.user, selection=sel, **form.cleaned_data)


# --- training ---------------------------------------------------------------------------------


def _year(request: HttpRequest) -> int:
    try:
        return int(request.GET.get("nam", ""))
    except ValueError:
        return scoping.today().year


@login_required
@require_GET
def training(request: HttpRequest) -> HttpResponse:
    scope = _scope(request)
    on, day_error = parse_day(request.GET.get("ngay"))
    year = _year(request)
    log_access(request, action="view", object_type="cadres.training")
    return render(
        request,
        "cadres/training.html",
        {"gaps": training_gaps(scope=scope, on=on), "plan": training_plan(scope=scope, year=year), "on": on, "year": year, "day_error": day_error},
    )


@login_required
@require_GET
def training_export(request: HttpRequest, year: int) -> HttpResponse:
    scope = _scope(request)
    require(_best(scope, "export"))
    rows = training_plan(scope=scope, year=year)
    roots = scoping.unit_versions(scope).filter(unit_id__in=scope.root_unit_ids).values_list("name", flat=True)
    body = training_plan_xlsx(rows, year=year, unit_name=", ".join(roots))
    log_access(request, action="export", object_type="cadres.training_plan", object_id=str(year), rows=len(rows))
    response = HttpResponse(body, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="ke-hoach-dao-tao-{year}.xlsx"'
    return response


# --- staffing ---------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def staffing(request: HttpRequest) -> HttpResponse:
    scope = _scope(request)
    year = _year(request)
    quota_form = f.QuotaForm(request.POST if request.POST.get("action") == "quota" else None, initial={"year": year})
    target_form = f.TargetForm(request.POST if request.POST.get("action") == "target" else None)
    if request.method == "POST":
        require(_best(scope, CATALOGUE))
        form = quota_form if request.POST.get("action") == "quota" else target_form
        if form.is_valid():
            d = dict(form.cleaned_data)
            unit = scoping.get_unit(scope, d.pop("unit").strip())
            require(scoping.allows(scoping.role_for_unit(scope, unit), CATALOGUE))
            try:
                if form is quota_form:
                    services.staffing_quota_set(by=request.user, unit=unit, **d)
                else:
                    services.streamlining_target_set(by=request.user, unit=unit, **d)
            except RecordRefused as refused:
                apply_findings(form, refused)
            else:
                messages.success(request, "Đã ghi biên chế")
                return redirect(reverse("cadres:staffing") + f"?nam={year}")
    rows = staffing_rows(unit_ids=scoping.unit_ids(scope), year=year, names_on=dt.date(year, 12, 31))
    return render(
        request,
        "cadres/staffing.html",
        {"rows": rows, "year": year, "quota_form": quota_form, "target_form": target_form, "can_manage": _best(scope, CATALOGUE),
         "years": sorted(set(quota_list(scope=scope).values_list("year", flat=True)), reverse=True)},
    )


def person_panel_context(request: HttpRequest, person: Person) -> dict:
    """What the person page's cadre panel shows (used by the template tag)."""
    scope = request.scope  # type: ignore[attr-defined]
    today = scoping.today()
    from tochuc.cadres.selectors import load_planning

    return {
        "held": person_posts(scope=scope, person=person, on=today),
        "planned": load_planning(on=today, person_ids=[person.pk]),
        "can_record": scoping.allows(scoping.role_for_person(scope, person), RECORD),
        "person": person,
    }

