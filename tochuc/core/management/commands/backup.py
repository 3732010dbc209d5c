"""`tochuc backup FILE`: a full, verified backup (see `tochuc.core.backup`)."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand

from tochuc.core.backup import backup_write


class Command(BaseCommand):
    help = "Sao lưu toàn bộ dữ liệu ra một tệp (có mã kiểm tra và phiên bản cấu trúc)"

    def add_arguments(self, parser):
        parser.add_argument("file")

    def handle(self, *args, file: str, **options):
        manifest = backup_write(Path(file))
        total = sum(manifest["counts"].values())
        self.stdout.write(f"Đã sao lưu {total} dòng vào {file} (SHA-256 {manifest['data_sha256'][:16]}…)")
