"""`tochuc user add USERNAME --unit CODE --role ROLE` (password from stdin or a prompt)."""

from __future__ import annotations

import getpass
import sys

from django.core.management.base import BaseCommand, CommandError

from tochuc.accounts.models import Role
from tochuc.accounts.services import user_create
from tochuc.core.findings import RecordRefused
from tochuc.units.selectors import unit_by_code


class Command(BaseCommand):
    help = "Quản lý người dùng"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        add = sub.add_parser("add", help="tạo người dùng làm việc trong phạm vi một đơn vị")
        add.add_argument("username")
        add.add_argument("--unit", required=True, help="mã đơn vị gốc của phạm vi")
        add.add_argument("--role", required=True, choices=Role.values)

    def handle(self, *args, action: str, **options):
        if action == "add":
            self._add(options["username"], options["unit"], options["role"])

    def _read_password(self) -> str:
        if sys.stdin.isatty():
            first = getpass.getpass("Mật khẩu: ")
            if first != getpass.getpass("Nhập lại mật khẩu: "):
                raise CommandError("Hai lần nhập mật khẩu không khớp")
            return first
        return sys.stdin.readline().rstrip("\r\n")

    def _add(self, username: str, unit_code: str, role: str) -> None:
        unit = unit_by_code(unit_code)
        if unit is None:
            raise CommandError(f"Không có đơn vị mã {unit_code!r}")
        password = self._read_password()
        try:
            user_create(by=None, username=username, password=password, unit=unit, role=role)
        except RecordRefused as refused:
            raise CommandError("\n".join(str(f) for f in refused.findings)) from None
        self.stdout.write(f"Đã tạo người dùng {username} ({Role(role).label}) trong phạm vi {unit.code}")
