"""`tochuc disable_inactive_accounts [--days 45]`: run daily (TCVN 14423:2026 5.4.2.1 d)."""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand

from tochuc.accounts.services import user_disable_inactive


class Command(BaseCommand):
    help = "Vô hiệu hóa tài khoản không đăng nhập quá 45 ngày"

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=settings.TOCHUC_INACTIVE_DAYS)

    def handle(self, *args, days: int, **options):
        disabled = user_disable_inactive(by=None, days=days)
        for user in disabled:
            self.stdout.write(f"Đã vô hiệu hóa {user.username} (lần đăng nhập cuối: {user.last_login or 'chưa bao giờ'})")
        self.stdout.write(f"Tổng cộng {len(disabled)} tài khoản")
