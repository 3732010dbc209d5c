"""The cadre screens as each persona sees them: scope (404), roles (403), the forms' outcomes."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from tochuc.accounts.models import AccessLog
from tochuc.cadres.models import Post, PostStandard, StaffingQuota
from tochuc.cadres.services import (
    cadre_decide,
    planning_add,
    post_standard_set,
    staffing_quota_set,
    streamlining_target_set,
)
from tochuc.core.tests.helpers import login, text
from tochuc.events.models import Event

pytestmark = pytest.mark.django_db


def test_the_outsider_gets_404_for_a_person_and_a_post_of_another_district(client, personas, posts, cadre):
    login(client, personas.outsider)
    assert client.get(f"/can-bo/nguoi/{cadre.pk}/quyet-dinh/").status_code == 404
    assert client.get(f"/can-bo/chuc-danh/{posts['head'].pk}/").status_code == 404
    assert client.get(f"/can-bo/chuc-danh/{posts['outside'].pk}/").status_code == 200


def test_the_viewer_cannot_record_a_decision_nor_add_a_post(client, personas, cadre, posts):
    login(client, personas.viewer)
    assert client.get(f"/can-bo/nguoi/{cadre.pk}/quyet-dinh/").status_code == 403
    response = client.post("/can-bo/chuc-danh/", {"unit": "CT.NK", "name": "Chánh Văn phòng", "managing_level": "district"})
    assert response.status_code == 403
    assert not Post.objects.filter(name="Chánh Văn phòng").exists()
    assert client.get("/can-bo/chuc-danh/").status_code == 200


def test_a_specialist_adds_a_post_and_its_standard(client, personas, tree):
    login(client, personas.district_specialist)
    response = client.post(
        "/can-bo/chuc-danh/", {"unit": "CT.NK", "name": "Chánh Văn phòng Quận ủy", "managing_level": "district", "is_party_committee": "on"}
    )
    post = Post.objects.get(name="Chánh Văn phòng Quận ủy")
    assert response.status_code == 302 and response["Location"] == f"/can-bo/chuc-danh/{post.pk}/"
    assert (post.unit.code, post.is_party_committee) == ("CT.NK", True)
    client.post(
        f"/can-bo/chuc-danh/{post.pk}/",
        {"valid_from": "01/01/2018", "political_theory": "3", "state_management": "2", "professional": "3", "defense_group": "3", "source": "QĐ 89-QĐ/TW"},
    )
    assert list(PostStandard.objects.filter(post=post).values_list("political_theory", "state_management", "defense_group", "valid_to")) == [
        (3, 2, 3, None)
    ]
    page = text(client.get(f"/can-bo/chuc-danh/{post.pk}/"))
    assert "01/01/2018 – nay Cao cấp, cử nhân Chuyên viên chính Đại học Đối tượng 3 QĐ 89-QĐ/TW" in page


def test_a_specialist_cannot_add_a_post_in_a_unit_outside_the_scope(client, personas, tree):
    login(client, personas.district_specialist)
    response = client.post("/can-bo/chuc-danh/", {"unit": "CT.CR", "name": "Trưởng ban", "managing_level": "district"})
    assert response.status_code == 404


def test_an_appointment_refused_for_age_shows_the_finding_and_writes_nothing(client, personas, posts, make_person, tree):
    man = make_person("Phạm Văn Đức", birth_date=dt.date(1966, 4, 10), registered_unit=tree["CT.NK.01"])
    login(client, personas.branch_clerk)
    response = client.post(
        f"/can-bo/nguoi/{man.pk}/quyet-dinh/",
        {"subtype": "appointment", "post": posts["chair"].pk, "effective_on": "02/05/2023", "decision_no": "45-QĐ/UBND"},
    )
    assert response.status_code == 200
    assert "tuổi nghỉ hưu 62 tuổi vào ngày 30/04/2028, đến ngày 02/05/2023 chỉ còn 4 năm 11 tháng" in text(response)
    assert Event.objects.filter(person=man).count() == 0


def test_a_warning_is_confirmed_then_the_decision_is_recorded(client, personas, posts, cadre):
    login(client, personas.branch_clerk)
    data = {"subtype": "appointment", "post": posts["chair"].pk, "effective_on": "01/03/2024", "decision_no": "45-QĐ/UBND"}
    first = client.post(f"/can-bo/nguoi/{cadre.pk}/quyet-dinh/", data)
    assert 'name="confirm" value="cadres.planning_required"' in first.content.decode()
    second = client.post(f"/can-bo/nguoi/{cadre.pk}/quyet-dinh/", {**data, "confirm": "cadres.planning_required"})
    assert second.status_code == 302 and second["Location"] == f"/nguoi/{cadre.pk}/#can-bo"
    event = Event.objects.get(person=cadre)
    assert (event.kind, event.subtype, event.position, event.unit.code, event.decision_no, event.confirmed) == (
        "decision", "appointment", "Chủ tịch UBND phường", "CT.NK.01", "45-QĐ/UBND", ["cadres.planning_required"]
    )


def test_the_planning_page_adds_a_person_and_shows_the_quotas(client, personas, posts, periods, cadre, make_person, tree):
    woman = make_person("Thạch Thị Sa Rây", birth_date=dt.date(1990, 2, 2), sex="female", ethnicity="Khmer", registered_unit=tree["CT.NK.01"])
    planning_add(by=None, person=cadre, post=posts["head"], period=periods["2025-2030"], effective_on=dt.date(2025, 11, 3))
    login(client, personas.district_specialist)
    response = client.post(
        "/can-bo/quy-hoach/2025-2030/", {"action": "add", "person": woman.code, "post": posts["chair"].pk, "effective_on": "03/11/2025"}
    )
    assert response.status_code == 302
    page = text(client.get("/can-bo/quy-hoach/2025-2030/?ngay=01/12/2025"))
    assert "Cán bộ nữ 1/2 50,00% ≥ 25% Đạt" in page
    assert "Cán bộ người dân tộc thiểu số 1/2" in page
    assert "Thạch Thị Sa Rây Chủ tịch UBND phường Đảng bộ phường Tân An 03/11/2025 34" in page
    assert AccessLog.objects.filter(action="view", object_type="cadres.planning", object_id="2025-2030").exists()


def test_the_outsider_sees_no_one_of_another_district_in_the_planning_list(client, personas, posts, periods, cadre):
    planning_add(by=None, person=cadre, post=posts["head"], period=periods["2025-2030"], effective_on=dt.date(2025, 11, 3))
    page = text(login(client, personas.outsider).get("/can-bo/quy-hoach/2025-2030/?ngay=01/12/2025"))
    assert "Lê Văn Cán" not in page
    assert "Chưa có ai trong quy hoạch." in page


def test_the_viewer_cannot_add_to_the_planning_list(client, personas, posts, periods, cadre):
    login(client, personas.viewer)
    response = client.post("/can-bo/quy-hoach/2025-2030/", {"action": "add", "person": cadre.code, "post": posts["head"].pk, "effective_on": "03/11/2025"})
    assert response.status_code == 403
    assert not Event.objects.filter(kind="planning").exists()


def test_the_review_proposes_removal_for_discipline_and_shows_gaps(client, personas, posts, periods, member, tree, record):
    planning_add(by=None, person=member, post=posts["head"], period=periods["2020-2025"], effective_on=dt.date(2021, 1, 4))
    record(member, "discipline", dt.date(2022, 3, 1), subtype="reprimand", unit=tree["CT.NK.01.01"])
    page = text(login(client, personas.district_specialist).get("/can-bo/quy-hoach/2020-2025/ra-soat/?ngay=31/12/2022"))
    assert (
        "Đề nghị đưa ra khỏi quy hoạch (1) Họ và tên Chức danh Lý do Trần Quốc Trung Trưởng phòng Nội vụ quận Đảng bộ quận Ninh Kiều "
        "Bị kỷ luật khiển trách ngày 01/03/2022: đưa ra khỏi quy hoạch (Quy định 50-QĐ/TW (27/12/2021))"
    ) in page
    assert "Trưởng phòng Nội vụ quận CT.NK 1 Chỉ có 1 người trong quy hoạch (nên có 2–3 người)" in page
    assert "Bí thư Đảng ủy phường CT.NK.01 0 Chưa có người trong quy hoạch" in page


def test_training_gaps_and_the_plan_export(client, personas, posts, cadre, record):
    post_standard_set(by=None, post=posts["chair"], valid_from=dt.date(2018, 1, 1), political_theory=2, state_management=1, defense_group=3)
    cadre_decide(by=None, person=cadre, subtype="appointment", post=posts["chair"], effective_on=dt.date(2024, 3, 1), confirm={"cadres.planning_required"})
    record(cadre, "training", dt.date(2019, 3, 1), subtype="political_theory_elementary", end_on=dt.date(2019, 6, 1))
    record(cadre, "training", dt.date(2020, 3, 1), subtype="defense_security", end_on=dt.date(2020, 3, 12), details={"group": 2})
    login(client, personas.district_specialist)
    page = text(client.get("/can-bo/dao-tao/?ngay=01/06/2025&nam=2025"))
    assert (
        "Lê Văn Cán Chủ tịch UBND phường Đảng bộ phường Tân An Đang giữ Lý luận chính trị: Trung cấp Quản lý nhà nước: Chuyên viên "
        "Sơ cấp Không yêu cầu / chưa có"
    ) in page
    response = client.get("/can-bo/dao-tao/ke-hoach-2025.xlsx")
    assert response.status_code == 200
    ws = load_workbook(io.BytesIO(response.content)).active
    rows = [tuple(c for c in row) for row in ws.iter_rows(min_row=4, values_only=True)]
    assert rows == [
        (1, "Trung cấp lý luận chính trị – hành chính", "Lý luận chính trị: Trung cấp", "Lê Văn Cán", "10/05/1970", "Chủ tịch UBND phường", "Đảng bộ phường Tân An", "Đang giữ"),
        (2, "Quản lý nhà nước", "Quản lý nhà nước: Chuyên viên", "Lê Văn Cán", "10/05/1970", "Chủ tịch UBND phường", "Đảng bộ phường Tân An", "Đang giữ"),
    ]
    assert AccessLog.objects.filter(action="export", object_type="cadres.training_plan", object_id="2025").exists()


def test_staffing_shows_the_reduction_against_the_target(client, personas, tree):
    staffing_quota_set(by=None, unit=tree["CT.NK"], year=2015, quota=200, actual=195)
    staffing_quota_set(by=None, unit=tree["CT.NK"], year=2021, quota=182, actual=180)
    streamlining_target_set(by=None, unit=tree["CT.NK"], base_year=2015, target_year=2021, reduction_pct=10, source="Nghị quyết 39-NQ/TW")
    page = text(login(client, personas.district_specialist).get("/can-bo/bien-che/?nam=2021"))
    assert "Đảng bộ quận Ninh Kiều 182 180 2 2015: 200 9,00% 10% đến 2021 Chưa đạt Nghị quyết 39-NQ/TW" in page
    assert text(login(client, personas.outsider).get("/can-bo/bien-che/?nam=2021")).count("Ninh Kiều") == 0


def test_the_viewer_cannot_set_a_staffing_quota(client, personas, tree):
    response = login(client, personas.viewer).post("/can-bo/bien-che/?nam=2021", {"action": "quota", "unit": "CT.NK", "year": "2021", "quota": "5", "actual": "5"})
    assert response.status_code == 403
    assert not StaffingQuota.objects.exists()


def test_the_person_page_shows_posts_held_with_the_term_end_and_what_is_due(client, personas, posts, cadre, periods):
    import time_machine

    planning_add(by=None, person=cadre, post=posts["head"], period=periods["2025-2030"], effective_on=dt.date(2025, 11, 3))
    cadre_decide(by=None, person=cadre, subtype="appointment", post=posts["chair"], effective_on=dt.date(2021, 9, 1), confirm={"cadres.planning_required"})
    with time_machine.travel(dt.datetime(2026, 6, 1, 9, 0, tzinfo=dt.UTC), tick=False):
        page = text(login(client, personas.district_specialist).get(f"/nguoi/{cadre.pk}/"))
    assert (
        "Công tác cán bộ Chức danh đang giữ Từ Hết nhiệm kỳ Việc đến hạn Chủ tịch UBND phường Đảng bộ phường Tân An 01/09/2021 01/09/2026 "
        "Hết nhiệm kỳ ngày 01/09/2026: chuẩn bị quy trình bổ nhiệm lại"
    ) in page
    assert "Trong quy hoạch: Trưởng phòng Nội vụ quận (nhiệm kỳ 2025-2030, từ 03/11/2025)" in page
    assert "Ghi quyết định về cán bộ" in page
    assert "Ghi quyết định về cán bộ" not in text(login(client, personas.viewer).get(f"/nguoi/{cadre.pk}/"))


def test_a_selection_of_another_district_is_404_and_the_viewer_cannot_open_one(client, personas, posts):
    from decimal import Decimal

    from tochuc.cadres.models import PlanningPeriod, Selection
    from tochuc.cadres.services import selection_create

    sel = selection_create(by=None, post=posts["deputy"], title="Thi tuyển Phó Trưởng phòng", opened_on=dt.date(2024, 2, 1), rounds=[("Đề án", Decimal("1"))])
    assert login(client, personas.outsider).get(f"/can-bo/thi-tuyen/{sel.pk}/").status_code == 404
    assert client.post(f"/can-bo/thi-tuyen/{sel.pk}/", {"action": "decide", "decided_on": "01/04/2024"}).status_code == 404
    login(client, personas.viewer)
    assert client.get(f"/can-bo/thi-tuyen/{sel.pk}/").status_code == 200
    response = client.post("/can-bo/thi-tuyen/", {"post": posts["deputy"].pk, "opened_on": "01/02/2024", "rounds": "Đề án; 1"})
    assert response.status_code == 403
    assert client.post("/can-bo/quy-hoach/", {"code": "2030-2035"}).status_code == 403
    assert Selection.objects.count() == 1 and not PlanningPeriod.objects.filter(code="2030-2035").exists()


def test_a_specialist_runs_a_selection_through_the_screen(client, personas, posts, make_person, tree):
    a = make_person("Nguyễn Văn An", birth_date=dt.date(1982, 1, 1), registered_unit=tree["CT.NK"])
    login(client, personas.district_specialist)
    response = client.post("/can-bo/thi-tuyen/", {"post": posts["deputy"].pk, "title": "", "opened_on": "01/02/2024", "rounds": "Đề án; 1\nPhỏng vấn; 2"})
    sel_url = response["Location"]
    client.post(sel_url, {"action": "candidate", "person": a.code})
    from tochuc.cadres.models import Selection

    sel = Selection.objects.get()
    cand = sel.candidates.get()
    for rnd, score in zip(sel.rounds.all(), ("70", "82,5"), strict=True):
        client.post(sel_url, {"action": "score", "candidate": cand.pk, "round": rnd.pk, "score": score})
    client.post(sel_url, {"action": "decide", "decided_on": "01/04/2024"})
    page = text(client.get(sel_url))
    assert "Nguyễn Văn An 70,00 82,50 78,33 Đạt" in page
    response = client.post(sel_url, {"action": "appoint", "effective_on": "02/05/2024", "decision_no": "88-QĐ/UBND"})
    assert 'value="cadres.planning_required"' in response.content.decode()
    response = client.post(sel_url, {"action": "appoint", "effective_on": "02/05/2024", "decision_no": "88-QĐ/UBND", "confirm": "cadres.planning_required"})
    assert response.status_code == 302
    assert Event.objects.get(kind="decision").decision_no == "88-QĐ/UBND"


def test_a_specialist_sets_a_quota_written_the_vietnamese_way(client, personas, tree):
    login(client, personas.district_specialist)
    response = client.post("/can-bo/bien-che/?nam=2021", {"action": "quota", "unit": "CT.NK", "year": "2021", "quota": "1.200", "actual": "1.185"})
    assert response.status_code == 302
    assert list(StaffingQuota.objects.values_list("unit__code", "year", "quota", "actual")) == [("CT.NK", 2021, 1200, 1185)]
    client.post("/can-bo/bien-che/?nam=2021", {"action": "target", "unit": "CT.NK", "base_year": "2015", "target_year": "2021", "reduction_pct": "10,5", "source": "NQ 39"})
    from tochuc.cadres.models import StreamliningTarget

    assert StreamliningTarget.objects.get().reduction_pct == Decimal("10.5")


def test_a_specialist_changes_the_quotas_of_a_period_and_the_clerk_cannot(client, personas, periods):
    data = {"action": "settings", "max_candidates_per_post": "2", "max_posts_per_person": "3", "women_min_pct": "30", "young_min_pct": "",
            "young_max_age": "45", "minority_min_pct": "12,5", "source": "Hướng dẫn của Thành ủy"}
    assert login(client, personas.branch_clerk).post("/can-bo/quy-hoach/2020-2025/", data).status_code == 403
    response = login(client, personas.district_specialist).post("/can-bo/quy-hoach/2020-2025/", data)
    assert response.status_code == 302
    period = periods["2020-2025"]
    period.refresh_from_db()
    assert (period.max_candidates_per_post, period.women_min_pct, period.young_min_pct, period.young_max_age, period.minority_min_pct) == (
        2, Decimal("30"), None, 45, Decimal("12.5")
    )
