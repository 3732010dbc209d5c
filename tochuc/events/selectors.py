"""Reads for the lifecycle screens. Each takes the viewer's scope or an object already loaded
through `accounts.scoping` (which answered 404 for anything outside it)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from tochuc.accounts import scoping
from tochuc.accounts.scoping import Scope
from tochuc.events.kinds import STATUS_LABELS, Status
from tochuc.events.models import Event, Membership
from tochuc.events.projections import live_events, load_mergers, load_person_events
from tochuc.people.models import Person
from tochuc.rules.derived import PersonFacts, person_facts
from tochuc.rules.discipline import FORM_LABELS as DISCIPLINE_LABELS
from tochuc.rules.evaluation import RATING_LABELS
from tochuc.units.models import Unit, UnitVersion
from tochuc.units.selectors import valid_on, version_on


def person_facts_for(*, person: Person, on: dt.date) -> PersonFacts:
    """Derived facts of a person loaded through the scope (`scoping.get_person`)."""
    history = load_person_events([person.pk]).get(person.pk, [])
    ratings = (
        live_events().filter(person=person, kind="evaluation", year__isnull=False, effective_on__lte=on)
        .order_by("year", "id").values_list("year", "subtype")
    )
    return person_facts(history, on=on, mergers=load_mergers(), evaluations=list(ratings))


def unit_name(unit_id: int | None, on: dt.date) -> str:
    if unit_id is None:
        return ""
    version = version_on(unit_id, on) or UnitVersion.objects.filter(unit_id=unit_id).order_by("-valid_from").first()
    return version.name if version else ""


def facts_display(facts: PersonFacts) -> dict:
    """Labels for the facts panel."""
    return {
        "status_label": STATUS_LABELS.get(facts.status, "Chưa vào Đảng") if facts.status else "Chưa vào Đảng",
        "unit_name": unit_name(facts.unit_id, facts.on),
        "evaluations": [(year, RATING_LABELS.get(sub, sub)) for year, sub in facts.evaluations],
        "disciplines": [(DISCIPLINE_LABELS.get(d.subtype, d.subtype), d) for d in facts.active_disciplines],
    }


def person_event_rows(*, scope: Scope, person: Person) -> list[Event]:
    """The person's events, voided ones included (marked), newest first."""
    return list(
        scoping.events(scope).filter(person=person).select_related("void", "unit", "to_unit")
        .order_by("-effective_on", "-id")
    )


@dataclass(frozen=True)
class BranchRow:
    person: Person
    status: str
    rating: str  # existing rating code for the year, "" if none
    rating_event_id: int | None

    @property
    def status_label(self) -> str:
        return STATUS_LABELS.get(self.status, self.status)

    @property
    def ratable(self) -> bool:
        # Exempt members are not rated (QĐ 45-2011 §14.2, kept since).
        return self.status in (Status.PROBATIONARY, Status.FULL) and not self.rating


def branch_members_for_rating(*, unit: Unit, year: int) -> list[BranchRow]:
    """Members of the branch on 31/12 of the year, with their rating of that year."""
    dec31 = dt.date(year, 12, 31)
    rows = list(
        Membership.objects.filter(valid_on(dec31), unit=unit).select_related("person").order_by("person__search_key", "person_id")
    )
    rated = {
        pid: (sub, eid)
        for pid, sub, eid in live_events().filter(kind="evaluation", year=year, person_id__in=[m.person_id for m in rows])
        .order_by("id").values_list("person_id", "subtype", "id")
    }
    return [BranchRow(m.person, m.status, *rated.get(m.person_id, ("", None))) for m in rows]
