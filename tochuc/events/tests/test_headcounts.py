"""Year-end headcounts (events.headcounts): built on demand, kept in step with every change of
memberships in the same transaction, equal to counting the intervals, checked by rebuild."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from tochuc.events import headcounts
from tochuc.events.models import Headcount, HeadcountDay
from tochuc.events.services import event_void
from tochuc.reports.figures import Period
from tochuc.reports.selectors import build_frame, compute_all, years_end_members
from tochuc.units.services import unit_merge

END_2017 = dt.date(2017, 12, 31)
END_2018 = dt.date(2018, 12, 31)


def cells(day: dt.date) -> dict[tuple, int]:
    return {(u, s, x): n for u, s, x, n in headcounts.counts_on(day) if n}


def raw(day: dt.date) -> dict[tuple, int]:
    return {(u, s, x): n for u, s, x, n in headcounts.count_from_intervals(day)}


@pytest.fixture
def branch_of_three(tree, make_person, record, member):
    """CT.NK.01.01 on 31/12/2017: the member (full), a woman admitted 2017 (probationary);
    CT.CR.01.01: a man admitted 2016 (full from 2017)."""
    woman = make_person("Lê Thị Hoa", sex="female", birth_date=dt.date(1995, 2, 1))
    record(woman, "admission", dt.date(2017, 3, 2), unit=tree["CT.NK.01.01"])
    man = make_person("Phạm Văn Nam", birth_date=dt.date(1988, 7, 9))
    record(man, "admission", dt.date(2016, 8, 1), unit=tree["CT.CR.01.01"])
    record(man, "recognition", dt.date(2017, 8, 1), unit=tree["CT.CR.01.01"])
    return {"member": member, "woman": woman, "man": man}


def test_a_year_end_is_kept_on_first_use_and_equals_the_intervals(tree, branch_of_three):
    assert not HeadcountDay.objects.exists()
    nk, cr = tree["CT.NK.01.01"].pk, tree["CT.CR.01.01"].pk
    expected = {
        (nk, "full", "male"): 1,
        (nk, "probationary", "female"): 1,
        (cr, "full", "male"): 1,
    }
    assert cells(END_2017) == expected == raw(END_2017)
    assert list(HeadcountDay.objects.values_list("day", flat=True)) == [END_2017]
    assert Headcount.objects.filter(day=END_2017).count() == 3
    # a day that is not a year-end is counted from the intervals and not kept
    assert cells(dt.date(2017, 6, 30)) == {
        (nk, "full", "male"): 1,
        (nk, "probationary", "female"): 1,
        (cr, "probationary", "male"): 1,
    }
    assert HeadcountDay.objects.count() == 1


def test_back_dated_events_and_voids_move_the_kept_counts_in_the_same_transaction(
    tree, record, branch_of_three
):
    for day in (END_2017, END_2018):
        cells(day)  # keep both year-ends
    nk, cr = tree["CT.NK.01.01"].pk, tree["CT.CR.01.01"].pk
    # the woman is transferred, back-dated, to the other district's branch in 2017
    move = record(
        branch_of_three["woman"],
        "transfer",
        dt.date(2017, 10, 1),
        subtype="official",
        unit=tree["CT.NK.01.01"],
        to_unit=tree["CT.CR.01.01"],
    )
    assert (
        Headcount.objects.get(day=END_2017, unit_id=nk, status="probationary", sex="female").n == 0
    )
    assert (
        Headcount.objects.get(day=END_2017, unit_id=cr, status="probationary", sex="female").n == 1
    )
    assert cells(END_2017) == raw(END_2017)
    # recognised in 2018 in her new branch: 2018 changes, 2017 does not
    record(branch_of_three["woman"], "recognition", dt.date(2018, 3, 2), unit=tree["CT.CR.01.01"])
    assert cells(END_2018) == raw(END_2018)
    assert cells(END_2018)[(cr, "full", "female")] == 1
    # voiding the transfer puts her back where she was, on both days
    event_void(event=move, reason="Nhập nhầm", by=None)
    for day in (END_2017, END_2018):
        assert cells(day) == raw(day)
    assert cells(END_2017)[(nk, "probationary", "female")] == 1
    assert headcounts.check(fix=False) == []


def test_a_merger_moves_the_members_of_the_merged_unit(tree, branch_of_three):
    cells(END_2018)
    unit_merge(by=None, unit=tree["CT.NK.01.02"], into=tree["CT.NK.01.01"], on=dt.date(2018, 6, 1))
    unit_merge(by=None, unit=tree["CT.CR.01.01"], into=tree["CT.NK.01.01"], on=dt.date(2018, 6, 1))
    nk = tree["CT.NK.01.01"].pk
    assert (
        cells(END_2018)
        == raw(END_2018)
        == {
            (nk, "full", "male"): 2,
            (nk, "probationary", "female"): 1,
        }
    )
    assert headcounts.check(fix=False) == []


def test_the_report_reads_the_same_figures_from_the_kept_counts(tree, branch_of_three):
    frame = build_frame(scope=None, code="CT", period=Period.year(2017))
    keys = ["members.total", "members.probationary", "members.female"]
    values = {k: (r.value, r.by_bucket) for k, r in compute_all(frame, keys).items()}
    nk, cr, ct = tree["CT.NK"].pk, tree["CT.CR"].pk, tree["CT"].pk
    assert values == {
        "members.total": (3, {cr: 1, nk: 2, ct: 0}),
        "members.probationary": (1, {cr: 0, nk: 1, ct: 0}),
        "members.female": (1, {cr: 0, nk: 1, ct: 0}),
    }
    assert years_end_members(frame, [2015, 2016, 2017]) == {2015: 1, 2016: 2, 2017: 3}
    assert sorted(HeadcountDay.objects.values_list("day", flat=True)) == [
        dt.date(2015, 12, 31),
        dt.date(2016, 12, 31),
        END_2017,
    ]
    # read again from the kept counts: the same
    assert {k: (r.value, r.by_bucket) for k, r in compute_all(frame, keys).items()} == values
    assert years_end_members(frame, [2015, 2016, 2017]) == {2015: 1, 2016: 2, 2017: 3}


def test_rebuild_check_finds_a_wrong_kept_count_and_rebuild_mends_it(tree, branch_of_three):
    cells(END_2017)
    row = Headcount.objects.get(day=END_2017, unit=tree["CT.CR.01.01"])
    Headcount.objects.filter(pk=row.pk).update(n=7)
    with pytest.raises(CommandError):
        call_command("rebuild", "--check", stdout=io.StringIO())
    out = io.StringIO()
    call_command("rebuild", stdout=out)
    assert "Số đảng viên ngày 31/12/2017" in out.getvalue()
    assert Headcount.objects.get(day=END_2017, unit=tree["CT.CR.01.01"]).n == 1
    call_command("rebuild", "--check", stdout=io.StringIO())
