"""Full, verified backups in a portable format (SECURITY.md F3; DESIGN.md `tochuc backup/restore`).

A backup is a zip holding `data.json` (Django's serialisation of every record, the same on
SQLite and PostgreSQL) and `manifest.json`: format version, the migrations applied (the schema
version), per-model row counts, and the SHA-256 of `data.json`. Restore refuses a damaged file,
another schema version, or a database that already holds records; it loads everything in one
transaction with the append-only triggers lifted, then checks the counts and the audit chain.

Sessions, content types and permissions are not records: they are rebuilt by `tochuc migrate`,
and everyone logs in again after a restore.

With `TOCHUC_BACKUP_KEY` set (production requires it: SECURITY.md E7, F3; TCVN 14423 5.11) the
zip is encrypted with AES-256-GCM under a key derived from it by scrypt with a random salt. The
header (format, salt, nonce, a key check) is authenticated with the data, so a wrong key is named
as such, and any changed or truncated byte makes the restore refuse the file before reading it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import itertools
import json
import os
import secrets
import tempfile
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt
from django.apps import apps
from django.conf import settings
from django.core import serializers
from django.core.management import call_command
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, transaction
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

from tochuc.core import appendonly
from tochuc.core.models import verify_chain

FORMAT = "tochuc-backup"
FORMAT_VERSION = 1
NOT_RECORDS = ("contenttypes", "auth.permission", "sessions")

MSG_NOT_A_BACKUP = "Tệp {path} không phải bản sao lưu tochuc"
MSG_DAMAGED = "Tệp sao lưu {path} bị hỏng: {why}"
MSG_SCHEMA = "Bản sao lưu thuộc phiên bản cấu trúc khác ({detail}); hãy phục hồi bằng phiên bản tochuc đã tạo ra nó"
MSG_NOT_EMPTY = "Cơ sở dữ liệu đích không trống ({detail}); chỉ phục hồi vào cơ sở dữ liệu mới tạo bằng `tochuc migrate`"
MSG_COUNTS = "Số dòng sau phục hồi không khớp bản sao lưu: {detail}"
MSG_CHAIN = "Nhật ký thay đổi sau phục hồi không toàn vẹn (id={entry_id})"
MSG_KEY_REQUIRED = "Ở chế độ production bản sao lưu phải được mã hóa: hãy đặt biến môi trường TOCHUC_BACKUP_KEY"
MSG_KEY_SHORT = "TOCHUC_BACKUP_KEY phải dài ít nhất {n} ký tự (nhận được {got})"
MSG_KEY_MISSING = "Tệp sao lưu {path} đã được mã hóa: hãy đặt TOCHUC_BACKUP_KEY bằng khóa đã dùng khi sao lưu"
MSG_WRONG_KEY = "Không giải mã được tệp sao lưu {path}: TOCHUC_BACKUP_KEY không phải khóa đã dùng khi sao lưu"
MSG_TAMPERED = "Tệp sao lưu {path} đã bị sửa hoặc bị cắt cụt sau khi mã hóa: không dùng được tệp này"

# Encrypted file: MAGIC | salt (16) | nonce (12) | key check (16) | AES-256-GCM ciphertext | tag (16).
MAGIC = b"TOCHUC-BACKUP-AES256GCM-1\n"
SALT_BYTES, NONCE_BYTES, CHECK_BYTES, TAG_BYTES = 16, 12, 16, 16
HEADER_BYTES = len(MAGIC) + SALT_BYTES + NONCE_BYTES + CHECK_BYTES
MIN_KEY_CHARS = 32
# scrypt cost: about 0.1 s and 32 MiB per backup or restore, enough to make guessing a key slow.
SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**15, 8, 1
BLOCK = 1 << 20


class BackupError(Exception):
    pass


def backup_key() -> str:
    """The configured key ('' when none): the setting, else the environment variable."""
    key = getattr(settings, "TOCHUC_BACKUP_KEY", None)
    if key is None:
        key = os.environ.get("TOCHUC_BACKUP_KEY", "")
    return key


def _derive(key: str, salt: bytes) -> tuple[bytes, bytes]:
    """The AES key and the key check value (an HMAC that tells a wrong key from a damaged file)."""
    derived = Scrypt(salt=salt, length=32, n=SCRYPT_N, r=SCRYPT_R, p=SCRYPT_P).derive(key.encode("utf-8"))
    check = hmac.new(derived, b"tochuc backup key check", hashlib.sha256).digest()[:CHECK_BYTES]
    return derived, check


def encrypt_file(source: Path, target: Path, key: str) -> None:
    if len(key) < MIN_KEY_CHARS:
        raise BackupError(MSG_KEY_SHORT.format(n=MIN_KEY_CHARS, got=len(key)))
    salt, nonce = secrets.token_bytes(SALT_BYTES), secrets.token_bytes(NONCE_BYTES)
    derived, check = _derive(key, salt)
    header = MAGIC + salt + nonce + check
    encryptor = Cipher(algorithms.AES(derived), modes.GCM(nonce)).encryptor()
    encryptor.authenticate_additional_data(header)
    with open(source, "rb") as src, open(target, "wb") as dst:
        dst.write(header)
        for block in iter(lambda: src.read(BLOCK), b""):
            dst.write(encryptor.update(block))
        dst.write(encryptor.finalize())
        dst.write(encryptor.tag)


def is_encrypted(path: Path) -> bool:
    try:
        with open(path, "rb") as fh:
            return fh.read(len(MAGIC)) == MAGIC
    except OSError:
        return False


def decrypt_file(source: Path, target: Path, key: str, *, shown: Path | None = None) -> None:
    """Decrypt into `target`, which holds nothing usable unless the whole file authenticates."""
    shown = shown or source
    size = source.stat().st_size
    if size < HEADER_BYTES + TAG_BYTES:
        raise BackupError(MSG_TAMPERED.format(path=shown))
    with open(source, "rb") as src:
        header = src.read(HEADER_BYTES)
        if not header.startswith(MAGIC):
            raise BackupError(MSG_NOT_A_BACKUP.format(path=shown))
        offset = len(MAGIC)
        salt = header[offset : offset + SALT_BYTES]
        nonce = header[offset + SALT_BYTES : offset + SALT_BYTES + NONCE_BYTES]
        stored_check = header[offset + SALT_BYTES + NONCE_BYTES :]
        derived, check = _derive(key, salt)
        if not hmac.compare_digest(check, stored_check):
            raise BackupError(MSG_WRONG_KEY.format(path=shown))
        src.seek(size - TAG_BYTES)
        tag = src.read(TAG_BYTES)
        src.seek(HEADER_BYTES)
        decryptor = Cipher(algorithms.AES(derived), modes.GCM(nonce, tag)).decryptor()
        decryptor.authenticate_additional_data(header)
        remaining = size - HEADER_BYTES - TAG_BYTES
        with open(target, "wb") as dst:
            while remaining > 0:
                block = src.read(min(BLOCK, remaining))
                if not block:
                    break
                remaining -= len(block)
                dst.write(decryptor.update(block))
            try:
                dst.write(decryptor.finalize())
            except InvalidTag:
                dst.truncate(0)
                raise BackupError(MSG_TAMPERED.format(path=shown)) from None


@contextmanager
def _plain(path: Path, key: str | None) -> Iterator[Path]:
    """The backup's zip: the file itself, or its decryption in a private temporary directory."""
    if not is_encrypted(path):
        yield path
        return
    key = backup_key() if key is None else key
    if not key:
        raise BackupError(MSG_KEY_MISSING.format(path=path))
    with tempfile.TemporaryDirectory() as tmp:
        plain = Path(tmp) / "backup.zip"
        decrypt_file(path, plain, key, shown=path)
        yield plain


def record_models() -> list:
    skipped = {"contenttypes", "sessions"}
    return [
        m
        for m in apps.get_models()
        if m._meta.app_label not in skipped and m._meta.label_lower != "auth.permission" and not m._meta.proxy
    ]


def schema_version() -> dict[str, str]:
    """The last migration applied per app."""
    latest: dict[str, str] = {}
    for app, name in MigrationRecorder(connection).applied_migrations():
        if app not in latest or name > latest[app]:
            latest[app] = name
    return dict(sorted(latest.items()))


def row_counts() -> dict[str, int]:
    # The base manager: a default manager may show only part of a table (grants in force).
    return {m._meta.label_lower: m._base_manager.count() for m in record_models()}


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


class _FullPrecision(DjangoJSONEncoder):
    # Django's encoder cuts datetimes to milliseconds; a backup keeps every microsecond, which
    # the audit chain's hashes cover.
    def default(self, o):
        if isinstance(o, dt.datetime | dt.time):
            return o.isoformat()
        return super().default(o)


def _ordered_models() -> list:
    by_app: dict = {}
    for model in record_models():
        by_app.setdefault(apps.get_app_config(model._meta.app_label), []).append(model)
    return serializers.sort_dependencies(by_app.items(), allow_cycles=True)


def _dump(path: Path) -> dict[str, int]:
    encoder = _FullPrecision(ensure_ascii=False, separators=(",", ":"))
    outermost = not connection.in_atomic_block
    with transaction.atomic(), open(path, "w", encoding="utf-8") as out:
        if connection.vendor == "postgresql" and outermost:
            # One snapshot for every table: a consistent backup while clerks keep working.
            with connection.cursor() as cur:
                cur.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
        counts = row_counts()
        out.write("[")
        first = True
        for model in _ordered_models():
            rows = model._base_manager.order_by("pk").iterator(chunk_size=2000)
            while chunk := list(itertools.islice(rows, 2000)):
                for obj in serializers.serialize("python", chunk, use_natural_foreign_keys=True):
                    out.write(("" if first else ",\n") + encoder.encode(obj))
                    first = False
        out.write("]\n")
    return counts


def backup_write(target: Path, *, key: str | None = None) -> dict:
    """Write a backup; encrypted when a key is given or configured (required in production)."""
    target = Path(target)
    key = backup_key() if key is None else key
    if not key and getattr(settings, "PRODUCTION", False):
        raise BackupError(MSG_KEY_REQUIRED)
    if key and len(key) < MIN_KEY_CHARS:
        raise BackupError(MSG_KEY_SHORT.format(n=MIN_KEY_CHARS, got=len(key)))
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "data.json"
        counts = _dump(data)
        manifest = {
            "format": FORMAT,
            "format_version": FORMAT_VERSION,
            "created_at": timezone.now().isoformat(),
            "database": connection.vendor,
            "schema": schema_version(),
            "counts": counts,
            "data_sha256": sha256_file(data),
        }
        partial = target.with_name(target.name + ".partial")
        plain = Path(tmp) / "backup.zip" if key else partial
        with zipfile.ZipFile(plain, "w", compression=zipfile.ZIP_DEFLATED) as zf:
            zf.writestr("manifest.json", json.dumps(manifest, ensure_ascii=False, indent=1))
            zf.write(data, "data.json")
        if key:
            encrypt_file(plain, partial, key)
        # Never leave a half-written file under the real name.
        partial.replace(target)
    return {**manifest, "encrypted": bool(key)}


@dataclass(frozen=True)
class Restored:
    counts: dict[str, int]
    audit_entries: int


def _read_manifest(zf: zipfile.ZipFile, path: Path) -> dict:
    try:
        manifest = json.loads(zf.read("manifest.json"))
    except (KeyError, ValueError) as exc:
        raise BackupError(MSG_NOT_A_BACKUP.format(path=path)) from exc
    if manifest.get("format") != FORMAT or manifest.get("format_version") != FORMAT_VERSION:
        raise BackupError(MSG_NOT_A_BACKUP.format(path=path))
    return manifest


def backup_check(path: Path, *, key: str | None = None) -> dict:
    """Verify a backup's integrity, and that it fits this database's schema; returns its manifest."""
    path = Path(path)
    with _plain(path, key) as plain:
        return {**_check_plain(plain, shown=path), "encrypted": plain != path}


def _check_plain(path: Path, *, shown: Path) -> dict:
    try:
        with zipfile.ZipFile(path) as zf:
            manifest = _read_manifest(zf, shown)
            bad = zf.testzip()
            if bad is not None:
                raise BackupError(MSG_DAMAGED.format(path=shown, why=f"CRC sai ở {bad}"))
            digest = hashlib.sha256()
            with zf.open("data.json") as fh:
                for block in iter(lambda: fh.read(1 << 20), b""):
                    digest.update(block)
    except (zipfile.BadZipFile, OSError, EOFError) as exc:
        raise BackupError(MSG_DAMAGED.format(path=shown, why=str(exc))) from exc
    except KeyError as exc:
        raise BackupError(MSG_DAMAGED.format(path=shown, why="thiếu data.json")) from exc
    if digest.hexdigest() != manifest.get("data_sha256"):
        raise BackupError(MSG_DAMAGED.format(path=shown, why="mã kiểm tra SHA-256 không khớp"))
    current = schema_version()
    if manifest["schema"] != current:
        differ = sorted(k for k in set(current) | set(manifest["schema"]) if current.get(k) != manifest["schema"].get(k))
        detail = ", ".join(f"{k}: {manifest['schema'].get(k)} ≠ {current.get(k)}" for k in differ[:5])
        raise BackupError(MSG_SCHEMA.format(detail=detail))
    return manifest


def restore_read(path: Path, *, key: str | None = None) -> Restored:
    path = Path(path)
    with _plain(path, key) as plain:
        manifest = _check_plain(plain, shown=path)
        present = {label: n for label, n in row_counts().items() if n}
        if present:
            raise BackupError(
                MSG_NOT_EMPTY.format(detail=", ".join(f"{k}: {v}" for k, v in sorted(present.items())[:5]))
            )
        with tempfile.TemporaryDirectory() as tmp:
            data = Path(tmp) / "data.json"
            with zipfile.ZipFile(plain) as zf, zf.open("data.json") as src, open(data, "wb") as dst:
                for block in iter(lambda: src.read(BLOCK), b""):
                    dst.write(block)
            if sha256_file(data) != manifest["data_sha256"]:
                raise BackupError(MSG_DAMAGED.format(path=path, why="mã kiểm tra SHA-256 không khớp"))
            # Restoring writes rows with their original ids into the append-only tables; that is the
            # one whole-database operation allowed to lift the triggers (core.appendonly).
            with transaction.atomic(), appendonly.suspended(connection):
                call_command("loaddata", str(data), verbosity=0)
                counts = row_counts()
                if counts != manifest["counts"]:
                    differ = [f"{k}: {counts.get(k)} ≠ {v}" for k, v in manifest["counts"].items() if counts.get(k) != v]
                    raise BackupError(MSG_COUNTS.format(detail=", ".join(differ[:5])))
    checked, broken = verify_chain()
    if broken is not None:
        raise BackupError(MSG_CHAIN.format(entry_id=broken.entry_id))
    return Restored(counts=counts, audit_entries=checked)
