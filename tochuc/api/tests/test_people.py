"""`/api/v1/people/`: search (masked CCCD), one record (full CCCD for specialists only), the
person's events; each read goes to the reading register as on the web (SECURITY.md E3, E7)."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.test import Client

from tochuc.accounts.models import AccessLog

pytestmark = pytest.mark.django_db
NATIONAL_ID = "092090001234"


@pytest.fixture
def trung(member):
    member.national_id = NATIONAL_ID
    member.save(update_fields=["national_id"])
    return member


def test_search_finds_by_name_without_diacritics_and_masks_the_id(personas, trung, api):
    response = api(personas.district_specialist).get("/api/v1/people/", {"q": "tran trung"})
    assert response.status_code == 200
    assert response.json() == {
        "count": 1,
        "capped": False,
        "page": 1,
        "pages": 1,
        "per_page": 50,
        "items": [
            {
                "id": trung.pk,
                "code": "P0001",
                "full_name": "Trần Quốc Trung",
                "birth_date": "1990-03-15",
                "sex": "male",
                "national_id": "0**********4",
                "status": "full",
                "status_label": "Chính thức",
                "unit": {"code": "CT.NK.01.01", "name": "Chi bộ khu vực 1"},
            }
        ],
    }
    log = AccessLog.objects.get(action="search")
    assert (log.user, log.detail) == (personas.district_specialist, {"q": "tran trung", "found": 1, "channel": "api"})


def test_search_by_id_number_keeps_the_number_masked_in_the_register(personas, trung, api):
    assert api(personas.viewer).get("/api/v1/people/", {"q": NATIONAL_ID}).json()["count"] == 1
    assert AccessLog.objects.get(action="search").detail["q"] == "0**********4"


def test_search_pages(personas, tree, make_person, api):
    for n in range(3):
        make_person(f"Lê Văn Minh {n}", registered_unit=tree["CT.NK.02"])
    body = api(personas.viewer).get("/api/v1/people/", {"q": "minh", "per_page": 2, "page": 2}).json()
    assert (body["count"], body["page"], body["pages"], body["per_page"]) == (3, 2, 2, 2)
    assert [p["full_name"] for p in body["items"]] == ["Lê Văn Minh 2"]
    assert body["items"][0]["status_label"] == "Chưa vào Đảng"


def test_the_outsider_finds_nobody_of_the_sibling_district(personas, trung, api):
    body = api(personas.outsider).get("/api/v1/people/", {"q": "tran"}).json()
    assert (body["count"], body["items"]) == (0, [])


def test_a_query_with_a_nul_character_is_422_not_a_database_error(personas, api):
    response = api(personas.viewer).get("/api/v1/people/", {"q": "tr\x00an"})
    assert response.status_code == 422
    assert response.json()["fields"] == [{"field": "q", "message": "q: không được chứa ký tự NUL"}]
    assert api(personas.viewer).get("/api/v1/units/CT%00/").status_code == 422


def test_an_empty_query_is_422(personas, api):
    response = api(personas.viewer).get("/api/v1/people/", {"q": ""})
    assert response.status_code == 422
    assert response.json()["fields"] == [{"field": "q", "message": "q: quá ngắn"}]


@time_machine.travel(dt.datetime(2026, 1, 15, 3, 0, tzinfo=dt.UTC), tick=False)
def test_a_specialist_reads_the_full_record_and_the_read_is_logged(personas, trung, api):
    response = api(personas.district_specialist).get(f"/api/v1/people/{trung.pk}/")
    assert response.status_code == 200
    assert response.json() == {
        "id": trung.pk,
        "code": "P0001",
        "full_name": "Trần Quốc Trung",
        "birth_date": "1990-03-15",
        "sex": "male",
        "ethnicity": "",
        "religion": "",
        "national_id": NATIONAL_ID,
        "hometown": "",
        "education": "",
        "profession": "",
        "status": "full",
        "status_label": "Chính thức",
        "unit": {"code": "CT.NK.01.01", "name": "Chi bộ khu vực 1"},
        "first_admitted_on": "2015-05-04",
        "recognized_on": "2016-05-10",
        "left_on": None,
        "party_age": 10,
        "positions": [],
    }
    log = AccessLog.objects.get(action="view")
    assert (log.user, log.object_type, log.object_id, log.result) == (
        personas.district_specialist, "people.person", str(trung.pk), "ok"
    )


def test_a_viewer_and_a_clerk_see_the_id_masked(personas, trung, api):
    for user in (personas.viewer, personas.branch_clerk):
        assert api(user).get(f"/api/v1/people/{trung.pk}/").json()["national_id"] == "0**********4"


def test_the_outsider_gets_404_and_the_refusal_is_logged(personas, trung, api):
    for url in (f"/api/v1/people/{trung.pk}/", f"/api/v1/people/{trung.pk}/events/"):
        response = api(personas.outsider).get(url)
        assert response.status_code == 404
        assert response.json() == {"error": "Không tìm thấy người"}
    denied = AccessLog.objects.filter(result="denied", user=personas.outsider)
    assert sorted(d.object_id for d in denied) == [str(trung.pk)] * 2


def test_an_id_out_of_range_is_422_not_an_error(personas, api):
    response = api(personas.viewer).get("/api/v1/people/99999999999/")
    assert response.status_code == 422
    assert response.json()["fields"][0]["field"] == "person_id"


def test_the_events_of_a_person_newest_first_with_voided_ones_marked(personas, trung, api, record):
    from tochuc.events.models import Event
    from tochuc.events.services import event_void

    wrong = record(trung, "evaluation", dt.date(2020, 12, 20), subtype="good", year=2020, unit=trung.state.unit)
    event_void(event=wrong, reason="Nhập nhầm năm", by=personas.district_specialist)
    response = api(personas.viewer).get(f"/api/v1/people/{trung.pk}/events/")
    assert response.status_code == 200
    body = response.json()
    admission = Event.objects.get(kind="admission")
    assert [(e["kind"], e["effective_on"], e["voided"], e["void_reason"]) for e in body] == [
        ("evaluation", "2020-12-20", True, "Nhập nhầm năm"),
        ("recognition", "2016-05-10", False, ""),
        ("admission", "2015-05-10", False, ""),
    ]
    assert body[2] == {
        "id": admission.pk,
        "person_id": trung.pk,
        "kind": "admission",
        "kind_label": "Kết nạp đảng viên",
        "subtype": "",
        "subtype_label": "",
        "effective_on": "2015-05-10",
        "end_on": None,
        "unit": {"code": "CT.NK.01.01", "name": "Chi bộ khu vực 1"},
        "to_unit": None,
        "position": "",
        "term": "",
        "year": None,
        "decision_no": "",
        "decided_on": "2015-05-04",
        "decided_by": "",
        "note": "",
        "details": {},
        "voided": False,
        "void_reason": "",
    }
    assert body[0]["subtype_label"] == "Hoàn thành tốt nhiệm vụ"
    assert AccessLog.objects.filter(action="view", object_id=str(trung.pk)).count() == 1


def test_anonymous_gets_401_everywhere_here(personas, trung):
    for url in ("/api/v1/people/?q=tran", f"/api/v1/people/{trung.pk}/", f"/api/v1/people/{trung.pk}/events/"):
        assert Client().get(url).status_code == 401
