"""Derived facts on hand-built event lists: no database."""

from __future__ import annotations

import datetime as dt

from tochuc.events.fold import EventData
from tochuc.rules.derived import (
    BadgeDue,
    DisciplineEffect,
    Gap,
    next_award_occasion,
    person_facts,
)

BRANCH, OTHER = 11, 12


def ev(id: int, kind: str, on: dt.date, **kw) -> EventData:
    return EventData(id=id, kind=kind, effective_on=on, **kw)


VETERAN = (
    ev(1, "admission", dt.date(1980, 3, 1), unit_id=BRANCH, decided_on=dt.date(1980, 2, 20)),
    ev(2, "recognition", dt.date(1981, 3, 1)),
    ev(3, "removal", dt.date(1990, 1, 1)),
    ev(4, "readmission", dt.date(1995, 1, 1), unit_id=BRANCH),
    ev(5, "recognition", dt.date(1996, 1, 1)),
    ev(6, "award", dt.date(2015, 5, 19), subtype="badge_30"),
    ev(7, "discipline", dt.date(2024, 3, 15), subtype="warning"),
)


def test_award_occasions_are_3_2_19_5_2_9_and_7_11():
    assert next_award_occasion(dt.date(2024, 2, 3)) == dt.date(2024, 2, 3)
    assert next_award_occasion(dt.date(2024, 2, 4)) == dt.date(2024, 5, 19)
    assert next_award_occasion(dt.date(2024, 9, 3)) == dt.date(2024, 11, 7)
    assert next_award_occasion(dt.date(2024, 11, 8)) == dt.date(2025, 2, 3)


def test_party_age_excludes_the_years_out_of_the_party():
    facts = person_facts(VETERAN, on=dt.date(2024, 6, 1))
    assert facts.gaps == (Gap(dt.date(1990, 1, 1), dt.date(1995, 1, 1)),)
    # 20/02/1980 + 1 826 days out = 20/02/1985: 39 years 3 months on 01/06/2024
    assert facts.party_age == (39, 3)
    assert (facts.status, facts.unit_id, facts.first_admitted_on) == ("full", BRANCH, dt.date(1980, 2, 20))


def test_the_next_badge_is_held_back_by_a_warning_and_falls_on_the_next_occasion():
    facts = person_facts(VETERAN, on=dt.date(2024, 6, 1))
    # 40 years due 20/02/2025; the warning of 15/03/2024 holds it 9 months (QĐ 24) to 15/12/2024,
    # already past, so the award falls on the first occasion after the due date: 19/05/2025.
    assert facts.next_badge == BadgeDue(40, dt.date(2025, 2, 20), dt.date(2025, 5, 19), None)
    assert facts.badges_awarded == (30,)


def test_an_active_discipline_and_when_its_effects_end():
    facts = person_facts(VETERAN, on=dt.date(2024, 6, 1))
    assert facts.disciplines == (DisciplineEffect(7, "warning", dt.date(2024, 3, 15), dt.date(2025, 3, 15), dt.date(2024, 12, 15)),)
    assert facts.active_disciplines == facts.disciplines
    assert person_facts(VETERAN, on=dt.date(2025, 3, 15)).active_disciplines == ()


def test_a_discipline_hold_that_outlasts_the_due_date_moves_the_award():
    events = (*VETERAN[:6], ev(7, "discipline", dt.date(2024, 12, 1), subtype="removal_from_post"))
    facts = person_facts(events, on=dt.date(2025, 1, 2))
    assert facts.next_badge == BadgeDue(40, dt.date(2025, 2, 20), dt.date(2026, 2, 3), dt.date(2025, 12, 1))


def test_probation_end_and_the_branch_vote_deadline():
    events = (ev(1, "admission", dt.date(2025, 5, 10), unit_id=BRANCH),)
    facts = person_facts(events, on=dt.date(2025, 6, 1))
    assert (facts.status, facts.party_age) == ("probationary", None)
    # 10/05/2026 is a Sunday; 30 working days after it is 19/06/2026
    assert (facts.probation_ends_on, facts.vote_deadline) == (dt.date(2026, 5, 10), dt.date(2026, 6, 19))
    assert facts.next_badge is None


def test_facts_as_of_an_earlier_date_ignore_later_events():
    facts = person_facts(VETERAN, on=dt.date(1992, 6, 1))
    assert (facts.status, facts.left_on, facts.party_age, facts.next_badge) == ("left", dt.date(1990, 1, 1), (9, 10), None)


def test_evaluation_history_is_kept_in_year_order():
    facts = person_facts(VETERAN, on=dt.date(2024, 6, 1), evaluations=[(2023, "good"), (2022, "excellent")])
    assert facts.evaluations == ((2022, "excellent"), (2023, "good"))


def test_a_member_who_arrived_from_outside_as_full_has_a_party_age():
    events = (ev(1, "transfer", dt.date(1975, 6, 28), subtype="official", to_unit_id=BRANCH,
                 details={"status": "full", "admitted_on": "1960-02-17"}),)
    facts = person_facts(events, on=dt.date(1990, 5, 19))
    assert (facts.party_age, facts.next_badge.years, facts.next_badge.due_on) == ((30, 3), 30, dt.date(1990, 2, 17))
