"""Writing and checking the projections derived from the event log.

Called by the services inside the event's transaction, by the bulk loaders, and by
`tochuc rebuild`. Everything here is set-based per batch of people or units.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field

from django.db import connection, models

from tochuc.events import headcounts
from tochuc.events.fold import EventData, Mergers, PersonFold, fold_person
from tochuc.events.kinds import UNIT_TREE_KINDS
from tochuc.events.models import Event, Membership, PersonState, PositionHolding
from tochuc.people.models import Person
from tochuc.units.models import Unit, UnitVersion
from tochuc.units.projection import UnitEventData, VersionRow, compute_versions

PERSON_BATCH = 2000


def live_events():
    """Events that have not been voided."""
    return Event.objects.filter(void__isnull=True)


def load_mergers() -> dict[int, tuple[dt.date, int]]:
    rows = live_events().filter(kind="merger", person__isnull=True).values_list("unit_id", "effective_on", "to_unit_id")
    return {unit_id: (on, to) for unit_id, on, to in rows if unit_id and to}


def _event_data(row: dict) -> EventData:
    return EventData(
        id=row["id"],
        kind=row["kind"],
        subtype=row["subtype"],
        effective_on=row["effective_on"],
        end_on=row["end_on"],
        unit_id=row["unit_id"],
        to_unit_id=row["to_unit_id"],
        position=row["position"],
        decided_on=row["decided_on"],
        details=row["details"] or {},
        year=row["year"],
        term=row["term"],
    )


_EVENT_COLUMNS = (
    "id", "person_id", "kind", "subtype", "effective_on", "end_on", "unit_id", "to_unit_id",
    "position", "decided_on", "details", "year", "term",
)


def load_person_events(person_ids: Sequence[int]) -> dict[int, list[EventData]]:
    out: dict[int, list[EventData]] = defaultdict(list)
    for row in live_events().filter(person_id__in=person_ids).values(*_EVENT_COLUMNS).order_by("id").iterator(chunk_size=5000):
        out[row["person_id"]].append(_event_data(row))
    return out


@dataclass
class PersonRows:
    memberships: list[Membership] = field(default_factory=list)
    states: list[PersonState] = field(default_factory=list)
    holdings: list[PositionHolding] = field(default_factory=list)


def rows_for(person: Person, folded: PersonFold) -> PersonRows:
    rows = PersonRows()
    for iv in folded.intervals:
        rows.memberships.append(
            Membership(
                person_id=person.pk,
                unit_id=iv.unit_id,
                status=iv.status,
                valid_from=iv.valid_from,
                valid_to=iv.valid_to,
                sex=person.sex,
                birth_year=person.birth_date.year,
            )
        )
    for h in folded.holdings:
        rows.holdings.append(
            PositionHolding(
                person_id=person.pk,
                position=h.position,
                unit_id=h.unit_id,
                valid_from=h.valid_from,
                valid_to=h.valid_to,
                term_ends_on=h.term_ends_on,
                source_event_id=h.source_event_id,
            )
        )
    rows.states.append(
        PersonState(
            person_id=person.pk,
            status=folded.status,
            # a non-member stays with the unit that registered them; cadre events elsewhere
            # (planning, rotation) must not move the record out of its keepers' sight
            unit_id=folded.unit_id or person.registered_unit_id or folded.last_event_unit_id,
            first_admitted_on=folded.first_admitted_on,
            recognized_on=folded.recognized_on,
            left_on=folded.left_on,
            left_reason=folded.left_reason,
        )
    )
    return rows


def fold_people(people: Sequence[Person], mergers: Mergers | None = None) -> PersonRows:
    mergers = load_mergers() if mergers is None else mergers
    events = load_person_events([p.pk for p in people])
    out = PersonRows()
    for person in people:
        r = rows_for(person, fold_person(events.get(person.pk, ()), mergers))
        out.memberships += r.memberships
        out.states += r.states
        out.holdings += r.holdings
    return out


# Field types `insert_rows` writes as they are (dates adapted): the projection rows have no others
_PLAIN_FIELDS = frozenset({
    "CharField", "TextField", "DateField", "IntegerField", "PositiveSmallIntegerField",
    "SmallIntegerField", "BooleanField", "ForeignKey", "OneToOneField",
})


def insert_rows(model: type[models.Model], objs: Sequence[models.Model], *, batch: int = 5000) -> None:
    """Insert projection rows as `bulk_create` would, without its per-value preparation: one
    `executemany` per `batch` rows, `COPY` on PostgreSQL. For models whose fields are plain
    (text, numbers, dates, foreign keys); the rows get no primary key back."""
    # every column but a generated id (PersonState's key is its person)
    fields = [f for f in model._meta.concrete_fields if not (f.primary_key and f.get_internal_type() in ("AutoField", "BigAutoField"))]
    unknown = [f.name for f in fields if f.get_internal_type() not in _PLAIN_FIELDS]
    if unknown:
        raise ValueError(f"insert_rows: {model.__name__} has fields it cannot write: {unknown}")
    if not objs:
        return
    attnames = [f.attname for f in fields]
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    table = connection.ops.quote_name(model._meta.db_table)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for o in objs:
                    copy.write_row([getattr(o, a) for a in attnames])
            return
        dates = {i for i, f in enumerate(fields) if f.get_internal_type() == "DateField"}
        day = connection.ops.adapt_datefield_value
        sql = f"INSERT INTO {table} ({columns}) VALUES ({', '.join(['%s'] * len(fields))})"
        for start in range(0, len(objs), batch):
            cursor.executemany(
                sql,
                [
                    [day(v) if i in dates else v for i, v in enumerate(getattr(o, a) for a in attnames)]
                    for o in objs[start : start + batch]
                ],
            )


def write_person_rows(person_ids: Sequence[int], rows: PersonRows, *, replace: bool = True) -> None:
    # the year-end headcounts follow the intervals in the same transaction
    headcounts.adjust(person_ids if replace else (), rows.memberships)
    if replace:
        # Projection rows are derived state, not records: replacing them loses nothing.
        Membership.objects.filter(person_id__in=person_ids).delete()
        PositionHolding.objects.filter(person_id__in=person_ids).delete()
        PersonState.objects.filter(person_id__in=person_ids).delete()
    insert_rows(Membership, rows.memberships)
    insert_rows(PositionHolding, rows.holdings)
    insert_rows(PersonState, rows.states)


def refresh_people(person_ids: Iterable[int], mergers: Mergers | None = None) -> None:
    ids = sorted(set(person_ids))
    mergers = load_mergers() if mergers is None else mergers
    for start in range(0, len(ids), PERSON_BATCH):
        chunk = ids[start : start + PERSON_BATCH]
        people = list(Person.objects.filter(pk__in=chunk))
        write_person_rows(chunk, fold_people(people, mergers))


# --- units --------------------------------------------------------------------------------


def _unit_event_data(row: dict) -> UnitEventData:
    details = row["details"] or {}
    name = details.get("name", "")
    if row["kind"] == "rename":
        name = row["note"] or name
    return UnitEventData(
        id=row["id"],
        unit_id=row["unit_id"],
        kind=row["kind"],
        effective_on=row["effective_on"],
        to_unit_id=row["to_unit_id"],
        name=name,
        unit_kind=details.get("unit_kind", ""),
    )


def load_unit_events(unit_ids: Iterable[int] | None = None) -> dict[int, list[UnitEventData]]:
    qs = live_events().filter(person__isnull=True, kind__in=UNIT_TREE_KINDS)
    if unit_ids is not None:
        qs = qs.filter(unit_id__in=list(unit_ids))
    out: dict[int, list[UnitEventData]] = defaultdict(list)
    for row in qs.values("id", "unit_id", "kind", "effective_on", "to_unit_id", "note", "details").iterator(chunk_size=5000):
        out[row["unit_id"]].append(_unit_event_data(row))
    return out


def _version_key(v: VersionRow | UnitVersion) -> tuple:
    return (v.unit_id, v.name, v.kind, v.parent_id, v.path, v.depth, v.valid_from, v.valid_to)


def _stored_versions(unit_ids: Iterable[int] | None) -> dict[int, list[VersionRow]]:
    qs = UnitVersion.objects.all()
    if unit_ids is not None:
        qs = qs.filter(unit_id__in=list(unit_ids))
    out: dict[int, list[VersionRow]] = defaultdict(list)
    for v in qs.iterator(chunk_size=5000):
        out[v.unit_id].append(VersionRow(*_version_key(v)))
    return out


def affected_units(unit_id: int) -> set[int]:
    """The unit and every unit that was ever below it (their paths may change)."""
    paths = list(UnitVersion.objects.filter(unit_id=unit_id).values_list("path", flat=True))
    ids = {unit_id}
    for path in set(paths):
        ids.update(
            UnitVersion.objects.filter(path__startswith=path).values_list("unit_id", flat=True)
        )
    # units that were ever children by event (reparented into it later, or founded under it)
    ids.update(
        live_events()
        .filter(person__isnull=True, kind__in=("founding", "reparent", "merger"), to_unit_id=unit_id)
        .values_list("unit_id", flat=True)
    )
    return ids


def refresh_units(unit_ids: Iterable[int]) -> None:
    """Recompute the versions of these units and everything below them."""
    todo: set[int] = set()
    for uid in unit_ids:
        if uid not in todo:
            todo |= affected_units(uid)
    # Grow until closed: children of children found through events.
    frontier = set(todo)
    while frontier:
        new = set(
            live_events()
            .filter(person__isnull=True, kind__in=("founding", "reparent", "merger"), to_unit_id__in=frontier)
            .values_list("unit_id", flat=True)
        ) - todo
        todo |= new
        frontier = new
    mergers = load_mergers()
    events = load_unit_events(todo)
    parents = {e.to_unit_id for evs in events.values() for e in evs if e.to_unit_id} | {t for _, t in mergers.values()}
    known = _stored_versions(parents - todo)
    computed = compute_versions({uid: events.get(uid, []) for uid in todo}, mergers, known)
    _write_versions(todo, computed)


def _write_versions(unit_ids: set[int], computed: dict[int, list[VersionRow]]) -> None:
    stored = _stored_versions(unit_ids)
    for uid in unit_ids:
        new = computed.get(uid, [])
        if sorted(map(_version_key, new), key=str) == sorted(map(_version_key, stored.get(uid, [])), key=str):
            continue
        UnitVersion.objects.filter(unit_id=uid).delete()
        UnitVersion.objects.bulk_create(
            [
                UnitVersion(
                    unit_id=v.unit_id, name=v.name, kind=v.kind, parent_id=v.parent_id, path=v.path,
                    depth=v.depth, valid_from=v.valid_from, valid_to=v.valid_to,
                )
                for v in new
            ]
        )


def rebuild_units(*, check: bool) -> list[str]:
    """Recompute every unit version from the log; return the differences found."""
    mergers = load_mergers()
    all_ids = list(Unit.objects.values_list("id", flat=True))
    events = load_unit_events()
    computed = compute_versions({uid: events.get(uid, []) for uid in all_ids}, mergers)
    stored = _stored_versions(None)
    diffs: list[str] = []
    codes = dict(Unit.objects.values_list("id", "code"))
    for uid in all_ids:
        a = sorted(map(_version_key, computed.get(uid, [])), key=str)
        b = sorted(map(_version_key, stored.get(uid, [])), key=str)
        if a != b:
            diffs.append(f"Đơn vị {codes[uid]}: phiên bản lưu trữ khác với phiên bản tính lại từ sự kiện")
    if not check and diffs:
        _write_versions(set(all_ids), computed)
    return diffs


def _person_keys(person_ids: Sequence[int]) -> tuple[set, set, set]:
    m = set(
        Membership.objects.filter(person_id__in=person_ids).values_list(
            "person_id", "unit_id", "status", "valid_from", "valid_to", "sex", "birth_year"
        )
    )
    s = set(
        PersonState.objects.filter(person_id__in=person_ids).values_list(
            "person_id", "status", "unit_id", "first_admitted_on", "recognized_on", "left_on", "left_reason"
        )
    )
    h = set(
        PositionHolding.objects.filter(person_id__in=person_ids).values_list(
            "person_id", "position", "unit_id", "valid_from", "valid_to", "term_ends_on", "source_event_id"
        )
    )
    return m, s, h


def _computed_keys(rows: PersonRows) -> tuple[set, set, set]:
    m = {(r.person_id, r.unit_id, r.status, r.valid_from, r.valid_to, r.sex, r.birth_year) for r in rows.memberships}
    s = {
        (r.person_id, r.status, r.unit_id, r.first_admitted_on, r.recognized_on, r.left_on, r.left_reason)
        for r in rows.states
    }
    h = {
        (r.person_id, r.position, r.unit_id, r.valid_from, r.valid_to, r.term_ends_on, r.source_event_id)
        for r in rows.holdings
    }
    return m, s, h


def person_id_batches() -> Iterator[list[int]]:
    ids = list(Person.objects.order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(ids), PERSON_BATCH):
        yield ids[start : start + PERSON_BATCH]


def rebuild_people(*, check: bool, progress=None) -> list[str]:
    mergers = load_mergers()
    diffs: list[str] = []
    done = 0
    for chunk in person_id_batches():
        people = list(Person.objects.filter(pk__in=chunk))
        rows = fold_people(people, mergers)
        stored = _person_keys(chunk)
        computed = _computed_keys(rows)
        if stored != computed:
            bad = {k[0] for a, b in zip(stored, computed, strict=True) for k in a ^ b}
            codes = dict(Person.objects.filter(pk__in=bad).values_list("pk", "code"))
            diffs.extend(f"Người {codes[pid]}: dữ liệu dẫn xuất khác với kết quả tính lại từ sự kiện" for pid in sorted(bad))
            if not check:
                write_person_rows(chunk, rows)
        done += len(chunk)
        if progress:
            progress(done)
    return diffs


# Membership intervals open on a day; defined beside the year-end headcounts that count them.
memberships_on = headcounts.intervals_on
