"""The 429 answer of the rate limits (SECURITY.md G2): JSON under `/api/`, text on pages, both
with `Retry-After`."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.test import Client

from tochuc.accounts.models import AccessLog

pytestmark = pytest.mark.django_db

MESSAGE = "Bạn đã gửi quá nhiều yêu cầu loại này trong một phút. Vui lòng thử lại sau {retry} giây."


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()
    yield
    cache.clear()


def test_a_browser_session_over_the_api_limit_gets_a_json_429_with_retry_after(personas, settings):
    settings.TOCHUC_RATE_LIMITS = {"api": 2}
    client = Client()
    client.force_login(personas.viewer)
    assert [client.get("/api/v1/units/").status_code for _ in range(2)] == [200, 200]
    response = client.get("/api/v1/units/")
    assert response.status_code == 429
    assert response["Content-Type"] == "application/json; charset=utf-8"
    retry = int(response["Retry-After"])
    assert 1 <= retry <= 61
    assert response.json() == {"error": MESSAGE.format(retry=retry)}
    assert AccessLog.objects.filter(user=personas.viewer, action="limit.api", result="denied").count() == 1


def test_a_page_over_the_search_limit_gets_a_plain_429_with_retry_after(personas, settings):
    settings.TOCHUC_RATE_LIMITS = {"search": 1}
    client = Client()
    client.force_login(personas.viewer)
    assert client.get("/nguoi/tim/", {"q": "Trần"}).status_code == 200
    response = client.get("/nguoi/tim/", {"q": "Trần"})
    assert response.status_code == 429
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    retry = int(response["Retry-After"])
    assert response.content.decode() == MESSAGE.format(retry=retry)
