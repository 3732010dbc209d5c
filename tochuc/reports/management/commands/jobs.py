"""`tochuc jobs run [--wait]` / `tochuc jobs list`: the background jobs that compute the figures of
large scopes (tochuc.reports.jobs), for a deployment that runs them in a worker process
(TOCHUC_JOB_RUNNER=worker) rather than on a thread of the web server."""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand
from django.db import close_old_connections

from tochuc.lib.dates import format_date
from tochuc.reports.jobs import run_pending
from tochuc.reports.models import FigureJob


class Command(BaseCommand):
    help = "Chạy hoặc liệt kê các việc tính số liệu của phạm vi lớn"

    def add_arguments(self, parser):
        parser.add_argument("action", choices=("run", "list"))
        parser.add_argument("--wait", action="store_true", help="run: chờ việc mới, không dừng (tiến trình worker)")
        parser.add_argument("--every", type=float, default=2.0, help="run --wait: số giây giữa hai lần tìm việc")

    def handle(self, *args, action: str, wait: bool, every: float, **options):
        if action == "list":
            for job in FigureJob.objects.select_related("unit").order_by("-id")[:50]:
                self.stdout.write(
                    f"{job.pk}\t{job.unit.code}\t{format_date(job.start)}–{format_date(job.end)}\t"
                    f"{job.get_status_display()}\t{job.progress}%\t{job.step or job.error}"
                )
            return
        while True:
            ran = run_pending()
            if ran:
                self.stdout.write(f"Đã chạy {ran} việc.")
            if not wait:
                return
            time.sleep(every)
            close_old_connections()  # a worker lives long: drop a connection the server closed
