"""The full build of the rollup and the year counts in SQL (events.rollups.build_all) writes exactly
what the grouped Python scan of the log counts, on the tiny demo and after the changes that move
counts: a back-dated transfer, voids, an evaluation rated the year before, unit-less events."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest

from tochuc.core.cache import event_log_heads
from tochuc.events.models import Event, EventRollup, RollupAttribution
from tochuc.events.rollups import (
    Cell,
    rollup_rebuild,
    rollup_refresh,
    scan_log,
    stored_cells,
    stored_year_counts,
)
from tochuc.events.services import event_void
from tochuc.units.models import PATH_WIDTH, Unit
from tochuc.units.selectors import version_on

UNTIL = dt.date(2025, 12, 31)
TRAINING = "political_theory_elementary"


@pytest.fixture
def demo(db):
    Generator = pytest.importorskip("tochuc.demo.load").Generator
    Generator(scale="tiny", seed=1, until=UNTIL).run()


def stored_attributions() -> dict[int, int | None]:
    return dict(RollupAttribution.objects.values_list("event_id", "unit_id"))


def anchor_on(unit_id: int, day: dt.date) -> int:
    """The unit directly below the root above `unit_id` on `day`, read from its path."""
    version = version_on(unit_id, day)
    assert version is not None and version.depth >= 1
    return int(version.path[PATH_WIDTH + 1 : 2 * PATH_WIDTH + 1])


def changed(after: Counter, before: Counter) -> dict:
    return {k: after[k] - before[k] for k in set(after) | set(before) if after[k] != before[k]}


def assert_built_as_the_grouped_scan_counts() -> None:
    refresh = rollup_refresh(full=True)
    grouped = scan_log(*event_log_heads())
    assert stored_cells() == grouped.cells
    assert stored_year_counts() == grouped.years
    assert stored_attributions() == grouped.attributions
    assert refresh.full is True
    assert refresh.cells == len(grouped.cells) == EventRollup.objects.count()


def test_the_set_based_build_writes_exactly_what_the_grouped_scan_counts(demo, make_person, record):
    assert_built_as_the_grouped_scan_counts()
    cells, years, attributions = stored_cells(), stored_year_counts(), stored_attributions()
    # the demo has what the placement must get right: unit-less person events, events that end
    # their unit (counted where it stood the day before), units moved by reparents
    assert {"merger", "dissolution", "reparent"} <= {c.kind for c in cells}
    assert sum(1 for u in attributions.values() if u is not None) > 500
    assert len(cells) > 1000 and len(years) > 1000

    root = Unit.objects.get(code="CT").pk
    here, there = Unit.objects.get(code="CT.DCD.002.01"), Unit.objects.get(code="CT.DN.001.01")
    person = make_person(
        "Nguyễn Thị Lan", birth_date=dt.date(1991, 2, 3), sex="female", code="HD0001"
    )
    record(person, "admission", dt.date(2015, 5, 10), unit=here, decided_on=dt.date(2015, 5, 4))
    record(person, "recognition", dt.date(2016, 5, 10), unit=here)
    training = record(
        person, "training", dt.date(2018, 3, 1), subtype=TRAINING, end_on=dt.date(2018, 6, 1)
    )
    wrong = record(
        person, "training", dt.date(2018, 9, 1), subtype=TRAINING, end_on=dt.date(2018, 10, 1)
    )
    assert rollup_refresh().full is False
    assert RollupAttribution.objects.get(event=training).unit_id == here.pk
    # back-dated before the training, which now counts in the other district
    record(person, "transfer", dt.date(2018, 1, 15), subtype="official", unit=here, to_unit=there)
    record(person, "evaluation", dt.date(2019, 1, 20), subtype="good", year=2018, unit=there)
    event_void(event=wrong, reason="Nhập nhầm", by=None)
    # unit-less on the transfer's day: the new membership's unit
    same_day = record(
        person, "training", dt.date(2018, 1, 15), subtype="professional", end_on=dt.date(2018, 2, 1)
    )
    # unit-less on the day the membership ends: still the membership's unit (valid_to inclusive)
    left = record(person, "withdrawal", dt.date(2020, 6, 1))
    voided = Event.objects.filter(kind="admission", person__isnull=False).order_by("id").first()
    assert voided is not None and voided.unit_id is not None
    event_void(event=voided, reason="Nhập nhầm", by=None)

    assert_built_as_the_grouped_scan_counts()
    dcd, dn = Unit.objects.get(code="CT.DCD").pk, Unit.objects.get(code="CT.DN").pk
    assert (anchor_on(here.pk, dt.date(2018, 1, 1)), anchor_on(there.pk, dt.date(2018, 1, 1))) == (
        dcd,
        dn,
    )
    void_month = voided.effective_on.replace(day=1)
    assert changed(stored_cells(), cells) == {
        Cell(root, dcd, True, "admission", "", dt.date(2015, 5, 1)): 1,
        Cell(root, dcd, True, "recognition", "", dt.date(2016, 5, 1)): 1,
        Cell(root, dcd, True, "transfer", "official", dt.date(2018, 1, 1)): 1,
        Cell(root, dn, True, "training", TRAINING, dt.date(2018, 3, 1)): 1,
        Cell(root, dn, True, "training", "professional", dt.date(2018, 1, 1)): 1,
        Cell(root, dn, True, "evaluation", "good", dt.date(2019, 1, 1)): 1,
        Cell(root, dn, True, "withdrawal", "", dt.date(2020, 6, 1)): 1,
        Cell(
            root,
            anchor_on(voided.unit_id, voided.effective_on),
            True,
            "admission",
            voided.subtype,
            void_month,
        ): -1,
    }
    assert changed(stored_year_counts(), years) == {
        (here.pk, "admission", "", 2015): 1,
        (here.pk, "recognition", "", 2016): 1,
        (here.pk, "transfer", "official", 2018): 1,
        (there.pk, "training", TRAINING, 2018): 1,
        (there.pk, "training", "professional", 2018): 1,
        (there.pk, "evaluation", "good", 2018): 1,
        (there.pk, "withdrawal", "", 2020): 1,
        (voided.unit_id, "admission", voided.subtype, voided.effective_on.year): -1,
    }
    assert changed(Counter(stored_attributions().items()), Counter(attributions.items())) == {
        (training.pk, there.pk): 1,
        (same_day.pk, there.pk): 1,
        (left.pk, there.pk): 1,
    }
    assert wrong.pk not in stored_attributions()
    assert rollup_rebuild(check=True) == []
