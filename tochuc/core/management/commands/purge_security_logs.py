"""`tochuc purge_security_logs [--days 365]`: drop reading-register and security-log rows older than
the retention period (SECURITY.md E6). Refuses a period shorter than 12 months, which covers
TCVN 14423 (3 months), NĐ 363/2026 (6 months) and NĐ 333/2026 (12 months). Record history (events,
audit entries) is never purged.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone

from tochuc.accounts.models import AccessLog, AuthEvent
from tochuc.accounts.access import log_auth
from tochuc.core import appendonly

MIN_DAYS = 365
TABLES = ("accounts_accesslog", "accounts_authevent")


class Command(BaseCommand):
    help = "Xóa nhật ký truy cập và nhật ký an ninh quá thời hạn lưu (ít nhất 12 tháng)"

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=settings.TOCHUC_SECURITY_LOG_DAYS)

    def handle(self, *args, days: int, **options):
        if days < MIN_DAYS:
            raise CommandError(f"Thời hạn lưu tối thiểu là {MIN_DAYS} ngày; không xóa nhật ký mới hơn")
        cutoff = timezone.now() - dt.timedelta(days=days)
        # The triggers are lifted for these two tables only, inside one transaction: on PostgreSQL
        # no other session sees them missing (DDL is transactional); SQLite holds the write lock.
        with transaction.atomic(), appendonly.suspended(connection, TABLES):
            reads = AccessLog.objects.filter(at__lt=cutoff).delete()[0]
            auths = AuthEvent.objects.filter(at__lt=cutoff).delete()[0]
            log_auth(action="log.purge", cutoff=cutoff.isoformat(), access_rows=reads, auth_rows=auths)
        self.stdout.write(f"Đã xóa {reads} dòng nhật ký truy cập và {auths} dòng nhật ký an ninh trước {cutoff:%d/%m/%Y}")
