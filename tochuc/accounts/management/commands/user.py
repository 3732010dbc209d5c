"""`tochuc user add USERNAME --unit CODE --role ROLE` (password from stdin or a prompt),
`tochuc user lock|unlock|reset USERNAME`, `tochuc user password USERNAME`,
`tochuc user otp-reset USERNAME` (remove the authenticator app of a lost phone),
`tochuc user grant USERNAME --unit CODE --role ROLE`, `tochuc user revoke USERNAME --unit CODE`."""

from __future__ import annotations

import getpass
import sys

from django.core.management.base import BaseCommand, CommandError

from tochuc.accounts.models import Role, User
from tochuc.accounts.services import (
    grant_add,
    grant_revoke,
    user_create,
    user_lock,
    user_otp_reset,
    user_reset_password,
    user_set_password,
    user_unlock,
)
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
        add.add_argument(
            "--permanent",
            action="store_true",
            help="không buộc đổi mật khẩu ở lần đăng nhập đầu (chỉ khi chính người dùng đặt mật khẩu này)",
        )
        lock = sub.add_parser("lock", help="khóa tài khoản và kết thúc mọi phiên đăng nhập")
        lock.add_argument("username")
        lock.add_argument("--reason", default="")
        unlock = sub.add_parser("unlock", help="mở khóa tài khoản (cả khóa do đăng nhập sai nhiều lần)")
        unlock.add_argument("username")
        reset = sub.add_parser("reset", help="đặt mật khẩu tạm thời, phải đổi ở lần đăng nhập sau")
        reset.add_argument("username")
        password = sub.add_parser("password", help="đặt mật khẩu mới (đọc từ đầu vào chuẩn)")
        password.add_argument("username")
        otp_reset = sub.add_parser(
            "otp-reset", help="gỡ ứng dụng xác thực (mất điện thoại), kết thúc mọi phiên; lần đăng nhập sau phải đăng ký lại"
        )
        otp_reset.add_argument("username")
        otp_reset.add_argument("--reason", default="")
        grant = sub.add_parser(
            "grant", help="cấp vai trò trong phạm vi một đơn vị (thay vai trò cũ trên đơn vị đó nếu có)"
        )
        grant.add_argument("username")
        grant.add_argument("--unit", required=True, help="mã đơn vị gốc của phạm vi")
        grant.add_argument("--role", required=True, choices=Role.values)
        grant.add_argument("--reason", default="")
        revoke = sub.add_parser("revoke", help="chấm dứt quyền trong phạm vi một đơn vị (giữ lại lịch sử)")
        revoke.add_argument("username")
        revoke.add_argument("--unit", required=True, help="mã đơn vị gốc của phạm vi")
        revoke.add_argument("--reason", default="")

    def handle(self, *args, action: str, **options):
        if action == "add":
            self._add(options["username"], options["unit"], options["role"], must_change=not options["permanent"])
            return
        user = User.objects.filter(username=options["username"]).first()
        if user is None:
            raise CommandError(f"Không có người dùng {options['username']!r}")
        if action == "lock":
            user_lock(by=None, user=user, reason=options["reason"])
            self.stdout.write(f"Đã khóa tài khoản {user.username}")
        elif action == "unlock":
            user_unlock(by=None, user=user)
            self.stdout.write(f"Đã mở khóa tài khoản {user.username}")
        elif action == "reset":
            temporary = user_reset_password(by=None, user=user)
            self.stdout.write(f"Mật khẩu tạm thời của {user.username} (phải đổi khi đăng nhập): {temporary}")
        elif action == "otp-reset":
            removed = user_otp_reset(by=None, user=user, reason=options["reason"])
            self.stdout.write(
                f"Đã gỡ {removed} ứng dụng xác thực của {user.username}; mọi phiên đăng nhập đã kết thúc"
            )
        elif action in ("grant", "revoke"):
            unit = unit_by_code(options["unit"])
            if unit is None:
                raise CommandError(f"Không có đơn vị mã {options['unit']!r}")
            try:
                if action == "grant":
                    grant_add(by=None, user=user, unit=unit, role=options["role"], reason=options["reason"])
                else:
                    ended = grant_revoke(by=None, user=user, unit=unit, reason=options["reason"])
            except RecordRefused as refused:
                raise CommandError("\n".join(str(f) for f in refused.findings)) from None
            if action == "grant":
                self.stdout.write(f"Đã cấp vai trò {Role(options['role']).label} cho {user.username} trong phạm vi {unit.code}")
            else:
                self.stdout.write(
                    f"Đã chấm dứt vai trò {Role(ended.role).label} của {user.username} trong phạm vi {unit.code}"
                )
        elif action == "password":
            try:
                user_set_password(by=None, user=user, password=self._read_password())
            except RecordRefused as refused:
                raise CommandError("\n".join(str(f) for f in refused.findings)) from None
            self.stdout.write(f"Đã đổi mật khẩu của {user.username}")

    def _read_password(self) -> str:
        if sys.stdin.isatty():
            first = getpass.getpass("Mật khẩu: ")
            if first != getpass.getpass("Nhập lại mật khẩu: "):
                raise CommandError("Hai lần nhập mật khẩu không khớp")
            return first
        return sys.stdin.readline().rstrip("\r\n")

    def _add(self, username: str, unit_code: str, role: str, *, must_change: bool) -> None:
        unit = unit_by_code(unit_code)
        if unit is None:
            raise CommandError(f"Không có đơn vị mã {unit_code!r}")
        password = self._read_password()
        try:
            user_create(by=None, username=username, password=password, unit=unit, role=role, must_change=must_change)
        except RecordRefused as refused:
            raise CommandError("\n".join(str(f) for f in refused.findings)) from None
        self.stdout.write(f"Đã tạo người dùng {username} ({Role(role).label}) trong phạm vi {unit.code}")
