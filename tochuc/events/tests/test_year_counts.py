"""The year counts (events.rollups.year_counts): the annual report's figures from them equal the
figures from the raw log, on the demo and after every kind of change; rebuild checks them."""

from __future__ import annotations

import datetime as dt
import importlib
import io

import pytest
from django.apps import apps
from django.core.management import call_command
from django.core.management.base import CommandError

from tochuc.events.models import EventYearCount, RollupWatermark
from tochuc.events.projections import live_events
from tochuc.events.rollups import rollup_current, rollup_rebuild, rollup_refresh, year_counts
from tochuc.events.services import event_void
from tochuc.reports.figures import Period
from tochuc.reports.selectors import build_frame, compute_all
from tochuc.units.models import UnitVersion

UNTIL = dt.date(2025, 12, 31)


def figures(frame, **options):
    return {k: (r.value, r.by_bucket) for k, r in compute_all(frame, **options).items()}


def assert_same_as_raw(code: str, period: Period) -> dict:
    frame = build_frame(scope=None, code=code, period=period)
    from_counts = figures(frame)
    assert from_counts == figures(frame, year_counts=False)
    return from_counts


@pytest.fixture
def demo(db):
    Generator = pytest.importorskip("tochuc.demo.load").Generator
    Generator(scale="tiny", seed=1, until=UNTIL).run()


def test_every_figure_from_the_year_counts_equals_the_raw_log_on_the_demo(demo):
    compared = admitted = 0
    awards_seen: set[str] = set()
    for year in range(2016, 2026):
        end = dt.date(year, 12, 31)
        tops = UnitVersion.objects.filter(depth__lte=1, valid_from__lte=end).exclude(
            valid_to__lte=end
        )
        for code in sorted(tops.values_list("unit__code", flat=True)):
            admitted += assert_same_as_raw(code, Period.year(year))["members.admitted"][0]
            compared += 1
        assert_same_as_raw(code, Period(dt.date(year - 2, 1, 1), end))  # several whole years
        awarded = build_frame(scope=None, code=code, period=Period.year(year)).award_codes
        assert awarded == set(
            live_events().filter(kind="award", person__isnull=False, effective_on__year=year).values_list("subtype", flat=True)
        )
        awards_seen |= awarded
    assert compared > 20 and admitted > 20  # figures with events in them were compared
    assert len(awards_seen) >= 2
    assert EventYearCount.objects.count() > 100  # built by the first report
    assert rollup_rebuild(check=True) == []


def test_counts_follow_new_events_voids_and_a_back_dated_transfer(
    tree, make_person, record, member
):
    year_2018 = Period.year(2018)
    assert assert_same_as_raw("CT", year_2018)["training.political_theory_elementary"][0] == 0
    training = record(
        member,
        "training",
        dt.date(2018, 3, 1),
        subtype="political_theory_elementary",
        end_on=dt.date(2018, 6, 1),
    )
    got = assert_same_as_raw("CT", year_2018)
    assert got["training.political_theory_elementary"][0] == 1
    assert got["training.political_theory_elementary"][1][tree["CT.NK"].pk] == 1
    # the training was recorded without a unit: a back-dated transfer moves it to CT.CR
    record(
        member,
        "transfer",
        dt.date(2018, 1, 15),
        subtype="official",
        unit=tree["CT.NK.01.01"],
        to_unit=tree["CT.CR.01.01"],
    )
    got = assert_same_as_raw("CT", year_2018)
    assert (
        got["training.political_theory_elementary"][1][tree["CT.NK"].pk],
        got["training.political_theory_elementary"][1][tree["CT.CR"].pk],
    ) == (0, 1)
    assert year_counts(units=None, kinds=["training"], first=2018, last=2018) == [
        (tree["CT.CR.01.01"].pk, "training", "political_theory_elementary", 1)
    ]
    event_void(event=training, reason="Nhập nhầm", by=None)
    assert assert_same_as_raw("CT", year_2018)["training.political_theory_elementary"][0] == 0
    assert year_counts(units=None, kinds=["training"], first=2018, last=2018) == []
    assert rollup_rebuild(check=True) == []


def test_an_evaluation_counts_in_its_rating_year(tree, record, member):
    record(
        member,
        "evaluation",
        dt.date(2019, 1, 20),
        subtype="good",
        year=2018,
        unit=tree["CT.NK.01.01"],
    )
    assert assert_same_as_raw("CT", Period.year(2018))["members.evaluated.good"][0] == 1
    assert assert_same_as_raw("CT", Period.year(2019))["members.evaluated.good"][0] == 0
    assert year_counts(
        units=[tree["CT.NK.01.01"].pk], kinds=["evaluation"], first=2018, last=2018
    ) == [(tree["CT.NK.01.01"].pk, "evaluation", "good", 1)]


def test_a_database_without_the_year_counts_builds_them_on_first_read(tree, member):
    rollup_refresh()
    expected = sorted(EventYearCount.objects.values_list("unit_id", "kind", "subtype", "year", "n"))
    assert expected  # the member's admission and recognition
    EventYearCount.objects.all().delete()  # a database from before migration 0008
    migration = importlib.import_module("tochuc.events.migrations.0009_rebuild_rollup_with_year_counts")
    migration.forget_watermarks(apps, None)
    assert not RollupWatermark.objects.exists()
    rollup_current()
    assert (
        sorted(EventYearCount.objects.values_list("unit_id", "kind", "subtype", "year", "n"))
        == expected
    )


def test_rebuild_check_names_a_wrong_count_and_rebuild_repairs_it(tree, member):
    rollup_refresh()
    cell = EventYearCount.objects.get(kind="admission")
    EventYearCount.objects.filter(pk=cell.pk).update(n=5)
    out = io.StringIO()
    with pytest.raises(CommandError):
        call_command("rebuild", "--check", stdout=out, stderr=out)
    assert (
        f"Bảng đếm sự kiện theo năm: đơn vị #{tree['CT.NK.01.01'].pk}, admission/-, năm 2015 lưu 5, "
        "tính lại từ nhật ký được 1"
    ) in out.getvalue()
    call_command("rebuild", stdout=io.StringIO())
    assert EventYearCount.objects.get(kind="admission").n == 1
    assert rollup_rebuild(check=True) == []
