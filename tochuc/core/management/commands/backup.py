"""`tochuc backup FILE`: a full, verified backup, encrypted with TOCHUC_BACKUP_KEY (see `tochuc.core.backup`)."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from tochuc.core.backup import BackupError, backup_write


class Command(BaseCommand):
    help = "Sao lưu toàn bộ dữ liệu ra một tệp (có mã kiểm tra và phiên bản cấu trúc)"

    def add_arguments(self, parser):
        parser.add_argument("file")

    def handle(self, *args, file: str, **options):
        try:
            manifest = backup_write(Path(file))
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        total = sum(manifest["counts"].values())
        sealed = "mã hóa AES-256-GCM" if manifest["encrypted"] else "KHÔNG mã hóa: chưa đặt TOCHUC_BACKUP_KEY"
        self.stdout.write(f"Đã sao lưu {total} dòng vào {file} ({sealed}; SHA-256 dữ liệu {manifest['data_sha256'][:16]}…)")
