"""`tochuc check_deploy`: the database's durability settings, each with đạt / KHÔNG ĐẠT (SECURITY.md F1, F5).

Exit 1 when one of them is off. Run it after installing or moving the database, next to
`tochuc check --deploy --fail-level WARNING` (the Django settings).
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from tochuc.core.durability import durability

VENDOR_NAMES = {"postgresql": "PostgreSQL", "sqlite": "SQLite"}


class Command(BaseCommand):
    help = "Kiểm tra các thiết lập độ bền dữ liệu của cơ sở dữ liệu (fsync, checksum, WAL…)"

    def handle(self, *args, **options):
        settings = durability(connection)
        self.stdout.write(f"Độ bền dữ liệu của cơ sở dữ liệu {VENDOR_NAMES.get(connection.vendor, connection.vendor)}:")
        for s in settings:
            if s.ok:
                self.stdout.write(f"  {s.name} = {s.value}: đạt")
            else:
                self.stdout.write(f"  {s.name} = {s.value}: KHÔNG ĐẠT (cần {s.expected}; {s.advice})")
        failed = [s.name for s in settings if not s.ok]
        if failed:
            raise CommandError(f"{len(failed)} thiết lập độ bền chưa đạt: {', '.join(failed)}")
        self.stdout.write("Mọi thiết lập độ bền đều đạt")
