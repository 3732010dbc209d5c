"""A small scope (a list of unit ids) starts from its people and its units' indexes; a large one
(a subquery over the tree) reads the period. Both must give the same figures: every small unit of
the demo is reported both ways and compared."""

from __future__ import annotations

import datetime as dt

import pytest

from tochuc.cadres.report import cadre_results
from tochuc.events.models import Event
from tochuc.reports import selectors
from tochuc.reports.figures import Period
from tochuc.reports.selectors import build_frame, compute_all
from tochuc.units.models import UnitVersion

UNTIL = dt.date(2025, 12, 31)


@pytest.fixture
def demo(db):
    Generator = pytest.importorskip("tochuc.demo.load").Generator
    Generator(scale="tiny", seed=1, until=UNTIL).run()


def figures(code: str, period: Period) -> dict:
    frame = build_frame(scope=None, code=code, period=period)
    got = {k: (r.value, r.by_bucket) for k, r in compute_all(frame, year_counts=False).items()}
    if period.end.year == UNTIL.year:  # planning lists and rotations standing on the last day
        got.update({k: (r.value, r.by_bucket) for k, r in cadre_results(frame).items()})
    return got


def test_a_small_scope_counts_what_the_whole_tree_path_counts(demo, monkeypatch):
    small = []
    for year in (2021, 2025):
        end = dt.date(year, 12, 31)
        for code, path in (
            UnitVersion.objects.filter(depth__gte=1, valid_from__lte=end)
            .exclude(valid_to__lte=end)
            .values_list("unit__code", "path")
        ):
            n = UnitVersion.objects.filter(
                valid_from__lte=end, path__startswith=path
            ).exclude(valid_to__lte=end).count()
            if n <= selectors.SMALL_SET:
                small.append((code, Period.year(year)))
    assert len(small) > 30
    by_people = {case: figures(*case) for case in small}
    monkeypatch.setattr(selectors, "SMALL_SET", 0)  # every frame read as a subquery of the tree
    moved = 0
    for case, got in by_people.items():
        assert got == figures(*case), case
        moved += got["members.transferred_out"][0] + got["members.transferred_in"][0]
    assert moved > 10  # transfers crossing small scopes were compared
    unitless = Event.objects.filter(person__isnull=False, unit__isnull=True).count()
    assert unitless > 0  # and events counted through the membership of their day
