"""`tochuc demo`: generate a synthetic deployment; `--status` and `--login` serve `bin/start`."""

from __future__ import annotations

import datetime as dt
import os
import sys

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from tochuc.core.db import analyze
from tochuc.demo.load import Generator, warm
from tochuc.demo.users import DEMO_PASSWORD, ensure_demo_users
from tochuc.lib.dates import parse_date
from tochuc.units.models import Unit

SCALES = ("city", "province", "national", "tiny", "small")


class Command(BaseCommand):
    help = "Sinh dữ liệu mẫu: cây tổ chức, đảng viên, sự kiện từ 1975, chỉ tiêu (thành phố, tỉnh hợp nhất, toàn quốc)"

    def add_arguments(self, parser):
        parser.add_argument("--scale", default="city", choices=SCALES, help="city (≈ 60 000 đảng viên), province (≈ 180 000), national (≈ 5,6 triệu, chỉ dùng PostgreSQL)")
        parser.add_argument("--seed", type=int, default=1, help="hạt giống ngẫu nhiên: cùng hạt giống và --until cho cùng dữ liệu")
        parser.add_argument("--until", default="", help="ngày cuối của dữ liệu (dd/mm/yyyy hoặc yyyy-mm-dd); mặc định hôm nay")
        parser.add_argument("--status", action="store_true", help="in 'empty' nếu cơ sở dữ liệu chưa có đơn vị nào, ngược lại 'loaded'")
        parser.add_argument("--login", action="store_true", help="tạo (nếu chưa có) và in các tài khoản mẫu cùng địa chỉ truy cập")

    def handle(self, *args, scale: str, seed: int, until: str, status: bool, login: bool, **options):
        if status:
            self.stdout.write("loaded" if Unit.objects.exists() else "empty")
            return
        if login:
            self.print_logins()
            return
        today = timezone.localdate()
        try:
            last = parse_date(until) if until else today
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        if last > today:
            raise CommandError(f"--until {last:%d/%m/%Y} ở tương lai")
        if last < dt.date(1990, 1, 1):
            raise CommandError("--until phải từ 01/01/1990 trở đi")
        if Unit.objects.exists():
            raise CommandError("Cơ sở dữ liệu đã có dữ liệu: dữ liệu mẫu chỉ sinh vào một cơ sở dữ liệu trống")

        def progress(line: str) -> None:
            sys.stderr.write(line + "\n")
            sys.stderr.flush()

        stats = Generator(scale=scale, seed=seed, until=last, progress=progress).run()
        progress("Cập nhật thống kê cho bộ lập kế hoạch truy vấn (ANALYZE)…")
        analyze()  # after the commit: PostgreSQL can then also VACUUM (index-only scans)
        progress("Dựng sẵn số đảng viên cuối năm và bảng tổng hợp sự kiện…")
        warm(last, progress)
        self.stdout.write(
            f"Đã sinh dữ liệu mẫu ({scale}, hạt giống {seed}, đến {last:%d/%m/%Y}): {stats.units} đơn vị, "
            f"{stats.people} người, {sum(stats.events.values())} sự kiện"
        )

    def print_logins(self) -> None:
        if not Unit.objects.exists():
            raise CommandError("Chưa có dữ liệu: chạy `tochuc demo` trước")
        host = os.environ.get("TOCHUC_HOST", "127.0.0.1")
        port = os.environ.get("TOCHUC_PORT", "8000")
        self.stdout.write(f"Địa chỉ: http://{host}:{port}/")
        self.stdout.write(f"Tài khoản mẫu (mật khẩu chung: {DEMO_PASSWORD}):")
        for account in ensure_demo_users():
            self.stdout.write(f"  {account.username:<12} {account.role_label:<14} {account.unit_name} ({account.unit_code})")
