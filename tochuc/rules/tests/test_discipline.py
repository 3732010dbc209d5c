from __future__ import annotations

import datetime as dt


def test_a_probationary_member_may_be_reprimanded_or_warned_only(tree, make_person, record, judged):
    p = make_person(birth_date=dt.date(1991, 1, 1))
    record(p, "admission", dt.date(2015, 5, 10), unit=tree["CT.NK.01.01"])
    assert judged(p, "discipline", dt.date(2015, 9, 1), subtype="reprimand") == []
    assert judged(p, "discipline", dt.date(2015, 9, 1), subtype="warning") == []
    findings = judged(p, "discipline", dt.date(2015, 9, 1), subtype="removal_from_post", full=True)
    assert [(f.code, f.level, f.field) for f in findings] == [("discipline.form_by_status", "error", "subtype")]
    assert findings[0].message.startswith("Đảng viên dự bị chỉ bị kỷ luật khiển trách hoặc cảnh cáo; hình thức ghi: cách chức")


def test_removal_from_post_needs_a_post_held_on_the_date(member, tree, record, judged):
    assert judged(member, "discipline", dt.date(2019, 3, 1), subtype="removal_from_post") == [("discipline.form_by_status", "error")]
    assert judged(member, "discipline", dt.date(2019, 3, 1), subtype="removal_from_post", position="Bí thư chi bộ") == [
        ("discipline.post_not_recorded", "warning")
    ]
    record(member, "decision", dt.date(2018, 1, 2), subtype="assignment", position="Phó Chủ tịch UBND phường", unit=tree["CT.NK.01"])
    assert judged(member, "discipline", dt.date(2019, 3, 1), subtype="removal_from_post") == []
    assert judged(member, "discipline", dt.date(2018, 1, 1), subtype="removal_from_post") == [("discipline.form_by_status", "error")]


def test_no_discipline_for_someone_who_has_left(member, record, judged):
    record(member, "death", dt.date(2020, 1, 1))
    assert judged(member, "discipline", dt.date(2020, 2, 1), subtype="warning") == [("status.member_required", "error")]
