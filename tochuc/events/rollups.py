"""The event rollup: counts of live events per anchor unit x kind x subtype x month.

PERFORMANCE.md §4: a coarse rollup answers province- and nation-wide period counts from a few
hundred rows instead of scanning millions of events. Decisions:

- **Where an event counts.** In its unit, or, for a person event without a unit, in the unit of
  the person's membership on that day (the same attribution as the report selectors). That unit
  is placed in the tree *as it stood on the event's date*: `root` is the top of its path and
  `anchor` the unit directly below the root (a district before the 2025 reorganisation, a
  commune or bloc after); an event of the root itself has the root as its anchor. A cell never
  moves when the tree changes later, which keeps the refresh incremental.
- **Incremental by watermark.** The log is append-only, so new work is `event.id > watermark`
  plus `void.id > watermark` (a void subtracts). Two things can move counts already made: a
  back-dated change of the tree (any new unit-tree event, or its void) triggers a full rebuild,
  and a back-dated change of a person's memberships re-attributes that person's unit-less
  events (their attribution is kept in `RollupAttribution`).
- **Derived state.** `rollup_rebuild(check=True)` (run by `tochuc rebuild --check`) recomputes
  every cell from the log and compares.

**The year counts** (`EventYearCount`) are kept by the same refresh: live person events per
unit x kind x subtype x year, the unit being where the report counts the event (its own, or the
membership's for an event without one) and the year the rating year of an evaluation, the year of
the effective date otherwise. They do not depend on the tree, so the annual report reads them for
any scope and whole years (`year_counts`) and places the units in its buckets itself. A full
rebuild writes both, and the attributions, set-based in the database (`build_all`: `INSERT …
SELECT … GROUP BY`, nothing proportional to the log in Python; migration 0009 forgets the
watermark so that a database from before them gets one); then the same deltas move both.

What the rollup answers exactly: events of given kinds (and subtypes) in the subtree of a root
or an anchor unit, with effective dates in whole months. `rollup_exact_for` says whether that
equals the report engine's reading (tree as on the period's last day) for a scope and period:
it does when no unit in the scope was reparented, merged or dissolved during the period.
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import connection, transaction
from django.db.models import Case, Count, IntegerField, Max, Min, OuterRef, Q, Subquery, Sum, When
from django.db.models.functions import Coalesce

from tochuc.core.cache import event_log_heads
from tochuc.core.db import IdList, unindexed
from tochuc.events.kinds import UNIT_TREE_KINDS
from tochuc.events.models import (
    Event,
    EventRollup,
    EventVoid,
    EventYearCount,
    Membership,
    RollupAttribution,
    RollupWatermark,
)
from tochuc.units.models import PATH_WIDTH, UnitVersion
from tochuc.units.selectors import path_prefix, version_on

WATERMARK = "events"
# Kinds whose events move units in the tree (a founding only adds one: nothing moves).
MOVING_KINDS = ("reparent", "merger", "dissolution")
GROUP_FIELDS = ("root", "anchor", "person_event", "kind", "subtype", "month")

MSG_DIFF = "Bảng tổng hợp sự kiện: ô {cell} lưu {stored}, tính lại từ nhật ký được {computed}"
MSG_YEAR_DIFF = "Bảng đếm sự kiện theo năm: đơn vị #{unit}, {kind}/{subtype}, năm {year} lưu {stored}, tính lại từ nhật ký được {computed}"
MSG_ATTR = (
    "Bảng tổng hợp sự kiện: {n} sự kiện không ghi đơn vị được quy về đơn vị khác với khi tính lại"
)


@dataclass(frozen=True)
class Cell:
    root_id: int | None
    anchor_id: int | None
    person_event: bool
    kind: str
    subtype: str
    month: dt.date

    def sort_key(self) -> tuple:
        return (
            self.root_id or 0,
            self.anchor_id or 0,
            self.person_event,
            self.kind,
            self.subtype,
            self.month,
        )

    def row(self, n: int) -> EventRollup:
        return EventRollup(
            root_id=self.root_id,
            anchor_id=self.anchor_id,
            person_event=self.person_event,
            kind=self.kind,
            subtype=self.subtype,
            month=self.month,
            n=n,
        )

    def label(self) -> str:
        return f"{self.root_id}/{self.anchor_id}/{'người' if self.person_event else 'đơn vị'}/{self.kind}/{self.subtype}/{self.month:%m-%Y}"


def month_of(day: dt.date) -> dt.date:
    return day.replace(day=1)


def counted_year(kind: str, day: dt.date, year: int | None) -> int | None:
    """The year the annual report counts an event in: an evaluation's rating year, otherwise the
    year of its effective date (`reports.selectors._in_years` / `_in_period`)."""
    return year if kind == "evaluation" else day.year


def membership_unit() -> Subquery:
    """The unit of the person's membership on the event's day (a new interval wins on a change day).

    Same reading as the report selectors' attribution of an event recorded without a unit.
    """
    qs = (
        Membership.objects.filter(
            person_id=OuterRef("person_id"), valid_from__lte=OuterRef("effective_on")
        )
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=OuterRef("effective_on")))
        .order_by("-valid_from")
        .values("unit_id")[:1]
    )
    return Subquery(qs, output_field=IntegerField())


class TreeIndex:
    """Unit versions in memory, loaded per unit on first use: where a unit stood on a day."""

    def __init__(self) -> None:
        self._versions: dict[int, list[tuple[dt.date, dt.date | None, str]]] = {}

    def load(self, unit_ids: Iterable[int]) -> None:
        todo = {u for u in unit_ids if u is not None and u not in self._versions}
        if not todo:
            return
        found: dict[int, list[tuple[dt.date, dt.date | None, str]]] = defaultdict(list)
        ids = sorted(todo)
        for start in range(0, len(ids), 5000):
            rows = UnitVersion.objects.filter(unit_id__in=ids[start : start + 5000]).values_list(
                "unit_id", "valid_from", "valid_to", "path"
            )
            for uid, vf, vt, path in rows.iterator(chunk_size=5000):
                found[uid].append((vf, vt, path))
        for uid in todo:
            self._versions[uid] = sorted(found.get(uid, []))

    def place(self, unit_id: int | None, day: dt.date) -> tuple[int | None, int | None]:
        """(root id, anchor id) of the unit on that day, or on the day before for an event that
        ends the unit (merger, dissolution); (None, None) when it did not exist."""
        if unit_id is None:
            return None, None
        versions = self._versions.get(unit_id)
        if versions is None:
            self.load([unit_id])
            versions = self._versions[unit_id]
        found = self._find(versions, day)
        if found is None:
            found = self._find(versions, day - dt.timedelta(days=1))
        if found is None:
            return None, None
        step = PATH_WIDTH + 1
        root = int(found[:PATH_WIDTH])
        anchor = int(found[step : step + PATH_WIDTH]) if len(found) > step else root
        return root, anchor

    @staticmethod
    def _find(versions: list[tuple[dt.date, dt.date | None, str]], day: dt.date) -> str | None:
        # Versions of a unit never overlap: the last one starting on or before the day.
        i = bisect.bisect_right([v[0] for v in versions], day) - 1
        if i < 0:
            return None
        _vf, vt, path = versions[i]
        if vt is not None and vt <= day:
            return None
        return path


@dataclass
class Scan:
    cells: Counter
    attributions: dict[int, int | None]  # event id -> unit id, for person events without a unit
    years: Counter  # (unit id, kind, subtype, counted year) -> n, person events only


def _events(q: Q, void_hi: int):
    """Events matching `q` that were live once voids up to `void_hi` are applied."""
    return (
        Event.objects.filter(q)
        .filter(Q(void__isnull=True) | Q(void__id__gt=void_hi))
        .annotate(attr=Coalesce("unit_id", membership_unit(), output_field=IntegerField()))
        .values_list(
            "id", "person_id", "unit_id", "attr", "kind", "subtype", "effective_on", "year"
        )
        .order_by()
    )


def scan(q: Q, void_hi: int, tree: TreeIndex | None = None) -> Scan:
    """Count the live events matching `q` into cells."""
    tree = tree or TreeIndex()
    cells: Counter = Counter()
    years: Counter = Counter()
    attributions: dict[int, int | None] = {}
    batch: list[tuple] = []

    def flush() -> None:
        tree.load(r[3] for r in batch)
        for eid, person_id, unit_id, attr, kind, subtype, on, year in batch:
            root, anchor = tree.place(attr, on)
            cells[Cell(root, anchor, person_id is not None, kind, subtype, month_of(on))] += 1
            if person_id is not None:
                years[(attr, kind, subtype, counted_year(kind, on, year))] += 1
                if unit_id is None:
                    attributions[eid] = attr
        batch.clear()

    for row in _events(q, void_hi).iterator(chunk_size=5000):
        batch.append(row)
        if len(batch) >= 20_000:
            flush()
    flush()
    return Scan(cells, attributions, years)


def scan_log(event_hi: int, void_hi: int) -> Scan:
    """`scan` of the whole log up to these heads, grouped in SQL first: events of one unit, kind,
    subtype and day are placed once (about half as many groups as events on the demo city); the
    unit-less person events' attributions in a second query. What `rollup_rebuild` compares the
    tables with: placed in Python, not by the join that `build_all` writes them with."""
    tree = TreeIndex()
    cells: Counter = Counter()
    years: Counter = Counter()
    live = Q(id__lte=event_hi) & (Q(void__isnull=True) | Q(void__id__gt=void_hi))
    groups = (
        Event.objects.filter(live)
        .annotate(
            attr=Coalesce("unit_id", membership_unit(), output_field=IntegerField()),
            person_event=Case(When(person__isnull=True, then=0), default=1, output_field=IntegerField()),
        )
        .values_list("attr", "person_event", "kind", "subtype", "effective_on", "year")
        .annotate(n=Count("*"))
        .order_by()
    )
    batch: list[tuple] = []

    def flush() -> None:
        tree.load(r[0] for r in batch)
        for attr, person_event, kind, subtype, on, year, n in batch:
            root, anchor = tree.place(attr, on)
            cells[Cell(root, anchor, bool(person_event), kind, subtype, month_of(on))] += n
            if person_event:
                years[(attr, kind, subtype, counted_year(kind, on, year))] += n
        batch.clear()

    for row in groups.iterator(chunk_size=20_000):
        batch.append(row)
        if len(batch) >= 50_000:
            flush()
    flush()
    attributions = dict(
        Event.objects.filter(live, person__isnull=False, unit__isnull=True)
        .annotate(attr=membership_unit())
        .values_list("id", "attr")
        .iterator(chunk_size=20_000)
    )
    return Scan(cells, attributions, years)


def stored_cells() -> Counter:
    out: Counter = Counter()
    for root, anchor, pe, kind, subtype, month, n in EventRollup.objects.values_list(
        "root_id", "anchor_id", "person_event", "kind", "subtype", "month", "n"
    ).iterator(chunk_size=10_000):
        out[Cell(root, anchor, pe, kind, subtype, month)] += n
    return out


# --- the full build, set-based ------------------------------------------------------------------
# Each statement reads the log in the database and writes its rows there: Python holds nothing
# proportional to the log (the grouped scan held every count in dictionaries: 11 GB for the
# nation). The same statements run on PostgreSQL and SQLite; what the two spell differently (a
# day's month and year) comes from a calendar table instead. Parameters: event_hi and void_hi
# (the heads read), width (PATH_WIDTH) and step (PATH_WIDTH + 1, a path segment with its dot).

# The unit of the membership on the event's day, as `membership_unit()` reads it (a new interval
# wins on a change day), for every live person event recorded without a unit.
BUILD_ATTRIBUTIONS = """
INSERT INTO events_rollupattribution (event_id, unit_id)
SELECT e.id, (
    SELECT m.unit_id FROM events_membership m
    WHERE m.person_id = e.person_id AND m.valid_from <= e.effective_on
      AND (m.valid_to IS NULL OR m.valid_to >= e.effective_on)
    ORDER BY m.valid_from DESC LIMIT 1)
FROM events_event e LEFT JOIN events_eventvoid vd ON vd.event_id = e.id
WHERE e.id <= %(event_hi)s AND (vd.id IS NULL OR vd.id > %(void_hi)s)
  AND e.person_id IS NOT NULL AND e.unit_id IS NULL
"""

# Every live event placed where `TreeIndex.place` puts it: the version of its unit (or of the
# attribution's) on its day, else the version that ended that very day (a merger or dissolution
# counts where the unit stood the day before); root and anchor are the first two path segments.
BUILD_CELLS = """
INSERT INTO events_eventrollup (root_id, anchor_id, person_event, kind, subtype, month, n)
SELECT root_id, anchor_id, person_event, kind, subtype, month, n FROM (
    SELECT root_id, anchor_id, person_event, kind, subtype, month, COUNT(*) AS n FROM (
        SELECT CAST(SUBSTR(p.path, 1, %(width)s) AS BIGINT) AS root_id,
               CAST(CASE WHEN LENGTH(p.path) > %(step)s THEN SUBSTR(p.path, %(step)s + 1, %(width)s)
                    ELSE SUBSTR(p.path, 1, %(width)s) END AS BIGINT) AS anchor_id,
               p.person_event, p.kind, p.subtype, p.month
        FROM (
            SELECT COALESCE(v.path, w.path) AS path, e.person_id IS NOT NULL AS person_event,
                   e.kind, e.subtype, c.month
            FROM events_event e
            JOIN rollup_calendar c ON c.day = e.effective_on
            LEFT JOIN events_eventvoid vd ON vd.event_id = e.id
            LEFT JOIN events_rollupattribution a ON a.event_id = e.id
            LEFT JOIN units_unitversion v ON v.unit_id = COALESCE(e.unit_id, a.unit_id)
                AND v.valid_from <= e.effective_on
                AND (v.valid_to IS NULL OR v.valid_to > e.effective_on)
            LEFT JOIN units_unitversion w ON v.id IS NULL
                AND w.unit_id = COALESCE(e.unit_id, a.unit_id) AND w.valid_to = e.effective_on
            WHERE e.id <= %(event_hi)s AND (vd.id IS NULL OR vd.id > %(void_hi)s)
        ) p
    ) placed
    GROUP BY root_id, anchor_id, person_event, kind, subtype, month
) cells
ORDER BY COALESCE(root_id, 0), COALESCE(anchor_id, 0), month
"""

# Live person events by the unit the report counts them in and `counted_year`. Both tables are
# written in the order they are read (a year's counts, a subtree's cells on neighbouring pages),
# sorted by numbers only: on the text columns (strcoll) the sort took nearly as long as the query.
BUILD_YEARS = """
INSERT INTO events_eventyearcount (unit_id, kind, subtype, year, n)
SELECT unit_id, kind, subtype, year, n FROM (
    SELECT COALESCE(e.unit_id, a.unit_id) AS unit_id, e.kind, e.subtype,
           CASE WHEN e.kind = 'evaluation' THEN e.year ELSE c.year END AS year, COUNT(*) AS n
    FROM events_event e
    JOIN rollup_calendar c ON c.day = e.effective_on
    LEFT JOIN events_eventvoid vd ON vd.event_id = e.id
    LEFT JOIN events_rollupattribution a ON a.event_id = e.id
    WHERE e.id <= %(event_hi)s AND (vd.id IS NULL OR vd.id > %(void_hi)s)
      AND e.person_id IS NOT NULL
    GROUP BY COALESCE(e.unit_id, a.unit_id), e.kind, e.subtype,
             CASE WHEN e.kind = 'evaluation' THEN e.year ELSE c.year END
) years
ORDER BY COALESCE(year, 0), COALESCE(unit_id, 0)
"""

# The calendar is dropped before and after: a temporary table lasts as long as the connection.
CALENDAR_DROP = "DROP TABLE IF EXISTS rollup_calendar"
CALENDAR_CREATE = (
    "CREATE TEMPORARY TABLE rollup_calendar (day DATE PRIMARY KEY, month DATE NOT NULL, "
    "year INTEGER NOT NULL)"
)
CALENDAR_INSERT = "INSERT INTO rollup_calendar (day, month, year) VALUES (%s, %s, %s)"


def _fill_calendar(cur, first: dt.date, last: dt.date) -> None:
    """One row per day of the log's span (tens of thousands, not the log's millions)."""
    day = connection.ops.adapt_datefield_value
    one = dt.timedelta(days=1)
    while first <= last:
        rows = []
        for _ in range(10_000):
            if first > last:
                break
            rows.append((day(first), day(month_of(first)), first.year))
            first += one
        cur.executemany(CALENDAR_INSERT, rows)


def build_all(event_hi: int, void_hi: int) -> int:
    """Write the rollup, the attributions and the year counts of the log up to these heads from
    scratch, set-based (`INSERT … SELECT`); returns the number of cells written."""
    EventRollup.objects.all().delete()
    RollupAttribution.objects.all().delete()
    EventYearCount.objects.all().delete()
    span = Event.objects.filter(id__lte=event_hi).aggregate(
        first=Min("effective_on"), last=Max("effective_on")
    )
    params = {"event_hi": event_hi, "void_hi": void_hi, "width": PATH_WIDTH, "step": PATH_WIDTH + 1}
    with connection.cursor() as cur:
        cur.execute(CALENDAR_DROP)
        cur.execute(CALENDAR_CREATE)
        if span["first"] is not None:
            _fill_calendar(cur, span["first"], span["last"])
        cur.execute(BUILD_ATTRIBUTIONS, params)
        cur.execute(BUILD_CELLS, params)
        cells = cur.rowcount
        cur.execute(BUILD_YEARS, params)
        cur.execute(CALENDAR_DROP)
    return cells


def _lock_log() -> None:
    """Wait for in-flight writes to the log and hold new ones off until commit.

    Ids are handed out before commit, so without this a transaction that took id 100 and commits
    after we read max(id) = 101 would fall below the watermark and never be counted. SHARE mode
    waits for every open inserting transaction and blocks inserts (not reads) until we commit.
    SQLite serialises writers already.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            cur.execute("LOCK TABLE events_event, events_eventvoid IN SHARE MODE")


def _watermark() -> RollupWatermark:
    mark, _ = RollupWatermark.objects.select_for_update().get_or_create(name=WATERMARK)
    return mark


# --- year counts -------------------------------------------------------------------------------


def stored_year_counts() -> Counter:
    out: Counter = Counter()
    for key in EventYearCount.objects.values_list(
        "unit_id", "kind", "subtype", "year", "n"
    ).iterator(chunk_size=20_000):
        out[key[:4]] += key[4]
    return out


def _apply_years(delta: Counter) -> int:
    """Add the non-zero deltas to the stored year counts; a count that reaches zero is removed."""
    todo = {k: d for k, d in delta.items() if d}
    if not todo:
        return 0
    units = sorted({k[0] for k in todo if k[0] is not None})
    where = Q(unit_id__in=IdList(units)) if units else Q(pk__in=[])
    if any(k[0] is None for k in todo):
        where |= Q(unit__isnull=True)
    qs = EventYearCount.objects.filter(where, kind__in=sorted({k[1] for k in todo}))
    years = {k[3] for k in todo}
    if None not in years:
        qs = qs.filter(year__in=sorted(years))
    existing = {(r.unit_id, r.kind, r.subtype, r.year): r for r in qs}
    return _add(
        EventYearCount,
        todo,
        existing,
        lambda key, n: EventYearCount(
            unit_id=key[0], kind=key[1], subtype=key[2], year=key[3], n=n
        ),
    )


def _add(model, todo: dict, existing: dict, new) -> int:
    """Add each delta of `todo` to its stored row (`existing`, by key): a new row (`new(key, n)`)
    where there is none, removed where the count reaches zero."""
    create, update, delete = [], [], []
    for key, d in todo.items():
        row = existing.get(key)
        if row is None:
            create.append(new(key, d))
        elif row.n + d == 0:
            delete.append(row.pk)
        else:
            row.n += d
            update.append(row)
    model.objects.bulk_create(create, batch_size=5000)
    model.objects.bulk_update(update, ["n"], batch_size=2000)
    model.objects.filter(pk__in=delete).delete()
    return len(todo)


def rollup_current() -> None:
    """Refresh the rollup and the year counts unless they already stand at the log's heads (read
    without a lock: a mark equal to the heads was set under the lock, after every write below it
    had committed)."""
    mark = RollupWatermark.objects.filter(name=WATERMARK).values_list("event_id", "void_id").first()
    if mark != event_log_heads():
        rollup_refresh()


def year_counts(
    *, units, kinds: Iterable[str], first: int, last: int, refresh: bool = True
) -> list[tuple[int | None, str, str, int]]:
    """(unit id, kind, subtype, n): live person events of these kinds counted in the years
    `first`..`last`, in the units given (ids or a subquery; None for all), the counts first
    brought up to the end of the log (unless the caller just did, `refresh=False`)."""
    if refresh:
        rollup_current()
    qs = EventYearCount.objects.filter(year__gte=first, year__lte=last, kind__in=list(kinds))
    if isinstance(units, list):  # a small scope: its units' entries
        qs = qs.filter(unit_id__in=units)
    elif units is not None:
        # a subtree: the year's counts by the (year, kind) index, each unit tested in the set;
        # SQLite otherwise probes the unit index once per unit of a province and reads every
        # year of each (540 ms instead of 70 for a province's 21 000 counts of one year)
        qs = qs.alias(counted_in=unindexed("unit_id")).filter(counted_in__in=units)
    if first == last:  # one row per unit, kind and subtype already
        return list(qs.values_list("unit_id", "kind", "subtype", "n"))
    return list(qs.values_list("unit_id", "kind", "subtype").annotate(v=Sum("n")).order_by())


def counted_subtypes(kind: str, first: int, last: int) -> frozenset[str]:
    """The subtypes of live person events of `kind` counted in the years `first`..`last`."""
    rollup_current()
    rows = EventYearCount.objects.filter(kind=kind, year__gte=first, year__lte=last)
    return frozenset(rows.values_list("subtype", flat=True).distinct())


@dataclass
class Refresh:
    full: bool
    events: int  # new events read
    voids: int  # new voids read
    cells: int  # cells written or changed
    moved: int = 0  # unit-less events counted in another unit than before


@transaction.atomic
def rollup_refresh(*, full: bool = False) -> Refresh:
    """Bring the rollup up to the end of the log (incrementally unless the tree moved)."""
    _lock_log()
    mark = _watermark()
    e_hi, v_hi = event_log_heads()
    new_events = Q(id__gt=mark.event_id, id__lte=e_hi)
    new_voids = EventVoid.objects.filter(id__gt=mark.void_id, id__lte=v_hi)
    if not full and e_hi == mark.event_id and v_hi == mark.void_id:
        return Refresh(False, 0, 0, 0)
    tree_moved = (
        Event.objects.filter(new_events, person__isnull=True, kind__in=UNIT_TREE_KINDS).exists()
        or new_voids.filter(event__person__isnull=True, event__kind__in=UNIT_TREE_KINDS).exists()
    )
    if full or mark.event_id == 0 or tree_moved:
        mark_before = mark.event_id
        cells = build_all(e_hi, v_hi)
        mark.event_id, mark.void_id = e_hi, v_hi
        mark.save()
        return Refresh(True, e_hi - mark_before, v_hi, cells)

    tree = TreeIndex()
    delta: Counter = Counter()
    years: Counter = Counter()
    # 1. New events, without those already voided.
    added = scan(new_events, v_hi, tree)
    delta.update(added.cells)
    years.update(added.years)
    RollupAttribution.objects.bulk_create(
        [RollupAttribution(event_id=e, unit_id=u) for e, u in added.attributions.items()],
        batch_size=5000,
    )
    # 2. Voids of events counted before: subtract them where they were counted.
    old_voided = list(
        new_voids.filter(event_id__lte=mark.event_id).values_list("event_id", flat=True)
    )
    if old_voided:
        attrs = dict(
            RollupAttribution.objects.filter(event_id__in=old_voided).values_list(
                "event_id", "unit_id"
            )
        )
        rows = list(
            Event.objects.filter(id__in=old_voided).values_list(
                "id", "person_id", "unit_id", "kind", "subtype", "effective_on", "year"
            )
        )
        tree.load([attrs.get(r[0], r[2]) for r in rows])
        for eid, person_id, unit_id, kind, subtype, on, year in rows:
            unit = attrs.get(eid, unit_id)
            root, anchor = tree.place(unit, on)
            delta[Cell(root, anchor, person_id is not None, kind, subtype, month_of(on))] -= 1
            if person_id is not None:
                years[(unit, kind, subtype, counted_year(kind, on, year))] -= 1
        RollupAttribution.objects.filter(event_id__in=old_voided).delete()
    # 3. People touched by new events or voids: their memberships may have changed back in time,
    #    so their earlier unit-less events may now fall in another unit.
    touched = set(
        Event.objects.filter(new_events, person__isnull=False).values_list("person_id", flat=True)
    )
    touched |= set(
        new_voids.filter(event__person__isnull=False).values_list("event__person_id", flat=True)
    )
    moved = _reattribute(sorted(touched), mark.event_id, v_hi, tree, delta, years)
    changed = _apply(delta)
    _apply_years(years)
    read = e_hi - mark.event_id
    mark.event_id, mark.void_id = e_hi, v_hi
    mark.save()
    return Refresh(False, read, len(old_voided), changed, moved)


def _reattribute(
    person_ids: list[int], upto: int, void_hi: int, tree: TreeIndex, delta: Counter, years: Counter
) -> int:
    moved = 0
    for start in range(0, len(person_ids), 2000):
        chunk = person_ids[start : start + 2000]
        rows = list(_events(Q(person_id__in=chunk, unit__isnull=True, id__lte=upto), void_hi))
        stored = dict(
            RollupAttribution.objects.filter(event_id__in=[r[0] for r in rows]).values_list(
                "event_id", "unit_id"
            )
        )
        changes: list[RollupAttribution] = []
        tree.load([r[3] for r in rows] + list(stored.values()))
        for eid, _person_id, _unit, attr, kind, subtype, on, year in rows:
            old = stored.get(eid)
            if old == attr:
                continue
            for unit, sign in ((old, -1), (attr, 1)):
                root, anchor = tree.place(unit, on)
                delta[Cell(root, anchor, True, kind, subtype, month_of(on))] += sign
                years[(unit, kind, subtype, counted_year(kind, on, year))] += sign
            changes.append(RollupAttribution(event_id=eid, unit_id=attr))
            moved += 1
        if changes:
            RollupAttribution.objects.bulk_update(changes, ["unit"], batch_size=2000)
    return moved


def _apply(delta: Counter) -> int:
    """Add the non-zero deltas to the stored cells; a cell that reaches zero is removed."""
    todo = {c: d for c, d in delta.items() if d}
    if not todo:
        return 0
    existing: dict[Cell, EventRollup] = {}
    months = sorted({c.month for c in todo})
    kinds = sorted({c.kind for c in todo})
    for start in range(0, len(months), 200):
        qs = EventRollup.objects.filter(month__in=months[start : start + 200], kind__in=kinds)
        for r in qs:
            cell = Cell(r.root_id, r.anchor_id, r.person_event, r.kind, r.subtype, r.month)
            if cell in todo:
                existing[cell] = r
    return _add(EventRollup, todo, existing, lambda cell, n: cell.row(n))


def rollup_rebuild(*, check: bool) -> list[str]:
    """Compare the stored rollup with one recomputed from the log; rebuild it unless `check`.

    The stored rollup is first brought up to the end of the log (in a savepoint that a check
    rolls back), so a rollup that is merely behind is not reported as wrong. The comparison is
    computed by another path than the one that wrote the tables: the grouped scan places each
    group in the tree in Python and attributes unit-less events by the ORM's membership
    subquery, where the full build joins in SQL and the refresh moves counts event by event.
    """
    with transaction.atomic():
        sid = transaction.savepoint()
        rollup_refresh()
        mark = RollupWatermark.objects.get(name=WATERMARK)
        computed = scan_log(mark.event_id, mark.void_id)
        stored = stored_cells()
        rollup_diffs = [
            MSG_DIFF.format(
                cell=c.label(), stored=stored.get(c, 0), computed=computed.cells.get(c, 0)
            )
            for c in sorted(set(stored) | set(computed.cells), key=Cell.sort_key)
            if stored.get(c, 0) != computed.cells.get(c, 0)
        ]
        attrs = dict(RollupAttribution.objects.values_list("event_id", "unit_id"))
        wrong = sum(1 for e, u in computed.attributions.items() if attrs.get(e, -1) != u) + len(
            set(attrs) - set(computed.attributions)
        )
        if wrong:
            rollup_diffs.append(MSG_ATTR.format(n=wrong))
        kept_years = stored_year_counts()
        year_diffs = [
            MSG_YEAR_DIFF.format(
                unit=k[0],
                kind=k[1],
                subtype=k[2] or "-",
                year=k[3],
                stored=kept_years.get(k, 0),
                computed=computed.years.get(k, 0),
            )
            for k in sorted(
                set(computed.years) | set(kept_years),
                key=lambda k: (k[3] or 0, k[1], k[0] or 0, k[2]),
            )
            if kept_years.get(k, 0) != computed.years.get(k, 0)
        ]
        if check:
            transaction.savepoint_rollback(sid)
        else:
            if rollup_diffs or year_diffs:
                build_all(mark.event_id, mark.void_id)
            transaction.savepoint_commit(sid)
    return rollup_diffs + year_diffs


# --- reading -----------------------------------------------------------------------------------


def _month_aligned(start: dt.date, end: dt.date) -> bool:
    return start.day == 1 and (end + dt.timedelta(days=1)).day == 1


def rollup_counts(
    *,
    units: Iterable[int] | None,
    kinds: Iterable[str],
    start: dt.date,
    end: dt.date,
    person_events: bool | None = True,
    by: Iterable[str] = ("kind", "subtype"),
    refresh: bool = True,
) -> dict[tuple, int]:
    """Live events of these kinds in the subtrees of `units`, effective from `start` to `end`.

    `units` are roots or anchors (units at depth 0 or 1 on the events' dates), None for every
    root (the nation); `start`/`end` whole months (ValueError otherwise). The result maps the
    values of the `by` fields (any of root, anchor, person_event, kind, subtype, month) to counts.
    With `refresh` the rollup is first brought up to the end of the log (cheap when it is).
    """
    if not _month_aligned(start, end):
        raise ValueError("rollup_counts: the period must be whole months")
    by = tuple(by)
    bad = set(by) - set(GROUP_FIELDS)
    if bad:
        raise ValueError(f"rollup_counts: cannot group by {sorted(bad)}")
    if refresh:
        rollup_refresh()
    qs = EventRollup.objects.filter(kind__in=list(kinds), month__gte=start, month__lte=end)
    if person_events is not None:
        qs = qs.filter(person_event=person_events)
    if units is not None:
        ids = list(units)
        qs = qs.filter(Q(root_id__in=ids) | Q(anchor_id__in=ids))
    fields = [f"{f}_id" if f in ("root", "anchor") else f for f in by]
    if not fields:
        total = qs.aggregate(v=Sum("n"))["v"] or 0
        return {(): total}
    return {
        tuple(r[f] for f in fields): r["v"]
        for r in qs.values(*fields).annotate(v=Sum("n")).order_by()
    }


def rollup_exact_for(unit_id: int, start: dt.date, end: dt.date) -> bool:
    """Whether the rollup's reading (tree on each event's date) equals the report engine's
    (tree on `end`) for this scope and period: true when the unit is a root or an anchor on
    `end` and no unit ever under it was reparented, merged or dissolved during the period."""
    version = version_on(unit_id, end)
    if version is None or version.depth > 1:
        return False
    under = UnitVersion.objects.filter(path_prefix(version.path)).filter(
        Q(valid_to__isnull=True) | Q(valid_to__gt=start), valid_from__lte=end
    )
    return not (
        Event.objects.filter(void__isnull=True, person__isnull=True, kind__in=MOVING_KINDS)
        .filter(effective_on__gte=start, effective_on__lte=end)
        .filter(Q(unit_id__in=under.values("unit_id")) | Q(unit_id=unit_id) | Q(to_unit_id=unit_id))
        .exists()
    )
