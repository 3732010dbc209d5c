"""The cadre rules at their boundaries: full-term age, QĐ 27/2003, discipline blocks by regulation,
planning requirement and limits, party-committee posts, rotation."""

from __future__ import annotations

import datetime as dt

import pytest

from tochuc.cadres.services import cadre_decide, planning_add, planning_remove
from tochuc.core.findings import RecordRefused
from tochuc.events.models import Event, PositionHolding

PLANNED = {"cadres.planning_required"}


def decide(person, post, on, subtype="appointment", confirm=PLANNED, **kw):
    return cadre_decide(by=None, person=person, subtype=subtype, post=post, effective_on=on, confirm=confirm, **kw)


def refused(fn, *args, **kwargs):
    with pytest.raises(RecordRefused) as exc:
        fn(*args, **kwargs)
    return exc.value.findings


def codes(findings, confirmed=PLANNED) -> list[tuple[str, str]]:
    """The findings that blocked, leaving out the warnings the call had confirmed."""
    return [(f.code, str(f.level)) for f in findings if f.code not in confirmed or f.level == "error"]


# --- age for a full term -----------------------------------------------------------------------


def test_an_appointment_needs_five_years_left_counted_to_the_end_of_the_month_of_retirement(posts, make_person, tree):
    # born 10/04/1966: 62 years in 04/2028, retires at the end of 30/04/2028
    man = make_person("Phạm Văn Đức", birth_date=dt.date(1966, 4, 10), registered_unit=tree["CT.NK"])
    findings = refused(decide, man, posts["head"], dt.date(2023, 5, 2))
    assert codes(findings) == [("cadres.full_term_age", "error")]
    findings = [f for f in findings if f.level == "error"]
    assert findings[0].message == (
        "Phạm Văn Đức không đủ tuổi để bổ nhiệm chức danh Trưởng phòng Nội vụ quận: tuổi nghỉ hưu 62 tuổi vào ngày "
        "30/04/2028, đến ngày 02/05/2023 chỉ còn 4 năm 11 tháng, chưa đủ một nhiệm kỳ 5 năm (Kết luận 08-KL/TW "
        "(15/6/2021); Quy định 80-QĐ/TW (2022); Nghị định 135/2020/NĐ-CP)"
    )
    assert Event.objects.filter(person=man).count() == 0
    event = decide(man, posts["head"], dt.date(2023, 5, 1))
    assert event.confirmed == ["cadres.planning_required"]


def test_the_month_of_birth_decides_the_retirement_age_in_the_full_term_rule(posts, make_person, tree):
    # born 08/1970: 57y4m, retires 31/12/2027; born 09/1970: 57y8m, retires 31/05/2028
    august = make_person("Võ Thị Lan", birth_date=dt.date(1970, 8, 5), sex="female", registered_unit=tree["CT.NK"])
    september = make_person("Võ Thị Cúc", birth_date=dt.date(1970, 9, 5), sex="female", registered_unit=tree["CT.NK"])
    assert codes(refused(decide, august, posts["head"], dt.date(2023, 1, 2))) == [("cadres.full_term_age", "error")]
    assert decide(august, posts["head"], dt.date(2023, 1, 1)).pk
    assert decide(september, posts["deputy"], dt.date(2023, 1, 2)).pk


def test_before_1_8_2021_the_years_are_counted_to_60_and_after_by_the_roadmap(posts, make_person, tree):
    # born 15/07/1965: at 60 he retires 31/07/2025 (4 years left on 31/07/2021); by the roadmap, 30/04/2027
    man = make_person("Đỗ Văn Hải", birth_date=dt.date(1965, 7, 15), registered_unit=tree["CT.NK"])
    findings = refused(decide, man, posts["head"], dt.date(2021, 7, 31))
    assert codes(findings) == [("cadres.full_term_age", "error"), ("cadres.state_first_appointment_age", "warning")]
    findings = [f for f in findings if f.level == "error"]
    assert "tuổi nghỉ hưu 60 tuổi vào ngày 31/07/2025" in findings[0].message
    assert findings[0].source.startswith("Quy định 105-QĐ/TW (2017)")
    assert decide(man, posts["head"], dt.date(2021, 8, 1)).pk


def test_before_the_roadmap_the_boundary_is_also_exact(posts, make_person, tree):
    man = make_person("Bùi Văn Tư", birth_date=dt.date(1961, 1, 10), registered_unit=tree["CT.NK"])
    assert codes(refused(decide, man, posts["head"], dt.date(2016, 2, 2))) == [("cadres.full_term_age", "error")]
    assert decide(man, posts["head"], dt.date(2016, 2, 1)).pk


def test_a_first_appointment_over_the_qd27_age_is_a_warning_before_august_2021(posts, make_person, tree):
    woman = make_person("Lý Thị Sen", birth_date=dt.date(1968, 1, 10), sex="female", registered_unit=tree["CT.NK"])
    findings = refused(decide, woman, posts["head"], dt.date(2019, 3, 1))
    # over 50 she also has less than five years to 55: both the state rule and the party rule speak
    assert codes(findings) == [("cadres.full_term_age", "error"), ("cadres.state_first_appointment_age", "warning")]
    assert findings[1].message == (
        "Lý Thị Sen được bổ nhiệm lần đầu chức danh Trưởng phòng Nội vụ quận khi đã 51 tuổi, quá tuổi 50 của "
        "Quyết định 27/2003/QĐ-TTg, Điều 4 (cần xem xét)"
    )
    # from 1/8/2021 the state age limit no longer applies
    other = make_person("Lý Thị Mơ", birth_date=dt.date(1970, 12, 1), sex="female", registered_unit=tree["CT.NK"])
    assert decide(other, posts["deputy"], dt.date(2022, 1, 5)).confirmed == ["cadres.planning_required"]


def test_a_reappointment_with_less_than_two_years_left_asks_to_extend_instead(posts, make_person, tree):
    man = make_person("Hồ Văn Lợi", birth_date=dt.date(1961, 6, 1), registered_unit=tree["CT.NK"])
    decide(man, posts["head"], dt.date(2015, 1, 5))
    findings = refused(decide, man, posts["head"], dt.date(2020, 1, 5), subtype="reappointment")
    assert codes(findings) == [("cadres.reappointment_extend", "warning")]
    assert "nên được kéo dài thời gian giữ chức vụ" in findings[0].message


# --- discipline blocks -------------------------------------------------------------------------


def discipline(record, person, subtype, on, tree):
    return record(person, "discipline", on, subtype=subtype, unit=tree["CT.NK.01.01"])


@pytest.mark.parametrize(
    ("subtype", "disciplined", "blocked", "allowed"),
    [
        # QĐ 105-2017: 12 months for any discipline
        ("reprimand", dt.date(2019, 3, 10), dt.date(2020, 3, 9), dt.date(2020, 3, 10)),
        ("warning", dt.date(2019, 3, 10), dt.date(2020, 3, 9), dt.date(2020, 3, 10)),
        # QĐ 80-2022: 12, 30, 60 months
        ("reprimand", dt.date(2023, 1, 15), dt.date(2024, 1, 14), dt.date(2024, 1, 15)),
        ("warning", dt.date(2023, 1, 15), dt.date(2025, 7, 14), dt.date(2025, 7, 15)),
        ("removal_from_post", dt.date(2019, 5, 1), dt.date(2024, 4, 30), dt.date(2024, 5, 1)),
    ],
)
def test_discipline_blocks_appointment_for_the_months_of_the_regulation(member, posts, tree, record, subtype, disciplined, blocked, allowed):
    if subtype == "removal_from_post":
        decide(member, posts["deputy"], dt.date(2018, 1, 2))
    discipline(record, member, subtype, disciplined, tree)
    findings = [f for f in refused(decide, member, posts["head"], blocked) if f.level == "error"]
    assert codes(findings) == [("cadres.discipline_block", "error")]
    assert findings[0].message.startswith("Trần Quốc Trung bị kỷ luật ")
    assert "chức danh Trưởng phòng Nội vụ quận" in findings[0].message
    assert decide(member, posts["head"], allowed).pk


def test_the_switch_from_qd105_to_qd80_is_on_18_8_2022(member, posts, tree, record):
    discipline(record, member, "warning", dt.date(2021, 8, 10), tree)
    # 17/08/2022: QĐ 105, 12 months have passed
    assert decide(member, posts["head"], dt.date(2022, 8, 17)).pk
    findings = [f for f in refused(decide, member, posts["deputy"], dt.date(2022, 8, 18)) if f.level == "error"]
    assert codes(findings) == [("cadres.discipline_block", "error")]
    assert findings[0].message == (
        "Trần Quốc Trung bị kỷ luật cảnh cáo ngày 10/08/2021: chưa được bổ nhiệm chức danh Phó Trưởng phòng Nội vụ quận "
        "trước ngày 10/02/2024 (30 tháng theo Quy định 80-QĐ/TW (18/8/2022))"
    )


def test_from_8_10_2025_the_qd377_periods_are_warnings_to_confirm(member, posts, tree, record):
    discipline(record, member, "reprimand", dt.date(2024, 1, 15), tree)
    # 07/10/2025: QĐ 80, 12 months have passed
    assert decide(member, posts["head"], dt.date(2025, 10, 7)).pk
    findings = refused(decide, member, posts["deputy"], dt.date(2025, 10, 8))
    assert codes(findings) == [("cadres.discipline_block", "warning")]
    assert findings[0].message == (
        "Trần Quốc Trung bị kỷ luật khiển trách ngày 15/01/2024: chưa được bổ nhiệm chức danh Phó Trưởng phòng Nội vụ quận "
        "trước ngày 15/01/2026 (24 tháng theo Quy định 377-QĐ/TW (08/10/2025); thời hạn theo tin báo chí về quy định này, "
        "chưa đối chiếu văn bản: cần xác nhận)"
    )
    # confirmed, the decision is recorded; from 15/01/2026 nothing is asked
    assert decide(member, posts["deputy"], dt.date(2025, 10, 8), confirm=PLANNED | {"cadres.discipline_block"}).pk


@pytest.mark.parametrize(
    ("subtype", "disciplined", "asked", "free"),
    [
        ("warning", dt.date(2023, 1, 15), dt.date(2026, 1, 14), dt.date(2026, 1, 15)),
        ("removal_from_post", dt.date(2021, 5, 1), dt.date(2026, 4, 30), dt.date(2026, 5, 1)),
    ],
)
def test_the_qd377_periods_are_36_months_for_a_warning_and_60_for_removal_from_post(member, posts, tree, record, subtype, disciplined, asked, free):
    if subtype == "removal_from_post":
        decide(member, posts["deputy"], dt.date(2018, 1, 2))
    discipline(record, member, subtype, disciplined, tree)
    assert codes(refused(decide, member, posts["head"], asked)) == [("cadres.discipline_block", "warning")]
    assert decide(member, posts["head"], free).pk


def test_discipline_also_blocks_planning(member, posts, periods, tree, record):
    discipline(record, member, "reprimand", dt.date(2023, 6, 1), tree)
    findings = refused(planning_add, by=None, person=member, post=posts["head"], period=periods["2020-2025"], effective_on=dt.date(2024, 5, 31))
    assert codes(findings) == [("cadres.discipline_block", "error")]
    assert "chưa được quy hoạch chức danh Trưởng phòng Nội vụ quận" in findings[0].message


# --- planning requirement, party posts, rotation ---------------------------------------------


def test_an_appointment_outside_the_planning_list_needs_confirmation(cadre, posts, periods):
    findings = refused(decide, cadre, posts["chair"], dt.date(2024, 3, 1), confirm=())
    assert codes(findings, ()) == [("cadres.planning_required", "warning")]
    assert findings[0].message == (
        "Lê Văn Cán chưa có trong quy hoạch chức danh Chủ tịch UBND phường vào ngày 01/03/2024 (Quy định 105-QĐ/TW "
        "(2017) / Quy định 80-QĐ/TW (2022): nhân sự tại chỗ phải có trong quy hoạch)"
    )
    planning_add(by=None, person=cadre, post=posts["chair"], period=periods["2020-2025"], effective_on=dt.date(2023, 1, 1))
    event = decide(cadre, posts["chair"], dt.date(2024, 3, 1), confirm=())
    assert event.confirmed == []
    assert list(PositionHolding.objects.filter(person=cadre).values_list("position", "term_ends_on")) == [
        ("Chủ tịch UBND phường", dt.date(2029, 3, 1))
    ]


def test_designation_and_approval_only_for_party_committee_posts(cadre, posts):
    findings = refused(decide, cadre, posts["chair"], dt.date(2024, 3, 1), subtype="designation")
    assert codes(findings) == [("cadres.party_post_only", "error")]
    findings = [f for f in findings if f.level == "error"]
    assert findings[0].message == (
        "Chỉ định chỉ áp dụng cho chức danh cấp ủy: chức danh Chủ tịch UBND phường của Lê Văn Cán không phải chức danh "
        "cấp ủy (Điều lệ Đảng; Quy chế bầu cử trong Đảng (Quy định 244-QĐ/TW, 2014))"
    )
    assert codes(refused(decide, cadre, posts["chair"], dt.date(2024, 3, 1), subtype="approval")) == [("cadres.party_post_only", "error")]
    assert decide(cadre, posts["secretary"], dt.date(2024, 3, 1), subtype="approval").subtype == "approval"


def test_a_rotation_outside_the_planning_list_without_an_end_date_gives_two_warnings(cadre, posts, periods, tree):
    findings = refused(decide, cadre, posts["outside"], dt.date(2024, 3, 1), subtype="rotation", confirm=(), from_unit=tree["CT.NK.01"])
    assert codes(findings, ()) == [
        ("cadres.rotation_in_planning", "warning"), ("cadres.rotation_end", "warning"), ("cadres.rotation_age", "warning")
    ]
    assert findings[2].message == (
        "Lê Văn Cán chỉ còn 8 năm 3 tháng công tác (nghỉ hưu ngày 31/05/2032): luân chuyển đến chức danh Trưởng phòng Nội vụ quận "
        "thường cần còn ít nhất 10 năm (2 nhiệm kỳ) (Nghị định 138/2020/NĐ-CP, Điều 56)"
    )
    planning_add(by=None, person=cadre, post=posts["head"], period=periods["2020-2025"], effective_on=dt.date(2023, 1, 1))
    aged = {"cadres.rotation_age"}
    short = refused(decide, cadre, posts["outside"], dt.date(2024, 3, 1), subtype="rotation", confirm=aged, end_on=dt.date(2025, 3, 1))
    assert codes(short, aged) == [("cadres.rotation_duration", "warning")]
    event = decide(cadre, posts["outside"], dt.date(2024, 3, 1), subtype="rotation", confirm=aged, end_on=dt.date(2027, 3, 1), from_unit=tree["CT.NK.01"])
    assert (event.unit.code, event.to_unit.code, event.end_on) == ("CT.NK.01", "CT.CR", dt.date(2027, 3, 1))


# --- planning limits ---------------------------------------------------------------------------


def test_a_fourth_candidate_for_a_post_is_a_warning_before_qd377_and_an_error_after(make_person, posts, periods, tree):
    people = [make_person(f"Ứng Viên {i}", birth_date=dt.date(1985, 1, i + 1), registered_unit=tree["CT.NK"]) for i in range(5)]
    for p in people[:3]:
        planning_add(by=None, person=p, post=posts["head"], period=periods["2020-2025"], effective_on=dt.date(2021, 1, 4))
        planning_add(by=None, person=p, post=posts["head"], period=periods["2025-2030"], effective_on=dt.date(2025, 10, 1))
    old = refused(planning_add, by=None, person=people[3], post=posts["head"], period=periods["2020-2025"], effective_on=dt.date(2021, 1, 4))
    assert codes(old) == [("cadres.planning_candidates_per_post", "warning")]
    assert old[0].message.startswith("Chức danh Trưởng phòng Nội vụ quận đã có 3 người trong quy hoạch 2020-2025: không thể đưa thêm Ứng Viên 3")
    # QĐ 377-QĐ/TW applies from 8/10/2025: the day before it is still a warning
    eve = refused(planning_add, by=None, person=people[3], post=posts["head"], period=periods["2025-2030"], effective_on=dt.date(2025, 10, 7))
    assert codes(eve) == [("cadres.planning_candidates_per_post", "warning")]
    new = refused(
        planning_add, by=None, person=people[3], post=posts["head"], period=periods["2025-2030"], effective_on=dt.date(2025, 10, 8),
        confirm={"cadres.planning_candidates_per_post"},
    )
    assert codes(new) == [("cadres.planning_candidates_per_post", "error")]
    assert new[0].source == "Quy định 377-QĐ/TW (08/10/2025)"


def test_a_fourth_post_for_one_person_is_refused_after_qd377(cadre, posts, periods):
    for key in ("secretary", "chair", "head"):
        planning_add(by=None, person=cadre, post=posts[key], period=periods["2025-2030"], effective_on=dt.date(2025, 11, 1))
    findings = refused(planning_add, by=None, person=cadre, post=posts["deputy"], period=periods["2025-2030"], effective_on=dt.date(2025, 11, 1))
    assert codes(findings) == [("cadres.planning_posts_per_person", "error")]


def test_planning_twice_or_removing_someone_not_planned_is_refused(cadre, posts, periods):
    planning_add(by=None, person=cadre, post=posts["chair"], period=periods["2020-2025"], effective_on=dt.date(2021, 1, 4))
    assert codes(refused(planning_add, by=None, person=cadre, post=posts["chair"], period=periods["2020-2025"], effective_on=dt.date(2022, 1, 4))) == [
        ("cadres.planning_duplicate", "error")
    ]
    assert codes(
        refused(planning_remove, by=None, person=cadre, post=posts["head"], period=periods["2020-2025"], effective_on=dt.date(2022, 1, 4), reason="x")
    ) == [("cadres.planning_not_in_list", "error")]
    removed = planning_remove(by=None, person=cadre, post=posts["chair"], period=periods["2020-2025"], effective_on=dt.date(2022, 1, 4), reason="Chuyển công tác")
    assert (removed.subtype, removed.term, removed.note) == ("remove", "2020-2025", "Chuyển công tác")


def test_planning_someone_who_cannot_serve_a_full_term_is_a_warning(make_person, posts, periods, tree):
    man = make_person("Tạ Văn Già", birth_date=dt.date(1964, 2, 1), registered_unit=tree["CT.NK"])
    findings = refused(planning_add, by=None, person=man, post=posts["head"], period=periods["2020-2025"], effective_on=dt.date(2021, 1, 4))
    assert codes(findings) == [("cadres.planning_age", "warning")]
    assert findings[0].message == (
        "Tạ Văn Già không đủ tuổi công tác trọn một nhiệm kỳ để quy hoạch chức danh Trưởng phòng Nội vụ quận nhiệm kỳ "
        "2020-2025: nghỉ hưu ngày 29/02/2024 (60 tuổi) (Quy định 50-QĐ/TW (2021); Hướng dẫn 16-HD/BTCTW (2022))"
    )
