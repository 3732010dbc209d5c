from __future__ import annotations

import datetime as dt

import pytest

from tochuc.core.findings import RecordRefused
from tochuc.events.models import Event, PersonState
from tochuc.rules.admission import education_level


@pytest.fixture
def branch(tree):
    return tree["CT.NK.01.01"]


def test_it_admits_someone_exactly_18_years_old(make_person, branch, judged):
    p = make_person(birth_date=dt.date(2002, 5, 10))
    assert judged(p, "admission", dt.date(2020, 5, 10), unit=branch) == []


def test_it_refuses_admission_at_18_years_less_a_day_naming_the_dates_and_the_regulation(make_person, branch, record):
    p = make_person(birth_date=dt.date(2002, 5, 10))
    with pytest.raises(RecordRefused) as exc:
        record(p, "admission", dt.date(2020, 5, 9), unit=branch)
    assert [(f.code, f.level, f.field) for f in exc.value.findings] == [("admission.age", "error", "effective_on")]
    assert exc.value.findings[0].message == (
        "Người vào Đảng phải đủ 18 tuổi (tính theo tháng) tại thời điểm chi bộ xét kết nạp: "
        "ngày sinh 10/05/2002, ngày xét 09/05/2020, mới 17 tuổi 11 tháng "
        "(Quy định 29-QĐ/TW (25/7/2016), điểm 1.1)"
    )
    assert not Event.objects.filter(person=p).exists()


def test_the_age_is_counted_on_the_branch_vote_when_the_form_gives_it(make_person, branch, judged):
    p = make_person(birth_date=dt.date(2002, 5, 10))
    assert judged(p, "admission", dt.date(2020, 6, 1), unit=branch, details={"voted_on": "2020-05-09"}) == [
        ("admission.age", "error")
    ]


def test_the_2021_text_gives_its_own_source(make_person, branch, judged):
    p = make_person(birth_date=dt.date(2003, 8, 1))
    findings = judged(p, "admission", dt.date(2021, 7, 31), unit=branch, full=True)
    assert [f.source for f in findings] == ["Quy định 24-QĐ/TW (30/7/2021), điểm 1.1.1"]


def test_exactly_60_passes_and_a_month_more_asks_for_the_provincial_standing_committee(make_person, branch, record, judged):
    p = make_person(birth_date=dt.date(1960, 3, 1))
    assert judged(p, "admission", dt.date(2020, 3, 31), unit=branch) == []
    findings = judged(p, "admission", dt.date(2020, 4, 1), unit=branch, full=True)
    assert [(f.code, f.level) for f in findings] == [("admission.age_over_60", "warning")]
    assert "ý kiến đồng ý bằng văn bản của ban thường vụ tỉnh ủy" in findings[0].message
    with pytest.raises(RecordRefused):
        record(p, "admission", dt.date(2020, 4, 1), unit=branch)
    event = record(p, "admission", dt.date(2020, 4, 1), unit=branch, confirm={"admission.age_over_60"})
    assert event.confirmed == ["admission.age_over_60"]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("9/12", (True, False)),
        ("8/12", (False, False)),
        ("7/10", (True, False)),
        ("Trung học cơ sở", (True, False)),
        ("THCS (tương đương)", (True, True)),
        ("Đại học", (True, False)),
        ("Tiểu học", (False, False)),
        ("không rõ", (None, False)),
    ],
)
def test_it_reads_the_education_field(value, expected):
    assert education_level(value) == expected


def test_the_equivalent_of_lower_secondary_is_accepted_until_the_2021_text(make_person, branch, judged):
    p = make_person(birth_date=dt.date(1990, 1, 1), education="THCS tương đương")
    assert judged(p, "admission", dt.date(2021, 7, 29), unit=branch) == []
    findings = judged(p, "admission", dt.date(2021, 7, 30), unit=branch, full=True)
    assert [(f.code, f.level, f.field) for f in findings] == [("admission.education", "error", "education")]
    assert findings[0].message == (
        "Từ Quy định 24-QĐ/TW phải có bằng tốt nghiệp trung học cơ sở, không còn chấp nhận "
        "“tương đương”; trình độ học vấn ghi “THCS tương đương” (Quy định 24-QĐ/TW (30/7/2021), điểm 1.2)"
    )


def test_below_lower_secondary_is_refused_unless_an_exception_is_stated(make_person, branch, judged):
    p = make_person(birth_date=dt.date(1990, 1, 1), education="8/12")
    assert judged(p, "admission", dt.date(2019, 5, 1), unit=branch) == [("admission.education", "error")]
    assert judged(p, "admission", dt.date(2019, 5, 1), unit=branch, details={"education_exception": "xã đặc biệt khó khăn"}) == [
        ("admission.education_exception", "warning")
    ]


def test_an_empty_education_field_is_not_judged(make_person, branch, judged):
    p = make_person(birth_date=dt.date(1990, 1, 1))
    assert judged(p, "admission", dt.date(2019, 5, 1), unit=branch) == []


# ---- re-admission -------------------------------------------------------------------------


@pytest.fixture
def struck_off(member, record, tree):
    """The fixture member, struck off on 01/03/2018 for unpaid dues."""
    record(member, "removal", dt.date(2018, 3, 1), details={"cause": "dues_unpaid"})
    return member


def test_readmission_waits_36_months_after_leaving(struck_off, tree, judged):
    branch = tree["CT.NK.01.01"]
    assert ("readmission.wait", "error") in judged(struck_off, "readmission", dt.date(2021, 2, 28), unit=branch)
    assert ("readmission.wait", "error") not in judged(struck_off, "readmission", dt.date(2021, 3, 1), unit=branch)


def test_readmission_serves_probation_again_and_happens_only_once(struck_off, tree, record, judged):
    branch = tree["CT.NK.01.01"]
    record(struck_off, "readmission", dt.date(2021, 3, 1), unit=branch)
    state = PersonState.objects.get(person=struck_off)
    assert (state.status, state.first_admitted_on) == ("probationary", dt.date(2015, 5, 4))
    record(struck_off, "removal", dt.date(2021, 9, 1), details={"cause": "dues_unpaid"})
    assert ("readmission.once", "error") in judged(struck_off, "readmission", dt.date(2025, 1, 2), unit=branch)


def test_someone_who_asked_to_leave_is_never_readmitted_unless_for_family_hardship(member, make_person, tree, record, judged):
    branch = tree["CT.NK.01.01"]
    record(member, "withdrawal", dt.date(2017, 1, 5))
    findings = judged(member, "readmission", dt.date(2022, 1, 5), unit=branch, full=True)
    assert [f.message for f in findings if f.code == "readmission.barred_cause"] == [
        "Không kết nạp lại người ra khỏi Đảng ngày 05/01/2017 vì: tự xin ra khỏi Đảng "
        "(Quy định 29-QĐ/TW (2016) và 24-QĐ/TW (2021), điểm 3.2)"
    ]
    other = make_person("Lê Thị Hoa", birth_date=dt.date(1988, 2, 2), sex="female")
    record(other, "admission", dt.date(2012, 5, 10), unit=branch)
    record(other, "recognition", dt.date(2013, 5, 10))
    record(other, "withdrawal", dt.date(2017, 1, 5), details={"cause": "family_hardship"})
    assert judged(other, "readmission", dt.date(2022, 1, 5), unit=branch) == [("readmission.consent", "info")]


def test_a_conviction_for_a_minor_offence_waits_60_months_after_the_record_is_expunged(member, tree, record, judged):
    branch = tree["CT.NK.01.01"]
    record(member, "removal", dt.date(2015, 6, 1), details={"cause": "conviction_minor", "expunged_on": "2017-02-01"})
    assert ("readmission.wait", "error") in judged(member, "readmission", dt.date(2022, 1, 31), unit=branch)
    assert ("readmission.wait", "error") not in judged(member, "readmission", dt.date(2022, 2, 1), unit=branch)
