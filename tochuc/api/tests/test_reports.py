"""`/api/v1/reports/annual` and `/api/v1/figures/…`: the same JSON as the CLI, scoped."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import call_command
from django.test import Client

pytestmark = pytest.mark.django_db
PERIOD_2015 = {"unit": "CT.NK", "from": "2015-01-01", "to": "2015-12-31"}


def test_the_annual_report_is_the_json_of_the_cli(personas, member, api):
    response = api(personas.viewer).get("/api/v1/reports/annual", {"unit": "CT.NK", "year": 2015})
    assert response.status_code == 200
    out = io.StringIO()
    call_command("report", "annual", "--unit", "CT.NK", "--year", "2015", "--format", "json", stdout=out)
    assert response.json() == json.loads(out.getvalue())
    body = response.json()
    assert body["report"] == "annual"
    assert body["unit"] == {"code": "CT.NK", "name": "Đảng bộ quận Ninh Kiều"}
    assert body["period"] == {"from": "2015-01-01", "to": "2015-12-31"}
    assert body["figures"]["members.admitted"]["value"] == 1
    assert body["figures"]["members.admitted"]["by_unit"] == {"CT.NK.02": 0, "CT.NK.01": 1, "CT.NK": 0}
    assert body["figures"]["members.total"]["value"] == 1


def test_a_year_without_data_is_404_with_the_reason(personas, api):
    response = api(personas.viewer).get("/api/v1/reports/annual", {"unit": "CT.NK", "year": 2015})
    assert response.status_code == 404
    assert response.json() == {
        "error": "Không có dữ liệu của Đảng bộ quận Ninh Kiều cho năm 2015: không có đảng viên vào ngày "
        "31/12/2015 và không có sự kiện nào trong kỳ."
    }


def test_a_year_out_of_range_is_422(personas, api):
    response = api(personas.viewer).get("/api/v1/reports/annual", {"unit": "CT.NK", "year": 1800})
    assert response.status_code == 422
    assert response.json()["fields"][0]["field"] == "year"


def test_the_outsider_gets_404_for_the_sibling_districts_report(personas, member, api):
    for url, params in (
        ("/api/v1/reports/annual", {"unit": "CT.NK", "year": 2015}),
        ("/api/v1/figures/members.admitted", PERIOD_2015),
        ("/api/v1/figures/members.admitted/rows", PERIOD_2015),
    ):
        response = api(personas.outsider).get(url, params)
        assert response.status_code == 404, url
        assert response.json() == {"error": "Không tìm thấy đơn vị"}


def test_a_figure_with_its_breakdown(personas, member, api):
    response = api(personas.viewer).get("/api/v1/figures/members.admitted", PERIOD_2015)
    assert response.status_code == 200
    body = response.json()
    assert {k: body[k] for k in ("key", "label", "value", "unit", "period", "by_unit")} == {
        "key": "members.admitted",
        "label": "Kết nạp đảng viên",
        "value": 1,
        "unit": {"code": "CT.NK", "name": "Đảng bộ quận Ninh Kiều"},
        "period": {"from": "2015-01-01", "to": "2015-12-31"},
        "by_unit": {"CT.NK.02": 0, "CT.NK.01": 1, "CT.NK": 0},
    }
    assert body["definition"].startswith("Số quyết định kết nạp và kết nạp lại")


def test_the_rows_behind_a_figure(personas, member, api):
    response = api(personas.viewer).get("/api/v1/figures/members.admitted/rows", PERIOD_2015)
    assert response.status_code == 200
    assert response.json() == {
        "key": "members.admitted",
        "label": "Kết nạp đảng viên",
        "count": 1,
        "page": 1,
        "pages": 1,
        "per_page": 50,
        "columns": [
            {"key": "code", "label": "Mã"},
            {"key": "name", "label": "Họ và tên"},
            {"key": "unit", "label": "Đơn vị"},
            {"key": "date", "label": "Ngày"},
            {"key": "what", "label": "Nội dung"},
            {"key": "decision", "label": "Số quyết định"},
        ],
        "items": [
            {
                "person_id": member.pk,
                "values": {"code": "P0001", "name": "Trần Quốc Trung", "unit": "Chi bộ khu vực 1", "date": "10/05/2015", "what": "Kết nạp đảng viên", "decision": ""},
            }
        ],
    }


def test_an_unknown_figure_is_404_and_a_reversed_period_422(personas, member, api):
    client = api(personas.viewer)
    unknown = client.get("/api/v1/figures/members.khong_co", PERIOD_2015)
    assert unknown.status_code == 404
    assert "members.khong_co" in unknown.json()["error"]
    reversed_ = client.get("/api/v1/figures/members.admitted", {**PERIOD_2015, "from": "2016-01-01"})
    assert reversed_.status_code == 422
    assert reversed_.json() == {
        "error": "Khoảng thời gian không hợp lệ",
        "fields": [{"field": "to", "message": "to: 2015-12-31 trước from 2016-01-01"}],
    }


def test_a_percentage_has_no_rows(personas, member, api):
    response = api(personas.viewer).get("/api/v1/figures/members.admitted.vs_target/rows", PERIOD_2015)
    assert response.status_code == 404
    assert response.json() == {"error": "Chỉ số “members.admitted.vs_target” không có danh sách chi tiết"}


def test_anonymous_gets_401(personas):
    assert Client().get("/api/v1/reports/annual", {"unit": "CT", "year": 2015}).status_code == 401
    assert Client().get("/api/v1/figures/members.admitted", PERIOD_2015).status_code == 401
