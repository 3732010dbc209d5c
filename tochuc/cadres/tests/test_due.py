"""Cadre work in the due list ("Việc cần làm", `tochuc due`): reappointments by the QĐ 377 notice
day, retirements of post holders, and the planning review; scoped like every due line."""

from __future__ import annotations

import datetime as dt
import io
import zoneinfo

import pytest
import time_machine
from django.core.management import call_command

from tochuc.cadres import services
from tochuc.cadres.due import reappointment_deadline, working_days_before
from tochuc.events.due import due_for_scope, due_for_unit

REAPPOINT = (
    "Trưởng phòng Nội vụ quận: hết nhiệm kỳ bổ nhiệm ngày 01/06/2026; xem xét bổ nhiệm lại hoặc kéo dài thời gian giữ chức vụ"
    " (báo cáo cấp có thẩm quyền trước 90 ngày làm việc, Quy định 377-QĐ/TW (08/10/2025))"
)
RETIRED = "Phó Trưởng phòng Nội vụ quận: đã đến tuổi nghỉ hưu (61 tuổi 3 tháng) ngày 31/07/2025, vẫn đang giữ chức vụ"


def _confirming(fn, **kwargs):
    from tochuc.core.findings import Level, RecordRefused

    try:
        return fn(**kwargs)
    except RecordRefused as exc:
        if any(f.level == Level.ERROR for f in exc.findings):
            raise
        return fn(**kwargs, confirm={f.code for f in exc.findings})


@pytest.fixture
def holders(posts, periods, make_person, tree):
    young = make_person("Lê Văn Trẻ", birth_date=dt.date(1980, 1, 1), registered_unit=tree["CT.NK"])
    old = make_person("Hà Văn Lão", birth_date=dt.date(1964, 4, 20), registered_unit=tree["CT.NK"])
    planned = make_person("Đinh Văn Quy", birth_date=dt.date(1966, 1, 10), registered_unit=tree["CT.NK.01"])
    _confirming(services.cadre_decide, by=None, person=young, subtype="appointment", post=posts["head"], effective_on=dt.date(2021, 6, 1))
    _confirming(services.cadre_decide, by=None, person=old, subtype="assignment", post=posts["deputy"], effective_on=dt.date(2020, 2, 1))
    _confirming(services.planning_add, by=None, person=planned, post=posts["chair"], period=periods["2020-2025"],
                effective_on=dt.date(2021, 3, 1))
    return {"young": young, "old": old, "planned": planned}


def _cadre_lines(lines):
    return [
        (ln.category, ln.person_name, ln.unit_name, ln.on, ln.deadline, ln.text, ln.overdue)
        for ln in lines
        if ln.category in ("reappointment", "retirement", "planning_review")
    ]


def test_the_notice_day_counts_90_working_days_back_over_tet_and_the_may_holidays():
    # 14/01/2026 – 29/05/2026: 98 weekdays, less Tết (16–20/02), Giỗ Tổ (27/04, for Sunday 26/04), 30/04 and 01/05
    assert working_days_before(dt.date(2026, 6, 1), 90) == dt.date(2026, 1, 14)
    assert reappointment_deadline(dt.date(2026, 6, 1)) == dt.date(2026, 1, 14)
    # a notice day before QĐ 377 came into force (08/10/2025): no notice rule, due by the term's end
    assert reappointment_deadline(dt.date(2026, 2, 1)) is None


def test_a_reappointment_falls_due_on_its_notice_day_and_a_passed_retirement_stays_overdue(holders, tree):
    lines = due_for_unit(unit=tree["CT.NK"], on=dt.date(2026, 1, 10), days=30)
    assert _cadre_lines(lines) == [
        ("reappointment", "Lê Văn Trẻ", "Đảng bộ quận Ninh Kiều", dt.date(2026, 6, 1), dt.date(2026, 1, 14), REAPPOINT, False),
        ("retirement", "Hà Văn Lão", "Đảng bộ quận Ninh Kiều", dt.date(2025, 7, 31), dt.date(2025, 7, 31), RETIRED, True),
    ]
    # after the notice day the reappointment is overdue; four days before it is not yet due
    assert [ln.overdue for ln in due_for_unit(unit=tree["CT.NK"], on=dt.date(2026, 1, 15), days=0) if ln.category == "reappointment"] == [True]
    assert [ln for ln in due_for_unit(unit=tree["CT.NK"], on=dt.date(2026, 1, 5), days=8) if ln.category == "reappointment"] == []


def test_a_retirement_within_the_window_is_announced_before_it_falls(holders, tree):
    lines = due_for_unit(unit=tree["CT.NK"], on=dt.date(2025, 7, 1), days=30)
    assert _cadre_lines(lines) == [
        ("retirement", "Hà Văn Lão", "Đảng bộ quận Ninh Kiều", dt.date(2025, 7, 31), dt.date(2025, 7, 31),
         "Phó Trưởng phòng Nội vụ quận: đến tuổi nghỉ hưu (61 tuổi 3 tháng) ngày 31/07/2025; chuẩn bị quyết định nghỉ hưu và nhân sự thay thế",
         False),
        ("planning_review", "Đinh Văn Quy", "Đảng bộ phường Tân An", dt.date(2027, 10, 31), None,
         "Quy hoạch Chủ tịch UBND phường nhiệm kỳ 2020–2025: không còn đủ tuổi công tác trọn một nhiệm kỳ (nghỉ hưu ngày 31/10/2027):"
         " đưa ra khỏi quy hoạch (Quy định 50-QĐ/TW (27/12/2021))", False),
    ]


def test_the_planning_review_ends_with_its_term(holders, tree):
    assert [ln for ln in due_for_unit(unit=tree["CT.NK"], on=dt.date(2026, 1, 2), days=30) if ln.category == "planning_review"] == []


def test_the_cadre_lines_are_scoped(holders, tree, personas):
    from tochuc.accounts.scoping import scope_for

    on = dt.date(2026, 1, 10)
    assert [ln.person_name for ln in due_for_scope(scope=scope_for(personas.branch_clerk), on=on, days=30)
            if ln.category in ("reappointment", "retirement")] == []
    assert [ln.category for ln in due_for_scope(scope=scope_for(personas.outsider), on=on, days=30)] == []
    assert due_for_unit(unit=tree["CT.NK.01"], on=dt.date(2025, 7, 1), days=30)[-1].category == "planning_review"


def test_tochuc_due_prints_the_cadre_lines(holders):
    out = io.StringIO()
    call_command("due", "--unit", "CT.NK", "--on", "10/01/2026", "--days", "30", stdout=out)
    lines = out.getvalue().splitlines()
    assert "\t".join(["Cán bộ hết nhiệm kỳ bổ nhiệm", "P0001", "Lê Văn Trẻ", "Đảng bộ quận Ninh Kiều", "01/06/2026", "14/01/2026", REAPPOINT]) in lines
    assert "\t".join(["Cán bộ giữ chức vụ đến tuổi nghỉ hưu", "P0002", "Hà Văn Lão", "Đảng bộ quận Ninh Kiều", "31/07/2025", "31/07/2025",
                      RETIRED + " (quá hạn)"]) in lines


def test_the_due_page_shows_the_cadre_sections(holders, client, personas):
    from tochuc.conftest import PASSWORD

    with time_machine.travel(dt.datetime(2026, 1, 10, 9, 0, tzinfo=zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")), tick=False):
        assert client.login(username=personas.district_specialist.username, password=PASSWORD)
        html = client.get("/su-kien/viec-can-lam/").content.decode()
    assert '<section class="panel" id="reappointment">' in html
    assert "Cán bộ hết nhiệm kỳ bổ nhiệm <span class=\"muted\">(1)</span>" in html
    assert "hết nhiệm kỳ bổ nhiệm ngày 01/06/2026" in html
