"""Writing cadre work. Decisions, planning entries, exam results are events recorded through
`event_record` (so the rules judge them); the catalogue, periods, selections and quotas are rows
here, each change with an audit entry in the same transaction.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import Q

from tochuc.cadres.models import (
    PlanningPeriod,
    Post,
    PostStandard,
    Selection,
    SelectionCandidate,
    SelectionRound,
    SelectionScore,
    SelectionStatus,
    StaffingQuota,
    StreamliningTarget,
)
from tochuc.core.findings import Finding, Level, RecordRefused, refuse
from tochuc.core.models import audit
from tochuc.events.models import Event, PositionHolding
from tochuc.events.services import event_record
from tochuc.people.models import Person
from tochuc.units.models import Unit

MSG_POST_NAME = "Thiếu tên chức danh"
MSG_POST_TAKEN = "Đơn vị {unit} đã có chức danh {name!r}"
MSG_STANDARD_OVERLAP = "Chức danh {post} đã có tiêu chuẩn áp dụng từ {since}: kết thúc tiêu chuẩn cũ trước khi thêm tiêu chuẩn mới"
MSG_STANDARD_DATES = "Ngày kết thúc {end} phải sau ngày áp dụng {start}"
MSG_PERIOD_CODE = "Nhiệm kỳ quy hoạch phải có dạng NNNN-NNNN (ví dụ 2020-2025), nhận được {value!r}"
MSG_PERIOD_TAKEN = "Nhiệm kỳ quy hoạch {value} đã có"
MSG_DECISION_POST = "Quyết định {subtype} cần chức danh"
MSG_SELECTION_CLOSED = "Kỳ thi tuyển “{title}” đã có kết quả: không thay đổi được ứng viên, vòng thi, điểm"
MSG_SELECTION_CANDIDATE = "{name} đã là ứng viên của kỳ thi tuyển “{title}”"
MSG_SCORE_RANGE = "Điểm {value} không hợp lệ (từ 0 đến 100)"
MSG_NO_SCORES = "Kỳ thi tuyển “{title}” chưa có ứng viên hoặc chưa có điểm của mọi vòng"
MSG_NOT_DECIDED = "Kỳ thi tuyển “{title}” chưa có người trúng tuyển: chưa thể bổ nhiệm"
MSG_QUOTA_NEGATIVE = "Biên chế không được âm"
MSG_TARGET_YEARS = "Năm đích {target} phải sau năm gốc {base}"

DEFAULT_DECIDED_BY = ""


def _fmt(day: dt.date) -> str:
    return day.strftime("%d/%m/%Y")


# --- catalogue --------------------------------------------------------------------------------


@transaction.atomic
def post_create(*, by, unit: Unit, name: str, managing_level: str, is_party_committee: bool = False) -> Post:
    name = " ".join(name.split())
    if not name:
        raise refuse("post.name", MSG_POST_NAME, "name")
    if Post.objects.filter(unit=unit, name__iexact=name).exists():
        raise refuse("post.name", MSG_POST_TAKEN.format(unit=unit.code, name=name), "name")
    post = Post.objects.create(unit=unit, name=name, managing_level=managing_level, is_party_committee=is_party_committee)
    audit(by=by, action="post.create", obj=post, changes={"name": name, "unit": unit.code, "managing_level": managing_level})
    return post


@transaction.atomic
def post_standard_set(
    *,
    by,
    post: Post,
    valid_from: dt.date,
    political_theory: int = 0,
    state_management: int = 0,
    professional: int = 0,
    defense_group: int = 0,
    valid_to: dt.date | None = None,
    source: str = "",
) -> PostStandard:
    """Add the standard that applies from `valid_from`; an open earlier standard ends that day."""
    if valid_to is not None and valid_to <= valid_from:
        raise refuse("standard.dates", MSG_STANDARD_DATES.format(end=_fmt(valid_to), start=_fmt(valid_from)), "valid_to")
    Post.objects.select_for_update().filter(pk=post.pk).exists()
    later = PostStandard.objects.filter(post=post, valid_from__gte=valid_from).first()
    if later is not None:
        raise refuse("standard.overlap", MSG_STANDARD_OVERLAP.format(post=post.name, since=_fmt(later.valid_from)), "valid_from")
    PostStandard.objects.filter(post=post, valid_to__isnull=True, valid_from__lt=valid_from).update(valid_to=valid_from)
    standard = PostStandard.objects.create(
        post=post, valid_from=valid_from, valid_to=valid_to, political_theory=political_theory,
        state_management=state_management, professional=professional, defense_group=defense_group, source=source,
    )
    audit(
        by=by, action="post.standard", obj=post,
        changes={"valid_from": valid_from.isoformat(), "political_theory": political_theory, "state_management": state_management,
                 "professional": professional, "defense_group": defense_group, "source": source},
    )
    return standard


def default_thresholds(start_year: int) -> dict:
    """List quotas by the guidance in force when the period starts (DOMAIN-RULES.md §5.4).

    QĐ 50-2021: women ≥ 25%, young (under 40 locally) ≥ 15%; before it, women ≥ 15% was local
    practice [S, Hà Tĩnh] and no youth share was fixed. Minorities are "as suits the area": unset.
    """
    if start_year >= 2020:
        return {"women_min_pct": Decimal("25"), "young_min_pct": Decimal("15"), "young_max_age": 40,
                "source": "Quy định 50-QĐ/TW (27/12/2021); Hướng dẫn 16-HD/BTCTW (2022)"}
    return {"women_min_pct": Decimal("15"), "young_min_pct": None, "young_max_age": 40,
            "source": "Hướng dẫn 15-HD/BTCTW (05/11/2012) (tỷ lệ chưa xác minh)"}


@transaction.atomic
def planning_period_create(*, by, code: str, **thresholds) -> PlanningPeriod:
    code = code.strip()
    parts = code.split("-")
    if len(parts) != 2 or not all(p.isdigit() and len(p) == 4 for p in parts) or int(parts[1]) <= int(parts[0]):
        raise refuse("period.code", MSG_PERIOD_CODE.format(value=code), "code")
    if PlanningPeriod.objects.filter(code=code).exists():
        raise refuse("period.code", MSG_PERIOD_TAKEN.format(value=code), "code")
    start, end = int(parts[0]), int(parts[1])
    values = default_thresholds(start)
    values.update({k: v for k, v in thresholds.items() if v is not None})
    period = PlanningPeriod.objects.create(code=code, starts_on=dt.date(start, 1, 1), ends_on=dt.date(end, 12, 31), **values)
    audit(by=by, action="planning_period.create", obj=period, changes={"code": code})
    return period


PERIOD_SETTINGS = (
    "max_candidates_per_post", "max_posts_per_person", "women_min_pct", "young_min_pct", "young_max_age", "minority_min_pct", "source",
)


@transaction.atomic
def planning_period_update(*, by, period: PlanningPeriod, **values) -> PlanningPeriod:
    """Change a period's limits and quotas (they are configurable: earlier guidance is uncertain)."""
    period = PlanningPeriod.objects.select_for_update().get(pk=period.pk)
    changes = {}
    for name in PERIOD_SETTINGS:
        if name in values and getattr(period, name) != values[name]:
            changes[name] = [str(getattr(period, name)), str(values[name])]
            setattr(period, name, values[name])
    if changes:
        period.save(update_fields=list(changes))
        audit(by=by, action="planning_period.update", obj=period, changes=changes)
    return period


# --- events -----------------------------------------------------------------------------------


def _post_details(post: Post, extra: dict | None = None) -> dict:
    return {"post_id": post.pk, **(extra or {})}


def cadre_decide(
    *,
    by,
    person: Person,
    subtype: str,
    post: Post | None,
    effective_on: dt.date,
    from_unit: Unit | None = None,
    end_on: dt.date | None = None,
    decision_no: str = "",
    decided_on: dt.date | None = None,
    decided_by: str = "",
    note: str = "",
    confirm: Iterable[str] = (),
    details: dict | None = None,
    source: str = "web",
) -> Event:
    """Record a cadre decision for a post of the catalogue.

    The post's unit is the event's unit. For rotation and redeployment the person moves to the
    post: the event goes from `from_unit` (the unit left, if known) to the post's unit.
    """
    if post is None and subtype != "retirement":
        raise refuse("decision.post", MSG_DECISION_POST.format(subtype=subtype), "position")
    unit, to_unit = (post.unit if post else None), None
    if subtype in ("rotation", "redeployment") and post is not None:
        if from_unit is None:
            # the unit left is the one of the post held on the day, when there is one
            held = (
                PositionHolding.objects.filter(person=person, valid_from__lte=effective_on, unit__isnull=False)
                .filter(Q(valid_to__isnull=True) | Q(valid_to__gt=effective_on))
                .order_by("-valid_from", "-id").select_related("unit").first()
            )
            from_unit = held.unit if held else None
        unit, to_unit = from_unit, post.unit
    return event_record(
        by=by, source=source, person=person, kind="decision", subtype=subtype, effective_on=effective_on,
        unit=unit, to_unit=to_unit, end_on=end_on, position=post.name if post else "",
        decision_no=decision_no, decided_on=decided_on, decided_by=decided_by, note=note,
        details=_post_details(post, details) if post else dict(details or {}), confirm=confirm,
    )


def planning_add(
    *, by, person: Person, post: Post, period: PlanningPeriod, effective_on: dt.date, decision_no: str = "",
    decided_by: str = "", note: str = "", confirm: Iterable[str] = (), source: str = "web",
) -> Event:
    return event_record(
        by=by, source=source, person=person, kind="planning", subtype="add", effective_on=effective_on, unit=post.unit,
        position=post.name, term=period.code, decision_no=decision_no, decided_by=decided_by, note=note,
        details=_post_details(post), confirm=confirm,
    )


def planning_remove(
    *, by, person: Person, post: Post, period: PlanningPeriod, effective_on: dt.date, reason: str, decision_no: str = "",
    confirm: Iterable[str] = (), source: str = "web",
) -> Event:
    return event_record(
        by=by, source=source, person=person, kind="planning", subtype="remove", effective_on=effective_on, unit=post.unit,
        position=post.name, term=period.code, decision_no=decision_no, note=reason,
        details=_post_details(post, {"reason": reason}), confirm=confirm,
    )


# --- competitive selection --------------------------------------------------------------------


def _open_selection(selection: Selection) -> Selection:
    locked = Selection.objects.select_for_update().get(pk=selection.pk)
    if locked.status != SelectionStatus.OPEN:
        raise refuse("selection.closed", MSG_SELECTION_CLOSED.format(title=locked.title))
    return locked


@transaction.atomic
def selection_create(*, by, post: Post, title: str, opened_on: dt.date, rounds: Iterable[tuple[str, Decimal]] = (), pass_score: Decimal = Decimal("50")) -> Selection:
    """Open a selection; rounds are (name, weight), e.g. the written proposal and the interview."""
    selection = Selection.objects.create(post=post, title=title.strip() or f"Thi tuyển {post.name}", opened_on=opened_on,
                                         pass_score=pass_score, created_by=by if getattr(by, "pk", None) else None)
    for order, (name, weight) in enumerate(rounds, start=1):
        SelectionRound.objects.create(selection=selection, order=order, name=name, weight=Decimal(weight))
    audit(by=by, action="selection.create", obj=selection, changes={"post": post.pk, "title": selection.title})
    return selection


@transaction.atomic
def selection_candidate_add(*, by, selection: Selection, person: Person) -> SelectionCandidate:
    selection = _open_selection(selection)
    try:
        with transaction.atomic():
            candidate = SelectionCandidate.objects.create(selection=selection, person=person)
    except IntegrityError:
        raise refuse("selection.candidate", MSG_SELECTION_CANDIDATE.format(name=person.full_name, title=selection.title), "person") from None
    audit(by=by, action="selection.candidate", obj=selection, changes={"person": person.pk})
    return candidate


@transaction.atomic
def selection_score_set(*, by, candidate: SelectionCandidate, round: SelectionRound, score: Decimal) -> SelectionScore:
    _open_selection(candidate.selection)
    score = Decimal(score)
    if not (0 <= score <= 100):
        raise refuse("selection.score", MSG_SCORE_RANGE.format(value=score), "score")
    row, _ = SelectionScore.objects.update_or_create(round=round, candidate=candidate, defaults={"score": score})
    audit(by=by, action="selection.score", obj=candidate.selection, changes={"candidate": candidate.pk, "round": round.pk, "score": str(score)})
    return row


def candidate_total(candidate: SelectionCandidate, rounds: list[SelectionRound]) -> Decimal | None:
    """Weighted mean of the rounds' scores (0–100); None while a round has no score."""
    scores = {s.round_id: s.score for s in candidate.scores.all()}
    if not rounds or any(r.pk not in scores for r in rounds):
        return None
    weight = sum((r.weight for r in rounds), Decimal(0))
    total = sum((scores[r.pk] * r.weight for r in rounds), Decimal(0)) / weight
    return total.quantize(Decimal("0.01"))


@transaction.atomic
def selection_decide(*, by, selection: Selection, decided_on: dt.date, decision_no: str = "", decided_by: str = "") -> Selection:
    """Close the selection: the best total at or above the pass score wins; every candidate gets an
    exam event (passed for the winner, failed for the others)."""
    selection = _open_selection(selection)
    rounds = list(selection.rounds.all())
    candidates = list(selection.candidates.select_related("person").prefetch_related("scores"))
    totals = [(candidate_total(c, rounds), c) for c in candidates]
    if not candidates or any(t is None for t, _ in totals):
        raise refuse("selection.scores", MSG_NO_SCORES.format(title=selection.title))
    ranked = sorted(totals, key=lambda tc: (-tc[0], tc[1].pk))
    best_total, best = ranked[0]
    winner = best if best_total >= selection.pass_score else None
    for total, candidate in totals:
        event = event_record(
            by=by, person=candidate.person, kind="exam", subtype="passed" if candidate is winner else "failed",
            effective_on=decided_on, unit=selection.post.unit, position=selection.post.name, decision_no=decision_no,
            decided_on=decided_on, decided_by=decided_by,
            details={"post_id": selection.post_id, "selection_id": selection.pk, "score": str(total)},
        )
        candidate.exam_event = event
        candidate.save(update_fields=["exam_event"])
    selection.status = SelectionStatus.DECIDED
    selection.decided_on = decided_on
    selection.winner = winner.person if winner else None
    selection.save(update_fields=["status", "decided_on", "winner"])
    audit(by=by, action="selection.decide", obj=selection, changes={"winner": selection.winner_id})
    return selection


@transaction.atomic
def selection_appoint(
    *, by, selection: Selection, effective_on: dt.date, decision_no: str = "", decided_on: dt.date | None = None,
    decided_by: str = "", confirm: Iterable[str] = (),
) -> Event:
    """The appointment that follows a selection, judged by the same rules as any appointment."""
    selection = Selection.objects.select_for_update(of=("self",)).select_related("post", "post__unit", "winner").get(pk=selection.pk)
    if selection.status != SelectionStatus.DECIDED or selection.winner is None:
        raise refuse("selection.not_decided", MSG_NOT_DECIDED.format(title=selection.title))
    event = cadre_decide(
        by=by, person=selection.winner, subtype="appointment", post=selection.post, effective_on=effective_on,
        decision_no=decision_no, decided_on=decided_on, decided_by=decided_by, confirm=confirm,
        details={"selection_id": selection.pk}, note=f"Bổ nhiệm sau thi tuyển: {selection.title}",
    )
    selection.appointment = event
    selection.status = SelectionStatus.APPOINTED
    selection.save(update_fields=["appointment", "status"])
    audit(by=by, action="selection.appoint", obj=selection, changes={"event": event.pk})
    return event


# --- staffing ---------------------------------------------------------------------------------


@transaction.atomic
def staffing_quota_set(*, by, unit: Unit, year: int, quota: int, actual: int) -> StaffingQuota:
    if quota < 0 or actual < 0:
        raise refuse("staffing.negative", MSG_QUOTA_NEGATIVE, "quota")
    row = StaffingQuota.objects.filter(unit=unit, year=year).select_for_update().first()
    before = {"quota": row.quota, "actual": row.actual} if row else {}
    row, _ = StaffingQuota.objects.update_or_create(unit=unit, year=year, defaults={"quota": quota, "actual": actual})
    audit(by=by, action="staffing.quota", obj=row, changes={"before": before, "quota": quota, "actual": actual})
    return row


@transaction.atomic
def streamlining_target_set(*, by, unit: Unit, base_year: int, target_year: int, reduction_pct: Decimal, source: str = "") -> StreamliningTarget:
    if target_year <= base_year:
        raise RecordRefused([Finding("staffing.target_years", Level.ERROR, MSG_TARGET_YEARS.format(target=target_year, base=base_year), "target_year")])
    row, _ = StreamliningTarget.objects.update_or_create(
        unit=unit, base_year=base_year, target_year=target_year, defaults={"reduction_pct": Decimal(reduction_pct), "source": source}
    )
    audit(by=by, action="staffing.target", obj=row, changes={"reduction_pct": str(reduction_pct), "source": source})
    return row
