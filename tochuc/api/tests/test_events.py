"""`POST /api/v1/events/` and `/void/`: the web form's path (form, event_check, event_record);
refusals are 422 with the findings and write nothing; roles and scope as on the web."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from tochuc.accounts.models import AccessLog
from tochuc.api.auth import MSG_CSRF, MSG_ROLE
from tochuc.events.models import Event, EventVoid
from tochuc.rules.admission import MSG_AGE_UNDER, SOURCE_AGE_2016

pytestmark = pytest.mark.django_db


@pytest.fixture
def candidate(tree, make_person):
    """A man born 15/03/1990, on the books of branch CT.NK.01.01, not yet a member."""
    return make_person("Nguyễn Văn An", registered_unit=tree["CT.NK.01.01"], education="12/12")


def _post(client, url, body):
    return client.post(url, body, content_type="application/json")


ADMISSION = {"form": "admission", "effective_on": "2016-05-10", "unit": "CT.NK.01.01", "decision_no": "15-QĐ/ĐU", "decided_on": "2016-05-04"}


def test_a_clerk_records_an_admission(personas, candidate, api):
    response = _post(api(personas.branch_clerk), "/api/v1/events/", {"person_id": candidate.pk, **ADMISSION})
    assert response.status_code == 201
    event = Event.objects.get(person=candidate)
    assert (event.kind, event.effective_on, event.unit.code, event.decision_no, event.source, event.recorded_by) == (
        "admission", dt.date(2016, 5, 10), "CT.NK.01.01", "15-QĐ/ĐU", "api", personas.branch_clerk,
    )
    body = response.json()
    assert body["findings"] == []
    assert body["event"]["id"] == event.pk
    assert body["event"]["unit"] == {"code": "CT.NK.01.01", "name": "Chi bộ khu vực 1"}
    assert (body["event"]["kind_label"], body["event"]["decided_on"]) == ("Kết nạp đảng viên", "2016-05-04")
    candidate.state.refresh_from_db()
    assert (candidate.state.status, candidate.state.unit.code) == ("probationary", "CT.NK.01.01")


def test_an_admission_under_18_is_refused_naming_the_field_and_writes_nothing(personas, tree, make_person, api):
    young = make_person("Lê Thị Bé", birth_date=dt.date(2000, 1, 1), sex="female", registered_unit=tree["CT.NK.01.01"])
    response = _post(api(personas.branch_clerk), "/api/v1/events/", {"person_id": young.pk, **ADMISSION})
    assert response.status_code == 422
    message = MSG_AGE_UNDER.format(birth="01/01/2000", on="10/05/2016", years=16, months=4, source=SOURCE_AGE_2016)
    assert response.json() == {
        "error": "Không ghi được: quy định không cho phép",
        "findings": [
            {"code": "admission.age", "level": "error", "field": "effective_on", "message": message, "source": SOURCE_AGE_2016}
        ],
    }
    assert Event.objects.filter(person=young).count() == 0


def test_a_warning_needs_confirm_true(personas, member, api):
    body = {"person_id": member.pk, "form": "evaluation", "subtype": "excellent", "year": 2020, "effective_on": "2020-12-20"}
    client = api(personas.branch_clerk)
    refused = _post(client, "/api/v1/events/", body)
    assert refused.status_code == 422
    assert refused.json()["error"] == 'Cần xác nhận cảnh báo: gửi lại với "confirm": true'
    assert [(f["code"], f["level"], f["field"]) for f in refused.json()["findings"]] == [
        ("evaluation.excellent_cap", "warning", "subtype")
    ]
    assert Event.objects.filter(kind="evaluation").count() == 0
    accepted = _post(client, "/api/v1/events/", {**body, "confirm": True})
    assert accepted.status_code == 201
    event = Event.objects.get(kind="evaluation")
    assert (event.subtype, event.year, event.unit.code, event.confirmed) == (
        "excellent", 2020, "CT.NK.01.01", ["evaluation.excellent_cap"]
    )


def test_a_unit_outside_the_scope_is_refused_like_the_form_does(personas, candidate, api):
    response = _post(api(personas.branch_clerk), "/api/v1/events/", {"person_id": candidate.pk, **ADMISSION, "unit": "CT.NK.02"})
    assert response.status_code == 422
    assert response.json() == {
        "error": "Dữ liệu gửi lên không hợp lệ",
        "fields": [{"field": "unit", "message": "unit: Không tìm thấy đơn vị 'CT.NK.02' trong phạm vi của bạn"}],
    }
    assert Event.objects.filter(person=candidate).count() == 0


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"effective_on": "10/05/2016"}, "effective_on", "effective_on: phải là ngày dạng YYYY-MM-DD"),
        ({"form": "nhap-bua"}, "form", "form: không thuộc các giá trị cho phép"),
        ({"person_id": "abc"}, "person_id", "person_id: phải là số nguyên"),
        ({"person_id": "12"}, "person_id", "person_id: phải là số nguyên"),
        ({"year": 2020.5}, "year", "year: phải là số nguyên"),
        ({"confirm": "true"}, "confirm", "confirm: phải là true hoặc false"),
        ({"is_admin": True}, "is_admin", "is_admin: không có trường này"),
        ({"year": 1800}, "year", "year: nhỏ hơn giá trị cho phép"),
        ({"note": "a\x00b"}, "note", "note: không được chứa ký tự NUL"),
    ],
)
def test_malformed_input_is_422_naming_the_field(personas, candidate, api, change, field, message):
    response = _post(api(personas.branch_clerk), "/api/v1/events/", {"person_id": candidate.pk, **ADMISSION, **change})
    assert response.status_code == 422
    assert response.json() == {"error": "Dữ liệu gửi lên không hợp lệ", "fields": [{"field": field, "message": message}]}
    assert Event.objects.filter(person=candidate).count() == 0


def test_a_body_that_is_not_json_is_400(personas, api):
    response = api(personas.branch_clerk).post("/api/v1/events/", "{không phải json", content_type="application/json")
    assert response.status_code == 400
    assert response.json() == {"error": "Nội dung yêu cầu không phải JSON hợp lệ"}


def test_the_viewer_cannot_write(personas, candidate, api):
    response = _post(api(personas.viewer), "/api/v1/events/", {"person_id": candidate.pk, **ADMISSION})
    assert response.status_code == 403
    assert response.json() == {"error": MSG_ROLE["record"]}
    assert Event.objects.filter(person=candidate).count() == 0


def test_the_outsider_gets_404_for_a_person_of_the_sibling_district(personas, candidate, api):
    response = _post(api(personas.outsider), "/api/v1/events/", {"person_id": candidate.pk, **ADMISSION})
    assert response.status_code == 404
    assert response.json() == {"error": "Không tìm thấy người"}
    assert Event.objects.filter(person=candidate).count() == 0


def test_anonymous_gets_401(personas, candidate):
    response = _post(Client(), "/api/v1/events/", {"person_id": candidate.pk, **ADMISSION})
    assert response.status_code == 401


def test_a_browser_session_must_send_the_csrf_token(personas, candidate):
    client = Client(enforce_csrf_checks=True)
    client.force_login(personas.branch_clerk)
    refused = _post(client, "/api/v1/events/", {"person_id": candidate.pk, **ADMISSION})
    assert refused.status_code == 403
    assert refused.json() == {"error": MSG_CSRF}
    assert Event.objects.filter(person=candidate).count() == 0
    client.get("/")  # the site sets its CSRF cookie
    token = client.cookies["csrftoken"].value
    accepted = client.post("/api/v1/events/", {"person_id": candidate.pk, **ADMISSION}, content_type="application/json", HTTP_X_CSRFTOKEN=token)
    assert accepted.status_code == 201


def test_a_specialist_voids_an_event_and_the_person_is_no_longer_a_member(personas, candidate, api, record):
    event = record(candidate, "admission", dt.date(2016, 5, 10), unit=candidate.registered_unit)
    response = _post(api(personas.district_specialist), f"/api/v1/events/{event.pk}/void/", {"reason": "Quyết định bị thu hồi"})
    assert response.status_code == 200
    assert (response.json()["id"], response.json()["voided"], response.json()["void_reason"]) == (event.pk, True, "Quyết định bị thu hồi")
    void = EventVoid.objects.get(event=event)
    assert (void.reason, void.voided_by) == ("Quyết định bị thu hồi", personas.district_specialist)
    candidate.state.refresh_from_db()
    assert candidate.state.status == ""


def test_voiding_twice_or_without_a_reason_is_refused(personas, member, api):
    event = Event.objects.get(person=member, kind="recognition")
    client = api(personas.district_specialist)
    empty = _post(client, f"/api/v1/events/{event.pk}/void/", {"reason": "   "})
    assert empty.status_code == 422
    assert empty.json()["findings"][0]["field"] == "reason"
    assert EventVoid.objects.count() == 0
    assert _post(client, f"/api/v1/events/{event.pk}/void/", {"reason": "Nhầm"}).status_code == 200
    again = _post(client, f"/api/v1/events/{event.pk}/void/", {"reason": "Nhầm"})
    assert again.status_code == 422
    assert again.json()["findings"][0]["message"] == f"Sự kiện #{event.pk} đã bị hủy trước đó"
    assert EventVoid.objects.count() == 1


def test_a_clerk_cannot_void_and_the_outsider_gets_404(personas, member, api):
    event = Event.objects.get(person=member, kind="recognition")
    clerk = _post(api(personas.branch_clerk), f"/api/v1/events/{event.pk}/void/", {"reason": "x"})
    assert clerk.status_code == 403
    assert clerk.json() == {"error": MSG_ROLE["void"]}
    outsider = _post(api(personas.outsider), f"/api/v1/events/{event.pk}/void/", {"reason": "x"})
    assert outsider.status_code == 404
    assert outsider.json() == {"error": f"Không tìm thấy sự kiện #{event.pk}"}
    assert EventVoid.objects.count() == 0
    assert AccessLog.objects.filter(user=personas.outsider, result="denied").count() == 1


def test_a_clerk_grant_elsewhere_does_not_let_a_viewer_write_here(personas, tree, make_person, api):
    """The early check only asks whether some grant allows writing; the person's own unit decides."""
    from tochuc.accounts.models import Grant

    Grant.objects.create(user=personas.viewer, unit=tree["CT.NK.01"], role="clerk")  # viewer of CT.NK, clerk of CT.NK.01
    teacher = make_person("Võ Thị Giáo", sex="female", registered_unit=tree["CT.NK.02"])
    client = api(personas.viewer)
    body = {"person_id": teacher.pk, **ADMISSION, "unit": "CT.NK.02"}
    response = _post(client, "/api/v1/events/", body)
    assert response.status_code == 403
    assert response.json() == {"error": "Vai trò của bạn không được làm việc này"}
    assert Event.objects.filter(person=teacher).count() == 0
