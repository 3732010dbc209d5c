"""`tochuc import FILE [--dry-run] [--confirm-warnings] [--user NAME]` and `tochuc import --template FILE`."""

from __future__ import annotations

import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from tochuc.accounts.models import User
from tochuc.accounts.scoping import scope_for
from tochuc.imports.importer import BLOCKING, Importer
from tochuc.imports.reader import CLI_LIMITS
from tochuc.imports.template import write_template


class Progress:
    """A bar on a terminal; one line per finished stage otherwise (logs, pipes)."""

    def __init__(self, stream, tty: bool):
        self.stream, self.tty, self.stage = stream, tty, ""

    def __call__(self, stage: str, done: int, total: int | None) -> None:
        if self.tty:
            if total:
                filled = int(30 * done / max(total, 1))
                bar = "#" * filled + " " * (30 - filled)
                self.stream.write(f"\r{stage:<28} [{bar}] {done}/{total}")
            else:
                self.stream.write(f"\r{stage:<28} {done}")
            if total is not None and done >= total:
                self.stream.write("\n")
            self.stream.flush()
        elif total is not None and done >= total:
            self.stream.write(f"{stage}: {done}\n")
            self.stream.flush()


class Command(BaseCommand):
    help = "Nhập sổ Excel (.xlsx) hoặc thư mục CSV: kiểm tra toàn bộ, ghi tất cả hoặc không ghi gì"

    def add_arguments(self, parser):
        parser.add_argument("file", help="tệp .xlsx hoặc thư mục chứa units.csv, posts.csv, people.csv, events.csv, targets.csv")
        parser.add_argument("--template", action="store_true", help="ghi sổ mẫu trống vào FILE thay vì nhập")
        parser.add_argument("--dry-run", action="store_true", help="chỉ kiểm tra, không ghi gì")
        parser.add_argument("--confirm-warnings", action="store_true", help="xác nhận mọi cảnh báo theo quy định (được liệt kê)")
        parser.add_argument("--user", help="nhập với quyền và phạm vi của người dùng này (mặc định: hệ thống)")

    def handle(self, *args, **options):
        path = Path(options["file"])
        if options["template"]:
            with open(path, "wb") as fh:
                write_template(fh)
            self.stdout.write(f"Đã ghi sổ mẫu {path}")
            return
        by = scope = None
        if options["user"]:
            by = User.objects.filter(username=options["user"], is_active=True).first()
            if by is None:
                raise CommandError(f"Không có người dùng {options['user']!r}")
            scope = scope_for(by)
        stderr = sys.stderr
        importer = Importer(
            by=by, scope=scope, dry_run=options["dry_run"], confirm_all=options["confirm_warnings"],
            limits=CLI_LIMITS, progress=Progress(stderr, stderr.isatty()),
        )
        outcome = importer.run(path)
        for problem in outcome.problems:
            stream = self.stderr if problem.level in BLOCKING else self.stdout
            stream.write(problem.line())
        self.stdout.write(outcome.summary())
        if not outcome.ok:
            raise SystemExit(1)
