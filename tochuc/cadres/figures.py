"""Cadre-work figures for the annual report and the dashboard (issue 6, item 7).

`cadre_figures(unit, period)` counts within the unit's subtree as it stood on the period's last
day, like every figure (DESIGN.md §5). The caller has already checked that the unit is in the
user's scope. Decisions by subtype, people decided, planning additions and removals and training
by program are figures of the reports app (`cadres.decided`, `cadres.decisions.<subtype>`,
`cadres.planning.add|remove`, `training.<program>`): not repeated here.

Returns {"figures": {key: {"label", "value"}}, "rows": {key: [row dicts]}}; percentages are
Decimals with two places (None when the base is zero).
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Protocol

from django.db.models import Q, Sum

from tochuc.accounts.scoping import Scope
from tochuc.cadres import eligibility as el
from tochuc.cadres.models import PlanningPeriod, Post, Selection, SelectionStatus, StaffingQuota
from tochuc.cadres.planning import percent, planning_rows, quotas
from tochuc.cadres.staffing import staffing_rows
from tochuc.cadres.training import training_gaps
from tochuc.events.projections import live_events
from tochuc.units.models import Unit
from tochuc.units.selectors import subtree_unit_ids

LABELS = {
    "cadres.planning.people": "Cán bộ trong quy hoạch",
    "cadres.planning.posts": "Chức danh trong danh mục",
    "cadres.planning.posts_covered": "Chức danh đã có người quy hoạch",
    "cadres.planning.coverage": "Tỷ lệ chức danh có người quy hoạch (%)",
    "cadres.planning.women_pct": "Tỷ lệ cán bộ nữ trong quy hoạch (%)",
    "cadres.planning.young_pct": "Tỷ lệ cán bộ trẻ trong quy hoạch (%)",
    "cadres.planning.minority_pct": "Tỷ lệ cán bộ dân tộc thiểu số trong quy hoạch (%)",
    "cadres.rotation.ongoing": "Cán bộ đang luân chuyển",
    "cadres.selections.decided": "Kỳ thi tuyển có kết quả",
    "cadres.selections.appointed": "Bổ nhiệm sau thi tuyển",
    "cadres.staffing.quota": "Biên chế được giao",
    "cadres.staffing.actual": "Biên chế có mặt",
    "cadres.staffing.reduction": "Tỷ lệ tinh giản biên chế so với năm gốc (%)",
    "cadres.training.gaps": "Cán bộ chưa đạt chuẩn đào tạo của chức danh",
}


class PeriodLike(Protocol):
    start: dt.date
    end: dt.date


def _all_scope() -> Scope:
    # The unit is already in the caller's scope; selectors below are given its subtree's ids.
    return Scope(None, ())


def cadre_figures(unit: Unit, period: PeriodLike) -> dict[str, Any]:
    end = period.end
    ids = list(subtree_unit_ids(unit, on=end).values_list("unit_id", flat=True))
    figures: dict[str, Any] = {}
    rows: dict[str, list[dict]] = {}

    def put(key: str, value, key_rows: list[dict] | None = None) -> None:
        figures[key] = {"label": LABELS[key], "value": value}
        if key_rows is not None:
            rows[key] = key_rows

    # Planning: the periods that cover the last day (current term, and the next one if started).
    scope = _all_scope()
    plan_rows = []
    for period_row in PlanningPeriod.objects.filter(starts_on__lte=end, ends_on__gte=end).order_by("starts_on"):
        plan_rows.extend((period_row, r) for r in planning_rows(scope=scope, period=period_row, on=end, unit_ids=ids))
    people = {r.person.pk for _, r in plan_rows}
    put("cadres.planning.people", len(people), [
        {"person_id": r.person.pk, "full_name": r.person.full_name, "post": r.post, "unit": r.unit_name, "term": p.code,
         "added_on": r.added_on.isoformat()} for p, r in plan_rows
    ])
    posts = list(Post.objects.filter(unit_id__in=ids, active=True).select_related("unit"))
    planned_keys = {el.position_key(r.post, r.unit_id) for _, r in plan_rows}
    covered = [p for p in posts if el.position_key(p.name, p.unit_id) in planned_keys]
    put("cadres.planning.posts", len(posts))
    put("cadres.planning.posts_covered", len(covered), [{"post_id": p.pk, "post": p.name, "unit": p.unit.code} for p in covered])
    put("cadres.planning.coverage", percent(len(covered), len(posts)))
    if plan_rows:
        shares = {q.key: q for q in quotas(plan_rows[-1][0], [r for _, r in plan_rows])}
    else:
        shares = {}
    for key in ("women", "young", "minority"):
        q = shares.get(key)
        put(f"cadres.planning.{key}_pct", q.pct if q else None)

    ongoing = (
        live_events()
        .filter(kind="decision", subtype="rotation", to_unit_id__in=ids, effective_on__lte=end)
        .filter(Q(end_on__isnull=True) | Q(end_on__gt=end))
        .select_related("person")
        .order_by("effective_on", "id")
    )
    put("cadres.rotation.ongoing", len({e.person_id for e in ongoing}), [
        {"event_id": e.pk, "person_id": e.person_id, "full_name": e.person.full_name, "post": e.position,
         "from": e.effective_on.isoformat(), "to": e.end_on.isoformat() if e.end_on else None} for e in ongoing
    ])

    selections = Selection.objects.filter(post__unit_id__in=ids, decided_on__gte=period.start, decided_on__lte=end)
    put("cadres.selections.decided", selections.count(), [
        {"selection_id": s.pk, "title": s.title, "winner_id": s.winner_id} for s in selections.order_by("decided_on", "id")
    ])
    appointed = Selection.objects.filter(
        post__unit_id__in=ids, status=SelectionStatus.APPOINTED,
        appointment__effective_on__gte=period.start, appointment__effective_on__lte=end,
    )
    put("cadres.selections.appointed", appointed.count())

    year = end.year
    totals = StaffingQuota.objects.filter(unit_id__in=ids, year=year).aggregate(q=Sum("quota"), a=Sum("actual"))
    staff = staffing_rows(unit_ids=ids, year=year, names_on=end)
    put("cadres.staffing.quota", totals["q"] or 0, [
        {"unit": r.unit_code, "quota": r.quota, "actual": r.actual, "base_quota": r.base_quota,
         "reduced_pct": r.reduced_pct, "target_pct": r.target_pct} for r in staff
    ])
    put("cadres.staffing.actual", totals["a"] or 0)
    with_base = [r for r in staff if r.base_quota]
    base_total = sum(r.base_quota for r in with_base)
    now_total = sum(r.quota for r in with_base)
    put("cadres.staffing.reduction", percent(base_total - now_total, base_total) if base_total else None)

    gaps = training_gaps(scope=scope, on=end, unit_ids=ids)
    put("cadres.training.gaps", len({g.person.pk for g in gaps}), [
        {"person_id": g.person.pk, "full_name": g.person.full_name, "post": g.post.name, "needs": [n.label for n in g.needs]} for g in gaps
    ])
    return {"figures": figures, "rows": rows}
