"""The person page, profile forms and search, as each persona sees them."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine
from django.test import Client

from tochuc.accounts.models import AccessLog
from tochuc.core.tests.helpers import login, text
from tochuc.events.models import Event
from tochuc.events.services import event_check, event_record, event_void
from tochuc.people.models import Person

pytestmark = pytest.mark.django_db

VALID_ID = "092090001234"  # Cần Thơ (092), a man born in 1990


# ---- the person page ----


@time_machine.travel(dt.datetime(2026, 6, 1, 9, 0, tzinfo=dt.UTC), tick=False)
def test_the_person_page_shows_the_derived_state_and_the_timeline(client, personas, member):
    page = text(login(client, personas.city_admin).get(f"/nguoi/{member.pk}/"))
    assert "Trần Quốc Trung Mã hồ sơ P0001 · Chính thức" in page
    assert (
        "Đơn vị Đảng bộ thành phố Cần Thơ › Đảng bộ quận Ninh Kiều › Đảng bộ phường Tân An › Chi bộ khu vực 1"
        in page
    )
    assert "Ngày vào Đảng 04/05/2015 Ngày chính thức 10/05/2016 Tuổi đảng 11 năm" in page
    assert "10/05/2015 Kết nạp đảng viên Chi bộ khu vực 1 ngày 04/05/2015" in page
    assert "10/05/2016 Công nhận đảng viên chính thức Chi bộ khu vực 1" in page


def test_a_voided_event_is_struck_through_with_its_reason(
    client, personas, tree, make_person, record
):
    person = make_person("Lê Thị Hoa", sex="female", registered_unit=tree["CT.NK.01.02"])
    wrong = record(
        person, "admission", dt.date(2019, 3, 2), unit=tree["CT.NK.01.02"], decision_no="12-QĐ/ĐU"
    )
    event_void(event=wrong, reason="Nhập nhầm chi bộ", by=None)
    response = login(client, personas.city_admin).get(f"/nguoi/{person.pk}/")
    html = response.content.decode()
    assert '<tr class="voided">' in html
    assert (
        "02/03/2019 Kết nạp đảng viên Đã hủy: Nhập nhầm chi bộ Chi bộ khu vực 2 Số 12-QĐ/ĐU"
        in text(response)
    )
    assert "Chưa vào Đảng" in text(response)


def test_the_timeline_names_the_decision_behind_each_event(
    client, personas, tree, make_person, record
):
    person = make_person("Nguyễn Văn Bình")
    record(
        person,
        "admission",
        dt.date(2018, 9, 1),
        unit=tree["CT.NK.01.01"],
        decision_no="45-QĐ/ĐU",
        decided_on=dt.date(2018, 8, 28),
        decided_by="Đảng ủy phường Tân An",
    )
    page = text(login(client, personas.city_admin).get(f"/nguoi/{person.pk}/"))
    assert (
        "01/09/2018 Kết nạp đảng viên Chi bộ khu vực 1 Số 45-QĐ/ĐU ngày 28/08/2018 Đảng ủy phường Tân An"
        in page
    )


def test_the_person_page_lists_positions_held(client, personas, tree, member, record):
    appointment = dict(
        person=member,
        kind="decision",
        effective_on=dt.date(2020, 1, 15),
        subtype="appointment",
        position="Bí thư chi bộ",
        unit=tree["CT.NK.01.01"],
    )
    # The cadre rules may ask to confirm warnings (e.g. planning); that is not what is tested here.
    warnings = {f.code for f in event_check(**appointment) if f.level == "warning"}
    event_record(by=None, confirm=warnings, **appointment)
    page = text(login(client, personas.city_admin).get(f"/nguoi/{member.pk}/"))
    assert "Chức vụ Đơn vị Từ Đến Bí thư chi bộ Chi bộ khu vực 1 15/01/2020" in page


def test_a_clerk_sees_the_national_id_masked_and_a_specialist_in_full(
    client, personas, tree, make_person, record
):
    person = make_person("Phạm Minh Tâm", national_id=VALID_ID)
    record(person, "admission", dt.date(2019, 3, 2), unit=tree["CT.NK.01.01"])
    assert "Số CCCD 0**********4" in text(
        login(client, personas.branch_clerk).get(f"/nguoi/{person.pk}/")
    )
    assert (
        VALID_ID
        not in login(Client(), personas.branch_clerk).get(f"/nguoi/{person.pk}/").content.decode()
    )
    assert f"Số CCCD {VALID_ID}" in text(
        login(Client(), personas.district_specialist).get(f"/nguoi/{person.pk}/")
    )


def test_reading_a_person_is_written_to_the_reading_register(client, personas, member):
    login(client, personas.viewer).get(f"/nguoi/{member.pk}/")
    entry = AccessLog.objects.filter(action="view").get()
    assert (entry.user, entry.object_type, entry.object_id, entry.result) == (
        personas.viewer,
        "people.person",
        str(member.pk),
        "ok",
    )


def test_the_outsider_gets_404_for_a_person_of_another_district(client, personas, member):
    login(client, personas.outsider)
    assert client.get(f"/nguoi/{member.pk}/").status_code == 404
    assert client.get(f"/nguoi/{member.pk}/sua/").status_code == 404
    assert client.post(f"/nguoi/{member.pk}/sua/", {"full_name": "X"}).status_code == 404


def test_anonymous_visitors_are_sent_to_the_login_page(client, member):
    for url in (
        f"/nguoi/{member.pk}/",
        f"/nguoi/{member.pk}/sua/",
        "/nguoi/them/",
        "/nguoi/tim/?q=tran",
    ):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/tai-khoan/dang-nhap/?next=")


# ---- creating and editing a profile ----


def profile(**overrides) -> dict[str, str]:
    data = {
        "code": "P9001",
        "unit": "CT.NK.01.01",
        "full_name": "Võ Thị Mai",
        "birth_date": "20/11/1995",
        "sex": "female",
        "national_id": "",
        "ethnicity": "Kinh",
        "religion": "",
        "hometown": "Cần Thơ",
        "education": "12/12",
        "profession": "Giáo viên",
    }
    return data | overrides


def test_a_clerk_creates_a_person_in_a_unit_of_their_scope(client, personas, tree):
    response = login(client, personas.branch_clerk).post("/nguoi/them/", profile())
    person = Person.objects.get(code="P9001")
    assert response.status_code == 302
    assert response["Location"] == f"/nguoi/{person.pk}/"
    assert (person.full_name, person.birth_date, person.sex, person.search_key) == (
        "Võ Thị Mai",
        dt.date(1995, 11, 20),
        "female",
        "vo thi mai",
    )
    assert person.state.unit == tree["CT.NK.01.01"]
    assert person.created_by == personas.branch_clerk


def test_a_clerk_cannot_create_a_person_outside_their_subtree(client, personas, tree):
    response = login(client, personas.branch_clerk).post("/nguoi/them/", profile(unit="CT.NK.02"))
    assert response.status_code == 200
    assert "Không tìm thấy đơn vị 'CT.NK.02' trong phạm vi của bạn" in text(response)
    assert not Person.objects.exists()


def test_an_invalid_national_id_is_refused_next_to_its_field_and_nothing_is_written(
    client, personas, tree
):
    response = login(client, personas.branch_clerk).post(
        "/nguoi/them/", profile(national_id="12ab")
    )
    assert response.context["form"].errors["national_id"] == [
        "Số CCCD phải gồm đúng 12 chữ số (hoặc 9 chữ số với CMND cũ), nhận được '12ab'"
    ]
    assert not Person.objects.exists()


def test_an_old_nine_digit_id_needs_an_explicit_confirmation(client, personas, tree):
    login(client, personas.branch_clerk)
    first = client.post("/nguoi/them/", profile(national_id="361234567"))
    assert "Cần xác nhận các cảnh báo sau trước khi ghi: Số CMND 9 chữ số cũ" in text(first)
    assert 'name="confirm" value="person.national_id.old"' in first.content.decode()
    assert not Person.objects.exists()
    second = client.post(
        "/nguoi/them/", profile(national_id="361234567", confirm="person.national_id.old")
    )
    assert second.status_code == 302
    assert Person.objects.get().national_id == "361234567"


def test_the_viewer_cannot_write(client, personas, member):
    login(client, personas.viewer)
    assert client.get("/nguoi/them/").status_code == 403
    assert client.post("/nguoi/them/", profile()).status_code == 403
    assert client.get(f"/nguoi/{member.pk}/sua/").status_code == 403
    edit = profile(
        full_name="Tên Khác", birth_date="15/03/1990", sex="male", version=member.version
    )
    assert client.post(f"/nguoi/{member.pk}/sua/", edit).status_code == 403
    member.refresh_from_db()
    assert member.full_name == "Trần Quốc Trung"


def test_editing_a_profile_saves_it_and_bumps_the_version(client, personas, member):
    data = profile(
        full_name="Trần Quốc  Trung Hiếu",
        birth_date="1990-03-15",
        sex="male",
        version=member.version,
    )
    response = login(client, personas.district_specialist).post(f"/nguoi/{member.pk}/sua/", data)
    assert response.status_code == 302
    member.refresh_from_db()
    assert (member.full_name, member.search_key, member.version, member.profession) == (
        "Trần Quốc Trung Hiếu",
        "tran quoc trung hieu",
        2,
        "Giáo viên",
    )


def test_a_stale_edit_is_refused_with_a_conflict_message(client, personas, member):
    login(client, personas.district_specialist)
    stale = member.version
    first = profile(
        full_name="Trần Quốc Trung",
        birth_date="15/03/1990",
        sex="male",
        profession="Kỹ sư",
        version=stale,
    )
    assert client.post(f"/nguoi/{member.pk}/sua/", first).status_code == 302
    second = profile(full_name="Trần Q. Trung", birth_date="15/03/1990", sex="male", version=stale)
    response = client.post(f"/nguoi/{member.pk}/sua/", second)
    assert "Hồ sơ đã được người khác sửa trong lúc bạn đang sửa: hãy tải lại và sửa lại" in text(
        response
    )
    member.refresh_from_db()
    assert (member.full_name, member.profession, member.version) == ("Trần Quốc Trung", "Kỹ sư", 2)


def test_a_clerk_edits_without_seeing_the_id_and_an_empty_id_field_keeps_it(
    client, personas, tree, make_person, record
):
    person = make_person("Phạm Minh Tâm", national_id=VALID_ID)
    record(person, "admission", dt.date(2019, 3, 2), unit=tree["CT.NK.01.01"])
    login(client, personas.branch_clerk)
    form_page = client.get(f"/nguoi/{person.pk}/sua/")
    assert VALID_ID not in form_page.content.decode()
    assert "Số CCCD hiện tại: 0**********4" in text(form_page)
    data = profile(
        full_name="Phạm Minh Tâm", birth_date="15/03/1990", sex="male", version=person.version
    )
    assert client.post(f"/nguoi/{person.pk}/sua/", data).status_code == 302
    person.refresh_from_db()
    assert (person.national_id, person.profession) == (VALID_ID, "Giáo viên")


def test_writes_need_the_csrf_token(personas, member):
    client = Client(enforce_csrf_checks=True)
    client.force_login(personas.district_specialist)
    data = profile(full_name="X", birth_date="15/03/1990", sex="male", version=member.version)
    assert client.post(f"/nguoi/{member.pk}/sua/", data).status_code == 403
    assert client.post("/nguoi/them/", profile()).status_code == 403


def test_the_person_page_refuses_post(client, personas, member):
    assert login(client, personas.city_admin).post(f"/nguoi/{member.pk}/").status_code == 405


# ---- search ----


@pytest.fixture
def people_to_find(tree, make_person, record):
    found = {}
    for name, unit, nid in (
        ("Trần Quốc Trung", "CT.NK.01.01", VALID_ID),
        ("Trần Thị Thu", "CT.NK.01.02", ""),
        ("Lê Quốc Trung", "CT.NK.02", ""),
        ("Trần Quốc Trung", "CT.CR.01.01", ""),  # a namesake in the sibling district
    ):
        person = make_person(name, national_id=nid, sex="female" if "Thị" in name else "male")
        record(person, "admission", dt.date(2019, 3, 2), unit=tree[unit])
        found[(name, unit)] = person
    return found


def result_names(response) -> list[str]:
    return re.findall(r'<td><a href="/nguoi/\d+/">([^<]+)</a></td>', response.content.decode())


def test_search_without_diacritics_finds_the_name_with_them(client, personas, people_to_find):
    response = login(client, personas.district_specialist).get(
        "/nguoi/tim/", {"q": "tran quoc trung"}
    )
    assert result_names(response) == ["Trần Quốc Trung"]
    assert "Tìm thấy 1 người." in text(response)
    assert (
        "Trần Quốc Trung P0001 15/03/1990 0**********4 Dự bị Chi bộ khu vực 1 · Đảng bộ phường Tân An"
        in text(response)
    )


def test_search_with_diacritics_and_by_the_start_of_words(client, personas, people_to_find):
    login(client, personas.district_specialist)
    assert result_names(client.get("/nguoi/tim/", {"q": "Trần"})) == [
        "Trần Quốc Trung",
        "Trần Thị Thu",
    ]
    assert result_names(client.get("/nguoi/tim/", {"q": "quoc tr"})) == [
        "Lê Quốc Trung",
        "Trần Quốc Trung",
    ]
    assert result_names(client.get("/nguoi/tim/", {"q": "ran"})) == []


def test_search_by_national_id_is_exact(client, personas, people_to_find):
    login(client, personas.district_specialist)
    assert result_names(client.get("/nguoi/tim/", {"q": VALID_ID})) == ["Trần Quốc Trung"]
    assert result_names(client.get("/nguoi/tim/", {"q": VALID_ID[:-1] + "5"})) == []


def test_search_only_finds_people_in_scope(client, personas, people_to_find):
    response = login(client, personas.outsider).get("/nguoi/tim/", {"q": "tran quoc trung"})
    assert result_names(response) == ["Trần Quốc Trung"]
    assert (
        f'href="/nguoi/{people_to_find[("Trần Quốc Trung", "CT.CR.01.01")].pk}/"'
        in response.content.decode()
    )
    assert result_names(client.get("/nguoi/tim/", {"q": VALID_ID})) == []


def test_search_is_paged(client, personas, tree, make_person, record):
    for i in range(55):
        person = make_person(f"Nguyễn Văn An {i:02d}")
        record(person, "admission", dt.date(2019, 3, 2), unit=tree["CT.NK.01.01"])
    login(client, personas.city_admin)
    first = client.get("/nguoi/tim/", {"q": "nguyen van an"})
    assert len(result_names(first)) == 50
    assert "Tìm thấy 55 người, trang 1/2." in text(first)
    second = client.get("/nguoi/tim/", {"q": "nguyen van an", "trang": 2})
    assert result_names(second) == [f"Nguyễn Văn An {i:02d}" for i in range(50, 55)]


def test_a_very_common_name_ranks_the_first_matches_found_and_says_so(client, personas, tree, make_person, record, monkeypatch):
    from tochuc.people import selectors

    monkeypatch.setattr(selectors, "SEARCH_CAP", 3)
    for i in range(5):
        person = make_person(f"Nguyễn Văn An {i:02d}")
        record(person, "admission", dt.date(2019, 3, 2), unit=tree["CT.NK.01.01"])
    login(client, personas.city_admin)
    response = client.get("/nguoi/tim/", {"q": "nguyen van an"})
    assert result_names(response) == ["Nguyễn Văn An 00", "Nguyễn Văn An 01", "Nguyễn Văn An 02"]
    assert (
        "Tìm thấy hơn 3 người. Danh sách chỉ xếp 3 người đầu tiên tìm được: hãy gõ thêm tên đệm hoặc tên để thu hẹp."
        in text(response)
    )
    assert AccessLog.objects.get(action="search").detail == {"q": "nguyen van an", "found": 3}
    # below the cap nothing is said
    assert "hơn" not in text(client.get("/nguoi/tim/", {"q": "nguyen van an 04"}))


def test_a_search_by_national_id_is_logged_masked(client, personas, people_to_find):
    login(client, personas.district_specialist).get("/nguoi/tim/", {"q": VALID_ID})
    entry = AccessLog.objects.get(action="search")
    assert entry.detail == {"q": "0**********4", "found": 1}


def test_search_is_no_event_writer(client, personas, people_to_find):
    before = Event.objects.count()
    login(client, personas.city_admin).get("/nguoi/tim/", {"q": "' OR 1=1 --"})
    assert Event.objects.count() == before


def test_a_clerk_searching_by_national_id_does_not_see_it_echoed_in_full(
    client, personas, people_to_find
):
    response = login(client, personas.branch_clerk).get("/nguoi/tim/", {"q": VALID_ID[:-1] + "5"})
    assert VALID_ID[:-1] + "5" not in response.content.decode()
    assert "Không tìm thấy ai khớp với “0**********5” trong phạm vi của bạn." in text(response)
