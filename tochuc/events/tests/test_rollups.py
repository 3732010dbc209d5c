"""The event rollup (events.rollups): equal to the raw log, kept up incrementally, checked by rebuild."""

from __future__ import annotations

import datetime as dt
import io
from collections import Counter

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.db.models import Q

from tochuc.events.models import EventRollup, RollupAttribution, RollupWatermark
from tochuc.events.rollups import (
    Cell,
    rollup_counts,
    rollup_exact_for,
    rollup_rebuild,
    rollup_refresh,
)
from tochuc.events.services import event_void
from tochuc.units.models import UnitVersion
from tochuc.units.services import unit_reparent

UNTIL = dt.date(2025, 12, 31)

# Every live person event of the subtree of a unit X on the event's own date, counted by hand in
# SQL: the event's unit (or the unit of the person's membership that day), its version on that
# day (or, for a unit that ended that very day, its last version), and the version of X on the
# same day whose path is a prefix of it.
RAW = """
SELECT e.kind, e.subtype, COUNT(*)
FROM (
    SELECT ev.kind, ev.subtype, ev.effective_on, COALESCE(ev.unit_id, (
        SELECT m.unit_id FROM events_membership m
        WHERE m.person_id = ev.person_id AND m.valid_from <= ev.effective_on
          AND (m.valid_to IS NULL OR m.valid_to >= ev.effective_on)
        ORDER BY m.valid_from DESC LIMIT 1)) AS attr
    FROM events_event ev LEFT JOIN events_eventvoid vd ON vd.event_id = ev.id
    WHERE vd.id IS NULL AND ev.person_id IS NOT NULL AND ev.effective_on >= %s AND ev.effective_on <= %s
) e
JOIN units_unitversion v ON v.unit_id = e.attr AND v.valid_from <= e.effective_on AND (
    v.valid_to IS NULL OR v.valid_to > e.effective_on
    OR (v.valid_to = e.effective_on AND NOT EXISTS (
        SELECT 1 FROM units_unitversion w WHERE w.unit_id = v.unit_id AND w.valid_from <= e.effective_on
        AND (w.valid_to IS NULL OR w.valid_to > e.effective_on))))
JOIN units_unitversion x ON x.unit_id = %s AND SUBSTR(v.path, 1, LENGTH(x.path)) = x.path AND (
    ((v.valid_to IS NULL OR v.valid_to > e.effective_on)
     AND x.valid_from <= e.effective_on AND (x.valid_to IS NULL OR x.valid_to > e.effective_on))
    OR (v.valid_to = e.effective_on
     AND x.valid_from < e.effective_on AND (x.valid_to IS NULL OR x.valid_to >= e.effective_on)))
GROUP BY e.kind, e.subtype
"""


def raw_counts(unit_id: int, start: dt.date, end: dt.date) -> dict[tuple, int]:
    with connection.cursor() as cur:
        cur.execute(RAW, [start, end, unit_id])
        return {(k, s): n for k, s, n in cur.fetchall()}


def roots_and_anchors(start: dt.date, end: dt.date) -> list[int]:
    """Units at depth 0 or 1 on every day of the period they existed."""
    depths: dict[int, int] = {}
    overlapping = UnitVersion.objects.filter(valid_from__lte=end).exclude(valid_to__lte=start)
    for unit_id, depth in overlapping.values_list("unit_id", "depth"):
        depths[unit_id] = max(depth, depths.get(unit_id, 0))
    return sorted(u for u, d in depths.items() if d <= 1)


@pytest.fixture
def demo(db):
    Generator = pytest.importorskip("tochuc.demo.load").Generator
    Generator(scale="tiny", seed=1, until=UNTIL).run()


def test_rollup_counts_equal_the_raw_events_on_the_tiny_demo(demo):
    refresh = rollup_refresh()
    assert refresh.full is True
    compared = 0
    for year in (1990, 2008, 2017, 2024, 2025):
        start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
        for unit_id in roots_and_anchors(start, end):
            raw = raw_counts(unit_id, start, end)
            assert (
                rollup_counts(
                    units=[unit_id],
                    kinds=[k for k, _ in raw] or ["admission"],
                    start=start,
                    end=end,
                )
                == raw
            )
            compared += sum(raw.values())
    assert compared > 1000
    assert rollup_rebuild(check=True) == []


def test_rollup_totals_equal_the_annual_report_where_the_tree_stood_still(demo):
    from tochuc.reports.figures import Period
    from tochuc.reports.selectors import build_frame, compute_all
    from tochuc.units.models import Unit

    root = Unit.objects.get(code="CT")
    keys = {
        "members.admitted": ("admission", "readmission"),
        "members.recognized": ("recognition",),
        "members.deceased": ("death",),
    }
    years = [
        y
        for y in range(2015, 2025)
        if rollup_exact_for(root.pk, dt.date(y, 1, 1), dt.date(y, 12, 31))
    ]
    assert years
    for year in years:
        period = Period.year(year)
        report = compute_all(build_frame(scope=None, code="CT", period=period), list(keys))
        for key, kinds in keys.items():
            got = rollup_counts(
                units=[root.pk], kinds=kinds, start=period.start, end=period.end, by=()
            )
            assert got == {(): report[key].value}, (year, key)


def test_rollup_counts_refuse_a_period_that_is_not_whole_months(db):
    with pytest.raises(ValueError, match="whole months"):
        rollup_counts(
            units=None, kinds=["admission"], start=dt.date(2017, 1, 2), end=dt.date(2017, 12, 31)
        )


def test_new_events_and_voids_refresh_incrementally(tree, make_person, record, member):
    assert rollup_refresh().full is True
    jan = dt.date(2017, 1, 1), dt.date(2017, 1, 31)
    ct = tree["CT"].pk
    assert rollup_counts(
        units=[ct], kinds=["admission"], start=dt.date(2015, 5, 1), end=dt.date(2015, 5, 31)
    ) == {("admission", ""): 1}
    other = make_person("Lê Thị Hoa", birth_date=dt.date(1995, 1, 2), sex="female")
    admitted = record(other, "admission", dt.date(2017, 1, 10), unit=tree["CT.CR.01.01"])
    refresh = rollup_refresh()
    assert (refresh.full, refresh.events, refresh.voids) == (False, 1, 0)
    assert rollup_counts(units=[ct], kinds=["admission"], start=jan[0], end=jan[1]) == {
        ("admission", ""): 1
    }
    assert rollup_counts(
        units=[tree["CT.CR"].pk], kinds=["admission"], start=jan[0], end=jan[1]
    ) == {("admission", ""): 1}
    assert (
        rollup_counts(units=[tree["CT.NK"].pk], kinds=["admission"], start=jan[0], end=jan[1]) == {}
    )
    event_void(event=admitted, reason="Nhập nhầm", by=None)
    refresh = rollup_refresh()
    assert (refresh.full, refresh.voids) == (False, 1)
    assert rollup_counts(units=[ct], kinds=["admission"], start=jan[0], end=jan[1]) == {}
    assert not EventRollup.objects.filter(month=dt.date(2017, 1, 1)).exists()
    assert rollup_rebuild(check=True) == []


def test_a_unitless_event_moves_when_a_back_dated_transfer_changes_the_membership(
    tree, record, member
):
    training = record(
        member,
        "training",
        dt.date(2018, 3, 1),
        subtype="political_theory_elementary",
        end_on=dt.date(2018, 6, 1),
    )
    rollup_refresh()
    assert RollupAttribution.objects.get(event=training).unit_id == tree["CT.NK.01.01"].pk
    period = dict(
        kinds=["training"], start=dt.date(2018, 3, 1), end=dt.date(2018, 3, 31), by=("anchor",)
    )
    assert rollup_counts(units=None, **period) == {(tree["CT.NK"].pk,): 1}
    record(
        member,
        "transfer",
        dt.date(2018, 1, 15),
        subtype="official",
        unit=tree["CT.NK.01.01"],
        to_unit=tree["CT.CR.01.01"],
    )
    refresh = rollup_refresh()
    assert (refresh.full, refresh.moved) == (False, 1)
    assert rollup_counts(units=None, **period) == {(tree["CT.CR"].pk,): 1}
    assert rollup_rebuild(check=True) == []


def test_a_back_dated_reparent_rebuilds_the_rollup_with_the_tree_of_each_date(tree, member):
    rollup_refresh()
    unit_reparent(by=None, unit=tree["CT.NK.01"], parent=tree["CT.CR"], on=dt.date(2016, 1, 1))
    assert rollup_refresh().full is True
    may_2015 = dict(
        kinds=["admission"], start=dt.date(2015, 5, 1), end=dt.date(2015, 5, 31), by=("anchor",)
    )
    may_2016 = dict(
        kinds=["recognition"], start=dt.date(2016, 5, 1), end=dt.date(2016, 5, 31), by=("anchor",)
    )
    assert rollup_counts(units=None, **may_2015) == {(tree["CT.NK"].pk,): 1}
    assert rollup_counts(units=None, **may_2016) == {(tree["CT.CR"].pk,): 1}
    assert rollup_exact_for(tree["CT.NK"].pk, dt.date(2015, 1, 1), dt.date(2016, 12, 31)) is False
    assert rollup_exact_for(tree["CT.NK"].pk, dt.date(2017, 1, 1), dt.date(2017, 12, 31)) is True


def test_rebuild_check_finds_and_repairs_a_tampered_rollup(member):
    call_command("rebuild", stdout=io.StringIO())
    mark = RollupWatermark.objects.get(name="events")
    assert mark.event_id > 0
    EventRollup.objects.filter(kind="admission").update(n=5)
    with pytest.raises(CommandError, match="1 khác biệt"):
        call_command("rebuild", "--check", stdout=io.StringIO())
    out = io.StringIO()
    call_command("rebuild", stdout=out)
    assert "Bảng tổng hợp sự kiện: ô" in out.getvalue()
    assert "lưu 5, tính lại từ nhật ký được 1" in out.getvalue()
    call_command("rebuild", "--check", stdout=io.StringIO())
    # Foundings: CT itself, the five units of CT.NK and the three of CT.CR, all in 01/1975.
    assert Counter(EventRollup.objects.values_list("kind", "n")) == Counter(
        {
            ("admission", 1): 1,
            ("recognition", 1): 1,
            ("founding", 1): 1,
            ("founding", 5): 1,
            ("founding", 3): 1,
        }
    )


def test_cells_read_as_root_anchor_subject_kind_subtype_month():
    cell = Cell(1, 2, True, "admission", "", dt.date(2017, 5, 1))
    assert cell.label() == "1/2/người/admission//05-2017"


def test_the_grouped_scan_of_the_log_equals_the_scan_event_by_event(demo):
    from tochuc.core.cache import event_log_heads
    from tochuc.events.models import Event
    from tochuc.events.rollups import scan, scan_log

    unitless = Event.objects.filter(person__isnull=False, unit__isnull=True).order_by("id").first()
    event_void(event=unitless, reason="Nhập nhầm", by=None)
    e_hi, v_hi = event_log_heads()
    grouped, single = scan_log(e_hi, v_hi), scan(Q(id__lte=e_hi), v_hi)
    assert grouped.cells == single.cells and len(grouped.cells) > 100
    assert grouped.years == single.years
    assert grouped.attributions == single.attributions and unitless.pk not in grouped.attributions
