"""API tokens: only a hash is kept, the secret is shown once, revoked and expired tokens are
refused with 401, and `tochuc api_token` manages them (SECURITY.md A, B1)."""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest
import time_machine
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client

from tochuc.accounts.models import AuthEvent
from tochuc.api import services
from tochuc.api.auth import MSG_NO_CREDENTIALS
from tochuc.api.models import ApiToken
from tochuc.core.models import AuditEntry

pytestmark = pytest.mark.django_db
UTC = dt.UTC


def _get(secret: str | None, url: str = "/api/v1/units/"):
    headers = {"HTTP_AUTHORIZATION": f"Bearer {secret}"} if secret is not None else {}
    return Client().get(url, **headers)


def test_it_keeps_only_the_hash_of_the_secret(personas):
    made = services.api_token_create(by=personas.city_admin, user=personas.viewer, name="Cổng thông tin", days=30)
    token = ApiToken.objects.get()
    assert made.secret.startswith("tc_") and len(made.secret) == 46
    assert token.key_hash == services.hash_secret(made.secret)
    assert made.secret not in json.dumps(list(ApiToken.objects.values()), default=str)
    assert token.prefix == made.secret[:9]
    assert (token.user, token.name, token.created_by) == (personas.viewer, "Cổng thông tin", personas.city_admin)
    assert AuthEvent.objects.filter(action="api_token.create", user=personas.viewer).count() == 1
    assert AuditEntry.objects.filter(action="api_token.create", object_id=str(token.pk)).count() == 1


def test_a_valid_token_reads_and_records_when_it_was_last_used(personas):
    with time_machine.travel(dt.datetime(2026, 3, 1, 8, 0, tzinfo=UTC), tick=False):
        secret = services.api_token_create(by=None, user=personas.viewer, name="a", days=30).secret
        assert _get(secret).status_code == 200
    assert ApiToken.objects.get().last_used_at == dt.datetime(2026, 3, 1, 8, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    "header",
    ["Bearer tc_khongtontai", "Bearer ", "Bearer tc_" + "A" * 43],
)
def test_an_unknown_token_is_refused_with_401(personas, header):
    response = Client().get("/api/v1/units/", HTTP_AUTHORIZATION=header)
    assert response.status_code == 401
    assert response.json() == {"error": services.REFUSED_UNKNOWN}
    assert response["WWW-Authenticate"] == 'Bearer realm="tochuc"'
    assert AuthEvent.objects.filter(action="api_token.refused", result="failed").count() == 1


def test_no_credentials_at_all_is_401(personas):
    response = _get(None)
    assert response.status_code == 401
    assert response.json() == {"error": MSG_NO_CREDENTIALS}


def test_a_revoked_token_is_refused(personas):
    made = services.api_token_create(by=None, user=personas.viewer, name="a", days=30)
    services.api_token_revoke(by=personas.city_admin, token=made.token)
    response = _get(made.secret)
    assert response.status_code == 401
    assert response.json() == {"error": services.REFUSED_REVOKED}
    assert ApiToken.objects.get().revoked_by == personas.city_admin


def test_a_token_is_refused_from_the_moment_it_expires(personas):
    with time_machine.travel(dt.datetime(2026, 3, 1, 8, 0, tzinfo=UTC), tick=False) as clock:
        secret = services.api_token_create(by=None, user=personas.viewer, name="a", days=30).secret
        clock.move_to(dt.datetime(2026, 3, 31, 7, 59, 59, tzinfo=UTC))
        assert _get(secret).status_code == 200
        clock.move_to(dt.datetime(2026, 3, 31, 8, 0, tzinfo=UTC))
        response = _get(secret)
    assert response.status_code == 401
    assert response.json() == {"error": services.REFUSED_EXPIRED}


def test_the_token_of_a_locked_account_is_refused(personas):
    secret = services.api_token_create(by=None, user=personas.viewer, name="a", days=30).secret
    personas.viewer.is_active = False
    personas.viewer.save(update_fields=["is_active"])
    response = _get(secret)
    assert response.status_code == 401
    assert response.json() == {"error": services.REFUSED_INACTIVE}


def test_revoking_twice_is_refused_and_nothing_is_deleted(personas):
    made = services.api_token_create(by=None, user=personas.viewer, name="a", days=30)
    services.api_token_revoke(by=None, token=made.token)
    with pytest.raises(services.RecordRefused) as refused:
        services.api_token_revoke(by=None, token=made.token)
    assert refused.value.findings[0].code == "api_token.revoked"
    assert ApiToken.objects.count() == 1


@pytest.mark.parametrize(
    ("name", "days", "code"),
    [("", 30, "api_token.name"), ("a", 0, "api_token.days"), ("a", 366, "api_token.days")],
)
def test_bad_token_requests_are_refused(personas, name, days, code):
    with pytest.raises(services.RecordRefused) as refused:
        services.api_token_create(by=None, user=personas.viewer, name=name, days=days)
    assert [f.code for f in refused.value.findings] == [code]
    assert ApiToken.objects.count() == 0


def _run(*args: str) -> str:
    out = io.StringIO()
    call_command("api_token", *args, stdout=out)
    return out.getvalue()


def test_the_command_adds_lists_and_revokes(personas):
    with time_machine.travel(dt.datetime(2026, 3, 1, 8, 0, tzinfo=UTC), tick=False):
        out = _run("add", "nguoixem", "--name", "Cổng quận", "--days", "10")
        token = ApiToken.objects.get()
        secret = out.strip().splitlines()[-1]
        assert out.splitlines()[0] == f"Đã tạo khóa số {token.pk} cho nguoixem, hết hạn 11/03/2026 15:00."
        assert services.hash_secret(secret) == token.key_hash
        assert _run("list", "nguoixem").strip() == (
            f"{token.pk}\t{token.prefix}…\tCổng quận\ttạo 01/03/2026 15:00\thết hạn 11/03/2026 15:00"
            "\tdùng lần cuối –\tcòn hiệu lực"
        )
        assert _run("revoke", "nguoixem", str(token.pk)).strip() == f"Đã thu hồi khóa số {token.pk} (Cổng quận) của nguoixem."
        assert _run("list", "nguoixem").strip().endswith("\tđã thu hồi 01/03/2026 15:00")


def test_the_command_names_what_is_wrong(personas):
    with pytest.raises(CommandError, match="Không có người dùng 'khongco'"):
        _run("list", "khongco")
    with pytest.raises(CommandError, match="Người dùng nguoixem không có khóa truy cập số 99"):
        _run("revoke", "nguoixem", "99")
    assert _run("list", "nguoixem").strip() == "nguoixem chưa có khóa truy cập API nào."
