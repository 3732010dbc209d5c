from __future__ import annotations

import datetime as dt

import pytest

from tochuc.rules.badge import early_months
from tochuc.rules.derived import milestones_on


@pytest.fixture
def veteran(tree, make_person, record):
    """Admitted 01/03/1980 (decision signed 20/02/1980), struck off 01/01/1990, re-admitted
    01/01/1995: five years (1 826 days) out of the Party, so the 30-year badge falls on
    20/02/2015 instead of 20/02/2010."""
    branch = tree["CT.NK.01.01"]
    p = make_person("Võ Văn Kiệt", birth_date=dt.date(1955, 1, 1))
    record(p, "admission", dt.date(1980, 3, 1), unit=branch, decided_on=dt.date(1980, 2, 20))
    record(p, "recognition", dt.date(1981, 3, 1))
    record(p, "removal", dt.date(1990, 1, 1), details={"cause": "dues_unpaid"})
    record(p, "readmission", dt.date(1995, 1, 1), unit=branch)
    record(p, "recognition", dt.date(1996, 1, 1))
    return p


def test_the_45_year_badge_exists_only_from_qd_29():
    assert 45 not in milestones_on(dt.date(2016, 7, 24))
    assert 45 in milestones_on(dt.date(2016, 7, 25))


def test_the_30_year_badge_counts_the_gap_out_of_the_party(veteran, judged):
    assert judged(veteran, "award", dt.date(2015, 2, 20), subtype="badge_30") == []
    findings = judged(veteran, "award", dt.date(2015, 2, 19), subtype="badge_30", full=True)
    assert [(f.code, f.level) for f in findings] == [("badge.early", "warning")]
    assert findings[0].message.startswith("Tặng sớm Huy hiệu 30 năm (đủ tuổi đảng ngày 20/02/2015, tặng ngày 19/02/2015)")


def test_more_than_12_months_early_is_refused(veteran, judged):
    assert judged(veteran, "award", dt.date(2014, 2, 20), subtype="badge_30") == [("badge.early", "warning")]
    findings = judged(veteran, "award", dt.date(2014, 2, 19), subtype="badge_30", full=True)
    assert [(f.code, f.level) for f in findings] == [("badge.milestone", "error")]
    assert findings[0].message == (
        "Chưa đủ 30 năm tuổi Đảng: đủ vào ngày 20/02/2015 (đã trừ thời gian gián đoạn); ngày tặng "
        "ghi 19/02/2014 (Quy định 45-QĐ/TW (2011), điểm 14; Hướng dẫn 01-HD/TW (2012))"
    )


def test_the_2021_guidance_allows_24_months_early_from_the_70_year_badge():
    assert early_months(65, dt.date(2021, 7, 30)) == 12
    assert early_months(70, dt.date(2021, 7, 30)) == 24
    assert early_months(70, dt.date(2021, 7, 29)) == 12


def test_a_badge_is_given_once(veteran, record, judged):
    record(veteran, "award", dt.date(2015, 5, 19), subtype="badge_30")
    assert judged(veteran, "award", dt.date(2016, 2, 3), subtype="badge_30") == [("badge.once", "error")]


def test_a_probationary_member_has_no_party_age_for_a_badge(tree, make_person, record, judged):
    p = make_person(birth_date=dt.date(1990, 1, 1))
    record(p, "admission", dt.date(2015, 5, 10), unit=tree["CT.NK.01.01"])
    assert judged(p, "award", dt.date(2016, 2, 3), subtype="badge_30") == [("badge.milestone", "error")]


def test_a_warning_under_qd_29_holds_the_badge_for_6_months(veteran, record, judged):
    record(veteran, "discipline", dt.date(2020, 1, 10), subtype="warning")
    findings = judged(veteran, "award", dt.date(2020, 7, 9), subtype="badge_40", full=True)
    assert [(f.code, f.level) for f in findings if f.code == "badge.discipline_hold"] == [("badge.discipline_hold", "error")]
    assert "chưa được xét tặng Huy hiệu Đảng trước ngày 10/07/2020 (6 tháng" in findings[-1].message
    assert ("badge.discipline_hold", "error") not in judged(veteran, "award", dt.date(2020, 7, 10), subtype="badge_40")


def test_a_reprimand_holds_the_badge_only_from_qd_24_and_only_as_a_warning(member, record, judged):
    # member: admission decision 04/05/2015; the 30-year badge is far away, so look at the hold only
    record(member, "discipline", dt.date(2021, 1, 10), subtype="reprimand")
    assert "badge.discipline_hold" not in [c for c, _ in judged(member, "award", dt.date(2021, 7, 9), subtype="badge_30")]
    record(member, "discipline", dt.date(2022, 1, 10), subtype="reprimand")
    hold = [x for x in judged(member, "award", dt.date(2022, 7, 9), subtype="badge_30") if x[0] == "badge.discipline_hold"]
    assert hold == [("badge.discipline_hold", "warning")]
    assert not [x for x in judged(member, "award", dt.date(2022, 7, 10), subtype="badge_30") if x[0] == "badge.discipline_hold"]


def test_a_posthumous_badge_needs_the_party_age_reached_by_the_day_of_death(veteran, record, judged):
    record(veteran, "death", dt.date(2014, 1, 1))
    # due 20/02/2015: more than 12 months after the death
    assert judged(veteran, "award", dt.date(2014, 2, 3), subtype="badge_30") == [("badge.milestone", "error")]
