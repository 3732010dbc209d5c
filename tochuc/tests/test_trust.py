"""Audit trail, logs, errors, durability, limits (SECURITY.md C5, E1-E8, F1-F2, G2-G3, B4, B6, B7)."""

from __future__ import annotations

import datetime as dt
import json
import logging

import pytest
import time_machine
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction
from django.test import Client
from django.utils import timezone

from tochuc.accounts import scoping
from tochuc.accounts.logs import JsonFormatter
from tochuc.accounts.models import AccessLog, AuthEvent, Incident, Role
from tochuc.accounts.reviews import accessed_between, reconcile
from tochuc.core import appendonly
from tochuc.core.models import AuditEntry, audit, verify_chain
from tochuc.events.services import event_void
from tochuc.people.services import person_update

pytestmark = pytest.mark.django_db


# E2: append-only in the database, hash-chained -------------------------------------------------


@pytest.mark.parametrize("table", appendonly.APPEND_ONLY_TABLES)
@pytest.mark.parametrize("statement", ["UPDATE {t} SET id = id", "DELETE FROM {t}"])
def test_the_database_refuses_update_and_delete_on_every_log_table(member, personas, table, statement):
    audit(by=None, action="test.touch", obj=member)
    AccessLog.objects.create(action="view")
    AuthEvent.objects.create(action="auth.login")
    event_void(event=member.events.order_by("-pk").first(), reason="nhập nhầm", by=personas.district_specialist)
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cur:
        cur.execute(statement.format(t=table))


def _chain(member, n: int = 5) -> list[AuditEntry]:
    return [audit(by=None, action="test.step", obj=member, changes={"n": i, "tên": "Trần"}) for i in range(n)]


def test_the_chain_verifies_when_untouched(member, capsys):
    _chain(member)
    checked, broken = verify_chain()
    assert broken is None and checked == AuditEntry.objects.count()
    call_command("audit", "verify")
    assert capsys.readouterr().out == f"Nhật ký thay đổi toàn vẹn: {checked} dòng\n"


def test_verify_names_the_first_altered_entry(member):
    entries = _chain(member)
    with appendonly.suspended(connection, ["core_auditentry"]), connection.cursor() as cur:
        cur.execute("UPDATE core_auditentry SET object_id = %s WHERE id = %s", ["999", entries[2].id])
    assert verify_chain()[1].entry_id == entries[2].id
    with pytest.raises(CommandError) as exc:
        call_command("audit", "verify")
    assert f"id={entries[2].id} (hash)" in str(exc.value)


def test_verify_names_the_entry_after_a_deleted_one(member):
    entries = _chain(member)
    with appendonly.suspended(connection, ["core_auditentry"]), connection.cursor() as cur:
        cur.execute("DELETE FROM core_auditentry WHERE id = %s", [entries[1].id])
    broken = verify_chain()[1]
    assert (broken.entry_id, broken.reason) == (entries[2].id, "prev_hash")


# E1: changes keep their history -----------------------------------------------------------------


def test_a_profile_change_writes_an_audit_entry_in_the_chain(member, personas):
    before = AuditEntry.objects.count()
    person_update(by=personas.district_specialist, person=member, version=member.version, hometown="Cần Thơ")
    entry = AuditEntry.objects.order_by("-id").first()
    assert AuditEntry.objects.count() == before + 1
    assert (entry.user, entry.object_id) == (personas.district_specialist, str(member.pk))
    assert verify_chain()[1] is None


# F2: optimistic conflict detection -----------------------------------------------------------------


def test_a_stale_edit_is_refused_and_the_first_change_survives(member, personas):
    version = member.version
    person_update(by=personas.district_specialist, person=member, version=version, hometown="Hậu Giang")
    stale = type(member).objects.get(pk=member.pk)
    from tochuc.core.findings import RecordRefused

    with pytest.raises(RecordRefused):
        person_update(by=personas.branch_clerk, person=stale, version=version, hometown="Sóc Trăng")
    stale.refresh_from_db()
    assert stale.hometown == "Hậu Giang"


# E3: the reading register -----------------------------------------------------------------------


def test_reading_a_person_is_logged_and_a_refusal_too(member, personas):
    inside, outside = Client(), Client()
    inside.force_login(personas.viewer)
    outside.force_login(personas.outsider)
    assert inside.get(f"/nguoi/{member.pk}/", REMOTE_ADDR="10.1.1.1", REMOTE_PORT="51000").status_code == 200
    assert outside.get(f"/nguoi/{member.pk}/", REMOTE_ADDR="10.2.2.2").status_code == 404
    read = AccessLog.objects.get(user=personas.viewer, object_id=str(member.pk))
    assert (read.action, read.result, read.ip, read.port) == ("view", "ok", "10.1.1.1", 51000)
    refused = AccessLog.objects.get(user=personas.outsider)
    assert (refused.result, refused.ip, refused.object_id) == ("denied", "10.2.2.2", str(member.pk))


def test_a_spoofed_forwarded_for_header_is_not_trusted(member, personas):
    client = Client()
    client.force_login(personas.viewer)
    client.get(f"/nguoi/{member.pk}/", REMOTE_ADDR="10.1.1.1", HTTP_X_FORWARDED_FOR="1.2.3.4")
    assert AccessLog.objects.get(user=personas.viewer).ip == "10.1.1.1"


# E5: log hygiene ------------------------------------------------------------------------------


def _format(message: str, *args, **extra) -> dict:
    record = logging.LogRecord("tochuc.test", logging.WARNING, __file__, 1, message, args, None)
    record.__dict__.update(extra)
    line = JsonFormatter().format(record)
    assert "\n" not in line and "\r" not in line
    return json.loads(line)


def test_a_newline_in_a_logged_value_cannot_forge_a_line():
    entry = _format("login failed for %s", 'mallory\n{"level": "INFO", "message": "ok"}')
    assert entry["message"] == 'login failed for mallory\n{"level": "INFO", "message": "ok"}'


def test_national_ids_and_secrets_are_masked_in_logs():
    entry = _format("person 079203001234 read", password="hunter2hunter2", otp_token="123456", unit="CT")
    assert entry["message"] == "person 0**********4 read"
    assert (entry["password"], entry["otp_token"], entry["unit"]) == ("********", "********", "CT")


def test_the_login_flow_logs_no_password(personas, caplog):
    caplog.set_level(logging.DEBUG)
    Client().post("/tai-khoan/dang-nhap/", {"username": "nguoixem", "password": "sai-mat-khau-bi-mat-9"})
    from tochuc.conftest import PASSWORD

    dumped = caplog.text + json.dumps(list(AuthEvent.objects.values("detail", "username")), ensure_ascii=False)
    assert "sai-mat-khau-bi-mat-9" not in dumped and PASSWORD not in dumped


# C5: generic errors -------------------------------------------------------------------------------


@pytest.mark.urls("tochuc.tests.urls_boom")
def test_a_crash_shows_a_generic_page_with_the_id_that_is_in_the_log(personas, caplog):
    client = Client(raise_request_exception=False)
    client.force_login(personas.viewer)
    response = client.get("/boom/")
    body = response.content.decode()
    assert response.status_code == 500
    correlation = response["X-Request-ID"]
    assert correlation in body
    assert "Traceback" not in body and "secret settings" not in body and "RuntimeError" not in body
    logged = [r for r in caplog.records if getattr(r, "correlation_id", None) == correlation]
    assert len(logged) == 1 and logged[0].exc_info is not None


# G3: a locked database answers 503 --------------------------------------------------------------


@pytest.mark.urls("tochuc.tests.urls_boom")
def test_a_locked_database_answers_503_with_retry(personas):
    client = Client(raise_request_exception=False)
    client.force_login(personas.viewer)
    response = client.get("/locked/")
    assert (response.status_code, response["Retry-After"]) == (503, "5")


def test_the_health_endpoint_answers_without_login(db):
    response = Client().get("/suc-khoe")
    assert (response.status_code, response.json()) == (200, {"status": "ok"})


# G2: request size and rate limits -----------------------------------------------------------------


def test_an_oversized_body_is_refused_and_the_server_goes_on(personas):
    client = Client(raise_request_exception=False)
    response = client.post("/tai-khoan/dang-nhap/", {"username": "x" * (11 * 1024 * 1024), "password": "y"})
    assert response.status_code == 400
    client.force_login(personas.viewer)
    assert client.get("/").status_code == 200


def test_searches_beyond_the_limit_get_429(personas, settings):
    settings.TOCHUC_RATE_LIMITS = {"search": 3}
    client = Client()
    client.force_login(personas.viewer)
    codes = [client.get("/nguoi/tim/", {"q": "Trần"}).status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    assert AccessLog.objects.filter(action="limit.search", result="denied").count() == 1


# F1: SQLite durability ---------------------------------------------------------------------------


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite pragmas")
def test_sqlite_connections_are_durable(db):
    with connection.cursor() as cur:
        values = {p: cur.execute(f"PRAGMA {p}").fetchone()[0] for p in ("journal_mode", "synchronous", "foreign_keys")}
    # The test database may be in memory, where WAL does not apply; the file database is WAL.
    assert values["synchronous"] == 2 and values["foreign_keys"] == 1
    assert values["journal_mode"] in ("wal", "memory")
    assert connection.settings_dict["OPTIONS"]["transaction_mode"] == "IMMEDIATE"


# A7: headers on every page --------------------------------------------------------------------------


def test_pages_carry_the_security_headers(personas):
    client = Client()
    client.force_login(personas.viewer)
    response = client.get("/")
    csp = response["Content-Security-Policy"]
    for directive in ("object-src 'none'", "base-uri 'none'", "frame-ancestors 'none'", "script-src 'self'"):
        assert directive in csp
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cache-Control"] == "no-store"


# B4: the role matrix --------------------------------------------------------------------------------

MATRIX = {
    Role.VIEWER: {"view", "export"},
    Role.CLERK: {"view", "export", "record"},
    Role.SPECIALIST: {"view", "export", "record", "void", "import", "manage_units", "manage_targets"},
    Role.ADMIN: set(scoping.ACTION_MIN_ROLE),
}


@pytest.mark.parametrize("role", list(Role))
def test_each_role_may_do_exactly_its_actions(role):
    assert {a for a in scoping.ACTION_MIN_ROLE if scoping.allows(role, a)} == MATRIX[role]
    assert not any(scoping.allows(None, a) for a in scoping.ACTION_MIN_ROLE)


# B6: a transfer moves visibility and keeps the history whole --------------------------------------


def test_a_transfer_moves_the_record_to_the_other_district(member, personas, record, tree):
    outsider, district = scoping.scope_for(personas.outsider), scoping.scope_for(personas.district_specialist)
    assert not scoping.people(outsider).filter(pk=member.pk).exists()
    history = list(scoping.events(district).filter(person=member).values_list("pk", flat=True))
    record(member, "transfer", dt.date(2020, 3, 1), subtype="official", unit=tree["CT.NK.01.01"], to_unit=tree["CT.CR.01.01"])
    assert scoping.people(outsider).filter(pk=member.pk).exists()
    assert not scoping.people(district).filter(pk=member.pk).exists()
    # The receiving side sees the whole history, from the admission on.
    moved = list(scoping.events(outsider).filter(person=member).order_by("pk").values_list("pk", flat=True))
    assert moved[: len(history)] == sorted(history) and len(moved) == len(history) + 1


# B7: no admin site ----------------------------------------------------------------------------------


def test_there_is_no_django_admin_site(settings, personas):
    assert "django.contrib.admin" not in settings.INSTALLED_APPS
    client = Client()
    client.force_login(personas.city_admin)
    assert client.get("/admin/").status_code == 404


# E6: retention ---------------------------------------------------------------------------------


def test_the_purge_keeps_twelve_months_and_refuses_less(db, capsys):
    with time_machine.travel(timezone.now() - dt.timedelta(days=400)):
        AccessLog.objects.create(action="view")
        AuthEvent.objects.create(action="auth.login")
    with time_machine.travel(timezone.now() - dt.timedelta(days=300)):
        AccessLog.objects.create(action="view")
    with pytest.raises(CommandError):
        call_command("purge_security_logs", days=180)
    assert AccessLog.objects.count() == 2
    call_command("purge_security_logs")
    assert AccessLog.objects.count() == 1
    assert list(AuthEvent.objects.values_list("action", flat=True)) == ["log.purge"]
    assert appendonly.installed(connection)
    with pytest.raises(DatabaseError), transaction.atomic():
        AccessLog.objects.all().delete()


# E8: incidents and "who read what" ------------------------------------------------------------------


def test_an_incident_computes_its_notification_deadlines(db):
    found = dt.datetime(2026, 11, 27, 9, 30, tzinfo=dt.UTC)
    incident = Incident.objects.create(discovered_at=found, title="Lộ danh sách")
    assert incident.initial_notice_due == dt.datetime(2026, 11, 28, 9, 30, tzinfo=dt.UTC)
    assert incident.breach_notice_due == dt.datetime(2026, 11, 30, 9, 30, tzinfo=dt.UTC)


def test_who_read_a_record_between_two_moments(member, personas):
    start = timezone.now()
    with time_machine.travel(start - dt.timedelta(hours=2)):
        AccessLog.objects.create(user=personas.viewer, action="view", object_type="people.person", object_id=str(member.pk))
    with time_machine.travel(start + dt.timedelta(minutes=5)):
        AccessLog.objects.create(user=personas.outsider, action="view", object_type="people.person", object_id=str(member.pk))
        AccessLog.objects.create(user=personas.viewer, action="view", object_type="people.person", object_id="0")
    rows = accessed_between(start, start + dt.timedelta(hours=1), object_type="people.person", object_id=str(member.pk))
    assert [r.user.username for r in rows] == ["nguoingoai"]


# B8: reviews -------------------------------------------------------------------------------------


def test_the_access_review_lists_every_account_and_flags_the_idle(personas, capsys):
    from tochuc.accounts.models import User

    User.objects.filter(pk=personas.viewer.pk).update(last_login=timezone.now() - dt.timedelta(days=50))
    User.objects.exclude(pk=personas.viewer.pk).update(last_login=timezone.now())
    call_command("access_review")
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 6
    flagged = [line.split("\t")[0] for line in lines if "⚠" in line]
    assert flagged == ["nguoixem"]
    assert "CT.NK (Xem)" in next(line for line in lines if line.startswith("nguoixem"))


def test_the_reconciliation_agrees_on_a_consistent_subtree(member, tree, capsys):
    result = reconcile(unit=tree["CT.NK"])
    assert (result.listed, result.kept, result.agrees) == (1, 1, True)
    call_command("reconcile", "--unit", "CT.NK")
    assert capsys.readouterr().out.endswith("Danh sách và hồ sơ khớp nhau\n")
    assert reconcile(unit=tree["CT.CR"]).listed == 0
