"""Generating and writing a demo deployment: units, people, decades of events, projections, targets.

Events are not recorded one by one through `event_record` (far too slow for 660 000 events):
each person's life is generated in memory, written in batches (PostgreSQL `COPY`, SQLite
`executemany` in the one transaction), and the projections are computed with the same pure fold
that `tochuc rebuild` uses, so `tochuc rebuild --check` finds nothing to change. Provinces are
generated and written one after the other and people in batches, so memory stays bounded at
national scale.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import random
import sqlite3
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.core.management.color import no_style
from django.db import connection, models, transaction
from django.utils import timezone

from tochuc.demo import extensions
from tochuc.demo.lives import Life, LifeBuilder, cadre_life, ordinary_life
from tochuc.demo.model import CadreSpec, Ev, PUnit
from tochuc.demo.places import (
    CAN_THO,
    HAU_GIANG,
    NATIONAL,
    SOC_TRANG,
    ProvinceSpec,
    generic_province,
)
from tochuc.demo.plan import EVALUATION_FROM, START, ProvincePlan, Shape, quota_ratings
from tochuc.events import headcounts
from tochuc.events.fold import KIND_ORDER, EventData, fold_person
from tochuc.events.models import Event, Membership, PersonState, PositionHolding
from tochuc.events.projections import rows_for
from tochuc.events.rollups import rollup_refresh
from tochuc.people.models import Person
from tochuc.reports.models import Target
from tochuc.units.models import Unit, UnitKind, UnitVersion
from tochuc.units.projection import UnitEventData, compute_versions

BATCH = 4000  # people generated, folded and written together
WARM_YEARS = 6  # year-ends built after the load: the annual report of last year reads six

# Admissions per year for a city of 60 000 members (before scaling): slow growth after 1975,
# faster from the late 1990s; about 3% of the membership a year recently (DOMAIN-RULES.md §9:
# Cần Thơ admitted 1 614 by May 2017 and 1 988 by November 2019).
ADMISSIONS = ((1975, 600), (1986, 750), (1996, 1300), (2006, 1850), (2016, 1750))
STOCK = 5200  # members of 1975 admitted before (arriving with their admission date)
ARRIVALS = 140  # members arriving from outside the province each year, from 1980
CANDIDATES = 0.012  # share of people who have only attended the party-awareness course
CITY_MEMBERS = 60_000
TARGET_PROGRAMS = ("political_theory_intermediate", "political_theory_advanced", "new_member", "defense_security")


def _json(value: Any) -> str | None:
    if value is None:
        return None
    if not value:
        return "[]" if isinstance(value, list) else "{}"
    return json.dumps(value, ensure_ascii=False)


def _sqlite_datetime(value: Any) -> Any:
    # Django keeps aware datetimes in SQLite as naive UTC text.
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).replace(tzinfo=None).isoformat(" ")
    return value


# Dates go to SQLite as ISO text, as Django writes them (the implicit adapter is deprecated).
sqlite3.register_adapter(dt.date, dt.date.isoformat)


@dataclass(frozen=True)
class PersonKey:
    """What `rows_for` reads of a person, without building a model instance."""

    pk: int
    sex: str
    birth_date: dt.date
    registered_unit_id: int | None


@dataclass(frozen=True)
class Deployment:
    """A scale: provinces built together (a merger links them) or streamed one by one."""

    groups: tuple[tuple[tuple[ProvinceSpec, Shape], ...], ...]  # each group: first is the root others merge into
    # (code, name) of a common root above every group's province, founded with them (national
    # scale: the whole nation's report is this unit's); None: each province is a root
    root: tuple[str, str] | None = None


NATIONAL_ROOT = ("TW", "Đảng Cộng sản Việt Nam")
TINY = Shape(members=320, districts=2, wards=2, others=3, branches=(2, 3), blocs=2, bloc_factor=0.07, agencies=3)


def scale_deployment(scale: str) -> Deployment:
    if scale == "tiny":
        return Deployment((((CAN_THO, TINY),),))
    if scale == "national-tiny":  # the national shape in miniature: two tiny provinces under the root (tests)
        return Deployment(
            tuple(((generic_province(code, place, id_code, districts=2), TINY),) for code, place, id_code in NATIONAL[:2]),
            root=NATIONAL_ROOT,
        )
    if scale == "small":
        return Deployment((((CAN_THO, Shape(members=3000, districts=3, wards=3, others=6, branches=(3, 5), blocs=3, bloc_factor=0.2)),),))
    if scale == "city":
        return Deployment((((CAN_THO, Shape(members=CITY_MEMBERS)),),))
    if scale == "province":
        return Deployment((
            (
                (CAN_THO, Shape(members=CITY_MEMBERS)),
                (HAU_GIANG, Shape(members=50_000, others=18)),
                (SOC_TRANG, Shape(members=70_000, others=18)),
            ),
        ))
    if scale == "national":
        groups = []
        for i, (code, place, id_code) in enumerate(NATIONAL):
            spec = generic_province(code, place, id_code, districts=10 + i % 5)
            groups.append(((spec, Shape(members=165_000, others=105, branches=(8, 12))),))
        return Deployment(tuple(groups), root=NATIONAL_ROOT)
    raise ValueError(f"Quy mô không hợp lệ: {scale!r}")


@dataclass
class Stats:
    units: int = 0
    people: int = 0
    events: Counter = field(default_factory=Counter)
    memberships: int = 0


class Sink:
    """Writes rows fast: PostgreSQL COPY, SQLite executemany (both inside the caller's transaction)."""

    def __init__(self) -> None:
        self.vendor = connection.vendor
        self.now = timezone.now()

    def _adapter(self, field: models.Field) -> Callable[[Any], Any] | None:
        """How a Python value of this field becomes a driver value (None: as it is)."""
        if isinstance(field, models.JSONField):
            return _json
        if self.vendor == "sqlite" and isinstance(field, models.DateTimeField):
            return _sqlite_datetime
        return None

    def write(self, model: type[models.Model], rows: Iterable[dict[str, Any]], *, with_pk: bool) -> int:
        fields = [f for f in model._meta.concrete_fields if with_pk or not f.primary_key]
        defaults = []
        for f in fields:
            if getattr(f, "auto_now_add", False) or getattr(f, "auto_now", False):
                defaults.append(self.now)
            elif f.has_default():
                defaults.append(f.get_default())
            elif f.null:
                defaults.append(None)
            else:
                defaults.append("")
        plan = [(f.attname, d, self._adapter(f)) for f, d in zip(fields, defaults, strict=True)]
        adapted = [
            tuple((a(row.get(n, d)) if a is not None else row.get(n, d)) for n, d, a in plan) for row in rows
        ]
        return self._insert(model, fields, adapted)

    def write_events(self, events: list[Ev]) -> int:
        """The hot path (most rows are events): tuples built directly when the table has the
        columns this module knows, the generic path otherwise."""
        names = [f.attname for f in Event._meta.concrete_fields]
        if names != EVENT_COLUMNS:
            return self.write(Event, (event_row(ev) for ev in events), with_pk=True)
        now = _sqlite_datetime(self.now) if self.vendor == "sqlite" else self.now
        rows = [
            (ev.id, ev.person, ev.unit, ev.kind, ev.subtype, ev.on, ev.end_on, ev.to_unit, ev.position, ev.term, ev.year,
             ev.decision_no, ev.decided_on, ev.decided_by, ev.note, _json(ev.details) if ev.details else "{}", "[]", "demo", None, now)
            for ev in events
        ]
        return self._insert(Event, Event._meta.concrete_fields, rows)

    def _insert(self, model: type[models.Model], fields: Iterable[models.Field], rows: list[tuple]) -> int:
        if not rows:
            return 0
        fields = list(fields)
        table = connection.ops.quote_name(model._meta.db_table)
        columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
        with connection.cursor() as cur:
            if self.vendor == "postgresql":
                with cur.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
            else:
                marks = ", ".join(["%s"] * len(fields))
                cur.executemany(f"INSERT INTO {table} ({columns}) VALUES ({marks})", rows)
        return len(rows)

    def write_objects(self, model: type[models.Model], objs: Iterable[models.Model]) -> int:
        names = [f.attname for f in model._meta.concrete_fields if not f.primary_key]
        return self.write(model, ({n: getattr(o, n) for n in names} for o in objs), with_pk=False)


def _next_id(model: type[models.Model]) -> int:
    return (model.objects.aggregate(m=models.Max("pk"))["m"] or 0) + 1


EVENT_COLUMNS = [
    "id", "person_id", "unit_id", "kind", "subtype", "effective_on", "end_on", "to_unit_id", "position", "term", "year",
    "decision_no", "decided_on", "decided_by", "note", "details", "confirmed", "source", "recorded_by_id", "recorded_at",
]


def event_row(ev: Ev) -> dict[str, Any]:
    return {
        "id": ev.id, "person_id": ev.person, "unit_id": ev.unit, "kind": ev.kind, "subtype": ev.subtype,
        "effective_on": ev.on, "end_on": ev.end_on, "to_unit_id": ev.to_unit, "position": ev.position, "term": ev.term,
        "year": ev.year, "decision_no": ev.decision_no, "decided_on": ev.decided_on, "decided_by": ev.decided_by,
        "note": ev.note, "details": ev.details or {}, "confirmed": [], "source": "demo", "recorded_by_id": None,
    }


def event_data(ev: Ev) -> EventData:
    return EventData(
        id=ev.id, kind=ev.kind, effective_on=ev.on, subtype=ev.subtype, unit_id=ev.unit, to_unit_id=ev.to_unit,
        end_on=ev.end_on, position=ev.position, decided_on=ev.decided_on, details=ev.details or {},
    )


def unit_event_data(ev: Ev) -> UnitEventData:
    details = ev.details or {}
    name = ev.note if ev.kind == "rename" else details.get("name", "")
    return UnitEventData(id=ev.id, unit_id=ev.unit, kind=ev.kind, effective_on=ev.on, to_unit_id=ev.to_unit, name=name or details.get("name", ""),
                         unit_kind=details.get("unit_kind", ""))


def _round_carry(values: Iterable[tuple[Any, float]]) -> Iterator[tuple[Any, int]]:
    """Round a series of expected counts so that the running total stays exact."""
    carry = 0.0
    for key, x in values:
        carry += x
        n = int(carry)
        carry -= n
        yield key, n


def person_slots(shape: Shape, until: dt.date, seed: int = 1) -> list[tuple[str, int]]:
    f = shape.members / CITY_MEMBERS
    wanted: list[tuple[tuple[str, int], float]] = [(("stock", 1975), STOCK * f)]
    for year in range(1975, until.year + 1):
        per_year = next(n for y, n in reversed(ADMISSIONS) if year >= y)
        share = 1.0 if year < until.year else (until.timetuple().tm_yday / 365.0)
        if year == 1975:
            share *= 0.6
        # years differ: campaigns, congress years, the 2020-2021 epidemic
        swing = random.Random(f"{seed}:admissions:{year}").uniform(-0.12, 0.12) - (0.15 if year in (2020, 2021) else 0.0)
        wanted.append((("admit", year), per_year * f * share * (1 + swing)))
        if year >= 1980:
            wanted.append((("arrive", year), ARRIVALS * f * share))
    wanted.append((("candidate", until.year), shape.members * CANDIDATES))
    out: list[tuple[str, int]] = []
    for key, n in _round_carry(wanted):
        out.extend([key] * n)
    return out


# The core load's tables (Sink and bulk_create): the ones whose keys and indexes a first load
# takes off and puts back.
LOADED: tuple[type[models.Model], ...] = (Unit, UnitVersion, Person, Event, Membership, PersonState, PositionHolding, Target)


@dataclass(frozen=True)
class Detached:
    """What `detach` took off, as the catalog itself wrote it (pg_get_constraintdef, pg_get_indexdef)."""

    keys: tuple[tuple[str, str, str], ...]  # (table, constraint, definition), names already quoted
    indexes: tuple[str, ...]  # CREATE INDEX statements
    immediate: tuple[str, ...]  # keys to tables outside the load, checked row by row meanwhile
    tables: tuple[str, ...]  # the loaded tables, quoted


def detach(loaded: Iterable[type[models.Model]]) -> Detached | None:
    """On PostgreSQL, when every loaded table is empty (a first load): drop their foreign keys
    and non-unique secondary indexes inside the load's transaction; `reattach` puts them back.

    Every key is DEFERRABLE INITIALLY DEFERRED (Django's default), so each row written queues a
    check that COMMIT then runs one index probe at a time, on one core (15½ min of the national
    load's commit for ≈ 150 M references); one VALIDATE per key checks the same rows in one
    join. An index built once from the loaded rows (a sort) costs less than one maintained row
    by row through the COPYs. Unique indexes and primary keys stay: they check the rows as they
    come. Keys to a table outside the load stay (who recorded a row: NULL in the demo, so their
    check probes nothing): dropping a key locks the table it references (ACCESS EXCLUSIVE) until
    the commit, which would stop every login for the whole load. They are checked IMMEDIATE
    meanwhile: a deferred check still queued on a table refuses its CREATE INDEX and ALTER TABLE
    ("pending trigger events"). Into tables that already have rows, nothing is dropped (None):
    re-checking and re-indexing what was there would cost more than the load saves.
    """
    if connection.vendor != "postgresql":
        return None
    loaded = list(loaded)
    if any(m._base_manager.exists() for m in loaded):
        return None
    tables = [m._meta.db_table for m in loaded]
    with connection.cursor() as cur:
        cur.execute(
            "SELECT c.conrelid::regclass::text, quote_ident(c.conname), pg_get_constraintdef(c.oid) FROM pg_constraint c "
            "WHERE c.contype = 'f' AND c.conrelid = ANY(%s::text[]::regclass[]) AND c.confrelid = ANY(%s::text[]::regclass[]) "
            "ORDER BY 1, 2",
            [tables, tables],
        )
        keys = tuple(cur.fetchall())
        cur.execute(
            "SELECT quote_ident(c.conname) FROM pg_constraint c WHERE c.contype = 'f' AND c.conrelid = ANY(%s::text[]::regclass[]) "
            "AND NOT c.confrelid = ANY(%s::text[]::regclass[]) ORDER BY 1",
            [tables, tables],
        )
        immediate = tuple(name for (name,) in cur.fetchall())
        cur.execute(
            "SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid) FROM pg_index i "
            "WHERE i.indrelid = ANY(%s::text[]::regclass[]) AND NOT i.indisunique AND NOT i.indisprimary "
            "AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid) ORDER BY 1",
            [tables],
        )
        indexes = cur.fetchall()
        # identifiers and definitions come from the catalog, not from input
        for table, name, _definition in keys:
            cur.execute(f"ALTER TABLE {table} DROP CONSTRAINT {name}")
        for name, _definition in indexes:
            cur.execute(f"DROP INDEX {name}")
        if immediate:
            cur.execute(f"SET CONSTRAINTS {', '.join(immediate)} IMMEDIATE")
    return Detached(
        keys=keys, indexes=tuple(definition for _name, definition in indexes), immediate=immediate,
        tables=tuple(connection.ops.quote_name(table) for table in tables),
    )


def reattach(detached: Detached, say: Callable[[str], None]) -> None:
    """Rebuild the indexes, then add each key back NOT VALID and VALIDATE it: one set-based
    check of every row per key, in the load's transaction, so a bad reference rolls the whole
    load back. The keys come back as the migrations made them (same name and definition,
    deferrable, validated)."""
    started = time.monotonic()
    with connection.cursor() as cur:
        for statement in detached.indexes:
            cur.execute(statement)
        say(f"Dựng lại {len(detached.indexes)} chỉ mục phụ: {time.monotonic() - started:.1f}s")
        started = time.monotonic()
        for table, name, definition in detached.keys:
            cur.execute(f"ALTER TABLE {table} ADD CONSTRAINT {name} {definition} NOT VALID")
        for table, name, _definition in detached.keys:
            cur.execute(f"ALTER TABLE {table} VALIDATE CONSTRAINT {name}")
        if detached.immediate:  # as they were for what follows in the transaction (the extensions)
            cur.execute(f"SET CONSTRAINTS {', '.join(detached.immediate)} DEFERRED")
        say(f"Kiểm tra {len(detached.keys)} khóa ngoại (mỗi khóa một lần cho cả bảng): {time.monotonic() - started:.1f}s")
        # CREATE INDEX told the planner the tables' sizes but not their columns: the extensions'
        # queries then took 19 s of backend CPU instead of 1 s at province scale
        started = time.monotonic()
        for table in detached.tables:
            cur.execute(f"ANALYZE {table}")
    say(f"Thống kê cho bộ lập kế hoạch truy vấn (ANALYZE): {time.monotonic() - started:.1f}s")


def warm(until: dt.date, say: Callable[[str], None]) -> None:
    """Build now what the first report would otherwise build under a lock: the year-end
    headcounts of the last years (the annual report reads a year-end and the five before) and
    the event rollup. Each in its own transaction, after the load's."""
    started = time.monotonic()
    days = [dt.date(year, 12, 31) for year in range(until.year - WARM_YEARS, until.year + 1)]
    headcounts.totals_on(days)
    say(f"Số đảng viên cuối năm {days[0].year}–{days[-1].year}: {time.monotonic() - started:.1f}s")
    started = time.monotonic()
    done = rollup_refresh()
    say(f"Bảng tổng hợp sự kiện ({done.cells} ô): {time.monotonic() - started:.1f}s")


class Generator:
    def __init__(self, *, scale: str, seed: int, until: dt.date, progress: Callable[[str], None] | None = None) -> None:
        self.scale, self.seed, self.until = scale, seed, until
        self.deployment = scale_deployment(scale)
        self.progress = progress or (lambda line: None)
        self.stats = Stats()
        self.started = time.monotonic()

    def say(self, line: str) -> None:
        self.progress(f"[{time.monotonic() - self.started:7.1f}s] {line}")

    def run(self) -> Stats:
        with transaction.atomic():
            stats = self.load()
            started = time.monotonic()
        # inside a caller's transaction (tests) this ends only a savepoint
        self.say(f"Ghi nhận giao dịch (COMMIT): {time.monotonic() - started:.1f}s")
        return stats

    def load(self) -> Stats:
        self.sink = Sink()
        self.next_unit = _next_id(Unit)
        self.next_person = _next_id(Person)
        self.next_event = _next_id(Event)
        self.person_index = 0
        self.above_versions: dict[int, list] | None = None
        detached = detach(LOADED)
        if detached is not None:
            self.say(f"Bảng trống: tạm bỏ {len(detached.keys)} khóa ngoại và {len(detached.indexes)} chỉ mục phụ trong lúc nạp")
        self.above = self.national_root() if self.deployment.root else None
        for group in self.deployment.groups:
            self.group(group)
        self.reset_sequences()
        if detached is not None:
            # before the extensions, which read the tables through these indexes
            reattach(detached, self.say)
        context = extensions.DemoContext(
            seed=self.seed, scale=self.scale, until=self.until,
            units=Unit.objects.in_bulk(field_name="code"),
            people=Person.objects.filter(pk__gte=self.first_person),
            say=self.say,
        )
        extensions.run_all(context)
        self.say(f"Xong: {self.stats.units} đơn vị, {self.stats.people} người, {sum(self.stats.events.values())} sự kiện")
        return self.stats

    @property
    def first_person(self) -> int:
        return self._first_person

    def reset_sequences(self) -> None:
        if connection.vendor != "postgresql":
            return
        with connection.cursor() as cur:
            for sql in connection.ops.sequence_reset_sql(no_style(), [Unit, Person, Event]):
                cur.execute(sql)

    # --- the national root ---------------------------------------------------------------------

    def national_root(self) -> PUnit:
        """The common root of a national deployment: one unit above the provinces, founded on the
        provinces' founding day, with no people of its own."""
        assert self.deployment.root is not None
        code, name = self.deployment.root
        unit = PUnit(id=self.next_unit, code=code, name=name, kind=UnitKind.CENTRAL.value, parent=None, founded=START,
                     issuer="Ban Chấp hành Trung ương", issuer_abbr="TW")
        self.next_unit += 1
        founding = Ev("founding", START, unit=unit.id, details={"name": name, "unit_kind": unit.kind}, id=self.next_event,
                      decided_by="Ban Chấp hành Trung ương")
        self.next_event += 1
        self.sink.write(Unit, [{"id": unit.id, "code": code}], with_pk=True)
        self.sink.write_events([founding])
        (version,) = compute_versions({unit.id: [unit_event_data(founding)]}, {})[unit.id]
        self.sink.write(UnitVersion, [version.__dict__], with_pk=False)
        self.above_versions = {unit.id: [version]}
        self.stats.units += 1
        self.stats.events["founding"] += 1
        return unit

    # --- one group of provinces (a merged province, or one province) --------------------------

    def group(self, group: tuple[tuple[ProvinceSpec, Shape], ...]) -> None:
        if not hasattr(self, "_first_person"):
            self._first_person = self.next_person
        plans: list[ProvincePlan] = []
        merge_into = None
        for spec, shape in group:
            rng = random.Random(f"{self.seed}:plan:{spec.code}")
            plan = ProvincePlan(spec, shape, rng=rng, first_unit_id=self.next_unit, until=self.until, merge_into=merge_into, above=self.above)
            self.next_unit = plan.next_id
            merge_into = merge_into or plan.root
            plans.append(plan)
        self.write_units(plans)
        for plan, (_spec, shape) in zip(plans, group, strict=True):
            self.people(plan, shape)

    def write_units(self, plans: list[ProvincePlan]) -> None:
        units = [u for p in plans for u in p.units.values()]
        self.sink.write(Unit, ({"id": u.id, "code": u.code} for u in units), with_pk=True)
        events = sorted((ev for p in plans for ev in p.events), key=lambda e: (e.on, e.unit or 0))
        for ev in events:
            ev.id = self.next_event
            self.next_event += 1
        self.sink.write_events(events)
        tree = [unit_event_data(ev) for ev in events if ev.kind in ("founding", "rename", "reparent", "merger", "dissolution")]
        by_unit: dict[int, list[UnitEventData]] = {u.id: [] for u in units}
        for e in tree:
            by_unit[e.unit_id].append(e)
        self.mergers = {e.unit_id: (e.effective_on, e.to_unit_id) for e in tree if e.kind == "merger" and e.to_unit_id}
        versions = compute_versions(by_unit, self.mergers, self.above_versions)
        rows = [
            {"unit_id": v.unit_id, "name": v.name, "kind": v.kind, "parent_id": v.parent_id, "path": v.path, "depth": v.depth,
             "valid_from": v.valid_from, "valid_to": v.valid_to}
            for vs in versions.values() for v in vs
        ]
        self.sink.write(UnitVersion, rows, with_pk=False)
        self.stats.units += len(units)
        self.stats.events.update(ev.kind if ev.kind not in ("evaluation", "discipline", "award") else f"{ev.kind} (đơn vị)" for ev in events)
        self.say(f"{plans[0].spec.code}: {len(units)} đơn vị, {len(rows)} phiên bản, {len(events)} sự kiện đơn vị")

    # --- people -------------------------------------------------------------------------------

    def people(self, plan: ProvincePlan, shape: Shape) -> None:
        code = plan.spec.code
        specs = plan.cadre_specs(random.Random(f"{self.seed}:cadres:{code}"))
        slots: list[tuple[str, Any]] = [*person_slots(shape, self.until, self.seed), *(("cadre", s) for s in specs)]
        self.say(f"{code}: {len(slots)} người cần sinh ({len(specs)} cán bộ có chức vụ)")
        evaluations: dict[tuple[int, int], list[tuple[int, int]]] = defaultdict(list)
        disciplined: set[tuple[int, int]] = set()
        admissions: Counter = Counter()
        trainings: Counter = Counter()
        written = 0
        for start in range(0, len(slots), BATCH):
            lives = []
            for number, slot in enumerate(slots[start : start + BATCH], start=start):
                lives.append(self.life(plan, slot, number))
            self.write_lives(plan, lives, evaluations, disciplined, admissions, trainings)
            written += len(lives)
            self.say(f"{code}: {written}/{len(slots)} người, {sum(self.stats.events.values())} sự kiện")
        self.member_evaluations(plan, evaluations, disciplined)
        self.targets(plan, admissions, trainings)

    def life(self, plan: ProvincePlan, slot: tuple[str, Any], number: int) -> Life:
        kind, arg = slot
        rng = random.Random(f"{self.seed}:person:{plan.spec.code}:{number}")
        pid = self.next_person
        self.next_person += 1
        self.person_index += 1
        builder = LifeBuilder(plan, self.until, rng, pid, self.person_index, f"{plan.spec.code}{number + 1:07d}")
        if kind == "cadre":
            assert isinstance(arg, CadreSpec)
            return cadre_life(builder, arg)
        return ordinary_life(builder, kind, arg)

    def write_lives(self, plan, lives: list[Life], evaluations, disciplined, admissions, trainings) -> None:
        events: list[Ev] = []
        person_rows = []
        memberships, states, holdings = [], [], []
        for life in lives:
            ordered = sorted(enumerate(life.events), key=lambda p: (p[1].on, KIND_ORDER.get(p[1].kind, 5), p[0]))
            for _, ev in ordered:
                ev.id = self.next_event
                self.next_event += 1
                events.append(ev)
                if ev.kind in ("admission", "readmission"):
                    jan = dt.date(ev.on.year, 1, 1)
                    top = plan.top_on(ev.unit, jan if plan.units[ev.unit].alive(jan) else ev.on)
                    admissions[(ev.on.year, top)] += 1
                elif ev.kind == "training":
                    trainings[(ev.on.year, ev.subtype, life.person.id)] = 1
            p = life.person
            person_rows.append(p.__dict__)
            folded = fold_person((event_data(ev) for _, ev in ordered), self.mergers)
            rows = rows_for(PersonKey(p.id, p.sex, p.birth_date, p.registered_unit_id), folded)  # type: ignore[arg-type]
            memberships += rows.memberships
            states += rows.states
            holdings += rows.holdings
            for year in life.disciplined_years:
                disciplined.add((p.id, year))
            self.collect_evaluations(plan, p.id, folded.intervals, evaluations)
        self.sink.write(Person, person_rows, with_pk=True)
        self.sink.write_events(events)
        self.sink.write_objects(Membership, memberships)
        # PersonState's primary key is the person: written with it.
        self.sink.write(PersonState, ({f.attname: getattr(s, f.attname) for f in PersonState._meta.concrete_fields} for s in states), with_pk=True)
        self.sink.write_objects(PositionHolding, holdings)
        self.stats.people += len(person_rows)
        self.stats.memberships += len(memberships)
        self.stats.events.update(ev.kind for ev in events)

    def collect_evaluations(self, plan: ProvincePlan, pid: int, intervals, evaluations) -> None:
        """Who is rated each year: members (not exempted, QĐ 45-2011 §14.2) on the rating day,
        grouped by grassroots organisation, the level where the 20% cap is counted."""
        if not intervals:
            return
        year = EVALUATION_FROM
        while dt.date(year, 12, 31) <= self.until:
            day = dt.date(year, 12, 15)
            for iv in intervals:
                if iv.valid_from <= day and (iv.valid_to is None or iv.valid_to > day):
                    if iv.status in ("probationary", "full"):
                        unit = plan.units.get(iv.unit_id)
                        org = plan.parent_on(iv.unit_id, day) if unit is not None and unit.kind == "branch" else iv.unit_id
                        evaluations[(year, org or iv.unit_id)].append((pid, iv.unit_id))
                    break
            year += 1

    def member_evaluations(self, plan: ProvincePlan, evaluations, disciplined) -> None:
        events: list[Ev] = []
        for (year, org), members in sorted(evaluations.items()):
            rng = random.Random(f"{self.seed}:evaluation:{plan.spec.code}:{year}:{org}")
            ratings = quota_ratings(rng, len(members))
            members = sorted(members)
            # a member disciplined in the year is not rated excellent
            for i, (pid, _unit) in enumerate(members):
                if ratings[i] == "excellent" and (pid, year) in disciplined:
                    j = next((k for k, (q, _) in enumerate(members) if ratings[k] == "good" and (q, year) not in disciplined), None)
                    ratings[i] = "good" if j is None else ratings[i]
                    if j is not None:
                        ratings[i], ratings[j] = ratings[j], ratings[i]
            signer = plan.units.get(org)
            by = signer.issuer if signer is not None and signer.issuer else f"Ban Chấp hành {signer.name.replace('Đảng bộ', 'Đảng ủy') if signer else ''}"
            day = dt.date(year, 12, 15) + dt.timedelta(days=org % 10)
            for (pid, unit), rating in zip(members, ratings, strict=True):
                events.append(Ev("evaluation", dt.date(year, 12, 15), subtype=rating, unit=unit, year=year, person=pid,
                                 decided_on=min(day, self.until), decided_by=by))
        for ev in events:
            ev.id = self.next_event
            self.next_event += 1
        for start in range(0, len(events), 50_000):
            self.sink.write_events(events[start : start + 50_000])
        self.stats.events.update(ev.kind for ev in events)
        self.say(f"{plan.spec.code}: {len(events)} đánh giá, xếp loại đảng viên")

    def targets(self, plan: ProvincePlan, admissions: Counter, trainings: Counter) -> None:
        """Yearly admission targets per unit under the province, set so that most units exceed
        them a little, as year-end reports usually say; and a few training targets."""
        rows = []
        totals: Counter = Counter()
        for (year, top), count in sorted(admissions.items(), key=lambda kv: (kv[0][0], kv[0][1] or 0)):
            if year < 2010 or top is None:
                continue
            rng = random.Random(f"{self.seed}:target:{year}:{top}")
            if year == self.until.year:
                count = count * 365 / max(self.until.timetuple().tm_yday, 1)
            value = max(1, round(count / (1 + rng.uniform(-0.06, 0.18))))
            rows.append(Target(unit_id=top, year=year, metric="members.admitted", value=value))
            totals[year] += value
        for year, total in sorted(totals.items()):
            if plan.merge_into is None or year < 2025:
                rows.append(Target(unit_id=plan.root.id, year=year, metric="members.admitted", value=int(math.ceil(total / 10.0) * 10)))
        per_program: Counter = Counter()
        for (year, program, _pid) in trainings:
            per_program[(year, program)] += 1
        for (year, program), count in sorted(per_program.items()):
            if year < 2015 or program not in TARGET_PROGRAMS or (plan.merge_into is not None and year >= 2025):
                continue
            rng = random.Random(f"{self.seed}:target:{year}:{program}")
            value = max(1, round(count / (1 + rng.uniform(-0.05, 0.12))))
            rows.append(Target(unit_id=plan.root.id, year=year, metric=f"training.{program}", value=value))
        Target.objects.bulk_create(rows, batch_size=1000)
        self.say(f"{plan.spec.code}: {len(rows)} chỉ tiêu")
