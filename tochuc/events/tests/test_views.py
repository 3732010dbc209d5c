"""The lifecycle screens as each persona sees them: recording with findings and confirmations,
a new person's admission, voiding, the branch's annual rating and what falls due."""

from __future__ import annotations

import datetime as dt
import io
import zoneinfo

import pytest
import time_machine
from openpyxl import load_workbook

from tochuc.core.models import AuditEntry
from tochuc.core.tests.helpers import fast_passwords, login, text  # noqa: F401
from tochuc.events.models import Event, EventVoid, PersonState
from tochuc.people.models import Person

NOW = dt.datetime(2026, 6, 1, 9, 0, tzinfo=zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh"))


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def applicant(tree, make_person):
    return make_person("Lê Văn Tám", birth_date=dt.date(2008, 6, 2), registered_unit=tree["CT.NK.01.01"])


def form_url(person, key):
    return f"/su-kien/nguoi/{person.pk}/ghi/{key}/"


# ---- access ----


def test_the_outsider_gets_404_for_every_screen_of_a_person_or_unit_out_of_scope(client, personas, member):
    login(client, personas.outsider)
    assert client.get(form_url(member, "award")).status_code == 404
    assert client.post(form_url(member, "award"), {"subtype": "badge_30", "effective_on": "01/06/2026"}).status_code == 404
    assert client.get(f"/su-kien/nguoi/{member.pk}/").status_code == 404
    assert client.get("/su-kien/don-vi/CT.NK.01.01/ket-nap/").status_code == 404
    event = member.events.first()
    assert client.post(f"/su-kien/{event.pk}/huy/", {"reason": "x"}).status_code == 404
    assert client.get("/su-kien/don-vi/CT.NK.01.01/danh-gia/2025/").status_code == 404


def test_the_viewer_cannot_write(client, personas, member):
    login(client, personas.viewer)
    assert client.get(form_url(member, "evaluation")).status_code == 403
    assert client.post(form_url(member, "evaluation"), {"subtype": "good", "year": "2025", "effective_on": "20/12/2025"}).status_code == 403
    assert client.post("/su-kien/don-vi/CT.NK.01.01/ket-nap/", {}).status_code == 403
    assert client.post("/su-kien/don-vi/CT.NK.01.01/danh-gia/2025/", {}).status_code == 403
    assert Event.objects.filter(person=member, kind="evaluation").count() == 0


def test_a_clerk_cannot_void_but_a_specialist_can_with_a_reason(client, personas, member):
    event = member.events.get(kind="recognition")
    login(client, personas.branch_clerk)
    assert client.post(f"/su-kien/{event.pk}/huy/", {"reason": "nhập nhầm"}).status_code == 403
    login(client, personas.district_specialist)
    page = text(client.post(f"/su-kien/{event.pk}/huy/", {"reason": ""}))
    assert "This field is required." in page or "Trường này là bắt buộc." in page
    response = client.post(f"/su-kien/{event.pk}/huy/", {"reason": "nhập nhầm ngày"})
    assert response.status_code == 302
    assert EventVoid.objects.get(event=event).reason == "nhập nhầm ngày"
    assert PersonState.objects.get(person=member).status == "probationary"


# ---- recording ----


def test_the_form_shows_only_the_fields_the_kind_needs(client, personas, member):
    page = login(client, personas.branch_clerk).get(form_url(member, "evaluation")).content.decode()
    for name in ("subtype", "year", "effective_on", "note"):
        assert f'name="{name}"' in page
    for name in ("to_unit", "end_on", "position", "voted_on", "decision_no"):
        assert f'name="{name}"' not in page


def test_a_refused_admission_shows_the_error_next_to_the_date_with_the_regulation(client, personas, applicant):
    login(client, personas.branch_clerk)
    response = client.post(form_url(applicant, "admission"), {"effective_on": "01/06/2026", "unit": "CT.NK.01.01"})
    assert response.status_code == 200
    assert Event.objects.filter(person=applicant).count() == 0
    html = response.content.decode()
    field = html[html.index('for="id_effective_on"'):html.index('for="id_unit"')]
    assert "Người vào Đảng phải đủ 18 tuổi (tính theo tháng) tại thời điểm chi bộ xét kết nạp: ngày sinh 02/06/2008, ngày xét 01/06/2026, mới 17 tuổi 11 tháng (Quy định 24-QĐ/TW (30/7/2021), điểm 1.1.1)" in field.replace("&#x27;", "'")
    response = client.post(form_url(applicant, "admission"), {"effective_on": "02/06/2026", "unit": "CT.NK.01.01"})
    assert response.status_code == 200  # 02/06/2026 is tomorrow: refused as a future date
    assert "Ngày hiệu lực 02/06/2026 ở tương lai" in text(response)


def test_a_warning_must_be_confirmed_and_the_confirmation_is_stored(client, personas, tree, make_person):
    old = make_person("Phan Văn Lão", birth_date=dt.date(1960, 1, 1), registered_unit=tree["CT.NK.01.01"])
    login(client, personas.branch_clerk)
    data = {"effective_on": "01/06/2026", "unit": "CT.NK.01.01", "decision_no": "12-QĐ/ĐU"}
    page = client.post(form_url(old, "admission"), data).content.decode()
    assert 'name="confirm" value="admission.age_over_60"' in page
    assert not Event.objects.filter(person=old).exists()
    response = client.post(form_url(old, "admission"), {**data, "confirm": "admission.age_over_60"})
    assert response.status_code == 302 and response["Location"] == f"/nguoi/{old.pk}/"
    event = Event.objects.get(person=old)
    assert (event.kind, event.unit.code, event.decision_no, event.confirmed, event.recorded_by) == (
        "admission", "CT.NK.01.01", "12-QĐ/ĐU", ["admission.age_over_60"], personas.branch_clerk,
    )


def test_recording_a_recognition_from_the_due_list_link(client, personas, tree, make_person, record):
    p = make_person("Ngô Thị Mai", birth_date=dt.date(1995, 1, 1), sex="female")
    record(p, "admission", dt.date(2025, 5, 10), unit=tree["CT.NK.01.01"])
    login(client, personas.branch_clerk)
    page = client.get(form_url(p, "recognition") + "?effective_on=10/05/2026").content.decode()
    assert 'value="10/05/2026"' in page
    response = client.post(form_url(p, "recognition"), {"effective_on": "10/05/2026", "voted_on": "20/05/2026"})
    assert response.status_code == 302
    event = Event.objects.get(person=p, kind="recognition")
    assert (event.effective_on, event.details) == (dt.date(2026, 5, 10), {"voted_on": "2026-05-20"})


def test_a_second_clerk_with_a_stale_form_gets_a_clear_error(client, personas, applicant, record, tree):
    """Two clerks open the admission form of the same person; the first one records it. The
    service judges the second under the person's lock and refuses it by name."""
    applicant_ok = Person.objects.get(pk=applicant.pk)
    applicant_ok.birth_date = dt.date(2000, 1, 1)
    applicant_ok.save()
    record(applicant_ok, "admission", dt.date(2026, 5, 20), unit=tree["CT.NK.01.01"], by=personas.district_specialist)
    login(client, personas.branch_clerk)
    response = client.post(form_url(applicant_ok, "admission"), {"effective_on": "21/05/2026", "unit": "CT.NK.01.01"})
    assert "Lê Văn Tám đang là đảng viên dự bị từ 20/05/2026: không thể kết nạp lần nữa" in text(response)
    assert Event.objects.filter(person=applicant_ok, kind="admission").count() == 1


# ---- a new person from the branch ----


NEW_PERSON = {
    "p-code": "KN-001", "p-full_name": "Đỗ Thị Hằng", "p-birth_date": "15/08/2008", "p-sex": "female",
    "p-education": "12/12", "effective_on": "01/06/2026", "unit": "CT.NK.01.01",
}


def test_admitting_a_new_person_refused_for_age_writes_nothing(client, personas):
    login(client, personas.branch_clerk)
    response = client.post("/su-kien/don-vi/CT.NK.01.01/ket-nap/", NEW_PERSON)
    assert response.status_code == 200
    assert "mới 17 tuổi 9 tháng" in text(response)
    assert not Person.objects.filter(code="KN-001").exists()


def test_admitting_a_new_person_creates_the_person_and_the_admission_together(client, personas):
    login(client, personas.branch_clerk)
    response = client.post("/su-kien/don-vi/CT.NK.01.01/ket-nap/", {**NEW_PERSON, "p-birth_date": "15/08/2007"})
    person = Person.objects.get(code="KN-001")
    assert response["Location"] == f"/nguoi/{person.pk}/"
    state = PersonState.objects.get(person=person)
    assert (state.status, state.unit.code, state.first_admitted_on) == ("probationary", "CT.NK.01.01", dt.date(2026, 6, 1))
    assert AuditEntry.objects.filter(action="person.create", object_id=str(person.pk)).count() == 1


# ---- the person page ----


def test_the_person_page_shows_the_derived_facts_and_the_record_links(client, personas, member, record):
    record(member, "discipline", dt.date(2025, 12, 1), subtype="warning")
    page = text(login(client, personas.branch_clerk).get(f"/nguoi/{member.pk}/"))
    assert "Tuổi đảng 11 năm 0 tháng" in page
    assert "Huy hiệu Đảng Mốc tới: 30 năm ; đủ ngày 04/05/2045, xét tặng dịp 19/05/2045" in page
    assert "Kỷ luật Cảnh cáo ngày 01/12/2025, hết hiệu lực 01/12/2026; chưa xét Huy hiệu trước 01/09/2026" in page
    assert "Ghi sự kiện: Chuyển sinh hoạt đảng chính thức" in page
    viewer_page = text(login(client, personas.viewer).get(f"/nguoi/{member.pk}/"))
    assert "Ghi sự kiện:" not in viewer_page


# ---- the branch's annual rating ----


@pytest.fixture
def branch(tree, make_person, record):
    people = []
    for i, name in enumerate(["Anh", "Bảo", "Chi", "Duy"]):
        p = make_person(name, birth_date=dt.date(1980, 1, 1 + i))
        record(p, "admission", dt.date(2010, 3, 1), unit=tree["CT.NK.01.01"])
        record(p, "recognition", dt.date(2011, 3, 1))
        people.append(p)
    record(people[3], "exemption", dt.date(2025, 3, 1))
    return people


def test_the_branch_rating_screen_lists_members_and_leaves_the_exempt_unrated(client, personas, branch):
    page = text(login(client, personas.branch_clerk).get("/su-kien/don-vi/CT.NK.01.01/danh-gia/2025/"))
    assert "Duy P0004 Miễn sinh hoạt Miễn sinh hoạt: không xếp loại" in page
    assert "Anh P0001 Chính thức — chưa xếp loại —" in page


def test_the_branch_rating_is_all_or_nothing_and_checks_the_cap(client, personas, branch, record):
    anh, bao, chi, _ = branch
    record(chi, "evaluation", dt.date(2025, 12, 10), subtype="good", year=2025)
    login(client, personas.branch_clerk)
    url = "/su-kien/don-vi/CT.NK.01.01/danh-gia/2025/"
    data = {"effective_on": "20/12/2025", f"rating-{anh.pk}": "excellent", f"rating-{bao.pk}": "good"}
    page = client.post(url, data).content.decode()
    assert 'name="confirm" value="evaluation.excellent_cap"' in page
    assert Event.objects.filter(kind="evaluation").count() == 1
    response = client.post(url, {**data, "confirm": "evaluation.excellent_cap"})
    assert response.status_code == 302
    rows = sorted(Event.objects.filter(kind="evaluation").values_list("person__full_name", "subtype", "year", "confirmed"))
    assert rows == [("Anh", "excellent", 2025, ["evaluation.excellent_cap"]), ("Bảo", "good", 2025, []), ("Chi", "good", 2025, [])]


# ---- what falls due ----


def test_the_due_page_and_its_xlsx_export_with_formulas_neutralised(client, personas, tree, make_person, record):
    p = make_person("=HYPERLINK(\"http://x\",\"y\")", birth_date=dt.date(1995, 1, 1))
    record(p, "admission", dt.date(2025, 6, 10), unit=tree["CT.NK.01.01"])
    login(client, personas.branch_clerk)
    page = client.get("/su-kien/viec-can-lam/").content.decode()
    assert f'href="/su-kien/nguoi/{p.pk}/ghi/recognition/?effective_on=10%2F06%2F2026"' in page
    response = client.get("/su-kien/viec-can-lam/?xuat=xlsx")
    ws = load_workbook(io.BytesIO(response.content)).active
    assert [c.value for c in ws[2]] == ["Loại việc", "Mã hồ sơ", "Họ và tên", "Đơn vị", "Ngày", "Hạn", "Nội dung", "Quá hạn"]
    name_cell = ws.cell(row=3, column=3)
    assert (name_cell.data_type, name_cell.value) == ("s", "'=HYPERLINK(\"http://x\",\"y\")")
    assert login(client, personas.outsider).get("/su-kien/viec-can-lam/").content.decode().count("/ghi/") == 0


def test_the_due_page_is_computed_once_until_something_is_recorded(client, personas, tree, make_person, record, monkeypatch):
    from tochuc.events import views

    computed = []
    real = views.due_for_scope

    def counting(**kwargs):
        computed.append(kwargs["on"])
        return real(**kwargs)

    monkeypatch.setattr(views, "due_for_scope", counting)
    p = make_person("Ngô Thị Mai", birth_date=dt.date(1995, 1, 1), sex="female")
    record(p, "admission", dt.date(2025, 5, 10), unit=tree["CT.NK.01.01"])
    login(client, personas.branch_clerk)
    link = f'href="/su-kien/nguoi/{p.pk}/ghi/recognition/'
    assert link in client.get("/su-kien/viec-can-lam/").content.decode()
    assert link in client.get("/su-kien/viec-can-lam/").content.decode()
    assert len(computed) == 1
    record(p, "recognition", dt.date(2026, 5, 10), details={"voted_on": "2026-05-20"})
    assert link not in client.get("/su-kien/viec-can-lam/").content.decode()
    assert len(computed) == 2


def test_a_pending_transfer_is_confirmed_from_the_due_page(client, personas, member, record):
    event = record(member, "transfer", dt.date(2026, 5, 4), subtype="official", unit=member.state.unit, details={"pending": True, "outside_org": "Đảng bộ tỉnh Hậu Giang"})
    login(client, personas.branch_clerk)
    assert "Chuyển sinh hoạt chính thức đến Đảng bộ tỉnh Hậu Giang ngày 04/05/2026" in text(client.get("/su-kien/viec-can-lam/"))
    response = client.post(f"/su-kien/{event.pk}/da-nhan/", {"received_on": "20/05/2026"})
    assert response.status_code == 302
    assert event.receipt.received_on == dt.date(2026, 5, 20)
    assert "Đảng bộ tỉnh Hậu Giang" not in text(client.get("/su-kien/viec-can-lam/"))


def test_an_open_exemption_is_given_its_end_and_the_member_returns_to_full(client, personas, member, record):
    record(member, "exemption", dt.date(2025, 3, 1), decision_no="5-NQ/CB")
    login(client, personas.branch_clerk)
    assert "Kết thúc miễn công tác và sinh hoạt đảng" in text(client.get(f"/nguoi/{member.pk}/"))
    response = client.post(f"/su-kien/nguoi/{member.pk}/ghi/ket-thuc-mien/", {"received_on": "01/03/2026"})
    assert response.status_code == 302
    live = Event.objects.filter(person=member, kind="exemption", void__isnull=True).get()
    assert (live.effective_on, live.end_on, live.decision_no) == (dt.date(2025, 3, 1), dt.date(2026, 3, 1), "5-NQ/CB")
    assert live.details["replaces"] == Event.objects.get(person=member, kind="exemption", void__isnull=False).pk
    assert PersonState.objects.get(person=member).status == "full"
    page = text(client.post(f"/su-kien/nguoi/{member.pk}/ghi/ket-thuc-mien/", {"received_on": "01/04/2026"}))
    assert "Trần Quốc Trung không có quyết định miễn công tác và sinh hoạt đảng nào đang để ngỏ ngày kết thúc" in page


def test_the_event_list_offers_voiding_to_specialists_only(client, personas, member):
    page = login(client, personas.district_specialist).get(f"/su-kien/nguoi/{member.pk}/").content.decode()
    recognition = member.events.get(kind="recognition")
    assert f'href="/su-kien/{recognition.pk}/huy/"' in page
    page = login(client, personas.viewer).get(f"/su-kien/nguoi/{member.pk}/").content.decode()
    assert "/huy/" not in page and "Công nhận đảng viên chính thức" in page


def test_a_scope_too_large_for_one_due_list_asks_for_a_unit_below(client, personas, tree, make_person, record, settings):
    settings.TOCHUC_JOB_UNITS = 3
    p = make_person("Ngô Thị Mai", birth_date=dt.date(1995, 1, 1), sex="female")
    record(p, "admission", dt.date(2025, 6, 10), unit=tree["CT.NK.01.01"])
    login(client, personas.city_admin)
    page = text(client.get("/su-kien/viec-can-lam/"))
    assert "Phạm vi này quá lớn để lập một danh sách việc cần làm chung. Hãy chọn một đơn vị trực thuộc:" in page
    chooser = client.get("/su-kien/viec-can-lam/").content.decode()
    assert "?don_vi=CT.NK&amp;" in chooser and "?don_vi=CT.CR&amp;" in chooser
    assert "Ngô Thị Mai" not in page
    # a district of 4 units is still too large here; its branch is not
    assert "?don_vi=CT.NK.01&amp;" in client.get("/su-kien/viec-can-lam/?don_vi=CT.NK").content.decode()
    branch = client.get("/su-kien/viec-can-lam/?don_vi=CT.NK.01.01")
    assert "Chi bộ" in text(branch) and "Ngô Thị Mai" in text(branch)
    assert 'name="don_vi" value="CT.NK.01.01"' in branch.content.decode()
    assert login(client, personas.district_specialist).get("/su-kien/viec-can-lam/?don_vi=CT.CR").status_code == 404
