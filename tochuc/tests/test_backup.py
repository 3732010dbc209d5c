"""Backup and restore (SECURITY.md F3) and migrations (F4)."""

from __future__ import annotations

import hashlib
import io
import json
import zipfile

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from tochuc.core import appendonly
from tochuc.core.backup import record_models
from tochuc.core.models import audit, verify_chain


def _everything() -> str:
    digest = hashlib.sha256()
    for model in sorted(record_models(), key=lambda m: m._meta.label_lower):
        fields = [f.attname for f in model._meta.concrete_fields]
        for row in model._base_manager.order_by("pk").values_list(*fields):
            digest.update(repr((model._meta.label_lower, row)).encode())
    return digest.hexdigest()


def _rewrite(source, target, *, data=None, manifest=None) -> None:
    with zipfile.ZipFile(source) as zf:
        original = {n: zf.read(n) for n in zf.namelist()}
    if data is not None:
        original["data.json"] = data(original["data.json"])
    if manifest is not None:
        original["manifest.json"] = json.dumps(manifest(json.loads(original["manifest.json"]))).encode()
    with zipfile.ZipFile(target, "w") as zf:
        for name, content in original.items():
            zf.writestr(name, content)


@pytest.mark.django_db(transaction=True)
def test_a_backup_restores_to_the_identical_state(tmp_path, member, personas, capsys):
    audit(by=personas.city_admin, action="test.note", obj=member, changes={"ghi_chú": "trước sao lưu"})
    before = _everything()
    target = tmp_path / "tochuc.zip"
    call_command("backup", str(target))
    with appendonly.suspended(connection):
        call_command("flush", interactive=False, verbosity=0)
    assert _everything() != before
    call_command("restore", str(target))
    assert _everything() == before
    assert verify_chain()[1] is None
    assert appendonly.installed(connection)
    out = capsys.readouterr().out
    assert "Đã sao lưu" in out and "Đã phục hồi" in out
    # The restored database takes new records after the old ones (sequences moved on).
    audit(by=None, action="test.after", obj=member)
    assert verify_chain()[1] is None


@pytest.mark.django_db
def test_a_restore_refuses_a_database_that_holds_records(tmp_path, member):
    target = tmp_path / "b.zip"
    call_command("backup", str(target))
    with pytest.raises(CommandError) as exc:
        call_command("restore", str(target))
    assert "Cơ sở dữ liệu đích không trống" in str(exc.value)


@pytest.mark.django_db
def test_a_damaged_or_foreign_backup_is_refused_before_anything_is_written(tmp_path, member):
    good = tmp_path / "good.zip"
    call_command("backup", str(good))
    flipped = tmp_path / "flipped.zip"
    _rewrite(good, flipped, data=lambda d: d.replace("Trần".encode(), "Trân".encode(), 1))
    other_schema = tmp_path / "schema.zip"
    _rewrite(good, other_schema, manifest=lambda m: {**m, "schema": {**m["schema"], "events": "0099_future"}})
    truncated = tmp_path / "truncated.zip"
    truncated.write_bytes(good.read_bytes()[:-200])
    not_backup = tmp_path / "x.zip"
    with zipfile.ZipFile(not_backup, "w") as zf:
        zf.writestr("hello.txt", "x")
    expected = {
        flipped: "mã kiểm tra SHA-256 không khớp",
        other_schema: "phiên bản cấu trúc khác (events: 0099_future",
        truncated: "bị hỏng",
        not_backup: "không phải bản sao lưu tochuc",
    }
    for path, message in expected.items():
        with pytest.raises(CommandError) as exc:
            call_command("restore", "--check", str(path))
        assert message in str(exc.value), path


@pytest.mark.django_db
def test_no_model_change_lacks_its_migration():
    out = io.StringIO()
    call_command("makemigrations", "--check", "--dry-run", stdout=out)
    assert "No changes detected" in out.getvalue()


@pytest.mark.django_db(transaction=True)
def test_the_security_migrations_go_back_and_forth_keeping_rows(member, personas):
    from django.db.migrations.executor import MigrationExecutor

    from tochuc.accounts.models import AccessLog
    from tochuc.core.models import AuditEntry

    AccessLog.objects.create(action="view")
    audits, reads = AuditEntry.objects.count(), AccessLog.objects.count()
    executor = MigrationExecutor(connection)
    targets = [("core", "0001_initial"), ("accounts", "0001_initial")]
    executor.migrate(targets)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())
    assert (AuditEntry.objects.count(), AccessLog.objects.count()) == (audits, reads)
    assert verify_chain()[1] is None
    assert appendonly.installed(connection)
