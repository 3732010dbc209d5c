"""`tochuc restore FILE [--check]`: restore a backup into an empty database (see `tochuc.core.backup`)."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from tochuc.core.backup import BackupError, backup_check, restore_read


class Command(BaseCommand):
    help = "Phục hồi dữ liệu từ tệp sao lưu vào cơ sở dữ liệu trống"

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--check", action="store_true", help="chỉ kiểm tra tệp, không ghi gì")

    def handle(self, *args, file: str, check: bool, **options):
        try:
            if check:
                manifest = backup_check(Path(file))
                sealed = ", đã mã hóa và xác thực" if manifest["encrypted"] else ""
                self.stdout.write(f"Tệp sao lưu nguyên vẹn: {sum(manifest['counts'].values())} dòng{sealed}")
                return
            restored = restore_read(Path(file))
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        total = sum(restored.counts.values())
        self.stdout.write(f"Đã phục hồi {total} dòng; nhật ký thay đổi toàn vẹn ({restored.audit_entries} dòng)")
