"""The due list on a hand-built fixture: exact lines, on 20/04/2026 with a 30-day window."""

from __future__ import annotations

import datetime as dt
import io
import zoneinfo

import pytest
import time_machine
from django.core.management import call_command

from tochuc.events.due import due_for_scope, due_for_unit
from tochuc.rules.services import transfer_receipt_create

TODAY = dt.date(2026, 4, 20)


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(dt.datetime(2026, 4, 20, 9, 0, tzinfo=zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")), tick=False):
        yield


@pytest.fixture
def city(tree, make_person, record):
    b1, b2 = tree["CT.NK.01.01"], tree["CT.NK.01.02"]
    people = {}

    def person(name, birth, *events):
        p = make_person(name, birth_date=birth)
        for kind, on, kw in events:
            record(p, kind, on, **kw)
        people[name] = p
        return p

    person("An", dt.date(1995, 1, 1), ("admission", dt.date(2025, 5, 10), {"unit": b1}))
    person("Bình", dt.date(1995, 1, 1), ("admission", dt.date(2025, 6, 1), {"unit": b1}))
    person(
        "Cường", dt.date(1970, 1, 1),
        ("admission", dt.date(1996, 5, 10), {"unit": b1, "decided_on": dt.date(1996, 5, 4)}),
        ("recognition", dt.date(1997, 5, 10), {}),
        ("discipline", dt.date(2025, 5, 1), {"subtype": "reprimand"}),
        ("evaluation", dt.date(2025, 12, 20), {"subtype": "complete", "year": 2025}),
    )
    person(
        "Dũng", dt.date(1970, 1, 1),
        ("admission", dt.date(1996, 1, 1), {"unit": b2}),
        ("recognition", dt.date(1997, 1, 1), {}),
        ("award", dt.date(2026, 2, 3), {"subtype": "badge_30"}),
        ("evaluation", dt.date(2025, 12, 20), {"subtype": "good", "year": 2025}),
    )
    person(
        "Giang", dt.date(1985, 1, 1),
        ("admission", dt.date(2010, 3, 1), {"unit": b1}),
        ("recognition", dt.date(2011, 3, 1), {}),
        ("transfer", dt.date(2025, 10, 1), {"subtype": "temporary", "unit": b1, "to_unit": b2, "end_on": dt.date(2026, 4, 1)}),
        ("evaluation", dt.date(2025, 12, 20), {"subtype": "good", "year": 2025}),
    )
    person(
        "Hà", dt.date(1985, 1, 1),
        ("admission", dt.date(2010, 3, 1), {"unit": b2}),
        ("recognition", dt.date(2011, 3, 1), {}),
        ("evaluation", dt.date(2025, 12, 20), {"subtype": "good", "year": 2025}),
        ("transfer", dt.date(2026, 4, 1), {"subtype": "official", "unit": b2, "details": {"pending": True, "outside_org": "Đảng bộ tỉnh Hậu Giang"}}),
    )
    return people


def summary(lines):
    return [(ln.category, ln.person_name, ln.on, ln.deadline, ln.overdue) for ln in lines]


def test_the_due_list_has_one_line_per_thing_to_do(city, tree):
    lines = due_for_unit(unit=tree["CT.NK"], on=TODAY, days=30)
    assert summary(lines) == [
        ("probation", "An", dt.date(2026, 5, 10), dt.date(2026, 6, 19), False),
        ("badge", "Cường", dt.date(2026, 5, 4), dt.date(2026, 5, 19), False),
        ("evaluation", "An", dt.date(2025, 12, 31), None, False),
        ("evaluation", "Bình", dt.date(2025, 12, 31), None, False),
        ("temporary_return", "Giang", dt.date(2026, 4, 1), dt.date(2026, 4, 1), True),
        # 30 working days after 01/04/2026, skipping 27/04 (Giỗ Tổ on a Sunday), 30/04 and 01/05
        ("transfer_pending", "Hà", dt.date(2026, 4, 1), dt.date(2026, 5, 18), False),
        ("discipline_ends", "Cường", dt.date(2026, 5, 1), None, False),
    ]
    badge = lines[1]
    assert badge.text == "Đủ 30 năm tuổi Đảng ngày 04/05/2026; xét tặng vào dịp 19/05/2026"
    assert (badge.action, badge.prefill) == ("award", {"subtype": "badge_30", "effective_on": "19/05/2026"})
    assert lines[0].text == "Kết nạp ngày 10/05/2025, hết 12 tháng dự bị ngày 10/05/2026; chi bộ xét công nhận chính thức trước ngày 19/06/2026"
    assert lines[0].unit_name == "Chi bộ khu vực 1"


def test_a_longer_window_brings_the_second_probation_in(city, tree):
    lines = due_for_unit(unit=tree["CT.NK"], on=TODAY, days=45)
    assert [ln.person_name for ln in lines if ln.category == "probation"] == ["An", "Bình"]


def test_the_list_follows_the_scope(city, tree, personas):
    from tochuc.accounts.scoping import scope_for

    assert due_for_scope(scope=scope_for(personas.outsider), on=TODAY) == []
    assert len(due_for_scope(scope=scope_for(personas.branch_clerk), on=TODAY)) == 7


def test_resolved_items_leave_the_list(city, tree, record):
    b1, b2 = tree["CT.NK.01.01"], tree["CT.NK.01.02"]
    record(city["An"], "evaluation", dt.date(2025, 12, 20), subtype="good", year=2025, unit=b1)
    giang_out = city["Giang"].events.get(kind="transfer")
    record(city["Giang"], "transfer", dt.date(2026, 4, 2), subtype="temporary", unit=b2, to_unit=b1, details={"return_of": giang_out.pk})
    transfer_receipt_create(by=None, event=city["Hà"].events.get(kind="transfer"), received_on=dt.date(2026, 4, 10))
    lines = due_for_unit(unit=tree["CT.NK"], on=TODAY, days=30)
    assert [ln.category for ln in lines] == ["probation", "badge", "evaluation", "discipline_ends"]


def test_tochuc_due_prints_the_same_lines(city, tree):
    out = io.StringIO()
    call_command("due", "--unit", "CT.NK", "--days", "30", stdout=out)
    text = out.getvalue()
    assert text.splitlines()[0] == "Việc cần làm — Đảng bộ quận Ninh Kiều — ngày 20/04/2026, trong 30 ngày tới: 7 việc"
    assert "Xét tặng Huy hiệu Đảng\tP0003\tCường\tChi bộ khu vực 1\t04/05/2026\t19/05/2026\tĐủ 30 năm tuổi Đảng ngày 04/05/2026; xét tặng vào dịp 19/05/2026" in text.splitlines()
