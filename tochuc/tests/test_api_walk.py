"""The URL walk of test_url_walk.py, again for the API routes with bearer tokens instead of a
browser session (SECURITY.md B1, B2, C6): anonymous callers and bad tokens get 401 everywhere,
the outsider of the sibling district gets nothing of it and changes nothing, a viewer writes
nothing. The routes come from the resolver, so an endpoint added tomorrow is attacked tomorrow.
"""

from __future__ import annotations

import json

import pytest
from django.test import Client

from tochuc.tests import walk
from tochuc.tests.test_url_walk import REFUSED, _leaks

pytestmark = pytest.mark.django_db

API_ROUTES = {
    "api:openapi-json", "api:api-root", "api:units", "api:unit", "api:people", "api:person",
    "api:person_events", "api:events", "api:event_void", "api:report_annual", "api:figure", "api:figure_rows",
}


@pytest.fixture
def world(tree, personas, make_person, record, settings, monkeypatch):
    settings.TOCHUC_RATE_LIMITS = {}
    # Calls with a token record when it was last used: not a change of the records walked here.
    monkeypatch.setattr(walk, "NOT_RECORDS", walk.NOT_RECORDS | {"api.apitoken"})
    return walk.seed(tree, make_person, record)


def api_routes() -> list[walk.Route]:
    return [r for r in walk.all_routes() if r.name.startswith("api:")]


def _token_client(user) -> Client:
    from tochuc.api.services import api_token_create

    secret = api_token_create(by=None, user=user, name="walk", days=1).secret
    return Client(HTTP_AUTHORIZATION=f"Bearer {secret}")


def _bodies(world_values: walk.World) -> list[dict]:
    """JSON bodies that name the world's objects in every field an API body takes."""
    person, event = world_values.ints[0], world_values.ints[-1]
    return [
        {"person_id": person, "form": "death", "effective_on": "2020-01-01", "unit": world_values.codes[0], "note": "x"},
        {"reason": "Thử hủy", "event_id": event},
    ]


def test_the_walk_enumerates_every_api_route():
    assert {r.name for r in api_routes()} == API_ROUTES


@pytest.mark.parametrize("header", [None, "Bearer tc_sai", "Basic bmd1b2l4ZW06eA==", "Bearer " + "x" * 300])
def test_without_a_valid_token_every_api_route_is_401(world, header):
    client = Client(HTTP_AUTHORIZATION=header) if header else Client()
    before = walk.records_fingerprint()
    for route in api_routes():
        for values in walk.admin_world(world).candidates(route):
            url = route.fill(values)
            for method in ("get", "post", "put", "delete"):
                response = getattr(client, method)(url, content_type="application/json") if method != "get" else client.get(url)
                assert response.status_code == 401, (method, url, response.status_code)
                assert not _leaks(walk.body_text(response), url), (method, url)
    assert walk.records_fingerprint() == before


def test_the_outsider_with_a_token_never_sees_or_changes_the_sibling_district(world, personas):
    client = _token_client(personas.outsider)
    sibling = walk.sibling_world(world)
    before = walk.records_fingerprint()
    tried = 0
    for route in api_routes():
        for values in sibling.candidates(route):
            url = route.fill(values)
            names_sibling = any(str(v).startswith("CT.NK") for k, v in values.items() if "code" in k or "unit" in k) or any(
                str(v) in {str(world["secret"].pk), str(world["secret_event"].pk)} for k, v in values.items() if k.endswith("_id")
            )
            responses = [client.get(url), client.get(url, {"q": walk.SECRET_NAME, "unit": "CT.NK.99", "year": 2015, "from": "2015-01-01", "to": "2015-12-31"})]
            responses += [client.post(url, json.dumps(body), content_type="application/json") for body in _bodies(sibling)]
            for response in responses:
                tried += 1
                assert response.status_code < 500, url
                assert not _leaks(walk.body_text(response), url), (url, _leaks(walk.body_text(response), url))
                if names_sibling:
                    assert response.status_code in REFUSED | {422}, (url, response.status_code)
    assert walk.records_fingerprint() == before
    assert tried > 40


def test_the_outsider_gets_404_for_the_secret_person_event_and_unit(world, personas):
    client = _token_client(personas.outsider)
    secret, event = world["secret"].pk, world["secret_event"].pk
    assert client.get(f"/api/v1/people/{secret}/").status_code == 404
    assert client.get(f"/api/v1/people/{secret}/events/").status_code == 404
    assert client.get("/api/v1/units/CT.NK.99/").status_code == 404
    body = {"person_id": secret, "form": "death", "effective_on": "2020-01-01"}
    assert client.post("/api/v1/events/", body, content_type="application/json").status_code == 404
    assert client.post(f"/api/v1/events/{event}/void/", {"reason": "x"}, content_type="application/json").status_code == 404
    assert client.get("/api/v1/people/", {"q": walk.SECRET_ID}).json()["count"] == 0
    assert client.get(f"/api/v1/people/{world['own'].pk}/").status_code == 200


def test_a_viewer_with_a_token_cannot_write_through_any_api_route(world, personas):
    client = _token_client(personas.viewer)
    admin = walk.admin_world(world)
    before = walk.records_fingerprint()
    for route in api_routes():
        for values in admin.candidates(route):
            url = route.fill(values)
            for body in _bodies(admin):
                response = client.post(url, json.dumps(body), content_type="application/json")
                assert response.status_code in REFUSED, (url, response.status_code)
    assert walk.records_fingerprint() == before


def test_below_specialist_no_api_answer_carries_a_full_national_id(world, personas):
    for user in (personas.viewer, personas.branch_clerk):
        client = _token_client(user)
        for route in api_routes():
            for values in walk.admin_world(world).candidates(route)[:2]:
                url = route.fill(values)
                for params in ({}, {"q": walk.SECRET_NAME}, {"q": walk.SECRET_ID}):
                    assert walk.SECRET_ID not in walk.body_text(client.get(url, params)), (user.username, url, params)
    assert walk.SECRET_ID in _token_client(personas.district_specialist).get(f"/api/v1/people/{world['secret'].pk}/").content.decode()
