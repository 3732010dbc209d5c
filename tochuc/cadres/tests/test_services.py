"""Services of cadre work: catalogue, standards by period, planning periods, competitive selection,
staffing; and the figures exposed to the annual report, with exact values."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from tochuc.cadres import services
from tochuc.cadres.figures import cadre_figures
from tochuc.cadres.models import PostStandard, SelectionStatus
from tochuc.core.findings import RecordRefused
from tochuc.core.models import AuditEntry
from tochuc.events.models import Event, PositionHolding


def test_a_post_name_is_unique_within_its_unit(posts, tree):
    with pytest.raises(RecordRefused) as exc:
        services.post_create(by=None, unit=tree["CT.NK.01"], name="  chủ tịch  UBND phường ", managing_level="district")
    assert exc.value.findings[0].message == "Đơn vị CT.NK.01 đã có chức danh 'chủ tịch UBND phường'"


def test_a_new_standard_ends_the_open_one_and_an_earlier_one_is_refused(posts):
    post = posts["chair"]
    services.post_standard_set(by=None, post=post, valid_from=dt.date(2017, 8, 4), political_theory=2, source="QĐ 89-QĐ/TW")
    services.post_standard_set(by=None, post=post, valid_from=dt.date(2024, 1, 1), political_theory=3)
    assert list(PostStandard.objects.filter(post=post).order_by("valid_from").values_list("valid_from", "valid_to", "political_theory")) == [
        (dt.date(2017, 8, 4), dt.date(2024, 1, 1), 2),
        (dt.date(2024, 1, 1), None, 3),
    ]
    with pytest.raises(RecordRefused) as exc:
        services.post_standard_set(by=None, post=post, valid_from=dt.date(2020, 1, 1))
    assert exc.value.findings[0].code == "standard.overlap"
    assert AuditEntry.objects.filter(action="post.standard").count() == 2


def test_a_planning_period_takes_the_quotas_of_its_time_and_refuses_a_bad_code(db):
    old = services.planning_period_create(by=None, code="2015-2020")
    new = services.planning_period_create(by=None, code="2020-2025", minority_min_pct=Decimal("10"))
    assert (old.women_min_pct, old.young_min_pct, old.starts_on, old.ends_on) == (Decimal("15"), None, dt.date(2015, 1, 1), dt.date(2020, 12, 31))
    assert (new.women_min_pct, new.young_min_pct, new.minority_min_pct) == (Decimal("25"), Decimal("15"), Decimal("10"))
    for bad in ("2020", "2025-2020", "20-25", "2020-2025"):
        with pytest.raises(RecordRefused):
            services.planning_period_create(by=None, code=bad)


def test_a_competitive_selection_ends_in_exam_events_and_the_appointment(posts, periods, make_person, tree):
    a = make_person("Nguyễn Văn An", birth_date=dt.date(1982, 1, 1), registered_unit=tree["CT.NK"])
    b = make_person("Trần Thị Bình", birth_date=dt.date(1985, 1, 1), sex="female", registered_unit=tree["CT.NK"])
    sel = services.selection_create(
        by=None, post=posts["deputy"], title="", opened_on=dt.date(2024, 2, 1),
        rounds=[("Xây dựng đề án", Decimal("1")), ("Trình bày, phỏng vấn", Decimal("2"))],
    )
    assert sel.title == "Thi tuyển Phó Trưởng phòng Nội vụ quận"
    ca = services.selection_candidate_add(by=None, selection=sel, person=a)
    cb = services.selection_candidate_add(by=None, selection=sel, person=b)
    with pytest.raises(RecordRefused):
        services.selection_candidate_add(by=None, selection=sel, person=a)
    r1, r2 = sel.rounds.all()
    for cand, s1, s2 in ((ca, "80", "70"), (cb, "70", "85")):
        services.selection_score_set(by=None, candidate=cand, round=r1, score=Decimal(s1))
        services.selection_score_set(by=None, candidate=cand, round=r2, score=Decimal(s2))
    assert [services.candidate_total(c, [r1, r2]) for c in (ca, cb)] == [Decimal("73.33"), Decimal("80.00")]
    sel = services.selection_decide(by=None, selection=sel, decided_on=dt.date(2024, 4, 1), decision_no="12-TB")
    assert (sel.status, sel.winner) == (SelectionStatus.DECIDED, b)
    exams = list(Event.objects.filter(kind="exam").order_by("person__full_name").values_list("person__full_name", "subtype", "position"))
    assert exams == [("Nguyễn Văn An", "failed", "Phó Trưởng phòng Nội vụ quận"), ("Trần Thị Bình", "passed", "Phó Trưởng phòng Nội vụ quận")]
    with pytest.raises(RecordRefused):
        services.selection_score_set(by=None, candidate=ca, round=r1, score=Decimal("99"))
    event = services.selection_appoint(
        by=None, selection=sel, effective_on=dt.date(2024, 5, 2), decision_no="88-QĐ/UBND", confirm={"cadres.planning_required"}
    )
    sel.refresh_from_db()
    assert (sel.status, sel.appointment, event.details) == (SelectionStatus.APPOINTED, event, {"post_id": posts["deputy"].pk, "selection_id": sel.pk})
    assert list(PositionHolding.objects.filter(person=b).values_list("position", "term_ends_on")) == [("Phó Trưởng phòng Nội vụ quận", dt.date(2029, 5, 2))]


def test_a_selection_without_every_score_cannot_be_decided(posts, cadre):
    sel = services.selection_create(by=None, post=posts["deputy"], title="Thi tuyển", opened_on=dt.date(2024, 2, 1), rounds=[("Đề án", Decimal("1"))])
    services.selection_candidate_add(by=None, selection=sel, person=cadre)
    with pytest.raises(RecordRefused) as exc:
        services.selection_decide(by=None, selection=sel, decided_on=dt.date(2024, 4, 1))
    assert exc.value.findings[0].message == "Kỳ thi tuyển “Thi tuyển” chưa có ứng viên hoặc chưa có điểm của mọi vòng"
    assert not Event.objects.filter(kind="exam").exists()


class Year:
    def __init__(self, year: int):
        self.start, self.end = dt.date(year, 1, 1), dt.date(year, 12, 31)


def test_the_cadre_figures_of_a_district_for_a_year(posts, periods, cadre, make_person, tree, record):
    woman = make_person("Thạch Thị Sa", birth_date=dt.date(1992, 2, 2), sex="female", ethnicity="Khmer", registered_unit=tree["CT.NK"])
    older = make_person("Võ Văn Ba", birth_date=dt.date(1975, 2, 2), registered_unit=tree["CT.NK"])
    for person, post in ((cadre, "head"), (woman, "chair"), (older, "chair"), (woman, "outside")):
        services.planning_add(by=None, person=person, post=posts[post], period=periods["2020-2025"], effective_on=dt.date(2021, 3, 1))
    services.cadre_decide(
        by=None, person=older, subtype="rotation", post=posts["deputy"], effective_on=dt.date(2023, 3, 1), end_on=dt.date(2026, 3, 1),
        from_unit=tree["CT.NK.01"],
    )
    services.post_standard_set(by=None, post=posts["deputy"], valid_from=dt.date(2018, 1, 1), political_theory=2)
    services.staffing_quota_set(by=None, unit=tree["CT.NK"], year=2015, quota=200, actual=195)
    services.staffing_quota_set(by=None, unit=tree["CT.NK"], year=2023, quota=178, actual=170)
    services.staffing_quota_set(by=None, unit=tree["CT.NK.01"], year=2023, quota=22, actual=21)
    services.staffing_quota_set(by=None, unit=tree["CT.CR"], year=2023, quota=99, actual=99)
    services.streamlining_target_set(by=None, unit=tree["CT.NK"], base_year=2015, target_year=2021, reduction_pct=Decimal("10"))
    result = cadre_figures(tree["CT.NK"], Year(2023))
    values = {k: v["value"] for k, v in result["figures"].items()}
    assert values == {
        "cadres.planning.people": 3,
        "cadres.planning.posts": 4,
        "cadres.planning.posts_covered": 2,
        "cadres.planning.coverage": Decimal("50.00"),
        "cadres.planning.women": 1,
        "cadres.planning.women_pct": Decimal("33.33"),
        "cadres.planning.young": 1,
        "cadres.planning.young_pct": Decimal("33.33"),
        "cadres.planning.minority": 1,
        "cadres.planning.minority_pct": Decimal("33.33"),
        "cadres.rotated": 1,
        "cadres.rotation.ongoing": 1,
        "cadres.selections.decided": 0,
        "cadres.selections.candidates": 0,
        "cadres.selections.appointed": 0,
        "cadres.staffing.quota": 200,
        "cadres.staffing.actual": 191,
        "cadres.staffing.reduction": Decimal("11.00"),
        "cadres.staffing.reduction_required": Decimal("10.00"),
        "cadres.training.gaps": 1,
    }
    assert sorted(r["name"] for r in result["rows"]["cadres.planning.people"]) == ["Lê Văn Cán", "Thạch Thị Sa", "Võ Văn Ba"]
    assert [(r["person_id"], r["name"], r["what"]) for r in result["rows"]["cadres.training.gaps"]] == [
        (older.pk, "Võ Văn Ba", "Phó Trưởng phòng Nội vụ quận (đang giữ): cần Lý luận chính trị: Trung cấp")
    ]
    assert result["figures"]["cadres.rotation.ongoing"]["label"] == "Cán bộ đang luân chuyển"


def test_reappointments_and_retirements_fall_due_for_post_holders(posts, make_person, tree, personas):
    from tochuc.accounts.scoping import scope_for
    from tochuc.cadres.selectors import cadre_due

    young = make_person("Lê Văn Trẻ", birth_date=dt.date(1980, 1, 1), registered_unit=tree["CT.NK"])
    old = make_person("Hà Văn Lão", birth_date=dt.date(1964, 4, 20), registered_unit=tree["CT.NK"])
    services.cadre_decide(by=None, person=young, subtype="appointment", post=posts["head"], effective_on=dt.date(2021, 2, 1), confirm={"cadres.planning_required"})
    services.cadre_decide(by=None, person=old, subtype="assignment", post=posts["deputy"], effective_on=dt.date(2020, 2, 1))
    due = cadre_due(scope=scope_for(personas.district_specialist), on=dt.date(2025, 12, 1), days=90)
    # he was born 04/1964: 61 years 3 months (2025 age is 61y3m for births 01–09/1964), retiring 31/07/2025 — already past
    assert [(d.person.full_name, d.what, d.due_on) for d in due] == [("Lê Văn Trẻ", "reappointment", dt.date(2026, 2, 1))]
    due = cadre_due(scope=scope_for(personas.district_specialist), on=dt.date(2025, 6, 1), days=90)
    assert [(d.person.full_name, d.what, d.due_on) for d in due] == [("Hà Văn Lão", "retirement", dt.date(2025, 7, 31))]
    assert cadre_due(scope=scope_for(personas.outsider), on=dt.date(2025, 6, 1), days=90) == []


def test_a_rotation_leaves_the_unit_of_the_post_held_that_day(posts, periods, cadre, tree):
    services.planning_add(by=None, person=cadre, post=posts["head"], period=periods["2020-2025"], effective_on=dt.date(2021, 3, 1))
    services.cadre_decide(by=None, person=cadre, subtype="appointment", post=posts["chair"], effective_on=dt.date(2021, 9, 1), confirm={"cadres.planning_required"})
    event = services.cadre_decide(
        by=None, person=cadre, subtype="rotation", post=posts["outside"], effective_on=dt.date(2023, 3, 1), end_on=dt.date(2026, 3, 1),
        confirm={"cadres.rotation_age"},
    )
    assert (event.unit.code, event.to_unit.code) == ("CT.NK.01", "CT.CR")
    assert list(PositionHolding.objects.filter(person=cadre).order_by("valid_from").values_list("position", "unit__code", "valid_to")) == [
        ("Chủ tịch UBND phường", "CT.NK.01", dt.date(2023, 3, 1)),
        ("Trưởng phòng Nội vụ quận", "CT.CR", None),
    ]


def test_a_person_planned_for_a_post_in_the_current_and_the_next_term_counts_once(posts, periods, cadre, tree):
    for term in ("2020-2025", "2025-2030"):
        services.planning_add(by=None, person=cadre, post=posts["head"], period=periods[term], effective_on=dt.date(2023, 3, 1))
    result = cadre_figures(tree["CT.NK"], Year(2023))
    assert (result["figures"]["cadres.planning.people"]["value"], result["figures"]["cadres.planning.posts_covered"]["value"]) == (1, 1)
    assert [(r["post"], r["planned"]) for r in result["rows"]["cadres.planning.posts_covered"]] == [("Trưởng phòng Nội vụ quận", "1")]
    assert [r["what"] for r in result["rows"]["cadres.planning.people"]] == [
        "Trưởng phòng Nội vụ quận (quy hoạch nhiệm kỳ 2020–2025); Trưởng phòng Nội vụ quận (quy hoạch nhiệm kỳ 2025–2030)"
    ]
