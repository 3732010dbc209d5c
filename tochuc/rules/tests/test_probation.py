from __future__ import annotations

import datetime as dt

import pytest

from tochuc.core.findings import RecordRefused
from tochuc.events.models import PersonState


@pytest.fixture
def probationary(tree, make_person, record):
    """Admitted on 10/05/2015 in CT.NK.01.01; probation ends on 10/05/2016."""
    p = make_person("Nguyễn Văn An", birth_date=dt.date(1991, 1, 1))
    record(p, "admission", dt.date(2015, 5, 10), unit=tree["CT.NK.01.01"])
    return p


def test_recognition_12_months_less_a_day_is_refused(probationary, record):
    with pytest.raises(RecordRefused) as exc:
        record(probationary, "recognition", dt.date(2016, 5, 9))
    assert [f.message for f in exc.value.findings] == [
        "Chưa hết 12 tháng dự bị: kết nạp ngày 10/05/2015, hết dự bị ngày 10/05/2016; ngày công nhận "
        "chính thức ghi 09/05/2016 (Điều lệ Đảng, Điều 5; Quy định 29-QĐ/TW (2016) và 24-QĐ/TW (2021), điểm 4)"
    ]


def test_recognition_on_the_day_the_12_months_end_is_accepted(probationary, record):
    record(probationary, "recognition", dt.date(2016, 5, 10), decided_on=dt.date(2016, 6, 20))
    state = PersonState.objects.get(person=probationary)
    assert (state.status, state.recognized_on) == ("full", dt.date(2016, 5, 10))


def test_a_recognition_dated_after_the_end_asks_for_confirmation(probationary, judged):
    assert judged(probationary, "recognition", dt.date(2016, 5, 11)) == [("probation.recognition_date", "warning")]


def test_a_vote_later_than_30_working_days_after_the_end_is_reported(probationary, judged):
    # 10/05/2016 + 30 working days = 21/06/2016
    assert judged(probationary, "recognition", dt.date(2016, 5, 10), details={"voted_on": "2016-06-21"}) == []
    findings = judged(probationary, "recognition", dt.date(2016, 5, 10), details={"voted_on": "2016-06-22"}, full=True)
    assert [(f.code, f.level) for f in findings] == [("probation.vote_deadline", "info")]
    assert "(hạn 21/06/2016); chi bộ xét ngày 22/06/2016" in findings[0].message


def test_a_probationary_member_is_struck_off_not_expelled(probationary, judged):
    assert judged(probationary, "discipline", dt.date(2015, 12, 1), subtype="expulsion") == [
        ("probation.struck_off_not_expelled", "error")
    ]
    assert judged(probationary, "removal", dt.date(2016, 6, 1), details={"cause": "probation_failed"}) == []


def test_a_full_member_cannot_be_recognised_again(member, judged):
    assert judged(member, "recognition", dt.date(2017, 5, 10)) == [("status.recognition_probationary", "error")]
