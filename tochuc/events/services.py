"""Writing events: the one path used by the web forms, the CLI, the importer and the API.

Shape is checked against the kinds registry, then the rules in force on the effective date give
findings; errors block, warnings block unless confirmed. The event and its projections are
written in one transaction, with the person locked so two clerks cannot record conflicting
events at once.
"""

from __future__ import annotations

import bisect
import datetime as dt
import json
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from django.db import transaction
from django.utils import timezone

from tochuc.core.findings import Finding, Level, RecordRefused
from tochuc.core.models import audit
from tochuc.events.fold import EventData, fold_person
from tochuc.events.kinds import FIELD_LABELS, KINDS, UNIT_TREE_KINDS, Subject, find_subtype
from tochuc.events.models import Event, EventVoid, Membership
from tochuc.events.projections import (
    load_mergers,
    load_person_events,
    refresh_people,
    refresh_units,
)
from tochuc.people.models import Person
from tochuc.rules.engine import Context, Draft, evaluate
from tochuc.rules.evaluation import planning_written, ratings_written
from tochuc.units.models import Unit
from tochuc.units.selectors import version_on

MSG_UNKNOWN_KIND = "Loại sự kiện không hợp lệ: {value!r}"
MSG_WRONG_SUBJECT_PERSON = "Sự kiện “{label}” là sự kiện của đơn vị, không ghi cho một người"
MSG_WRONG_SUBJECT_UNIT = "Sự kiện “{label}” phải gắn với một người"
MSG_UNKNOWN_SUBTYPE = "Phân loại {value!r} không hợp lệ cho sự kiện “{label}” (chọn một trong: {options})"
MSG_SUBTYPE_REQUIRED = "Sự kiện “{label}” cần phân loại (một trong: {options})"
MSG_NO_SUBTYPE = "Sự kiện “{label}” không có phân loại, nhận được {value!r}"
MSG_REQUIRED = "Thiếu {field} cho sự kiện “{label}”"
MSG_FUTURE = "Ngày hiệu lực {value} ở tương lai"
MSG_END_BEFORE = "Ngày kết thúc {end} trước ngày hiệu lực {start}"
MSG_YEAR = "Năm {value} không hợp lệ"
MSG_UNCONFIRMED = "Cần xác nhận cảnh báo trước khi ghi"


def _fmt(day: dt.date) -> str:
    return day.strftime("%d/%m/%Y")


def check_shape(
    *,
    kind: str,
    subtype: str,
    effective_on: dt.date,
    person: Person | None,
    unit: Unit | None,
    to_unit: Unit | None,
    end_on: dt.date | None,
    position: str,
    term: str,
    year: int | None,
    note: str,
    today: dt.date | None = None,
) -> tuple[str, list[Finding]]:
    """Return the canonical subtype code and the shape findings (all errors). `today` is
    `timezone.localdate()` unless a batch passes the one it read."""
    today = today or timezone.localdate()
    spec = KINDS.get(kind)
    if spec is None:
        return subtype, [Finding("shape.kind", Level.ERROR, MSG_UNKNOWN_KIND.format(value=kind), "kind")]
    findings: list[Finding] = []
    subject = Subject.PERSON if person is not None else Subject.UNIT
    if subject not in spec.subjects:
        msg = MSG_WRONG_SUBJECT_PERSON if subject == Subject.PERSON else MSG_WRONG_SUBJECT_UNIT
        findings.append(Finding("shape.subject", Level.ERROR, msg.format(label=spec.label), "person"))
    options = spec.subtypes_for(subject)
    if options:
        if subtype:
            code = find_subtype(spec, subtype, subject)
            if code is None:
                findings.append(
                    Finding(
                        "shape.subtype",
                        Level.ERROR,
                        MSG_UNKNOWN_SUBTYPE.format(value=subtype, label=spec.label, options=", ".join(options)),
                        "subtype",
                    )
                )
            else:
                subtype = code
        elif not spec.subtype_optional:
            findings.append(
                Finding("shape.subtype", Level.ERROR, MSG_SUBTYPE_REQUIRED.format(label=spec.label, options=", ".join(options)), "subtype")
            )
    elif subtype:
        findings.append(Finding("shape.subtype", Level.ERROR, MSG_NO_SUBTYPE.format(label=spec.label, value=subtype), "subtype"))
    values: dict[str, Any] = {"unit": unit, "to_unit": to_unit, "end_on": end_on, "position": position, "term": term, "year": year, "note": note}
    for name in sorted(spec.required_for(subject)):
        if values.get(name) in (None, ""):
            findings.append(
                Finding("shape.required", Level.ERROR, MSG_REQUIRED.format(field=FIELD_LABELS[name], label=spec.label), name)
            )
    if subject == Subject.UNIT and unit is None:
        findings.append(Finding("shape.required", Level.ERROR, MSG_REQUIRED.format(field=FIELD_LABELS["unit"], label=spec.label), "unit"))
    if effective_on > today:
        findings.append(Finding("shape.future", Level.ERROR, MSG_FUTURE.format(value=_fmt(effective_on)), "effective_on"))
    if end_on is not None and end_on < effective_on:
        findings.append(
            Finding("shape.end_on", Level.ERROR, MSG_END_BEFORE.format(end=_fmt(end_on), start=_fmt(effective_on)), "end_on")
        )
    if year is not None and not (1930 <= year <= today.year):
        findings.append(Finding("shape.year", Level.ERROR, MSG_YEAR.format(value=year), "year"))
    return subtype, findings


def mergers_known_on(mergers, day: dt.date) -> dict:
    """The mergers in effect on `day`: the state "as of" a date must not see a later merger
    (it would place the member in the successor unit before the merger happened)."""
    if isinstance(mergers, MergersByDay):
        return mergers.known_on(day)
    return {unit: m for unit, m in mergers.items() if m[0] <= day}


class MergersByDay(dict):
    """The mergers (unit id -> (date, unit joined)) of a batch, with those in effect on each day
    computed once per day instead of once per draft. Not to be changed once built."""

    def __init__(self, mergers: Mapping[int, tuple[dt.date, int]]) -> None:
        super().__init__(mergers)
        self._dates = sorted({on for on, _ in self.values()})
        # by the number of merger dates up to the day: what is known changes only on those dates
        self._known: dict[int, tuple[dict, frozenset]] = {}

    def _on(self, day: dt.date) -> tuple[dict, frozenset]:
        passed = bisect.bisect_right(self._dates, day)
        found = self._known.get(passed)
        if found is None:
            known = {unit: m for unit, m in self.items() if m[0] <= day}
            found = self._known[passed] = (known, frozenset(self.keys() - known.keys()))
        return found

    def known_on(self, day: dt.date) -> dict:
        return self._on(day)[0]

    def later_than(self, day: dt.date) -> frozenset:
        """The units whose merger comes after `day`."""
        return self._on(day)[1]


def _same_fold(history: Sequence[EventData], mergers, day: dt.date) -> bool:
    """Whether the whole history folds as the history up to `day` does: nothing after the day,
    and no unit the fold can reach (the history's units and the units they merged into) merged
    after it — the only ways `state` and `state_before` differ."""
    if not isinstance(mergers, MergersByDay) or any(e.effective_on > day for e in history):
        return False
    later = mergers.later_than(day)
    if not later:
        return True
    reached = {u for e in history for u in (e.unit_id, e.to_unit_id) if u is not None}
    todo = list(reached)
    while todo:
        merged = mergers.get(todo.pop())
        if merged is not None and merged[1] not in reached:
            reached.add(merged[1])
            todo.append(merged[1])
    return reached.isdisjoint(later)


def context_for(draft: Draft, history: Sequence[EventData], mergers, version=None) -> Context:
    """What the rules see for a draft, given the person's live history (ordered) and the mergers.

    `version(unit_id, day)` picks unit versions; batches pass one that answers from memory, and
    their mergers as `MergersByDay` (the state before the draft is then folded once when it is
    the state after the whole history too).
    """
    pick = version or (lambda unit_id, day: version_on(unit_id, day) if unit_id else None)
    judged_person = draft.person is not None and draft.person.pk
    state = state_before = None
    if judged_person:
        day = draft.effective_on
        state_before = fold_person([e for e in history if e.effective_on <= day], mergers_known_on(mergers, day))
        state = state_before if _same_fold(history, mergers, day) else fold_person(history, mergers)
    return Context(
        history=tuple(history),
        state=state,
        state_before=state_before,
        unit=pick(draft.unit_id, draft.effective_on),
        to_unit=pick(draft.to_unit_id, draft.effective_on),
    )


def build_context(draft: Draft) -> Context:
    if draft.person is None or not draft.person.pk:
        return context_for(draft, (), {})
    history = sorted(load_person_events([draft.person.pk]).get(draft.person.pk, []), key=EventData.sort_key)
    return context_for(draft, history, load_mergers())


def judge(draft: Draft) -> list[Finding]:
    return evaluate(draft, build_context(draft))


def event_check(**kwargs: Any) -> list[Finding]:
    """The findings `event_record` would give, without writing anything."""
    try:
        with transaction.atomic():
            _draft, findings = _prepare(**kwargs)
    except RecordRefused as refused:
        return refused.findings
    return findings  # warnings already confirmed, and info, still deserve to be shown


def _prepare(
    *,
    kind: str,
    effective_on: dt.date,
    person: Person | None = None,
    subtype: str = "",
    unit: Unit | None = None,
    to_unit: Unit | None = None,
    end_on: dt.date | None = None,
    position: str = "",
    term: str = "",
    year: int | None = None,
    decision_no: str = "",
    decided_on: dt.date | None = None,
    decided_by: str = "",
    note: str = "",
    details: dict | None = None,
    confirm: Iterable[str] = (),
    lock: bool = True,
) -> tuple[Draft, list[Finding]]:
    subtype, findings = check_shape(
        kind=kind, subtype=subtype, effective_on=effective_on, person=person, unit=unit, to_unit=to_unit,
        end_on=end_on, position=position, term=term, year=year, note=note,
    )
    if findings:
        raise RecordRefused(findings)
    if person is not None and lock:
        # Serialise writers per person: a second clerk waits, then sees the first one's event.
        Person.objects.select_for_update().filter(pk=person.pk).exists()
    draft = Draft(
        kind=kind, subtype=subtype, effective_on=effective_on, person=person,
        unit_id=unit.pk if unit else None, to_unit_id=to_unit.pk if to_unit else None, end_on=end_on,
        position=position, term=term, year=year, decision_no=decision_no, decided_on=decided_on,
        decided_by=decided_by, note=note, details=dict(details or {}),
    )
    findings = judge(draft)
    confirmed = set(confirm)
    blocking = [f for f in findings if f.level == Level.ERROR or (f.level == Level.WARNING and f.code not in confirmed)]
    if blocking:
        raise RecordRefused(findings)
    return draft, findings


@transaction.atomic
def event_record(*, by, source: str = "web", **kwargs: Any) -> Event:
    """Record one event after its shape and rules pass; update projections in the same transaction.

    Raises RecordRefused with every finding when an error, or an unconfirmed warning, stands.
    """
    draft, findings = _prepare(**kwargs)
    confirmed = sorted({f.code for f in findings if f.level == Level.WARNING})
    event = Event.objects.create(
        person=draft.person,
        unit_id=draft.unit_id,
        kind=draft.kind,
        subtype=draft.subtype,
        effective_on=draft.effective_on,
        end_on=draft.end_on,
        to_unit_id=draft.to_unit_id,
        position=draft.position,
        term=draft.term,
        year=draft.year,
        decision_no=draft.decision_no,
        decided_on=draft.decided_on,
        decided_by=draft.decided_by,
        note=draft.note,
        details=draft.details,
        confirmed=confirmed,
        source=source,
        recorded_by=by if getattr(by, "pk", None) else None,
    )
    apply_projections(event)
    return event


def apply_projections(event: Event) -> None:
    if event.person_id is not None:
        refresh_people([event.person_id])
        return
    if event.kind in UNIT_TREE_KINDS:
        refresh_units([event.unit_id])
        if event.kind == "merger":
            # members of the merged unit continue in the unit it joined
            affected = Membership.objects.filter(unit_id=event.unit_id).values_list("person_id", flat=True)
            refresh_people(list(affected))


@transaction.atomic
def event_void(*, event: Event, reason: str, by) -> EventVoid:
    """Append a voiding record; the event row is untouched and counts nowhere after."""
    reason = reason.strip()
    if not reason:
        raise RecordRefused([Finding("void.reason", Level.ERROR, "Cần ghi lý do hủy sự kiện", "reason")])
    if EventVoid.objects.filter(event=event).exists():
        raise RecordRefused([Finding("void.twice", Level.ERROR, f"Sự kiện #{event.pk} đã bị hủy trước đó", "event")])
    if event.person_id:
        Person.objects.select_for_update().filter(pk=event.person_id).exists()
    members_before = (
        list(Membership.objects.filter(unit_id=event.to_unit_id).values_list("person_id", flat=True))
        if event.kind == "merger"
        else []
    )
    void = EventVoid.objects.create(event=event, reason=reason, voided_by=by if getattr(by, "pk", None) else None)
    apply_projections(event)
    if members_before:
        refresh_people(members_before)
    audit(by=by, action="event.void", obj=event, changes={"reason": reason})
    return void


# --- batches (the importer) ----------------------------------------------------------------

class BatchRefused(RecordRefused):
    """Some drafts of a batch were refused and nothing was written.

    `refusals` maps the index of each refused draft to all its findings.
    """

    def __init__(self, refusals: dict[int, list[Finding]]):
        self.refusals = refusals
        super().__init__([f for i in sorted(refusals) for f in refusals[i]])


def version_picker(unit_ids: Iterable[int] | None):
    """`version_on` for many dates of a few units with one query (same choice: lowest pk);
    `None`: of every unit."""
    from tochuc.units.models import UnitVersion

    by_unit: dict[int, list] = {}
    versions = UnitVersion.objects.all() if unit_ids is None else UnitVersion.objects.filter(unit_id__in=set(unit_ids))
    for v in versions.order_by("pk").iterator(chunk_size=5000):
        by_unit.setdefault(v.unit_id, []).append(v)

    def pick(unit_id: int | None, day: dt.date):
        if unit_id is None:
            return None
        for v in by_unit.get(unit_id, ()):
            if v.valid_from <= day and (v.valid_to is None or v.valid_to > day):
                return v
        return None

    # (paths, unit ids) of the versions valid on a day, sorted by path
    paths_on: dict[dt.date, tuple[list[str], list[int]]] = {}

    def subtree(unit_id: int, day: dt.date) -> list[int]:
        """`units.selectors.subtree_unit_ids` among the units read: the unit and those whose
        path on `day` starts with its path (the same binary range as `path_prefix`)."""
        own = pick(unit_id, day)
        if own is None:
            return []
        if day not in paths_on:
            rows = sorted(
                (v.path, v.unit_id) for versions in by_unit.values() for v in versions
                if v.valid_from <= day and (v.valid_to is None or v.valid_to > day)
            )
            paths_on[day] = ([p for p, _ in rows], [u for _, u in rows])
        paths, ids = paths_on[day]
        return ids[bisect.bisect_left(paths, own.path) : bisect.bisect_left(paths, own.path[:-1] + "/")]

    if unit_ids is None:
        pick.subtree = subtree  # type: ignore[attr-defined]  # every unit read: a subtree is complete
    return pick


# Kinds whose rules read other people's events of the same kind from the log (the planning list
# of a term). An `EventSink` holding such events writes them before a draft of that kind is judged.
READS_OTHERS_FROM_LOG = frozenset({"planning"})


class PendingEvent:
    """An accepted event held by an `EventSink` until it is inserted: the attributes of `Event`
    that the callers read (`ratings_written`, the importer), without a model instance."""

    __slots__ = (
        "person_id", "unit_id", "kind", "subtype", "effective_on", "end_on", "to_unit_id", "position", "term", "year",
        "decision_no", "decided_on", "decided_by", "note", "details", "confirmed", "source", "recorded_by_id",
    )

    def __init__(self, **values: Any) -> None:
        for name, value in values.items():
            setattr(self, name, value)


class EventSink:
    """Accepted events of many people, inserted together (one statement per few thousand rows).

    For a caller that judges many people in ONE transaction (the importer): `event_record_many(
    ..., sink=sink)` judges as before and hands the accepted events here instead of inserting them;
    `flush()` inserts what is held (`executemany`, or `COPY` on PostgreSQL), in the order it was
    accepted, so the ids are the ones successive `event_record_many` calls would give. The rules
    read a person's own events from the context, the cap on excellent ratings from the tallies
    `ratings_written` keeps, and the planning list from the log: a planning draft is judged only
    after the held planning events are written (`READS_OTHERS_FROM_LOG`). The caller flushes
    before anything else reads the log (the projections) and before its transaction ends.
    """

    COLUMNS = PendingEvent.__slots__

    def __init__(self) -> None:
        self.rows: list[PendingEvent] = []
        self.kinds: set[str] = set()
        self.written = 0

    def __len__(self) -> int:
        return len(self.rows)

    def add(self, events: Sequence[PendingEvent]) -> None:
        self.rows.extend(events)
        self.kinds.update(e.kind for e in events)

    def holds_any(self, kind: str) -> bool:
        return kind in self.kinds

    def flush(self) -> None:
        if not self.rows:
            return
        from django.db import connection

        if not connection.in_atomic_block:
            raise RuntimeError("EventSink.flush() belongs inside the caller's transaction")
        table = Event._meta.db_table
        columns = (*self.COLUMNS, "recorded_at")
        now = timezone.now()
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                # COPY reads the text form: JSON as JSON text, dates and times as psycopg writes them
                with cursor.cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                    for e in self.rows:
                        copy.write_row(
                            (*(getattr(e, c) for c in self.COLUMNS[:14]), json.dumps(e.details), json.dumps(e.confirmed),
                             e.source, e.recorded_by_id, now)
                        )
            else:
                ops = connection.ops
                day = ops.adapt_datefield_value
                at = ops.adapt_datetimefield_value(now)
                sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join(['%s'] * len(columns))})"
                cursor.executemany(
                    sql,
                    [
                        (e.person_id, e.unit_id, e.kind, e.subtype, day(e.effective_on), day(e.end_on), e.to_unit_id,
                         e.position, e.term, e.year, e.decision_no, day(e.decided_on), e.decided_by, e.note,
                         json.dumps(e.details), json.dumps(e.confirmed), e.source, e.recorded_by_id, at)
                        for e in self.rows
                    ],
                )
        self.written += len(self.rows)
        self.rows, self.kinds = [], set()


# Ids given to accepted drafts in the history of the later ones, until the batch is written: above
# any stored id and increasing, so they sort after the stored events and in acceptance order, as
# the ids the database gives them will.
_PENDING_ID = 1 << 62


def event_record_many(
    *,
    by,
    person: Person | None,
    drafts: Sequence[Mapping[str, Any]],
    source: str = "import",
    refresh: bool = True,
    mergers: Mapping[int, tuple[dt.date, int]] | None = None,
    history: Sequence[EventData] | None = None,
    version=None,
    lock: bool = True,
    sink: EventSink | None = None,
) -> list[Any]:
    """Record several events of one person, judged exactly as successive `event_record` calls.

    Each draft (the keyword arguments of `event_record` without `by`, `person`, `source`) is
    checked for shape, then judged by the rules against the person's stored history plus the
    drafts accepted before it; a refused draft is left out of the history of the later ones, as
    a refused call would be. If any draft is refused, nothing is written and `BatchRefused` says
    which and why. Otherwise the accepted events are inserted together, and the person's
    projections refreshed once (or not at all with `refresh=False`: the caller then calls
    `refresh_people`).

    The rules read the person's own events from the context (`ctx.history`), never from the log,
    so the drafts need not be stored to be seen by the later ones; rules about other people (the
    cap on excellent ratings, planning lists) read the log, which holds every earlier batch.

    With `person=None` the drafts are unit events outside the tree's history (congresses, unit
    ratings, unit discipline): each is judged alone, as `event_record` judges a unit event (no
    history), and they change no projection.

    A caller judging many people (the importer) may pass what it already holds: the person's
    live `history` (ordered by `EventData.sort_key`; [] for someone created in this transaction),
    a `version(unit_id, day)` picker answering from memory, and `lock=False` for a person created
    in the caller's own transaction, whom nobody else can see yet.

    With a `sink` (an `EventSink`, inside the caller's transaction) nothing is inserted here: the
    accepted events go to the sink as `PendingEvent`s, and are returned as such; projections are
    then the caller's (`refresh` is ignored). Nothing is written either when a draft is refused,
    so no savepoint is needed, and the sink may write earlier people's events (a planning draft)
    outside any savepoint a refusal would roll back.
    """
    if sink is None:
        with transaction.atomic():
            return _record_many(by=by, person=person, drafts=drafts, source=source, refresh=refresh, mergers=mergers,
                                history=history, version=version, lock=lock, sink=None)
    return _record_many(by=by, person=person, drafts=drafts, source=source, refresh=False, mergers=mergers,
                        history=history, version=version, lock=lock, sink=sink)


def _record_many(
    *, by, person: Person | None, drafts: Sequence[Mapping[str, Any]], source: str, refresh: bool,
    mergers: Mapping[int, tuple[dt.date, int]] | None, history: Sequence[EventData] | None, version, lock: bool,
    sink: EventSink | None,
) -> list[Any]:
    if person is None:
        if any(d["kind"] in UNIT_TREE_KINDS for d in drafts):
            raise ValueError("unit tree events change unit versions: record them one by one")
        lock, mergers, history = False, {}, []
    if lock and person is not None:
        # Serialise writers per person, as event_record does.
        Person.objects.select_for_update().filter(pk=person.pk).exists()
    mergers = load_mergers() if mergers is None else mergers
    if history is None:
        history = sorted(load_person_events([person.pk]).get(person.pk, []), key=EventData.sort_key)
    else:
        history = list(history)
    if version is None:
        version = version_picker([u.pk for d in drafts for u in (d.get("unit"), d.get("to_unit")) if u is not None])
    refusals: dict[int, list[Finding]] = {}
    events: list[Any] = []
    recorded_by = by if getattr(by, "pk", None) else None
    today = timezone.localdate()
    for index, raw in enumerate(drafts):
        values = dict(raw)
        confirmed = set(values.pop("confirm", ()) or ())
        unit, to_unit = values.get("unit"), values.get("to_unit")
        subtype, findings = check_shape(
            kind=values["kind"], subtype=values.get("subtype", ""), effective_on=values["effective_on"],
            person=person, unit=unit, to_unit=to_unit, end_on=values.get("end_on"),
            position=values.get("position", ""), term=values.get("term", ""), year=values.get("year"),
            note=values.get("note", ""), today=today,
        )
        if findings:
            refusals[index] = findings
            continue
        if sink is not None and values["kind"] in READS_OTHERS_FROM_LOG and sink.holds_any(values["kind"]):
            sink.flush()  # the rules of this kind read other people's events of it from the log
        draft = Draft(
            kind=values["kind"], subtype=subtype, effective_on=values["effective_on"], person=person,
            unit_id=unit.pk if unit else None, to_unit_id=to_unit.pk if to_unit else None,
            end_on=values.get("end_on"), position=values.get("position", ""), term=values.get("term", ""),
            year=values.get("year"), decision_no=values.get("decision_no", ""), decided_on=values.get("decided_on"),
            decided_by=values.get("decided_by", ""), note=values.get("note", ""), details=dict(values.get("details") or {}),
        )
        context = context_for(draft, history, mergers, version)
        findings = evaluate(draft, context)
        if any(f.level == Level.ERROR or (f.level == Level.WARNING and f.code not in confirmed) for f in findings):
            refusals[index] = findings
            continue
        row = dict(
            unit_id=draft.unit_id, kind=draft.kind, subtype=draft.subtype, effective_on=draft.effective_on,
            end_on=draft.end_on, to_unit_id=draft.to_unit_id, position=draft.position, term=draft.term, year=draft.year,
            decision_no=draft.decision_no, decided_on=draft.decided_on, decided_by=draft.decided_by, note=draft.note,
            details=draft.details, confirmed=sorted({f.code for f in findings if f.level == Level.WARNING}), source=source,
        )
        if sink is None:
            events.append(Event(person=person, recorded_by=recorded_by, **row))
        else:
            events.append(PendingEvent(person_id=person.pk if person else None, recorded_by_id=recorded_by.pk if recorded_by else None, **row))
        if person is None:
            continue  # unit events are judged without a history
        history.append(
            EventData(
                id=_PENDING_ID + len(events), kind=draft.kind, effective_on=draft.effective_on, subtype=draft.subtype,
                unit_id=draft.unit_id, to_unit_id=draft.to_unit_id, end_on=draft.end_on, position=draft.position,
                decided_on=draft.decided_on, details=draft.details, year=draft.year, term=draft.term,
            )
        )
        history.sort(key=EventData.sort_key)
    if refusals:
        raise BatchRefused(refusals)
    if events and sink is not None:
        sink.add(events)
        ratings_written(events)
        planning_written(events)
    elif events:
        events = Event.objects.bulk_create(events)
        ratings_written(events)
        planning_written(events)
    if refresh and events and person is not None:
        refresh_people([person.pk], mergers)
    return events
