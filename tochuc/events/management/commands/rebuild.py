"""`tochuc rebuild [--check]`: recompute every projection from the event log."""

from __future__ import annotations

import sys
import time

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from tochuc.core.db import analyze
from tochuc.events import headcounts
from tochuc.events.projections import rebuild_people, rebuild_units
from tochuc.events.rollups import rollup_rebuild
from tochuc.people.models import Person


class Command(BaseCommand):
    help = "Tính lại dữ liệu dẫn xuất (cây đơn vị, quá trình sinh hoạt, trạng thái, chức vụ, bảng tổng hợp sự kiện, số đảng viên cuối năm) từ nhật ký sự kiện"

    def add_arguments(self, parser):
        parser.add_argument("--check", action="store_true", help="chỉ so sánh, không ghi; mã thoát 1 nếu có khác biệt")

    def handle(self, *args, check: bool, **options):
        started = time.monotonic()
        total = Person.objects.count()
        verb = "Kiểm tra" if check else "Tính lại"

        def progress(done: int) -> None:
            if sys.stderr.isatty():
                sys.stderr.write(f"\r{verb}: {done}/{total} người")
                sys.stderr.flush()

        with transaction.atomic():
            diffs = rebuild_units(check=check)
            diffs += rebuild_people(check=check, progress=progress)
            # After the people: the rollup attributes unit-less events by their memberships.
            diffs += rollup_rebuild(check=check)
            diffs += headcounts.check(fix=not check)
        if sys.stderr.isatty():
            sys.stderr.write("\n")
        if not check:
            analyze()
        elapsed = time.monotonic() - started
        for line in diffs[:200]:
            self.stdout.write(line)
        if len(diffs) > 200:
            self.stdout.write(f"… và {len(diffs) - 200} khác biệt khác")
        if check:
            if diffs:
                raise CommandError(f"{len(diffs)} khác biệt giữa dữ liệu dẫn xuất và nhật ký sự kiện")
            self.stdout.write(f"Không có khác biệt ({total} người, {elapsed:.1f} giây)")
        else:
            self.stdout.write(f"Đã tính lại: {len(diffs)} bản ghi được sửa ({total} người, {elapsed:.1f} giây)")
