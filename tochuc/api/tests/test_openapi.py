"""The schema is served to callers only, the docs page is off, and answers are JSON that a
browser cannot take for markup."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db

PATHS = [
    "/api/v1/units/",
    "/api/v1/units/{code}/",
    "/api/v1/people/",
    "/api/v1/people/{person_id}/",
    "/api/v1/people/{person_id}/events/",
    "/api/v1/events/",
    "/api/v1/events/{event_id}/void/",
    "/api/v1/reports/annual",
    "/api/v1/figures/{key}",
    "/api/v1/figures/{key}/rows",
]


def test_the_schema_lists_every_endpoint_for_a_caller(personas, api):
    response = api(personas.viewer).get("/api/v1/openapi.json")
    assert response.status_code == 200
    schema = response.json()
    assert list(schema["paths"]) == PATHS
    assert sorted(schema["components"]["securitySchemes"]) == ["SessionAuth", "TokenAuth"]
    assert schema["components"]["securitySchemes"]["TokenAuth"] == {"type": "http", "scheme": "bearer"}


def test_the_schema_is_refused_to_anonymous_visitors_and_to_writes(personas, api):
    assert Client().get("/api/v1/openapi.json").status_code == 401
    response = api(personas.viewer).post("/api/v1/openapi.json")
    assert response.status_code == 405
    assert response.json() == {"error": "Địa chỉ này chỉ nhận GET, không nhận POST"}


def test_the_docs_page_is_off_and_the_root_says_where_the_schema_is(personas, api):
    assert api(personas.viewer).get("/api/v1/docs").status_code == 404
    root = api(personas.viewer).get("/api/v1/")
    assert root.status_code == 404
    assert root.json() == {"error": "Không có tài nguyên ở địa chỉ này; danh sách các địa chỉ: /api/v1/openapi.json"}
    assert Client().get("/api/v1/").status_code == 401


def test_markup_in_a_name_is_escaped_in_the_json(personas, tree, api):
    from tochuc.units.services import unit_found

    unit_found(by=None, code="CT.NK.97", name="Chi bộ <img src=x onerror=alert(1)> & co", kind="branch", founded_on=dt.date(2001, 1, 1), parent=tree["CT.NK"])
    response = api(personas.viewer).get("/api/v1/units/CT.NK.97/")
    text = response.content.decode()
    assert "<img" not in text
    assert "\\u003cimg src=x onerror=alert(1)\\u003e \\u0026 co" in text
    assert json.loads(text)["name"] == "Chi bộ <img src=x onerror=alert(1)> & co"
    assert response["Content-Type"] == "application/json; charset=utf-8"
