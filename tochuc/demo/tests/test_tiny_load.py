from __future__ import annotations

import datetime as dt
import random
from collections import Counter, defaultdict

import pytest
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from tochuc.accounts.models import Grant
from tochuc.core.findings import Level
from tochuc.demo.plan import quota_ratings
from tochuc.demo.tests.test_generate import generate
from tochuc.demo.users import DEMO_PASSWORD
from tochuc.events.fold import EventData, fold_person
from tochuc.events.kinds import KINDS, TRAINING_SUBTYPES
from tochuc.events.models import Event, Membership
from tochuc.events.projections import (
    load_mergers,
    load_person_events,
    rebuild_people,
    rebuild_units,
)
from tochuc.lib.cccd import check_national_id
from tochuc.lib.dates import age_on
from tochuc.people.models import Person
from tochuc.reports.models import Target
from tochuc.rules.engine import Context, Draft, evaluate
from tochuc.units.models import Unit, UnitVersion
from tochuc.units.selectors import version_on


@pytest.fixture(scope="module")
def loaded(django_db_setup, django_db_blocker):
    """One tiny load for the whole module, rolled back at its end; each test runs in a
    savepoint inside it (the `db` fixture), so they cannot disturb one another."""
    with django_db_blocker.unblock(), transaction.atomic():
        generate()
        yield
        transaction.set_rollback(True)


@pytest.fixture
def tiny(loaded, db):
    return None


def test_rebuild_check_finds_no_difference_after_the_load(tiny):
    assert rebuild_units(check=True) == []
    assert rebuild_people(check=True) == []


def test_every_kind_and_subtype_of_the_domain_appears(tiny):
    seen = set(Event.objects.values_list("kind", "subtype").distinct())
    kinds = {k for k, _ in seen}
    assert kinds == set(KINDS) - {"readmission", "withdrawal"} | (kinds & {"readmission", "withdrawal"})
    for subtype in ("reprimand", "warning", "removal_from_post", "expulsion", "dissolution"):
        assert ("discipline", subtype) in seen
    for subtype in ("official", "temporary"):
        assert ("transfer", subtype) in seen
    for subtype in TRAINING_SUBTYPES:
        assert ("training", subtype) in seen
    for subtype in ("appointment", "reappointment", "designation", "approval", "nomination", "rotation", "redeployment", "relief", "dismissal", "retirement", "assignment"):
        assert ("decision", subtype) in seen
    for subtype in ("add", "remove"):
        assert ("planning", subtype) in seen
    for subtype in ("excellent", "good", "complete", "incomplete"):
        assert ("evaluation", subtype) in seen
    assert {("award", "badge_30"), ("award", "badge_40"), ("exam", "passed"), ("exam", "failed")} <= seen
    assert Target.objects.filter(metric="members.admitted").count() > 10
    assert Target.objects.filter(metric__startswith="training.").exists()


def test_at_most_a_fifth_of_good_ratings_are_excellent_in_each_grassroots_organisation(tiny):
    for n in range(0, 120):
        ratings = Counter(quota_ratings(random.Random(n), n))
        assert sum(ratings.values()) == n
        assert ratings["excellent"] <= ratings["good"] // 5
    rows = Event.objects.filter(kind="evaluation", person__isnull=False).values_list("year", "decided_by", "unit_id", "subtype")
    per_unit_year: dict[tuple[int, int], Counter] = defaultdict(Counter)
    for year, _by, unit_id, subtype in rows:
        per_unit_year[(year, unit_id)][subtype] += 1
    assert per_unit_year, "members are rated"
    total = Counter()
    for counts in per_unit_year.values():
        total.update(counts)
    assert total["excellent"] <= total["good"] // 5
    assert Event.objects.filter(kind="evaluation", person__isnull=False, year__lt=2018).count() == 0


def test_people_have_valid_consistent_national_ids_and_were_admitted_between_18_and_60(tiny):
    ids = list(Person.objects.values_list("national_id", "birth_date", "sex"))
    assert len({i for i, _, _ in ids}) == len(ids)
    assert all(check_national_id(nid, birth_date=b, sex=s) == [] for nid, b, s in ids)
    for on, birth in Event.objects.filter(kind__in=("admission", "readmission")).values_list("effective_on", "person__birth_date"):
        assert 18 <= age_on(birth, on) < 60


def test_the_2025_reorganisation_abolishes_the_districts(tiny):
    day = dt.date(2025, 7, 1)
    reorg = Counter(Event.objects.filter(effective_on=day, person__isnull=True).values_list("kind", flat=True))
    assert {"founding", "merger", "reparent", "dissolution", "rename"} <= set(reorg)
    before = UnitVersion.objects.filter(valid_from__lte=day - dt.timedelta(days=1), kind="district").exclude(valid_to__lte=day - dt.timedelta(days=1))
    after = UnitVersion.objects.filter(valid_from__lte=day, kind="district").exclude(valid_to__lte=day)
    localities = {"CT.NK", "CT.BT"}
    assert localities <= set(before.values_list("unit__code", flat=True))
    assert not localities & set(after.values_list("unit__code", flat=True))
    communes = UnitVersion.objects.filter(valid_from=day, parent__code="CT", kind="grassroots_committee")
    assert communes.exists()
    # the members of the abolished districts are all still in the tree, under the city
    root = version_on(Unit.objects.get(code="CT"), day)
    open_members = Membership.objects.filter(valid_from__lte=day).exclude(valid_to__lte=day)
    paths = dict(UnitVersion.objects.filter(valid_from__lte=day).exclude(valid_to__lte=day).values_list("unit_id", "path"))
    assert all(paths[u].startswith(root.path) for u in open_members.values_list("unit_id", flat=True))


def test_the_rules_accept_every_generated_event(tiny):
    """Replay each person's events through the rules in force on their dates (a sample, and
    every unit event): none may give an error."""
    mergers = load_mergers()
    people = list(Person.objects.order_by("id"))[::10]
    errors = []
    events = load_person_events([p.pk for p in people])
    for person in people:
        history = sorted(events.get(person.pk, []), key=EventData.sort_key)
        rows = {e.id: e for e in Event.objects.filter(person=person)}
        for i, ev in enumerate(history):
            row = rows[ev.id]
            before = tuple(history[:i])
            # as a clerk would have recorded it: the mergers known on that day, not later ones
            known = {u: m for u, m in mergers.items() if m[0] <= row.effective_on}
            state = fold_person(before, known)
            draft = Draft(
                kind=row.kind, subtype=row.subtype, effective_on=row.effective_on, person=person, unit_id=row.unit_id,
                to_unit_id=row.to_unit_id, end_on=row.end_on, position=row.position, term=row.term, year=row.year,
                decision_no=row.decision_no, decided_on=row.decided_on, decided_by=row.decided_by, note=row.note, details=row.details,
            )
            ctx = Context(
                history=before, state=state, state_before=state,
                unit=version_on(row.unit_id, row.effective_on) if row.unit_id else None,
                to_unit=version_on(row.to_unit_id, row.effective_on) if row.to_unit_id else None,
            )
            # evaluation.once_per_year reads the stored ratings, which hold this one: checked below
            errors += [
                (person.code, row.kind, row.effective_on, f.code)
                for f in evaluate(draft, ctx)
                if f.level == Level.ERROR and f.code != "evaluation.once_per_year"
            ]
    for row in Event.objects.filter(person__isnull=True).exclude(kind="founding"):
        draft = Draft(kind=row.kind, subtype=row.subtype, effective_on=row.effective_on, unit_id=row.unit_id, to_unit_id=row.to_unit_id, term=row.term, year=row.year)
        # a merger or dissolution ends the unit's version on its own date: judge it on the day before
        day = row.effective_on - dt.timedelta(days=1) if row.kind in ("merger", "dissolution") else row.effective_on
        ctx = Context(history=(), state=None, state_before=None, unit=version_on(row.unit_id, day),
                      to_unit=version_on(row.to_unit_id, row.effective_on) if row.to_unit_id else None)
        errors += [(row.unit_id, row.kind, row.effective_on, f.code) for f in evaluate(draft, ctx) if f.level == Level.ERROR]
    assert errors == []
    ratings = Counter(Event.objects.filter(kind="evaluation", person__isnull=False).values_list("person_id", "year"))
    assert max(ratings.values()) == 1


def test_login_creates_the_demo_users_once_and_prints_them(tiny, capsys, monkeypatch):
    monkeypatch.setenv("TOCHUC_HOST", "10.0.0.5")
    monkeypatch.setenv("TOCHUC_PORT", "8080")
    call_command("demo", "--login")
    out = capsys.readouterr().out
    call_command("demo", "--login")
    assert capsys.readouterr().out == out
    assert out.splitlines()[0] == "Địa chỉ: http://10.0.0.5:8080/"
    assert f"mật khẩu chung: {DEMO_PASSWORD}" in out
    grants = {g.user.username: (g.role, g.unit.code) for g in Grant.objects.select_related("user", "unit")}
    assert grants["quantri"] == ("admin", "CT")
    assert grants["nguoixem"] == ("viewer", "CT")
    assert grants["chuyenvien"][0] == "specialist" and grants["chuyenvien"][1].startswith("CT.X")
    assert grants["vanthu"][0] == "clerk"
    today = timezone.localdate()
    assert version_on(Unit.objects.get(code=grants["chuyenvien"][1]), today).parent.code == "CT"
    assert version_on(Unit.objects.get(code=grants["vanthu"][1]), today).kind == "grassroots_committee"
    assert len(DEMO_PASSWORD) >= 12


