"""The demo extension gives the cadre screens something to show."""

from __future__ import annotations

import datetime as dt

import pytest

pytestmark = pytest.mark.django_db


def test_the_demo_city_has_posts_plans_quotas_rotations_and_a_selection(db):
    from tochuc.cadres.models import (
        PlanningPeriod,
        Post,
        PostStandard,
        Selection,
        StaffingQuota,
        StreamliningTarget,
    )
    from tochuc.events.models import Event

    extensions = pytest.importorskip("tochuc.demo.extensions")
    Generator = pytest.importorskip("tochuc.demo.load").Generator

    assert any(f.__name__ == "cadre_demo" for f in extensions.registered())
    Generator(scale="tiny", seed=1, until=dt.date(2026, 6, 30)).run()
    assert Post.objects.count() > 10
    assert PostStandard.objects.count() == Post.objects.count()
    assert {"2020-2025", "2025-2030"} <= set(PlanningPeriod.objects.values_list("code", flat=True))
    assert StaffingQuota.objects.filter(year=2021).exists() and StreamliningTarget.objects.exists()
    assert Event.objects.filter(kind="decision", subtype="rotation", source="demo").exists()
    assert Selection.objects.filter(status="appointed").count() == 1
