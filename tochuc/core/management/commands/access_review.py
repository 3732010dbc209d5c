"""`tochuc access_review`: accounts, grants, last login, idle accounts (SECURITY.md B8)."""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import timezone

from tochuc.accounts.models import Role
from tochuc.accounts.reviews import access_review


class Command(BaseCommand):
    help = "Rà soát tài khoản và phân quyền (định kỳ 6 tháng)"

    def handle(self, *args, **options):
        rows = access_review()
        self.stdout.write(f"Rà soát tài khoản ngày {timezone.localdate():%d/%m/%Y}: {len(rows)} tài khoản")
        for row in rows:
            grants = ", ".join(f"{code} ({Role(role).label})" for code, role in row.grants) or "chưa phân quyền"
            last = timezone.localtime(row.last_login).strftime("%d/%m/%Y") if row.last_login else "chưa đăng nhập"
            state = "hoạt động" if row.active else "đã khóa"
            flag = f"  ⚠ không dùng quá {settings.TOCHUC_INACTIVE_DAYS} ngày" if row.idle_too_long else ""
            self.stdout.write(f"{row.username}\t{state}\t{grants}\tđăng nhập cuối: {last}{flag}")
