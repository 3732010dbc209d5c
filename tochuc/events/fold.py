"""State is a fold: a pure function from a person's ordered events to their derived state.

No database here. `projections.py` writes what this computes; `tochuc rebuild --check` compares
it with what is stored; the rules use it to know the state "as of" any date.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from tochuc.events.kinds import Status
from tochuc.lib.dates import add_years

# Same-day order: joining before status changes before moves before leaving.
KIND_ORDER = {
    "admission": 0,
    "readmission": 0,
    "recognition": 1,
    "transfer": 2,
    "exemption": 3,
    "decision": 4,
    "discipline": 6,
    "removal": 7,
    "withdrawal": 7,
    "death": 8,
}
APPOINTMENT_TERM_YEARS = 5  # QĐ 105-2017 / QĐ 80-2022: each appointment is for 5 years

OPENING_DECISIONS = frozenset(
    {"appointment", "reappointment", "designation", "approval", "assignment", "redeployment", "rotation"}
)
CLOSING_DECISIONS = frozenset({"dismissal", "relief", "retirement"})
TERM_DECISIONS = frozenset({"appointment", "reappointment"})


@dataclass(frozen=True)
class EventData:
    id: int
    kind: str
    effective_on: dt.date
    subtype: str = ""
    unit_id: int | None = None
    to_unit_id: int | None = None
    end_on: dt.date | None = None
    position: str = ""
    decided_on: dt.date | None = None
    details: Mapping[str, Any] = field(default_factory=dict)
    # what the rules read of a person's own events without querying the log (the year rated,
    # the planning term); the fold does not use them
    year: int | None = None
    term: str = ""

    def sort_key(self) -> tuple[dt.date, int, int]:
        return (self.effective_on, KIND_ORDER.get(self.kind, 5), self.id)


@dataclass(frozen=True)
class Interval:
    unit_id: int
    status: str
    valid_from: dt.date
    valid_to: dt.date | None


@dataclass(frozen=True)
class Holding:
    position: str
    unit_id: int | None
    valid_from: dt.date
    valid_to: dt.date | None
    term_ends_on: dt.date | None
    source_event_id: int


@dataclass(frozen=True)
class PersonFold:
    intervals: tuple[Interval, ...]
    holdings: tuple[Holding, ...]
    status: str  # "" when never a member
    unit_id: int | None  # unit of the open interval, else of the last one
    first_admitted_on: dt.date | None
    recognized_on: dt.date | None
    left_on: dt.date | None
    left_reason: str
    last_event_unit_id: int | None
    # Events that did not apply to the state they met (a rule should have refused them).
    anomalies: tuple[int, ...]


# unit id -> (date of merger, unit it joined)
Mergers = Mapping[int, tuple[dt.date, int]]


def resolve_merger(unit_id: int, on: dt.date, mergers: Mergers) -> int:
    """The unit that holds `unit_id`'s members on `on`, following mergers (chains too)."""
    seen = set()
    while unit_id in mergers and mergers[unit_id][0] <= on and unit_id not in seen:
        seen.add(unit_id)
        unit_id = mergers[unit_id][1]
    return unit_id


def split_by_mergers(interval: Interval, mergers: Mergers) -> list[Interval]:
    """An interval in a unit that later merged continues in the unit it joined."""
    out: list[Interval] = []
    current = interval
    while current.unit_id in mergers:
        merged_on, target = mergers[current.unit_id]
        if merged_on <= current.valid_from:
            current = Interval(target, current.status, current.valid_from, current.valid_to)
            continue
        if current.valid_to is not None and merged_on >= current.valid_to:
            break
        out.append(Interval(current.unit_id, current.status, current.valid_from, merged_on))
        current = Interval(target, current.status, merged_on, current.valid_to)
        if len(out) > 50:  # a merger cycle is a data error; stop rather than loop
            break
    out.append(current)
    return out


def fold_person(events: Iterable[EventData], mergers: Mergers | None = None) -> PersonFold:
    mergers = mergers or {}
    ordered = sorted(events, key=EventData.sort_key)
    intervals: list[Interval] = []
    holdings: list[Holding] = []
    anomalies: list[int] = []

    # The open interval, as (unit, status, since); None when not a member.
    open_unit: int | None = None
    open_status: str = ""
    open_since: dt.date | None = None
    status = ""
    first_admitted_on: dt.date | None = None
    recognized_on: dt.date | None = None
    left_on: dt.date | None = None
    left_reason = ""
    last_unit: int | None = None
    last_event_unit: int | None = None
    # exemption that ends on a date: (end date, status to return to)
    pending_return: tuple[dt.date, str] | None = None

    def close(on: dt.date) -> None:
        nonlocal open_unit, open_since
        if open_unit is not None and open_since is not None and on > open_since:
            intervals.append(Interval(open_unit, open_status, open_since, on))
        open_unit, open_since = None, None

    def open_(unit_id: int, new_status: str, on: dt.date) -> None:
        nonlocal open_unit, open_status, open_since, status, last_unit
        open_unit, open_status, open_since = unit_id, new_status, on
        status = new_status
        last_unit = unit_id

    def change_status(new_status: str, on: dt.date) -> None:
        unit_id = open_unit
        close(on)
        if unit_id is not None:
            open_(resolve_merger(unit_id, on, mergers), new_status, on)

    def leave(on: dt.date, reason: str) -> None:
        nonlocal status, left_on, left_reason, pending_return
        close(on)
        status = Status.LEFT
        left_on = on
        left_reason = reason
        pending_return = None

    for ev in ordered:
        on = ev.effective_on
        if pending_return is not None and pending_return[0] <= on:
            change_status(pending_return[1], pending_return[0])
            pending_return = None
        if ev.unit_id is not None:
            last_event_unit = ev.unit_id
        kind, sub = ev.kind, ev.subtype
        is_member = open_unit is not None

        if kind in ("admission", "readmission"):
            if is_member or ev.unit_id is None:
                anomalies.append(ev.id)
                continue
            if first_admitted_on is None:
                # party age runs from the signing of the admission decision (QĐ 29 §4.5)
                first_admitted_on = ev.decided_on or on
            left_on, left_reason = None, ""
            open_(ev.unit_id, Status.PROBATIONARY, on)
        elif kind == "recognition":
            if open_status != Status.PROBATIONARY or not is_member:
                anomalies.append(ev.id)
                continue
            recognized_on = on
            change_status(Status.FULL, on)
        elif kind == "transfer":
            if sub == "temporary":
                continue  # temporary attachment does not move the member's count
            if is_member:
                if ev.to_unit_id is None:
                    leave(on, "transferred_out")
                else:
                    carried = open_status
                    close(on)
                    open_(ev.to_unit_id, carried, on)
            elif ev.to_unit_id is not None:
                # arriving from outside the system; status and admission date come with the file
                incoming = str(ev.details.get("status") or Status.FULL)
                if first_admitted_on is None and ev.details.get("admitted_on"):
                    first_admitted_on = dt.date.fromisoformat(str(ev.details["admitted_on"]))
                if incoming == Status.FULL and recognized_on is None:
                    # a full member arriving with their file was recognised elsewhere; the file
                    # may say when, else the arrival is the first date we can vouch for
                    raw = ev.details.get("recognized_on")
                    recognized_on = dt.date.fromisoformat(str(raw)) if raw else on
                left_on, left_reason = None, ""
                open_(ev.to_unit_id, incoming, on)
            else:
                anomalies.append(ev.id)
        elif kind == "exemption":
            if not is_member or open_status == Status.EXEMPT:
                anomalies.append(ev.id)
                continue
            previous = open_status
            change_status(Status.EXEMPT, on)
            if ev.end_on is not None:
                pending_return = (ev.end_on, previous)
        elif kind in ("removal", "withdrawal", "death"):
            if not is_member:
                if kind != "death":
                    anomalies.append(ev.id)
                continue
            leave(on, kind)
        elif kind == "discipline" and sub == "expulsion":
            if not is_member:
                anomalies.append(ev.id)
                continue
            leave(on, "expulsion")
        elif kind == "decision":
            holdings_update(holdings, ev)

    if pending_return is not None:
        change_status(pending_return[1], pending_return[0])
    if open_unit is not None and open_since is not None:
        intervals.append(Interval(open_unit, open_status, open_since, None))

    split: list[Interval] = []
    for interval in intervals:
        split.extend(split_by_mergers(interval, mergers))
    current_unit = split[-1].unit_id if split else last_unit
    if current_unit is not None:
        # the record of someone who left stays with the unit's successor after a later merger
        current_unit = resolve_merger(current_unit, dt.date.max, mergers)
    return PersonFold(
        intervals=tuple(split),
        holdings=tuple(holdings),
        status=status,
        unit_id=current_unit,
        first_admitted_on=first_admitted_on,
        recognized_on=recognized_on,
        left_on=left_on,
        left_reason=left_reason,
        last_event_unit_id=last_event_unit,
        anomalies=tuple(anomalies),
    )


def holdings_update(holdings: list[Holding], ev: EventData) -> None:
    """Open or close posts from one cadre decision (in place)."""
    on = ev.effective_on
    sub = ev.subtype
    if sub in CLOSING_DECISIONS:
        for i, h in enumerate(holdings):
            if h.valid_to is None and (sub == "retirement" or not ev.position or h.position == ev.position):
                holdings[i] = Holding(h.position, h.unit_id, h.valid_from, on, h.term_ends_on, h.source_event_id)
        return
    if sub not in OPENING_DECISIONS or not ev.position:
        return
    unit_id = ev.to_unit_id if sub in ("redeployment", "rotation") and ev.to_unit_id else ev.unit_id
    term_end = add_years(on, APPOINTMENT_TERM_YEARS) if sub in TERM_DECISIONS else None
    if sub in ("redeployment", "rotation"):
        # moving to a new post ends the posts held before
        for i, h in enumerate(holdings):
            if h.valid_to is None:
                holdings[i] = Holding(h.position, h.unit_id, h.valid_from, on, h.term_ends_on, h.source_event_id)
    for i, h in enumerate(holdings):
        if h.valid_to is None and h.position == ev.position and h.unit_id == unit_id:
            # reappointment or repeated decision: the post continues, the term is renewed
            holdings[i] = Holding(h.position, h.unit_id, h.valid_from, None, term_end or h.term_ends_on, ev.id)
            return
    holdings.append(Holding(ev.position, unit_id, on, None, term_end, ev.id))
