"""The API against its own OpenAPI schema, with schemathesis (SECURITY.md C6).

Valid and invalid requests are generated from /api/v1/openapi.json and sent to the WSGI app
with a real token. Every answer must: never be a server error, have a status the schema lists,
match the schema of that status, and reject invalid data with a 4xx. A second run, as the
outsider of the sibling district, may only ever get 404 for the ids and codes of the first.
"""

from __future__ import annotations

import datetime as dt

import pytest
import schemathesis
from django.core import signals
from django.core.handlers.wsgi import WSGIHandler
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    negative_data_rejection,
    response_schema_conformance,
    status_code_conformance,
)

from tochuc.api.urls import api

CHECKS = [not_a_server_error, status_code_conformance, response_schema_conformance, negative_data_rejection]
MAX_EXAMPLES = 10


@pytest.fixture
def wsgi_app(settings):
    """The whole app in process, inside the test's transaction (like Django's test client, the
    end of a request must not close the connection that holds it)."""
    settings.TOCHUC_RATE_LIMITS = {}
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def seeded(personas, member, record, tree):
    record(member, "evaluation", dt.date(2020, 12, 20), subtype="good", year=2020, unit=tree["CT.NK.01.01"])
    return member


@pytest.fixture
def specialist_token(seeded, token_for, personas):
    return token_for(personas.district_specialist)


# The schema the API serves at /api/v1/openapi.json, read without a request (the test that it is
# served, and only to callers, is in test_openapi.py). The lazy `from_fixture` loader of
# schemathesis 4.32 does not run under pytest 9 (it sets a private attribute of the test item).
schema = schemathesis.openapi.from_dict(api.get_openapi_schema())
schema.app = WSGIHandler()
schema.config.generation.update(max_examples=MAX_EXAMPLES)


@pytest.mark.django_db
@schema.parametrize()
@settings(deadline=None, suppress_health_check=list(HealthCheck))
def test_the_api_conforms_to_its_schema(case, wsgi_app, specialist_token):
    case.call_and_validate(headers={"Authorization": f"Bearer {specialist_token}"}, checks=CHECKS)


# The second run: valid requests whose ids and codes all name the district CT.NK, sent by the
# specialist of the sibling district CT.CR. Lists may answer (with nothing of CT.NK); everything
# else must be 404, exactly as for a record that does not exist.
outsider_schema = schemathesis.openapi.from_dict(api.get_openapi_schema())
outsider_schema.app = schema.app
# Valid requests only, and no NUL characters (refused with 422, which is right but not the point).
outsider_schema.config.generation.update(modes=[GenerationMode.POSITIVE], max_examples=3, allow_x00=False)
LISTS = {("GET", "/api/v1/units/"), ("GET", "/api/v1/people/")}


@pytest.fixture
def outsider_token(seeded, token_for, personas):
    return token_for(personas.outsider)


def _aim_at_the_sibling_district(case, member) -> None:
    event = member.events.order_by("id").first()
    values = {"code": "CT.NK.01.01", "person_id": member.pk, "event_id": event.pk}
    for name in list(case.path_parameters or {}):
        case.path_parameters[name] = values.get(name, case.path_parameters[name])
    if case.query is not None:
        case.query.update({k: v for k, v in {"unit": "CT.NK", "year": 2016, "from": "2016-01-01", "to": "2016-12-31"}.items() if k in case.query})
    if isinstance(case.body, dict) and "person_id" in case.body:
        case.body["person_id"] = member.pk


@pytest.mark.django_db
@outsider_schema.parametrize()
@settings(deadline=None, suppress_health_check=list(HealthCheck))
def test_the_outsider_gets_404_for_every_id_of_the_sibling_district(case, wsgi_app, outsider_token, seeded):
    _aim_at_the_sibling_district(case, seeded)
    response = case.call(headers={"Authorization": f"Bearer {outsider_token}"})
    text = response.text
    assert "Trần Quốc Trung" not in text and "CT.NK" not in text.replace("CT.NK.01.01", "")
    if (case.method.upper(), case.path) in LISTS:
        assert response.status_code == 200, text
    else:
        assert response.status_code == 404, (case.method, case.path, response.status_code, text)
