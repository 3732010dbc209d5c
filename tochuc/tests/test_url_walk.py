"""Proof by attack over every route of the project (SECURITY.md B1, B2, B4, C2, C3, C4).

The routes come from the resolver when the test runs, so every page and API endpoint that any
engineer adds is attacked here without being listed.
"""

from __future__ import annotations

from urllib.parse import unquote

import pytest
from django.test import Client

from tochuc.tests import walk

pytestmark = pytest.mark.django_db

REFUSED = {401, 403, 404, 405}


@pytest.fixture
def world(tree, personas, make_person, record, settings):
    # The walk sends hundreds of requests a minute on purpose.
    settings.TOCHUC_RATE_LIMITS = {}
    return walk.seed(tree, make_person, record)


def _client(user=None, **kwargs) -> Client:
    client = Client(**kwargs)
    if user is not None:
        client.force_login(user)
    return client


def _leaks(text: str, url: str = "") -> list[str]:
    # A value the requester typed may be echoed back ("no unit KINDAO01"): that is not a leak.
    typed = unquote(url)
    return [s for s in walk.SECRETS if s in text and s not in typed]


def test_the_walk_finds_the_routes_of_every_app():
    names = {r.name for r in walk.all_routes()}
    assert {"core:home", "accounts:login", "people:detail", "units:detail"} <= names


def test_anonymous_visitors_get_only_the_login_page(world):
    client = _client()
    tried = 0
    for route in walk.all_routes():
        for values in walk.admin_world(world).candidates(route):
            url = route.fill(values)
            for method in ("get", "post"):
                response = getattr(client, method)(url)
                tried += 1
                assert response.status_code < 500, (method, url)
                if route.name in walk.PUBLIC_ROUTES:
                    continue
                assert response.status_code in REFUSED | {302}, (method, url, response.status_code)
                if response.status_code == 302:
                    assert response["Location"].startswith("/tai-khoan/dang-nhap/"), (method, url)
                assert not _leaks(walk.body_text(response), url), (method, url)
    assert tried > 20


def test_the_outsider_never_sees_or_changes_the_sibling_district(world, personas):
    client = _client(personas.outsider)
    before = walk.records_fingerprint()
    tried = 0
    for route in walk.all_routes():
        if route.name == "accounts:logout":
            continue
        for values in walk.sibling_world(world).candidates(route):
            url = route.fill(values)
            names_sibling_unit = any(
                str(v).startswith("CT.NK") for k, v in values.items() if "code" in k.lower() or "unit" in k.lower()
            )
            for method in ("get", "post"):
                response = getattr(client, method)(url)
                tried += 1
                assert response.status_code < 500, (method, url)
                assert not _leaks(walk.body_text(response), url), (method, url, _leaks(walk.body_text(response), url))
                if names_sibling_unit and route.name not in walk.SELF_SERVICE_ROUTES:
                    assert response.status_code in REFUSED, (method, url, response.status_code)
        for values in walk.sibling_world(world).candidates(route)[:2]:
            url = route.fill(values)
            for payload in walk.PAYLOADS:
                response = client.get(url, {"q": payload, "ngay": payload, "unit": "CT.NK.99"})
                assert response.status_code < 500, (url, payload)
                assert not _leaks(walk.body_text(response), url), (url, payload)
    assert walk.records_fingerprint() == before
    assert tried > 20


def test_the_outsider_gets_404_for_the_secret_person_and_unit(world, personas):
    client = _client(personas.outsider)
    assert client.get(f"/nguoi/{world['secret'].pk}/").status_code == 404
    assert client.get("/don-vi/CT.NK.99/").status_code == 404
    assert client.get(f"/nguoi/{world['own'].pk}/").status_code == 200


def test_a_viewer_cannot_write_anywhere(world, personas):
    client = _client(personas.viewer)
    before = walk.records_fingerprint()
    for route in walk.all_routes():
        if route.name in walk.SELF_SERVICE_ROUTES:
            continue
        for values in walk.admin_world(world).candidates(route):
            url = route.fill(values)
            response = client.post(url, {"full_name": "Đổi Tên", "name": "Đổi Tên", "note": "x"})
            assert response.status_code in REFUSED, (url, response.status_code)
    assert walk.records_fingerprint() == before


def test_every_post_without_a_csrf_token_is_refused(world, personas):
    client = _client(personas.city_admin, enforce_csrf_checks=True)
    before = walk.records_fingerprint()
    for route in walk.all_routes():
        for values in walk.admin_world(world).candidates(route)[:3]:
            url = route.fill(values)
            response = client.post(url, {"full_name": "Đổi Tên", "name": "Đổi Tên"})
            assert response.status_code == 403, (url, response.status_code)
    assert walk.records_fingerprint() == before


def test_no_get_changes_a_record_fails_or_renders_a_payload(world, personas):
    client = _client(personas.city_admin)
    before = walk.records_fingerprint()
    tried = 0
    for route in walk.all_routes():
        if route.name == "accounts:logout":
            continue
        for n, values in enumerate(walk.admin_world(world).candidates(route)):
            url = route.fill(values)
            attacks = [{"q": p, "ngay": p, "nam": p} for p in walk.PAYLOADS] if n == 0 else []
            for params in ({}, *attacks):
                response = client.get(url, params)
                tried += 1
                assert response.status_code < 500, (url, params)
                text = walk.body_text(response)
                assert walk.XSS_NAME not in text, url
                assert "<img src=x onerror" not in text, url
    assert walk.records_fingerprint() == before
    assert tried > 50


# Routes known to give the full CCCD below specialist, each reported to its owner (see the note of
# issue 8). Listed so the rest stays checked; remove a line when its route is fixed.
KNOWN_ID_EXPOSURES: dict[str, str] = {}


def test_roles_below_specialist_never_see_a_full_national_id_on_any_page(world, personas):
    """E7: the full CCCD is for specialists and above; every page shows the others the mask."""
    from tochuc.lib.cccd import mask

    for user in (personas.viewer, personas.branch_clerk):
        client = _client(user)
        for route in walk.all_routes():
            if route.name in walk.SELF_SERVICE_ROUTES or route.name in KNOWN_ID_EXPOSURES:
                continue
            for values in walk.admin_world(world).candidates(route)[:1]:
                url = route.fill(values)
                for params in ({}, {"q": walk.SECRET_NAME}) if not route.params else ({},):
                    text = walk.body_text(client.get(url, params))
                    assert walk.SECRET_ID not in text, (user.username, url, params)
    specialist = _client(personas.district_specialist)
    page = specialist.get(f"/nguoi/{world['secret'].pk}/").content.decode()
    assert walk.SECRET_ID in page
    viewer_page = _client(personas.viewer).get(f"/nguoi/{world['secret'].pk}/").content.decode()
    assert mask(walk.SECRET_ID) in viewer_page
