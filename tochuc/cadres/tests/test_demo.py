"""The demo extension gives the cadre screens something to show (run on the fixture tree, not a
generated city, to stay fast)."""

from __future__ import annotations

import datetime as dt
import random
from types import SimpleNamespace

import pytest

pytestmark = pytest.mark.django_db


def test_the_extension_is_registered_with_the_demo_hook():
    extensions = pytest.importorskip("tochuc.demo.extensions")
    assert any(f.__name__ == "cadre_demo" for f in extensions.registered())


def test_the_demo_extension_adds_posts_periods_quotas_rotations_and_a_selection(tree, make_person, record):
    from tochuc.cadres.demo import cadre_demo
    from tochuc.cadres.models import (
        PlanningPeriod,
        Post,
        PostStandard,
        Selection,
        StaffingQuota,
        StreamliningTarget,
    )
    from tochuc.events.models import Event
    from tochuc.people.models import Person

    people = []
    for i, name in enumerate(("Lê Văn Một", "Trần Thị Hai", "Phạm Văn Ba", "Võ Thị Bốn")):
        p = make_person(name, birth_date=dt.date(1980 + i, 3, 1), sex="female" if i % 2 else "male")
        record(p, "admission", dt.date(2010, 1, 5), unit=tree["CT.NK.01.01"])
        record(p, "recognition", dt.date(2011, 1, 5), unit=tree["CT.NK.01.01"])
        people.append(p)
    record(people[0], "decision", dt.date(2019, 6, 1), subtype="appointment", position="Chủ tịch UBND phường", unit=tree["CT.NK.01"], confirm={"cadres.planning_required"})
    record(people[1], "decision", dt.date(2019, 6, 1), subtype="appointment", position="Bí thư Đảng ủy phường", unit=tree["CT.CR.01"], confirm={"cadres.planning_required"})
    for p in people[1:3]:
        record(p, "planning", dt.date(2021, 2, 1), subtype="add", position="Phó Chủ tịch UBND quận", unit=tree["CT.NK"], term="2020-2025")
    context = SimpleNamespace(seed=1, scale="tiny", until=dt.date(2026, 6, 30), units=tree, people=Person.objects.all(), say=lambda line: None)

    cadre_demo(random.Random("1:cadres"), context)

    assert sorted(Post.objects.values_list("name", "unit__code", "managing_level", "is_party_committee")) == [
        ("Bí thư Đảng ủy phường", "CT.CR.01", "district", True),
        ("Chủ tịch UBND phường", "CT.NK.01", "district", False),
        ("Phó Chủ tịch UBND quận", "CT.NK", "provincial", False),
    ]
    assert PostStandard.objects.count() == 3
    assert sorted(PlanningPeriod.objects.values_list("code", flat=True)) == ["2020-2025", "2025-2030"]
    assert StaffingQuota.objects.filter(unit__code="CT", year=2015, quota=1200).exists()
    assert StreamliningTarget.objects.filter(unit__code="CT.NK", base_year=2015, target_year=2021).exists()
    assert Event.objects.filter(kind="decision", subtype="rotation", source="demo").count() == 2
    assert Selection.objects.filter(status="appointed").count() == 1


def cadre_fingerprint() -> str:
    """A digest of what the cadre extension writes, ordered by natural keys. The events' details
    carry the ids of posts and selections: they must come out the same too (PostgreSQL does not
    roll its sequences back, so a second run in the same database used to number them on)."""
    import hashlib

    from tochuc.cadres.models import (
        PlanningPeriod,
        Post,
        PostStandard,
        Selection,
        SelectionCandidate,
        StaffingQuota,
        StreamliningTarget,
    )
    from tochuc.events.models import Event, PositionHolding

    parts = [
        list(Post.objects.order_by("unit__code", "name").values_list("unit__code", "name", "managing_level", "is_party_committee")),
        list(PostStandard.objects.order_by("post__unit__code", "post__name", "valid_from").values_list(
            "post__unit__code", "post__name", "valid_from", "political_theory", "state_management", "professional", "defense_group")),
        list(PlanningPeriod.objects.order_by("code").values_list("code", "women_min_pct", "young_min_pct")),
        list(StaffingQuota.objects.order_by("unit__code", "year").values_list("unit__code", "year", "quota", "actual")),
        list(StreamliningTarget.objects.order_by("unit__code").values_list("unit__code", "base_year", "target_year", "reduction_pct")),
        list(Selection.objects.order_by("opened_on", "post__unit__code", "post__name").values_list(
            "post__unit__code", "post__name", "title", "opened_on", "status", "decided_on", "winner__code", "appointment__effective_on")),
        list(SelectionCandidate.objects.order_by("person__code").values_list("person__code", "selection__title", "exam_event__subtype")),
        list(Event.objects.exclude(recorded_at=None).filter(kind__in=("decision", "exam")).order_by(
            "person__code", "kind", "effective_on", "subtype", "position").values_list(
            "person__code", "kind", "subtype", "effective_on", "end_on", "unit__code", "to_unit__code", "position", "decision_no", "details")),
        list(PositionHolding.objects.order_by("person__code", "valid_from", "position").values_list(
            "person__code", "position", "unit__code", "valid_from", "valid_to", "term_ends_on")),
    ]
    return hashlib.sha256(repr(parts).encode()).hexdigest()


def test_two_tiny_generations_with_the_same_seed_give_the_same_cadre_data(monkeypatch):
    from django.db import transaction

    from tochuc.cadres.demo import cadre_demo
    from tochuc.demo import extensions
    from tochuc.demo.load import Generator

    monkeypatch.setattr(extensions, "_REGISTRY", [cadre_demo])
    digests = []
    for _ in range(2):
        with transaction.atomic():
            Generator(scale="tiny", seed=7, until=dt.date(2026, 6, 30)).run()
            digests.append(cadre_fingerprint())
            transaction.set_rollback(True)
    assert digests[0] == digests[1]
