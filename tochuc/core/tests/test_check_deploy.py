"""`tochuc check_deploy` (SECURITY.md F1, F5): the database's durability settings, read live."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from tochuc.core.durability import judge

PG_ADVICE = {
    "fsync": "đặt fsync = on trong postgresql.conf rồi khởi động lại",
    "full_page_writes": "đặt full_page_writes = on trong postgresql.conf rồi nạp lại cấu hình",
    "data_checksums": "tạo cụm bằng initdb --data-checksums, hoặc chạy pg_checksums --enable khi máy chủ đã dừng",
}


def _server_values() -> dict[str, str]:
    """Asked directly, without the module under test."""
    names = ("fsync", "full_page_writes", "data_checksums") if connection.vendor == "postgresql" else (
        "journal_mode", "synchronous", "foreign_keys"
    )
    values = {}
    with connection.cursor() as cur:
        for name in names:
            cur.execute(f"SHOW {name}" if connection.vendor == "postgresql" else f"PRAGMA {name}")
            values[name] = str(cur.fetchone()[0]).lower()
    return values


def _expected_ok(name: str, value: str) -> bool:
    return {"journal_mode": value == "wal", "synchronous": value in ("2", "3"), "foreign_keys": value == "1"}.get(
        name, value == "on"
    )


@pytest.mark.django_db
def test_it_reports_what_the_server_says_and_fails_exactly_when_one_is_off():
    values = _server_values()
    out = StringIO()
    failed = [name for name, value in values.items() if not _expected_ok(name, value)]
    if failed:
        with pytest.raises(CommandError) as exc:
            call_command("check_deploy", stdout=out)
        assert str(exc.value) == f"{len(failed)} thiết lập độ bền chưa đạt: {', '.join(failed)}"
    else:
        call_command("check_deploy", stdout=out)
    lines = out.getvalue().splitlines()
    vendor = {"postgresql": "PostgreSQL", "sqlite": "SQLite"}[connection.vendor]
    assert lines[0] == f"Độ bền dữ liệu của cơ sở dữ liệu {vendor}:"
    for line, (name, value) in zip(lines[1:4], values.items(), strict=True):
        verdict = "đạt" if _expected_ok(name, value) else "KHÔNG ĐẠT"
        assert line.startswith(f"  {name} = {value}: {verdict}"), line
    assert lines[4:] == ([] if failed else ["Mọi thiết lập độ bền đều đạt"])


@pytest.mark.skipif("connection.vendor != 'postgresql'")
@pytest.mark.django_db
def test_on_postgresql_data_checksums_is_what_show_says():
    with connection.cursor() as cur:
        cur.execute("SHOW data_checksums")
        shown = cur.fetchone()[0]
    out = StringIO()
    try:
        call_command("check_deploy", stdout=out)
        code = 0
    except CommandError:
        code = 1
    line = next(x for x in out.getvalue().splitlines() if x.startswith("  data_checksums = "))
    assert line.startswith(f"  data_checksums = {shown}: ")
    if shown != "on":
        assert code == 1


def test_postgresql_settings_that_are_off_are_named_with_their_fix():
    settings = judge("postgresql", {"fsync": "off", "full_page_writes": "on", "data_checksums": "off"})
    assert [(s.name, s.value, s.ok) for s in settings] == [
        ("fsync", "off", False), ("full_page_writes", "on", True), ("data_checksums", "off", False),
    ]
    assert {s.name: s.advice for s in settings} == PG_ADVICE


@pytest.mark.parametrize(
    ("values", "bad"),
    [
        ({"journal_mode": "wal", "synchronous": "2", "foreign_keys": "1"}, []),
        ({"journal_mode": "wal", "synchronous": "3", "foreign_keys": "1"}, []),
        ({"journal_mode": "delete", "synchronous": "1", "foreign_keys": "0"}, ["journal_mode", "synchronous", "foreign_keys"]),
        ({"journal_mode": "memory", "synchronous": "0", "foreign_keys": "1"}, ["journal_mode", "synchronous"]),
    ],
)
def test_sqlite_needs_wal_a_full_sync_and_foreign_keys(values, bad):
    assert [s.name for s in judge("sqlite", values) if not s.ok] == bad


@pytest.mark.skipif("connection.vendor != 'sqlite'")
@pytest.mark.django_db(transaction=True)
def test_on_sqlite_a_connection_without_a_full_sync_fails_the_check():
    with connection.cursor() as cur:
        cur.execute("PRAGMA synchronous")
        before = cur.fetchone()[0]
        cur.execute("PRAGMA synchronous=OFF")
    try:
        out = StringIO()
        with pytest.raises(CommandError) as exc:
            call_command("check_deploy", stdout=out)
        assert "  synchronous = 0: KHÔNG ĐẠT (cần 2 (FULL); PRAGMA synchronous=FULL trên mỗi kết nối (cấu hình của tochuc))" in out.getvalue().splitlines()
        assert "synchronous" in str(exc.value).split(": ", 1)[1].split(", ")
    finally:
        with connection.cursor() as cur:
            cur.execute(f"PRAGMA synchronous={before}")
