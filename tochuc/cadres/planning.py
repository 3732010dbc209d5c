"""The planning list of a period, its quotas, and the yearly review (reads; scoped).

The list is derived from planning events (add / remove per post and term). The review proposes
removals the regulations make automatic (QĐ 50-QĐ/TW 2021: discipline of khiển trách or more, age
over the planning limit) and shows the gaps: posts with too few candidates, quotas not met.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from tochuc.accounts import scoping
from tochuc.accounts.scoping import Scope
from tochuc.cadres import eligibility as el
from tochuc.cadres.models import PlanningPeriod, Post
from tochuc.cadres.selectors import load_planning, post_list
from tochuc.events.fold import EventData
from tochuc.events.projections import live_events
from tochuc.lib.dates import age_on
from tochuc.lib.vntext import fold
from tochuc.people.models import Person
from tochuc.units.models import UnitVersion
from tochuc.units.selectors import valid_on

MAJORITY_ETHNICITY = "kinh"
SOURCE_REMOVAL = "Quy định 50-QĐ/TW (27/12/2021)"
MSG_REMOVE_DISCIPLINE = "Bị kỷ luật {discipline} ngày {on}: đưa ra khỏi quy hoạch ({source})"
MSG_REMOVE_AGE = "Không còn đủ tuổi công tác trọn một nhiệm kỳ (nghỉ hưu ngày {retire}): đưa ra khỏi quy hoạch ({source})"
MSG_GAP_NONE = "Chưa có người trong quy hoạch"
MSG_GAP_ONE = "Chỉ có 1 người trong quy hoạch (nên có 2–3 người)"


def is_minority(person: Person) -> bool:
    return bool(person.ethnicity.strip()) and fold(person.ethnicity).strip() != MAJORITY_ETHNICITY


@dataclass(frozen=True)
class PlanningRow:
    person: Person
    post: str
    unit_name: str
    unit_id: int | None
    added_on: dt.date
    age: int
    young: bool
    minority: bool


@dataclass(frozen=True)
class Quota:
    key: str  # women | young | minority
    label: str
    count: int
    total: int
    pct: Decimal | None
    required_pct: Decimal | None

    @property
    def met(self) -> bool | None:
        if self.required_pct is None or self.pct is None:
            return None
        return self.pct >= self.required_pct


def percent(part: int, whole: int) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def _unit_names(unit_ids: set[int | None], on: dt.date) -> dict[int, str]:
    ids = [u for u in unit_ids if u is not None]
    return dict(UnitVersion.objects.filter(valid_on(on), unit_id__in=ids).values_list("unit_id", "name"))


def planning_rows(*, scope: Scope, period: PlanningPeriod, on: dt.date, unit_ids=None) -> list[PlanningRow]:
    """The entries of the period standing on `on`, for posts of units in scope."""
    visible = scoping.unit_ids(scope, on=on) if unit_ids is None else unit_ids
    entries = load_planning(on=on, term=period.code, unit_ids=visible)
    people = {p.pk: p for p in Person.objects.filter(pk__in={e.person_id for e in entries})}
    names = _unit_names({e.unit_id for e in entries}, on)
    rows = []
    for e in entries:
        p = people[e.person_id]
        # ages for the youth share are taken at the start of the term planned for
        age = age_on(p.birth_date, period.starts_on)
        rows.append(PlanningRow(p, e.position, names.get(e.unit_id, ""), e.unit_id, e.added_on, age, age < period.young_max_age, is_minority(p)))
    return sorted(rows, key=lambda r: (r.unit_name, r.post, r.person.search_key))


def quotas(period: PlanningPeriod, rows: list[PlanningRow]) -> list[Quota]:
    """Shares of women, young cadres and ethnic minorities among the distinct people of the list."""
    people = {r.person.pk: r for r in rows}
    total = len(people)
    women = sum(1 for r in people.values() if r.person.sex == "female")
    young = sum(1 for r in people.values() if r.young)
    minority = sum(1 for r in people.values() if r.minority)
    return [
        Quota("women", "Cán bộ nữ", women, total, percent(women, total), period.women_min_pct),
        Quota("young", f"Cán bộ trẻ (dưới {period.young_max_age} tuổi)", young, total, percent(young, total), period.young_min_pct),
        Quota("minority", "Cán bộ người dân tộc thiểu số", minority, total, percent(minority, total), period.minority_min_pct),
    ]


@dataclass(frozen=True)
class Proposal:
    row: PlanningRow
    reason: str
    code: str  # discipline | age
    on: dt.date | None = None  # the discipline's date, or the retirement date


@dataclass(frozen=True)
class Gap:
    post: Post
    count: int
    message: str


@dataclass(frozen=True)
class Review:
    period: PlanningPeriod
    on: dt.date
    rows: list[PlanningRow]
    proposals: list[Proposal]
    gaps: list[Gap]
    quotas: list[Quota]


def _discipline_since(history: list[EventData], since: dt.date, on: dt.date) -> EventData | None:
    for ev in history:
        if ev.kind == "discipline" and ev.subtype in el.DISCIPLINE_LABELS and since <= ev.effective_on <= on:
            return ev
    return None


def removal_proposals(*, period: PlanningPeriod, on: dt.date, rows: list[PlanningRow]) -> list[Proposal]:
    """Who the yearly review must take off the list: disciplined since being added, or no longer
    young enough for a full term (QĐ 50-QĐ/TW 2021). One query for the people's disciplines."""
    # Only discipline matters here: load those events, not the people's whole history.
    disciplines: dict[int, list[EventData]] = defaultdict(list)
    rows_d = (
        live_events().filter(kind="discipline", person_id__in={r.person.pk for r in rows}, effective_on__lte=on)
        .order_by("effective_on", "id").values_list("id", "person_id", "subtype", "effective_on")
    )
    for event_id, person_id, subtype, effective_on in rows_d:
        disciplines[person_id].append(EventData(id=event_id, kind="discipline", subtype=subtype, effective_on=effective_on))
    proposals: list[Proposal] = []
    for r in rows:
        disciplined = _discipline_since(disciplines[r.person.pk], r.added_on, on)
        if disciplined is not None:
            reason = MSG_REMOVE_DISCIPLINE.format(
                discipline=el.DISCIPLINE_LABELS[disciplined.subtype], on=el.fmt(disciplined.effective_on), source=SOURCE_REMOVAL
            )
            proposals.append(Proposal(r, reason, "discipline", disciplined.effective_on))
            continue
        check = el.term_check(r.person.birth_date, r.person.sex, max(period.starts_on, on))
        if not check.full_term:
            proposals.append(
                Proposal(r, MSG_REMOVE_AGE.format(retire=el.fmt(check.retirement.on), source=SOURCE_REMOVAL), "age", check.retirement.on)
            )
    return proposals


def planning_review(*, scope: Scope, period: PlanningPeriod, on: dt.date, unit_ids=None) -> Review:
    """The yearly review: who should leave the list and which posts lack candidates."""
    unit_ids = scoping.unit_ids(scope, on=on) if unit_ids is None else unit_ids
    rows = planning_rows(scope=scope, period=period, on=on, unit_ids=unit_ids)
    proposals = removal_proposals(period=period, on=on, rows=rows)
    counts: dict[tuple, int] = defaultdict(int)
    for r in rows:
        counts[el.position_key(r.post, r.unit_id)] += 1
    gaps = []
    for post in post_list(scope=scope, unit_ids=unit_ids).filter(active=True).order_by("unit__code", "name"):
        n = counts.get(el.position_key(post.name, post.unit_id), 0)
        if n == 0:
            gaps.append(Gap(post, 0, MSG_GAP_NONE))
        elif n == 1:
            gaps.append(Gap(post, 1, MSG_GAP_ONE))
    return Review(period, on, rows, proposals, gaps, quotas(period, rows))
