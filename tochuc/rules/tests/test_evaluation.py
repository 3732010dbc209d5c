from __future__ import annotations

import datetime as dt

import pytest

from tochuc.rules.evaluation import cap_check, grassroots_of


@pytest.fixture
def branch_members(tree, make_person, record):
    """Six full members of CT.NK.01.01, admitted 2010, recognised 2011."""
    people = []
    for i in range(6):
        p = make_person(f"Đảng viên {i}", birth_date=dt.date(1980, 1, 1 + i))
        record(p, "admission", dt.date(2010, 3, 1), unit=tree["CT.NK.01.01"])
        record(p, "recognition", dt.date(2011, 3, 1))
        people.append(p)
    return people


def test_an_exempt_member_is_not_rated(member, record, judged):
    record(member, "exemption", dt.date(2019, 6, 1))
    assert judged(member, "evaluation", dt.date(2019, 12, 20), subtype="good", year=2019) == [("evaluation.exempt_not_rated", "error")]


def test_a_member_is_rated_once_a_year(member, record, judged):
    record(member, "evaluation", dt.date(2019, 12, 20), subtype="good", year=2019)
    findings = judged(member, "evaluation", dt.date(2019, 12, 28), subtype="complete", year=2019, full=True)
    assert [(f.code, f.field) for f in findings] == [("evaluation.once_per_year", "year")]
    assert findings[0].message.startswith("Trần Quốc Trung đã được xếp loại năm 2019 (“Hoàn thành tốt nhiệm vụ”, ghi ngày 20/12/2019)")


def test_two_consecutive_incomplete_ratings_propose_removal(member, record, judged):
    record(member, "evaluation", dt.date(2018, 12, 20), subtype="incomplete", year=2018)
    findings = judged(member, "evaluation", dt.date(2019, 12, 20), subtype="incomplete", year=2019, full=True)
    assert [(f.code, f.level) for f in findings] == [("evaluation.two_years_incomplete", "info")]
    assert findings[0].message.startswith("Trần Quốc Trung không hoàn thành nhiệm vụ hai năm liền (2018 và 2019): chi bộ xem xét, đề nghị xóa tên")


def test_the_excellent_share_is_capped_at_20_percent_of_good_from_2018(branch_members, tree, record, judged):
    unit = tree["CT.NK.01.01"]
    *goods, last = branch_members
    for p in goods[:4]:
        record(p, "evaluation", dt.date(2019, 12, 20), subtype="good", year=2019, unit=unit)
    findings = judged(last, "evaluation", dt.date(2019, 12, 20), subtype="excellent", year=2019, unit=unit, full=True)
    assert [(f.code, f.level) for f in findings] == [("evaluation.excellent_cap", "warning")]
    assert findings[0].message.startswith(
        "Số đảng viên “Hoàn thành xuất sắc nhiệm vụ” năm 2019 của Đảng bộ phường Tân An là 1, vượt 20% số “Hoàn thành tốt nhiệm vụ” (4): tối đa 0"
    )
    record(goods[4], "evaluation", dt.date(2019, 12, 20), subtype="good", year=2019, unit=unit)
    assert judged(last, "evaluation", dt.date(2019, 12, 20), subtype="excellent", year=2019, unit=unit) == []


def test_there_is_no_cap_before_qd_132(branch_members, tree, judged):
    p = branch_members[0]
    assert judged(p, "evaluation", dt.date(2018, 3, 7), subtype="excellent", year=2017, unit=tree["CT.NK.01.01"]) == []
    assert judged(p, "evaluation", dt.date(2018, 3, 8), subtype="excellent", year=2017, unit=tree["CT.NK.01.01"]) == [
        ("evaluation.excellent_cap", "warning")
    ]


def test_the_cap_is_counted_over_the_grassroots_organisation(branch_members, tree, record):
    org = grassroots_of(tree["CT.NK.01.02"].pk, dt.date(2019, 12, 31))
    assert org.unit.code == "CT.NK.01"
    record(branch_members[0], "evaluation", dt.date(2019, 12, 20), subtype="good", year=2019, unit=tree["CT.NK.01.01"])
    check = cap_check(org=org, year=2019, changes={999: "excellent"})
    assert (check.excellent, check.good, check.allowed, check.exceeded) == (1, 1, 0, True)
