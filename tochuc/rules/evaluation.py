"""Annual review and quality rating of party members (DOMAIN-RULES.md §3).

Ratings are `evaluation` events with the year rated; the four levels are the subtypes. Exempt
members are not rated; probationary members are rated like full members (HD 16-2018 names no
exception). Since 2018 the share rated "Hoàn thành xuất sắc nhiệm vụ" may not exceed 20% of those
rated "Hoàn thành tốt nhiệm vụ" in a grassroots organisation.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from tochuc.core.findings import Finding, Level
from tochuc.events.kinds import Status
from tochuc.lib.dates import format_date
from tochuc.rules import params
from tochuc.rules.engine import Context, Draft, rule
from tochuc.rules.params import param

SOURCE_EXEMPT = "Quy định 45-QĐ/TW (2011), điểm 14.2; Hướng dẫn 09-HD/BTCTW (2017), 12-HD/BTCTW (2022)"
SOURCE_CAP_2018 = "Quy định 132-QĐ/TW (08/3/2018); Hướng dẫn 16-HD/BTCTW (2018), 21-HD/BTCTW (2019), điểm 2.3"
SOURCE_CAP_2023 = "Quy định 124-QĐ/TW (04/10/2023); Hướng dẫn 25-HD/BTCTW (2023)"
SOURCE_TWO_INCOMPLETE = "Quy định 29-QĐ/TW (2016) và 24-QĐ/TW (2021), điểm 8.1"
SOURCE_ONCE = "Quy định 132-QĐ/TW (2018), 124-QĐ/TW (2023): đánh giá, xếp loại hằng năm"

MSG_EXEMPT = "{name} đang miễn công tác và sinh hoạt đảng vào ngày {on}: không đánh giá, xếp loại ({source})"
MSG_ONCE = "{name} đã được xếp loại năm {year} (“{label}”, ghi ngày {on}); muốn sửa thì hủy bản ghi cũ ({source})"
MSG_TWO_INCOMPLETE = (
    "{name} không hoàn thành nhiệm vụ hai năm liền ({first} và {second}): chi bộ xem xét, đề nghị "
    "xóa tên ({source})"
)
MSG_CAP = (
    "Số đảng viên “Hoàn thành xuất sắc nhiệm vụ” năm {year} của {org} là {excellent}, vượt {cap}% "
    "số “Hoàn thành tốt nhiệm vụ” ({good}): tối đa {allowed} ({source})"
)
RATINGS = ("excellent", "good", "complete", "incomplete")
RATING_LABELS = {
    "excellent": "Hoàn thành xuất sắc nhiệm vụ",
    "good": "Hoàn thành tốt nhiệm vụ",
    "complete": "Hoàn thành nhiệm vụ",
    "incomplete": "Không hoàn thành nhiệm vụ",
}
GRASSROOTS_KINDS = ("grassroots_committee", "grassroots_branch")


def _name(draft: Draft) -> str:
    return draft.person.full_name if draft.person else ""


@rule(
    "evaluation.exempt_not_rated",
    title="Đảng viên được miễn công tác và sinh hoạt đảng không đánh giá, xếp loại",
    kinds={"evaluation"},
    source=SOURCE_EXEMPT,
    confidence="S",
)
def exempt_not_rated(draft: Draft, ctx: Context) -> Iterator[Finding]:
    st = ctx.state_before
    if draft.person is None or st is None or not st.intervals:
        return
    last = st.intervals[-1]
    if last.valid_to is None and last.status == Status.EXEMPT:
        yield Finding("evaluation.exempt_not_rated", Level.ERROR, MSG_EXEMPT.format(name=_name(draft), on=format_date(draft.effective_on), source=SOURCE_EXEMPT), "kind", SOURCE_EXEMPT)


def _ratings(ctx: Context, year: int) -> list:
    """The person's ratings of `year` from the context's history (their live events, in date
    order), so a batch judges each rating against the ones accepted before it without a query."""
    return sorted((e for e in ctx.history if e.kind == "evaluation" and e.year == year), key=lambda e: (e.effective_on, e.id))


@rule(
    "evaluation.once_per_year",
    title="Mỗi đảng viên được xếp loại một lần cho mỗi năm",
    kinds={"evaluation"},
    source=SOURCE_ONCE,
    confidence="S",
)
def once_per_year(draft: Draft, ctx: Context) -> Iterator[Finding]:
    """From QĐ 366-2025 a rating may also be by quarter or term; those would carry a period in
    `details` and are not modelled yet."""
    if draft.person is None or draft.person.pk is None or draft.year is None:
        return
    earlier = next(iter(_ratings(ctx, draft.year)), None)
    if earlier is not None:
        yield Finding(
            "evaluation.once_per_year", Level.ERROR,
            MSG_ONCE.format(name=_name(draft), year=draft.year, label=RATING_LABELS.get(earlier.subtype, earlier.subtype), on=format_date(earlier.effective_on), source=SOURCE_ONCE),
            "year", SOURCE_ONCE,
        )


@rule(
    "evaluation.two_years_incomplete",
    title="Hai năm liền không hoàn thành nhiệm vụ: đề nghị xóa tên",
    kinds={"evaluation"},
    source=SOURCE_TWO_INCOMPLETE,
    confidence="S",
)
def two_years_incomplete(draft: Draft, ctx: Context) -> Iterator[Finding]:
    """Info, not a block: the rating stands; the finding proposes removal (xóa tên, ground 4)."""
    if draft.person is None or draft.person.pk is None or draft.year is None or draft.subtype != "incomplete":
        return
    for other in (draft.year - 1, draft.year + 1):
        if any(e.subtype == "incomplete" for e in _ratings(ctx, other)):
            first, second = sorted((other, draft.year))
            yield Finding(
                "evaluation.two_years_incomplete", Level.INFO,
                MSG_TWO_INCOMPLETE.format(name=_name(draft), first=first, second=second, source=SOURCE_TWO_INCOMPLETE),
                "subtype", SOURCE_TWO_INCOMPLETE,
            )
            return


@dataclass(frozen=True)
class CapCheck:
    year: int
    org_id: int
    org_name: str
    excellent: int
    good: int
    cap_percent: int

    @property
    def allowed(self) -> int:
        return self.good * self.cap_percent // 100

    @property
    def exceeded(self) -> bool:
        return self.excellent > self.allowed


class _Tally:
    """Person id -> rating among the ratings of one organisation and year, with the counts."""

    def __init__(self, rows: dict[int, str]) -> None:
        self.rows = rows
        self.counts = Counter(rows.values())

    def set(self, person_id: int, rating: str) -> None:
        old = self.rows.get(person_id)
        if old is not None:
            self.counts[old] -= 1
        self.rows[person_id] = rating
        self.counts[rating] += 1

    def with_changes(self, changes: dict[int, str]) -> Counter:
        counts = Counter(self.counts)
        for person_id, rating in changes.items():
            old = self.rows.get(person_id)
            if old is not None:
                counts[old] -= 1
            counts[rating] += 1
        return counts


class _Batch:
    """What the cap rule read, kept while a batch is judged (see `judging_in_batch`)."""

    def __init__(self, version: Callable[[int, dt.date], Any] | None = None) -> None:
        self.version = version  # `version_on` answered from memory (the tree does not change in a batch)
        self.orgs: dict[tuple[int, dt.date], Any] = {}
        # (grassroots unit id, year) -> person id -> rating, for the ratings of its subtree on 31/12
        self.ratings: dict[tuple[int, int], _Tally] = {}
        # (unit id, year) -> the tallies above that a rating in that unit and year counts in
        self.counted_in: dict[tuple[int, int], list[_Tally]] = defaultdict(list)
        # (unit id, year) -> (person id, rating) of every rating written in the batch, in order: a
        # writer may hold them before inserting (events.services.EventSink), so a tally first read
        # from the log later adds them (again, for those already inserted: the same last rating wins)
        self.written: dict[tuple[int, int], list[tuple[int, int, str]]] = defaultdict(list)  # (order, person, rating)
        self.order = 0
        # Whether the log held ratings of people when the batch began: if not, every rating it
        # holds later is one the batch wrote, and a tally needs no query.
        from tochuc.events.projections import live_events

        self.ratings_before = live_events().filter(kind="evaluation", person__isnull=False).exists()
        # What other rules would read once per draft and the batch does not change: the post
        # catalogue, the planning periods (`batch_memo`); and each term's planning events, read
        # from the log once, then kept up to date with those the batch writes (`planning_written`)
        self.memo: dict[tuple, Any] = {}


_batch: ContextVar[_Batch | None] = ContextVar("evaluation_batch", default=None)


@contextmanager
def judging_in_batch(version: Callable[[int, dt.date], Any] | None = None) -> Iterator[None]:
    """Judge many ratings without re-reading, for each, what earlier ratings already counted.

    For the importer's person events: while this is open the unit tree must not change, and every
    rating written must go through `ratings_written` (event_record_many does this). The cap rule
    then reads each organisation's tree and ratings of a year once, and adds the ratings written
    since: the same counts as the query it replaces, which reads the log each time. A caller that
    holds every unit's versions passes `version(unit_id, day)` (`events.services.version_picker`):
    the grassroots organisation of a unit is then found without a query."""
    token = _batch.set(_Batch(version))
    try:
        yield
    finally:
        _batch.reset(token)


def batch_memo(key: tuple, compute: Callable[[], Any]) -> Any:
    """`compute()` once per key while a batch is judged (every call outside one). For what the
    batch does not write: the importer judges person events after the posts are written, and no
    import writes a planning period."""
    batch = _batch.get()
    if batch is None:
        return compute()
    if key not in batch.memo:
        batch.memo[key] = compute()
    return batch.memo[key]


def batch_planning_events(term: str, load: Callable[[], list]) -> list:
    """A term's planning events (`cadres.eligibility.PlanningEvent`): `load()` reads them from the
    log (every call outside a batch); in a batch, once, then with the ones it writes added."""
    return batch_memo(("planning", term), load)


def planning_written(events: Iterable) -> None:
    """Add planning events just accepted to the terms an open batch has read (nothing outside a
    batch). They are held before an insert (events.services.EventSink), without ids yet: each
    gets one above any stored id, in the order accepted, as the database will give them."""
    batch = _batch.get()
    if batch is None:
        return
    from tochuc.cadres.eligibility import PlanningEvent

    for e in events:
        read = batch.memo.get(("planning", e.term)) if e.kind == "planning" and e.person_id is not None else None
        if read is None:
            continue
        batch.order += 1
        read.append(
            PlanningEvent(_WRITTEN_ID + batch.order, e.subtype, e.person_id, e.position, e.unit_id, e.term, e.effective_on)
        )


# Ids of the planning events a batch wrote, as `planning_written` numbers them: above any stored id
_WRITTEN_ID = 1 << 62


def ratings_written(events: Iterable) -> None:
    """Add ratings just written to what an open batch counts (nothing outside a batch)."""
    batch = _batch.get()
    if batch is None:
        return
    for e in events:
        if e.kind != "evaluation" or e.person_id is None or e.year is None:
            continue
        batch.order += 1
        batch.written[(e.unit_id, e.year)].append((batch.order, e.person_id, e.subtype))
        for tally in batch.counted_in.get((e.unit_id, e.year), ()):
            tally.set(e.person_id, e.subtype)


def grassroots_of(unit_id: int, on: dt.date):
    """The grassroots organisation (đảng bộ cơ sở or chi bộ cơ sở) a unit belongs to on a date."""
    batch = _batch.get()
    if batch is not None:
        key = (unit_id, on)
        if key not in batch.orgs:
            batch.orgs[key] = _grassroots_of(unit_id, on) if batch.version is None else _grassroots_in(batch.version, unit_id, on)
        return batch.orgs[key]
    return _grassroots_of(unit_id, on)


def _grassroots_of(unit_id: int, on: dt.date):
    from tochuc.units.selectors import ancestors

    found = None
    for version in ancestors(unit_id, on=on):
        if version.kind in GRASSROOTS_KINDS:
            found = version
    return found


def _grassroots_in(version: Callable[[int, dt.date], Any], unit_id: int, on: dt.date):
    """`_grassroots_of` with the versions from memory: the unit's version on the day, then the
    versions on that day of the units on its path (as `units.selectors.ancestors` reads them)."""
    own = version(unit_id, on)
    if own is None:
        return None
    found = None
    for segment in own.path.split("."):
        v = version(int(segment), on) if segment else None
        if v is not None and v.kind in GRASSROOTS_KINDS:
            found = v
    return found


def cap_check(*, org, year: int, changes: dict[int, str] | None = None) -> CapCheck:
    """Excellent and good ratings of `year` among people rated in the organisation's subtree
    (as it stood on 31/12), with `changes` (person id -> rating) replacing or adding rows."""
    from tochuc.events.projections import live_events
    from tochuc.units.selectors import subtree_unit_ids

    dec31 = dt.date(year, 12, 31)
    batch = _batch.get()
    tally = batch.ratings.get((org.unit_id, year)) if batch is not None else None
    if tally is None and batch is None:
        tally = _Tally(dict(
            live_events()
            .filter(kind="evaluation", year=year, person__isnull=False, unit_id__in=subtree_unit_ids(org.unit_id, on=dec31))
            .order_by("id")
            .values_list("person_id", "subtype")
        ))
    elif tally is None:
        assert batch is not None
        # the same units and rows as above, from what the batch holds when it can
        in_memory = getattr(batch.version, "subtree", None)
        units = in_memory(org.unit_id, dec31) if in_memory else [row["unit_id"] for row in subtree_unit_ids(org.unit_id, on=dec31)]
        stored: dict[int, str] = {}
        if batch.ratings_before:  # else every rating in the log is one the batch wrote (below)
            for start in range(0, len(units), 900):
                stored.update(
                    live_events()
                    .filter(kind="evaluation", year=year, person__isnull=False, unit_id__in=units[start : start + 900])
                    .order_by("id")
                    .values_list("person_id", "subtype")
                )
        tally = _Tally(stored)
        batch.ratings[(org.unit_id, year)] = tally
        for unit_id in units:
            batch.counted_in[(unit_id, year)].append(tally)
        for _, person_id, rating in sorted(w for unit_id in units for w in batch.written.get((unit_id, year), ())):
            tally.set(person_id, rating)
    counts = tally.with_changes(changes or {})
    return CapCheck(year, org.unit_id, org.name, counts["excellent"], counts["good"], int(param("excellent_cap_percent")))


def cap_finding(check: CapCheck, source: str) -> Finding:
    return Finding(
        "evaluation.excellent_cap", Level.WARNING,
        MSG_CAP.format(year=check.year, org=check.org_name, excellent=check.excellent, cap=check.cap_percent, good=check.good, allowed=check.allowed, source=source),
        "subtype", source,
    )


def _cap_findings(draft: Draft, ctx: Context, source: str) -> Iterator[Finding]:
    if draft.person is None or draft.year is None or draft.subtype != "excellent":
        return
    unit_id = draft.unit_id or (ctx.state_before.unit_id if ctx.state_before else None)
    if unit_id is None:
        return
    org = grassroots_of(unit_id, dt.date(draft.year, 12, 31))
    if org is None:
        return
    check = cap_check(org=org, year=draft.year, changes={draft.person.pk or 0: "excellent"})
    if check.exceeded:
        yield cap_finding(check, source)


TITLE_CAP = "Tỷ lệ “Hoàn thành xuất sắc nhiệm vụ” không quá 20% số “Hoàn thành tốt nhiệm vụ” trong tổ chức cơ sở đảng"


@rule("evaluation.excellent_cap", title=TITLE_CAP, kinds={"evaluation"}, source=SOURCE_CAP_2018, valid_from=params.QD132_2018, valid_to=params.QD124_2023)
def excellent_cap_2018(draft: Draft, ctx: Context) -> Iterator[Finding]:
    """A warning, not an error, even though the cap is certain: it is counted over the whole
    grassroots organisation, which is complete only when its last branch is rated, so one
    rating cannot be refused for it. The branch evaluation screen checks the whole batch."""
    yield from _cap_findings(draft, ctx, SOURCE_CAP_2018)


@rule("evaluation.excellent_cap", title=TITLE_CAP, kinds={"evaluation"}, source=SOURCE_CAP_2023, valid_from=params.QD124_2023, confidence="U")
def excellent_cap_2023(draft: Draft, ctx: Context) -> Iterator[Finding]:
    """[U] The 20% cap is said to be retained by QĐ 124-2023 and QĐ 366-2025; exact wording not
    found. Warning only; the percentage is the parameter `excellent_cap_percent`."""
    yield from _cap_findings(draft, ctx, SOURCE_CAP_2023)
