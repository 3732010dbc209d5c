"""Encrypted backups (SECURITY.md E7, F3): AES-256-GCM under TOCHUC_BACKUP_KEY, on both databases."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from tochuc.core import appendonly
from tochuc.core.backup import HEADER_BYTES, MAGIC, SALT_BYTES
from tochuc.core.models import verify_chain
from tochuc.tests.test_backup import _everything
from tochuc.tests.test_settings import PROD_ENV, _run

KEY = "khóa sao lưu thử nghiệm, đủ dài: 32 ký tự trở lên"
OTHER_KEY = "một khóa khác hẳn, cũng dài hơn ba mươi hai ký tự"


def refused(*args: str) -> str:
    with pytest.raises(CommandError) as exc:
        call_command(*args)
    return str(exc.value)


@pytest.mark.django_db(transaction=True)
def test_an_encrypted_backup_hides_the_records_and_restores_to_the_identical_state(tmp_path, member, personas, settings, capsys):
    settings.TOCHUC_BACKUP_KEY = KEY
    before = _everything()
    target = tmp_path / "tochuc.enc"
    call_command("backup", str(target))
    raw = target.read_bytes()
    assert raw.startswith(MAGIC)
    for clear in ("Trần Quốc Trung".encode(), b"manifest.json", b"data.json", b"PK\x03\x04"):
        assert clear not in raw
    with appendonly.suspended(connection):
        call_command("flush", interactive=False, verbosity=0)
    call_command("restore", "--check", str(target))
    call_command("restore", str(target))
    assert _everything() == before
    assert verify_chain()[1] is None
    assert appendonly.installed(connection)
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith("Đã sao lưu ") and "(mã hóa AES-256-GCM; SHA-256 dữ liệu " in out[0]
    assert out[1].startswith("Tệp sao lưu nguyên vẹn: ") and out[1].endswith(" dòng, đã mã hóa và xác thực")
    assert out[2].startswith("Đã phục hồi ")


@pytest.mark.django_db
def test_a_wrong_or_missing_key_and_a_changed_byte_are_refused_before_anything_is_read(tmp_path, member, settings):
    settings.TOCHUC_BACKUP_KEY = KEY
    good = tmp_path / "good.enc"
    call_command("backup", str(good))
    raw = good.read_bytes()

    settings.TOCHUC_BACKUP_KEY = OTHER_KEY
    assert refused("restore", str(good)) == (
        f"Không giải mã được tệp sao lưu {good}: TOCHUC_BACKUP_KEY không phải khóa đã dùng khi sao lưu"
    )
    settings.TOCHUC_BACKUP_KEY = ""
    assert refused("restore", "--check", str(good)) == (
        f"Tệp sao lưu {good} đã được mã hóa: hãy đặt TOCHUC_BACKUP_KEY bằng khóa đã dùng khi sao lưu"
    )

    settings.TOCHUC_BACKUP_KEY = KEY
    middle = HEADER_BYTES + (len(raw) - HEADER_BYTES) // 2
    damaged = {
        "body": raw[:middle] + bytes([raw[middle] ^ 1]) + raw[middle + 1 :],
        "nonce": raw[: len(MAGIC) + SALT_BYTES] + bytes([raw[len(MAGIC) + SALT_BYTES] ^ 1]) + raw[len(MAGIC) + SALT_BYTES + 1 :],
        "tag": raw[:-1] + bytes([raw[-1] ^ 1]),
        "truncated": raw[:-100],
        "appended": raw + b"\0",
    }
    for name, content in damaged.items():
        path = tmp_path / f"{name}.enc"
        path.write_bytes(content)
        message = f"Tệp sao lưu {path} đã bị sửa hoặc bị cắt cụt sau khi mã hóa: không dùng được tệp này"
        assert refused("restore", "--check", str(path)) == message, name
        # The real restore refuses it too, before it even looks at the (non-empty) database.
        assert refused("restore", str(path)) == message, name


@pytest.mark.django_db
def test_a_short_key_is_refused_and_production_refuses_a_plain_backup(tmp_path, member, settings):
    settings.TOCHUC_BACKUP_KEY = "ngắn quá"
    assert refused("backup", str(tmp_path / "a.enc")) == "TOCHUC_BACKUP_KEY phải dài ít nhất 32 ký tự (nhận được 8)"
    settings.TOCHUC_BACKUP_KEY = ""
    settings.PRODUCTION = True
    assert refused("backup", str(tmp_path / "b.zip")) == (
        "Ở chế độ production bản sao lưu phải được mã hóa: hãy đặt biến môi trường TOCHUC_BACKUP_KEY"
    )
    assert not (tmp_path / "a.enc").exists() and not (tmp_path / "b.zip").exists()


@pytest.mark.django_db
def test_without_a_key_outside_production_the_backup_says_it_is_plain(tmp_path, member, settings, capsys):
    settings.TOCHUC_BACKUP_KEY = ""
    target = tmp_path / "plain.zip"
    call_command("backup", str(target))
    assert target.read_bytes().startswith(b"PK\x03\x04")
    assert "(KHÔNG mã hóa: chưa đặt TOCHUC_BACKUP_KEY; SHA-256 dữ liệu " in capsys.readouterr().out
    # A key set later still restores the plain files made before it.
    settings.TOCHUC_BACKUP_KEY = KEY
    call_command("restore", "--check", str(target))


def test_production_refuses_to_start_without_a_backup_key():
    env = {k: v for k, v in PROD_ENV.items() if k != "TOCHUC_BACKUP_KEY"}
    result = _run("import django; django.setup()", **env)
    assert result.returncode != 0
    assert "ImproperlyConfigured: TOCHUC_BACKUP_KEY phải được đặt" in result.stderr
    short = _run("import django; django.setup()", **env, TOCHUC_BACKUP_KEY="x" * 31)
    assert "ImproperlyConfigured: TOCHUC_BACKUP_KEY phải được đặt" in short.stderr
