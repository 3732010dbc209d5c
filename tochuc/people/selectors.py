"""Reads behind the screens: search, a person's record, the members of a unit on a date, the
unit tree on a date and a unit's history.

Every function takes the viewer's scope. Queries start from `tochuc.accounts.scoping`, or from an
object the view loaded through it (`get_person`, `get_unit`), so nothing here returns a person,
event or unit the viewer may not see. Counts of a unit's members are the exception by design:
they include people whose record has since moved out of the scope (see `unit_memberships`).
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.core.paginator import Page, Paginator
from django.db.models import Count, Q, QuerySet

from tochuc.accounts import scoping
from tochuc.accounts.scoping import Scope
from tochuc.core.cache import computed_once
from tochuc.events.kinds import STATUS_LABELS, Status
from tochuc.events.models import Event, Membership, PersonState, PositionHolding
from tochuc.events.projections import memberships_on
from tochuc.lib.dates import age_on
from tochuc.lib.numbers import format_int
from tochuc.lib.vntext import fold
from tochuc.people.models import Person
from tochuc.units.models import PATH_WIDTH, Unit, UnitVersion
from tochuc.units.selectors import path_prefix

PAGE_SIZE = 50
# Statuses of a member in a membership interval, in the order the screens list them.
MEMBER_STATUSES = (Status.FULL, Status.PROBATIONARY, Status.EXEMPT)
_ID_NUMBER = re.compile(r"^\d{9}$|^\d{12}$")


def is_national_id_query(q: str) -> bool:
    return bool(_ID_NUMBER.match(q.strip().replace(" ", "")))


SEARCH_CAP = 5000  # matches ranked and counted; beyond, the user is asked to say more


def person_search(
    *, scope: Scope, q: str, page: int | str | None = 1, per_page: int = PAGE_SIZE
) -> Page:
    """People in scope matching `q`: a 9- or 12-digit ID number exactly, else every word of the
    name, diacritics ignored, as the start of a word of the name ("tran trung" finds
    "Trần Quốc Trung"; "ran" does not).

    The matches' ids and sort keys are read first (the name test leads: a trigram index on
    PostgreSQL; the scope is then tested on the matching people only), ranked here, and only the
    page's people are loaded. Sorting in SQL made PostgreSQL walk the name index in order from
    "a" to the first "nguyen" (37 000 people read for one page, 250 ms on the demo city). A very
    common name stops at SEARCH_CAP matches: the page says "hơn 5.000" (`page.capped`) and the
    first pages are the best-ranked of those found, not of the whole country."""
    q = (q or "").strip()
    if is_national_id_query(q):
        matching = Person.objects.filter(national_id=q.replace(" ", ""))
    else:
        words = fold(q).split()
        matching = Person.objects.none() if not words else Person.objects.all()
        for word in words:
            matching = matching.filter(
                Q(search_key__startswith=word) | Q(search_key__contains=" " + word)
            )
    # no ORDER BY: the database stops at the cap instead of sorting every match of a common
    # name (a nation has ~230 000 "hoang"); the keys found are ranked here
    found_keys = scoping.people_among(scope, matching.values("pk")).values_list("search_key", "id")
    keys = list(found_keys.order_by()[: SEARCH_CAP + 1])
    capped = len(keys) > SEARCH_CAP
    keys = sorted(keys[:SEARCH_CAP])
    found = Paginator(keys, per_page).get_page(page)
    ids = [pk for _key, pk in found.object_list]
    people = Person.objects.filter(pk__in=ids).select_related("state").in_bulk()
    found.object_list = [people[pk] for pk in ids]
    found.capped = capped  # type: ignore[attr-defined]
    return found


MEMBER_ORDERINGS = {
    "ten": ("person__search_key", "person_id"),
    "-ten": ("-person__search_key", "-person_id"),
    "ngay": ("valid_from", "person__search_key"),
    "-ngay": ("-valid_from", "person__search_key"),
}


def unit_memberships(*, scope: Scope, unit: Unit | int, on: dt.date) -> QuerySet[Membership]:
    """Membership intervals open on `on` in the unit itself; `unit` comes from `get_unit`.

    Every member of the unit on that date counts, including people whose record has since moved
    out of the viewer's scope: the unit's figures must not change with who looks at them. The list
    hides those people's details (`unit_members`)."""
    unit_id = unit if isinstance(unit, int) else unit.pk
    return memberships_on(on).filter(unit_id=unit_id)


@dataclass(frozen=True)
class MemberRow:
    membership: Membership
    # False for someone whose record is now kept outside the viewer's scope: shown without
    # name or profile, so the list adds up to the count without leaking a record.
    visible: bool


def unit_members(
    *,
    scope: Scope,
    unit: Unit | int,
    on: dt.date,
    order: str = "ten",
    page: int | str | None = 1,
    per_page: int = PAGE_SIZE,
) -> Page:
    """One page of the unit's members on `on`, with their status on that date."""
    ordering = MEMBER_ORDERINGS.get(order, MEMBER_ORDERINGS["ten"])
    rows = (
        unit_memberships(scope=scope, unit=unit, on=on).select_related("person").order_by(*ordering)
    )
    found = Paginator(rows, per_page).get_page(page)
    # Checking the page's 50 people is cheap; joining the whole scope into the list query is not.
    ids = [m.person_id for m in found.object_list]
    visible = set(scoping.people(scope).filter(pk__in=ids).values_list("pk", flat=True))
    found.object_list = [MemberRow(m, m.person_id in visible) for m in found.object_list]
    return found


@dataclass(frozen=True)
class StatusCount:
    status: str
    label: str
    count: int

    @property
    def display(self) -> str:
        return format_int(self.count)


def status_counts(rows: Iterable[dict]) -> list[StatusCount]:
    """`[{"status": ..., "n": ...}]` -> one entry per member status, zeros included, in list order."""
    by_status = {r["status"]: r["n"] for r in rows}
    return [StatusCount(s, STATUS_LABELS[s], by_status.get(s, 0)) for s in MEMBER_STATUSES]


def unit_status_counts(*, scope: Scope, unit: Unit | int, on: dt.date) -> list[StatusCount]:
    rows = (
        unit_memberships(scope=scope, unit=unit, on=on)
        .values("status")
        .annotate(n=Count("*"))
        .order_by()
    )
    return status_counts(rows)


def scope_status_counts_today(*, scope: Scope) -> list[StatusCount]:
    """Members whose record is kept in the viewer's scope, by current status.

    Read from the current state (one row per person, indexed by unit and status) rather than
    from the membership intervals: the same numbers, without touching the whole history."""
    rows = (
        PersonState.objects.filter(unit_id__in=scoping.unit_ids(scope), status__in=MEMBER_STATUSES)
        .values("status")
        .annotate(n=Count("*"))
        .order_by()
    )
    return status_counts(rows)


def member_counts_by_unit(*, unit_ids: QuerySet, on: dt.date) -> dict[int, int]:
    """unit id -> members whose interval on `on` is in that very unit (one grouped query).

    Today's counts come from the current state, which has one narrow indexed row per person;
    other dates from the membership intervals. Both give the same numbers for today."""
    if on == scoping.today():
        rows = PersonState.objects.filter(unit_id__in=unit_ids, status__in=MEMBER_STATUSES)
    else:
        rows = memberships_on(on).filter(unit_id__in=unit_ids)
    return dict(rows.values_list("unit_id").annotate(n=Count("*")).order_by())


class UnitNames:
    """The name a unit bore on given dates, for labelling events and history rows.

    Loads every version of the requested units in one query; a date before a unit's founding or
    after its end falls back to the nearest version, so a dissolved unit keeps its last name.
    """

    def __init__(self, unit_ids: Iterable[int | None]):
        ids = {i for i in unit_ids if i}
        self._versions: dict[int, list[UnitVersion]] = defaultdict(list)
        for v in (
            UnitVersion.objects.filter(unit_id__in=ids)
            .select_related("unit")
            .order_by("valid_from")
        ):
            self._versions[v.unit_id].append(v)

    def version(self, unit_id: int | None, on: dt.date) -> UnitVersion | None:
        versions = self._versions.get(unit_id or 0)
        if not versions:
            return None
        chosen = versions[0]
        for v in versions:
            if v.valid_from <= on:
                chosen = v
        return chosen

    def name(self, unit_id: int | None, on: dt.date) -> str:
        v = self.version(unit_id, on)
        return v.name if v else ""


@dataclass(frozen=True)
class TimelineRow:
    event: Event
    unit_name: str
    to_unit_name: str
    voided: bool
    void_reason: str


def timeline_rows(events: list[Event]) -> list[TimelineRow]:
    """Label events with the names their units bore on the event's date (one query)."""
    names = UnitNames([e.unit_id for e in events] + [e.to_unit_id for e in events])
    rows = []
    for e in events:
        void = getattr(e, "void", None)
        rows.append(
            TimelineRow(
                event=e,
                unit_name=names.name(e.unit_id, e.effective_on),
                to_unit_name=names.name(e.to_unit_id, e.effective_on),
                voided=void is not None,
                void_reason=void.reason if void is not None else "",
            )
        )
    return rows


def person_timeline(*, scope: Scope, person: Person) -> list[TimelineRow]:
    """Every event of the person, voided ones included (the page strikes them through)."""
    events = list(
        scoping.events(scope)
        .filter(person=person)
        .select_related("void", "recorded_by", "unit", "to_unit")
        .order_by("effective_on", "id")
    )
    return timeline_rows(events)


@dataclass(frozen=True)
class HoldingRow:
    holding: PositionHolding
    unit_name: str


def person_positions(*, scope: Scope, person: Person) -> list[HoldingRow]:
    """Posts held, latest first; `person` must have been loaded through the scope (get_person)."""
    holdings = list(
        PositionHolding.objects.filter(person=person)
        .select_related("source_event")
        .order_by("-valid_from")
    )
    names = UnitNames(h.unit_id for h in holdings)
    return [HoldingRow(h, names.name(h.unit_id, h.valid_from)) for h in holdings]


def party_age_years(
    *, first_admitted_on: dt.date | None, recognized_on: dt.date | None, until: dt.date
) -> int | None:
    """Whole years from the first admission decision, for recognised members only (QĐ 29 §4.5).

    Basic figure: gaps out of the Party are not subtracted here; the lifecycle rules compute the
    exact party age with its excluded periods."""
    if first_admitted_on is None or recognized_on is None:
        return None
    return age_on(first_admitted_on, until)


def unit_breadcrumbs(*, scope: Scope, unit_id: int | None, on: dt.date) -> list[UnitVersion]:
    """The unit and its ancestors on `on`, root first, limited to what the viewer may see."""
    if unit_id is None:
        return []
    version = scoping.unit_versions(scope, on=on).filter(unit_id=unit_id).first()
    if version is None:
        return []
    ids = [int(seg) for seg in version.path.split(".") if seg]
    by_unit = {
        v.unit_id: v
        for v in scoping.unit_versions(scope, on=on).filter(unit_id__in=ids).select_related("unit")
    }
    return [by_unit[i] for i in ids if i in by_unit]


# ---- the unit screens (tree on a date, a unit's history) ----


@dataclass
class TreeNode:
    version: UnitVersion
    direct: int = 0
    total: int = 0
    children: list[TreeNode] = field(default_factory=list)
    more: bool = False  # has units below that were not loaded (`unit_tree(..., depth=)`)

    @property
    def total_display(self) -> str:
        return format_int(self.total)


def unit_depths(*, scope: Scope, on: dt.date, within: UnitVersion | None = None) -> dict[int, int]:
    """depth -> number of the viewer's units (under `within`) at that depth on `on` (one query)."""
    versions = scoping.unit_versions(scope, on=on)
    if within is not None:
        versions = versions.filter(path_prefix(within.path))
    return dict(versions.values_list("depth").annotate(n=Count("*")).order_by())


def _below_counts(versions: QuerySet, *, on: dt.date, depth: int) -> dict[str, int]:
    """Members on `on` in the units of `versions` below `depth`, added up by their
    ancestor at `depth` (its path): one count per unit, then a sum here (a nation has ~130 000
    units: their paths are read, not the tree). An ancestor with units below it is a key even
    when nobody is a member there."""
    deep = versions.filter(depth__gt=depth)
    counts = member_counts_by_unit(unit_ids=deep.values("unit_id"), on=on)
    width = (depth + 1) * (PATH_WIDTH + 1)
    out: dict[str, int] = defaultdict(int)
    for unit_id, path in deep.values_list("unit_id", "path").iterator(chunk_size=10_000):
        out[path[:width]] += counts.get(unit_id, 0)
    return out


def _tree_counts(
    versions: QuerySet, *, on: dt.date, depth: int | None
) -> tuple[dict[str, int], dict[int, int]]:
    """(members below `depth` by their ancestor's path, members by unit down to `depth`)."""
    below: dict[str, int] = {}
    if depth is not None:
        below = _below_counts(versions, on=on, depth=depth)
        versions = versions.filter(depth__lte=depth)
    return below, member_counts_by_unit(unit_ids=versions.values("unit_id"), on=on)


def unit_tree(
    *, scope: Scope, on: dt.date, within: UnitVersion | None = None, depth: int | None = None
) -> list[TreeNode]:
    """The viewer's tree on `on` (or the part under `within`), each node with the members on that
    date in its whole subtree: two queries (versions, grouped counts), summed up here.

    With `depth`, only the units down to that depth are loaded (a nation's tree page and its root's
    page): the units at `depth` carry the members of their whole subtree and `more` when there
    are units below them.

    The member counts are kept for every viewer with the same grants until the records change
    (`computed_once`): the top of a nation's tree counts 5 million members (1.5 s) and is opened
    all day. Only numbers are kept: the versions are read again, as unpickling a city's tree of
    model instances (126 ms) cost more than building it (86 ms)."""
    versions = scoping.unit_versions(scope, on=on).select_related("unit")
    if within is not None:
        versions = versions.filter(path_prefix(within.path))
    grants = ",".join(f"{g.unit_id}/{g.role}" for g in scope.grants)
    parts = ("unit-tree", grants, within.pk if within else 0, depth, on.isoformat())
    below, direct = computed_once(parts, lambda: _tree_counts(versions, on=on, depth=depth))
    if depth is not None:
        versions = versions.filter(depth__lte=depth)
    nodes = {v.unit_id: TreeNode(v, direct.get(v.unit_id, 0)) for v in versions}
    for node in nodes.values():
        if node.version.path in below:
            node.total = below[node.version.path]  # the roll-up below adds the unit's own
            node.more = True
    roots: list[TreeNode] = []
    for node in nodes.values():
        parent = nodes.get(node.version.parent_id or 0)
        (parent.children if parent is not None else roots).append(node)
    # Deepest first, so every child's total is complete before its parent adds it.
    for node in sorted(nodes.values(), key=lambda n: -n.version.depth):
        node.total += node.direct
        node.children.sort(key=lambda n: fold(n.version.name))
        parent = nodes.get(node.version.parent_id or 0)
        if parent is not None:
            parent.total += node.total
    roots.sort(key=lambda n: fold(n.version.name))
    return roots


@dataclass(frozen=True)
class HistoryRow:
    version: UnitVersion
    parent_name: str


def unit_history(*, scope: Scope, unit: Unit) -> list[HistoryRow]:
    """Every version of a unit loaded through the scope (`get_unit`), oldest first."""
    versions = list(UnitVersion.objects.filter(unit=unit).order_by("valid_from"))
    names = UnitNames(v.parent_id for v in versions)
    return [HistoryRow(v, names.name(v.parent_id, v.valid_from)) for v in versions]


def unit_event_timeline(*, scope: Scope, unit: Unit) -> list[TimelineRow]:
    """The unit's own events (founding, rename, reparent, merger, dissolution, congress,
    evaluation, discipline) and the mergers of other units into it, voided ones included.

    `unit` comes from `get_unit`, which admits units that were ever in scope, so a dissolved
    unit keeps its history even though it is no longer in today's tree."""
    events = list(
        Event.objects.filter(person__isnull=True)
        .filter(Q(unit=unit) | Q(to_unit=unit, kind__in=("merger", "reparent")))
        .select_related("void")
        .order_by("effective_on", "id")
    )
    return timeline_rows(events)
