"""`tochuc audit verify`: walk the hash chain of the audit trail (SECURITY.md E2).

Exit 0 when whole; exit 1 naming the first entry that was altered, removed or reordered.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from tochuc.core import appendonly
from tochuc.core.models import verify_chain
from django.db import connection


class Command(BaseCommand):
    help = "Kiểm tra tính toàn vẹn của nhật ký thay đổi"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("verify", help="kiểm tra chuỗi băm; mã thoát 1 nếu có dòng bị sửa hoặc xóa")

    def handle(self, *args, action: str, **options):
        checked, broken = verify_chain()
        if broken is not None:
            raise CommandError(
                f"Nhật ký thay đổi bị sửa hoặc xóa: dòng đầu tiên sai là id={broken.entry_id} ({broken.reason}); "
                f"{checked} dòng trước đó đúng"
            )
        if not appendonly.installed(connection):
            raise CommandError("Thiếu trigger chỉ-ghi-thêm trên các bảng nhật ký: chạy lại `tochuc migrate`")
        self.stdout.write(f"Nhật ký thay đổi toàn vẹn: {checked} dòng")
