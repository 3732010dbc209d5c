"""Limits on the API (SECURITY.md G2): requests per user and minute, and the size of a body."""

from __future__ import annotations

import json

import pytest
from django.core.cache import cache
from django.test import Client

from tochuc.accounts.models import AccessLog
from tochuc.events.models import Event

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _three_a_minute(settings):
    settings.TOCHUC_RATE_LIMITS = {"api": 3}
    cache.clear()
    yield
    cache.clear()


def test_a_token_gets_429_after_the_limit_with_retry_after(personas, api):
    client = api(personas.viewer)
    assert [client.get("/api/v1/units/").status_code for _ in range(3)] == [200, 200, 200]
    response = client.get("/api/v1/units/")
    assert response.status_code == 429
    retry = int(response["Retry-After"])
    assert 1 <= retry <= 61
    assert response.json() == {
        "error": f"Bạn đã gửi quá nhiều yêu cầu loại này trong một phút. Vui lòng thử lại sau {retry} giây."
    }
    assert AccessLog.objects.filter(user=personas.viewer, action="limit.api", result="denied").count() == 1


def test_the_limit_is_per_user(personas, api):
    first, second = api(personas.viewer), api(personas.branch_clerk)
    for _ in range(3):
        first.get("/api/v1/units/")
    assert first.get("/api/v1/units/").status_code == 429
    assert second.get("/api/v1/units/").status_code == 200


def test_a_browser_session_is_limited_by_the_same_count(client, personas):
    client.force_login(personas.viewer)
    assert [client.get("/api/v1/units/").status_code for _ in range(4)] == [200, 200, 200, 429]


def test_a_body_over_10_mb_is_refused_and_the_server_goes_on(personas, member, settings, api):
    settings.TOCHUC_RATE_LIMITS = {}
    client = api(personas.branch_clerk)
    body = json.dumps({"person_id": member.pk, "form": "death", "effective_on": "2020-01-01", "note": "x" * (10 * 1024 * 1024)})
    response = client.post("/api/v1/events/", body, content_type="application/json")
    assert response.status_code == 400
    assert Event.objects.filter(kind="death").count() == 0
    assert client.get("/api/v1/units/").status_code == 200


def test_anonymous_requests_are_refused_before_any_counting(personas):
    assert [Client().get("/api/v1/units/").status_code for _ in range(5)] == [401] * 5
