"""Derived facts about a person as of a date: a pure computation over their events.

Nothing here touches the database: the caller passes the person's live events (and the evaluation
ratings, which carry a year the fold does not need). The rules use the same functions, so what
the person page shows and what the rules check cannot disagree.

Party age (tuổi đảng, QĐ 29 §4.5 / QĐ 24 §4.5.1) runs from the signing of the first admission
decision, minus every period out of the Party (between leaving and re-admission, or between a
transfer out of the system and the arrival back), and only counts for someone recognised as a
full member. Badge due dates add the excluded days to the milestone (DOMAIN-RULES.md §2).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from tochuc.events.fold import EventData, Holding, PersonFold, fold_person
from tochuc.events.kinds import Status
from tochuc.lib.dates import add_months, add_years, months_between
from tochuc.rules import params
from tochuc.rules.params import param
from tochuc.rules.workdays import add_working_days

MILESTONES_2011 = (30, 40, 50, 55, 60, 65, 70, 75, 80, 85, 90)  # QĐ 45-2011: no 45-year badge
MILESTONES_2016 = (30, 40, 45, 50, 55, 60, 65, 70, 75, 80, 85, 90)  # QĐ 29-2016 onward
# Award occasions (HD 01-2021 §18): 3/2, 19/5, 2/9, 7/11.
AWARD_OCCASIONS = ((2, 3), (5, 19), (9, 2), (11, 7))


def milestones_on(day: dt.date) -> tuple[int, ...]:
    return MILESTONES_2016 if day >= params.QD29_2016 else MILESTONES_2011


def badge_years(subtype: str) -> int | None:
    if subtype.startswith("badge_") and subtype[6:].isdigit():
        return int(subtype[6:])
    return None


def next_award_occasion(day: dt.date) -> dt.date:
    """The first award occasion on or after `day`."""
    for month, d in AWARD_OCCASIONS:
        occasion = dt.date(day.year, month, d)
        if occasion >= day:
            return occasion
    month, d = AWARD_OCCASIONS[0]
    return dt.date(day.year + 1, month, d)


def previous_award_occasion(day: dt.date) -> dt.date:
    """The last award occasion strictly before `day`."""
    for month, d in reversed(AWARD_OCCASIONS):
        occasion = dt.date(day.year, month, d)
        if occasion < day:
            return occasion
    month, d = AWARD_OCCASIONS[-1]
    return dt.date(day.year - 1, month, d)


@dataclass(frozen=True)
class Gap:
    """A period out of the Party: [start, end); end None while it lasts."""

    start: dt.date
    end: dt.date | None

    def length_before(self, day: dt.date) -> tuple[int, int]:
        """(whole months, remaining days) of the gap that lies before `day`. Counted in
        calendar months so that five years out push a milestone back exactly five years."""
        if self.start >= day:
            return (0, 0)
        end = min(self.end, day) if self.end else day
        months = months_between(self.start, end)
        return months, (end - add_months(self.start, months)).days


def shift(day: dt.date, excluded: Iterable[Gap], before: dt.date) -> dt.date:
    """`day` moved later by the excluded time that lies before `before`."""
    months = days = 0
    for g in excluded:
        m, d = g.length_before(before)
        months += m
        days += d
    return add_months(day, months) + dt.timedelta(days=days)


def gaps(fold: PersonFold) -> tuple[Gap, ...]:
    """Holes between consecutive membership intervals, and the open one after leaving."""
    out: list[Gap] = []
    ivs = fold.intervals
    for a, b in zip(ivs, ivs[1:], strict=False):
        if a.valid_to is not None and b.valid_from > a.valid_to:
            out.append(Gap(a.valid_to, b.valid_from))
    if ivs and ivs[-1].valid_to is not None and fold.status == Status.LEFT:
        out.append(Gap(ivs[-1].valid_to, None))
    return tuple(out)


def recognised_by(fold: PersonFold, on: dt.date) -> bool:
    """A full member by `on`: recognised here, or arrived from outside the system as full."""
    if fold.recognized_on is not None:
        return fold.recognized_on <= on
    return any(iv.status == Status.FULL and iv.valid_from <= on for iv in fold.intervals)


def party_age_on(fold: PersonFold, on: dt.date) -> tuple[int, int] | None:
    """(years, months) of party age on `on`; None before recognition as a full member."""
    if fold.first_admitted_on is None or not recognised_by(fold, on):
        return None
    start = shift(fold.first_admitted_on, gaps(fold), on)
    months = max(0, months_between(start, on))
    return divmod(months, 12)


def milestone_due_on(fold: PersonFold, years: int, *, until_left: bool = False) -> dt.date | None:
    """First admission + N years + the excluded days that fall before that date.

    None when the person is out of the Party before that date; with `until_left` (posthumous
    awards) the date is computed as if the membership had continued, for comparison with the
    day they left.
    """
    if fold.first_admitted_on is None:
        return None
    closed = tuple(g for g in gaps(fold) if g.end is not None)
    base = add_years(fold.first_admitted_on, years)
    due = base
    for _ in range(20):  # each pass can only move the date later; stops when stable
        shifted = shift(base, closed, due)
        if shifted == due:
            break
        due = shifted
    open_gap = any(g.end is None and g.start < due for g in gaps(fold))
    return None if open_gap and not until_left else due


@dataclass(frozen=True)
class DisciplineEffect:
    event_id: int
    subtype: str
    on: dt.date
    ends_on: dt.date | None  # the discipline lapses (None: expulsion, never)
    badge_hold_until: dt.date | None

    def active_on(self, day: dt.date) -> bool:
        return self.on <= day and (self.ends_on is None or day < self.ends_on)


def badge_hold_months(subtype: str, on: dt.date) -> int:
    table = param("badge_hold_months_2021") if on >= params.QD24_2021 else param("badge_hold_months_2016")
    return int(table.get(subtype, 0))


def discipline_effects(history: Iterable[EventData], *, judged_on: dt.date) -> tuple[DisciplineEffect, ...]:
    """Each personal discipline with the dates its effects end, by the texts in force on
    `judged_on` (the date of the award being considered). The holds on planning and appointment
    are the cadre rules' (`tochuc.cadres.eligibility.discipline_block`)."""
    out = []
    for ev in history:
        if ev.kind != "discipline" or ev.effective_on > judged_on:
            continue
        if ev.subtype == "expulsion":
            out.append(DisciplineEffect(ev.id, ev.subtype, ev.effective_on, None, None))
            continue
        badge = badge_hold_months(ev.subtype, judged_on)
        out.append(
            DisciplineEffect(
                ev.id,
                ev.subtype,
                ev.effective_on,
                add_months(ev.effective_on, param("discipline_validity_months")),
                add_months(ev.effective_on, badge) if badge else None,
            )
        )
    return tuple(out)


def probation_start(history: Sequence[EventData], fold: PersonFold) -> dt.date | None:
    """Start of the current probation: the last admission or re-admission (or the admission
    date carried by an arrival from outside), while the member is probationary."""
    if fold.status != Status.PROBATIONARY:
        return None
    start: dt.date | None = None
    for ev in history:
        if ev.kind in ("admission", "readmission"):
            start = ev.effective_on
        elif ev.kind == "transfer" and ev.unit_id is None and ev.to_unit_id and ev.details.get("admitted_on"):
            start = dt.date.fromisoformat(str(ev.details["admitted_on"]))
    return start


def probation_end(start: dt.date) -> dt.date:
    return add_months(start, param("probation_months"))


def vote_deadline(end: dt.date) -> dt.date:
    return add_working_days(end, param("branch_vote_working_days"))


@dataclass(frozen=True)
class BadgeDue:
    years: int
    due_on: dt.date
    award_on: dt.date  # the award occasion on or after the due date (and after any hold)
    held_until: dt.date | None  # discipline hold that pushes the award back


@dataclass(frozen=True)
class PersonFacts:
    on: dt.date
    status: str
    unit_id: int | None
    first_admitted_on: dt.date | None
    recognized_on: dt.date | None
    left_on: dt.date | None
    left_reason: str
    party_age: tuple[int, int] | None
    gaps: tuple[Gap, ...]
    probation_ends_on: dt.date | None
    vote_deadline: dt.date | None
    badges_awarded: tuple[int, ...]
    next_badge: BadgeDue | None
    disciplines: tuple[DisciplineEffect, ...]
    evaluations: tuple[tuple[int, str], ...]
    holdings: tuple[Holding, ...]

    @property
    def active_disciplines(self) -> tuple[DisciplineEffect, ...]:
        return tuple(d for d in self.disciplines if d.active_on(self.on))


def next_badge(fold: PersonFold, history: Sequence[EventData], on: dt.date) -> BadgeDue | None:
    if fold.status not in (Status.FULL, Status.EXEMPT) or not recognised_by(fold, on):
        return None
    awarded = [y for ev in history if ev.kind == "award" and (y := badge_years(ev.subtype))]
    floor = max(awarded, default=0)
    for years in milestones_on(on):
        if years <= floor:
            continue
        due = milestone_due_on(fold, years)
        if due is None:
            return None
        holds = [d.badge_hold_until for d in discipline_effects(history, judged_on=max(due, on)) if d.badge_hold_until]
        held = max(holds) if holds and max(holds) > max(due, on) else None
        award_on = next_award_occasion(max(due, held or due))
        return BadgeDue(years, due, award_on, held)
    return None


def person_facts(
    history: Iterable[EventData],
    *,
    on: dt.date,
    mergers: Mapping[int, tuple[dt.date, int]] | None = None,
    evaluations: Iterable[tuple[int, str]] = (),
) -> PersonFacts:
    """Everything the person page shows about a member, as of `on`, from their live events."""
    events = tuple(sorted((e for e in history if e.effective_on <= on), key=EventData.sort_key))
    fold = fold_person(events, mergers)
    start = probation_start(events, fold)
    end = probation_end(start) if start else None
    return PersonFacts(
        on=on,
        status=fold.status,
        unit_id=fold.unit_id,
        first_admitted_on=fold.first_admitted_on,
        recognized_on=fold.recognized_on,
        left_on=fold.left_on,
        left_reason=fold.left_reason,
        party_age=party_age_on(fold, on),
        gaps=gaps(fold),
        probation_ends_on=end,
        vote_deadline=vote_deadline(end) if end else None,
        badges_awarded=tuple(sorted(y for ev in events if ev.kind == "award" and (y := badge_years(ev.subtype)))),
        next_badge=next_badge(fold, events, on),
        disciplines=discipline_effects(events, judged_on=on),
        evaluations=tuple(sorted(evaluations)),
        holdings=tuple(h for h in fold.holdings if h.valid_from <= on and (h.valid_to is None or h.valid_to > on)),
    )
