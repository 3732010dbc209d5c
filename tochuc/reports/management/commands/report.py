"""`tochuc report annual|figure …`: the year-end report and single figures from the command line.

Bad input gives one Vietnamese line on stderr and exit status 1, never a traceback, and never an
empty report presented as real (DESIGN.md §5).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from pathlib import Path

from django.core.management.base import BaseCommand

from tochuc.lib.dates import parse_date
from tochuc.lib.numbers import format_int
from tochuc.reports import figures as F
from tochuc.reports.annual import build_annual, display, result_of, rows_of
from tochuc.reports.exporters import FORMATS
from tochuc.reports.selectors import ReportError, build_frame

USAGE = """Cách dùng:
  tochuc report annual --unit MÃ --year NĂM [--format json|html|docx|xlsx|pdf] [-o TỆP] [--user TÊN] [--number SỐ] [--place NƠI]
  tochuc report figure CHỈ_SỐ --unit MÃ --from NGÀY --to NGÀY [--rows] [--json] [--user TÊN]
  tochuc report figure --list
"""
BINARY = {"docx", "xlsx", "pdf"}


class _Parser(argparse.ArgumentParser):
    """argparse that reports errors in Vietnamese with exit status 1 (not its English and 2)."""

    def error(self, message: str):  # type: ignore[override]
        raise ReportError(f"Tham số không hợp lệ ({message}).\n{USAGE}")


class Command(BaseCommand):
    help = "Báo cáo tổng kết năm và các chỉ số"

    def create_parser(self, prog_name, subcommand, **kwargs):
        parser = super().create_parser(prog_name, subcommand, **kwargs)
        parser.usage = USAGE
        return parser

    def add_arguments(self, parser):
        parser.add_argument("args", nargs=argparse.REMAINDER)

    def run_from_argv(self, argv):
        # Bad input must exit 1 with a message, whatever part of parsing finds it.
        try:
            super().run_from_argv(argv)
        except ReportError as exc:
            sys.stderr.write(exc.message.rstrip() + "\n")
            sys.exit(1)

    def handle(self, *args, **options):
        try:
            self._dispatch(list(args))
        except ReportError as exc:
            self.stderr.write(exc.message.rstrip())
            sys.exit(1)

    def _dispatch(self, argv: list[str]) -> None:
        if not argv or argv[0] not in ("annual", "figure"):
            raise ReportError(USAGE)
        if argv[0] == "annual":
            self._annual(argv[1:])
        else:
            self._figure(argv[1:])

    def _scope(self, username: str | None):
        if not username:
            return None  # the operator at the command line
        from django.contrib.auth import get_user_model

        from tochuc.accounts.scoping import scope_for

        user = get_user_model().objects.filter(username=username).first()
        if user is None or not user.is_active:
            raise ReportError(f"Không tìm thấy người dùng {username}.")
        return scope_for(user)

    def _annual(self, argv: list[str]) -> None:
        p = _Parser(prog="tochuc report annual", add_help=False)
        p.add_argument("--unit")
        p.add_argument("--year")
        p.add_argument("--format", default="json")
        p.add_argument("-o", "--output")
        p.add_argument("--user")
        p.add_argument("--number", default="")
        p.add_argument("--place", default="")
        a = p.parse_args(argv)
        if not a.unit:
            raise ReportError("Thiếu mã đơn vị: --unit MÃ")
        if not a.year or not a.year.strip().isdigit():
            raise ReportError(
                f"Năm báo cáo không hợp lệ: {a.year!r} (ví dụ --year 2017)."
                if a.year
                else "Thiếu năm báo cáo: --year NĂM"
            )
        fmt = a.format.lower()
        if fmt not in FORMATS:
            raise ReportError(
                f"Định dạng không hỗ trợ: {a.format!r} (chọn một trong: {', '.join(FORMATS)})."
            )
        if fmt in BINARY and not a.output:
            raise ReportError(f"Định dạng {fmt} cần tệp đầu ra: -o TỆP")
        report = build_annual(
            scope=self._scope(a.user), code=a.unit, year=int(a.year), number=a.number, place=a.place
        )
        data = FORMATS[fmt].render(report)
        _log_export(
            a.user, object_type="report", object_id=f"annual:{a.unit.strip()}:{int(a.year)}", unit=a.unit.strip(),
            year=int(a.year), format=fmt, size=len(data), sha256=hashlib.sha256(data).hexdigest(), file=a.output or "-",
        )
        if a.output:
            try:
                Path(a.output).write_bytes(data)
            except OSError as exc:
                raise ReportError(f"Không ghi được tệp {a.output}: {exc.strerror}.") from None
            self.stdout.write(f"Đã ghi {a.output} ({format_int(len(data))} byte).")
        else:
            self.stdout.write(data.decode("utf-8"), ending="" if data.endswith(b"\n") else "\n")

    def _figure(self, argv: list[str]) -> None:
        p = _Parser(prog="tochuc report figure", add_help=False)
        p.add_argument("key", nargs="?")
        p.add_argument("--unit")
        p.add_argument("--from", dest="start")
        p.add_argument("--to", dest="end")
        p.add_argument("--rows", action="store_true")
        p.add_argument("--json", action="store_true")
        p.add_argument("--list", action="store_true")
        p.add_argument("--user")
        a = p.parse_args(argv)
        if a.list:
            for key in [*F.report_keys(), *F.CADRE_KEYS]:
                d = F.figure_def(key)
                self.stdout.write(f"{key}\t{d.label if d else ''}")
            self.stdout.write(
                "(awards.<mã khen thưởng>, <chỉ số>.target và <chỉ số>.vs_target cho mọi chỉ số có chỉ tiêu)"
            )
            return
        missing = [
            flag
            for flag, value in (
                ("CHỈ_SỐ", a.key),
                ("--unit", a.unit),
                ("--from", a.start),
                ("--to", a.end),
            )
            if not value
        ]
        if missing:
            raise ReportError(f"Thiếu tham số: {', '.join(missing)}.\n{USAGE}")
        try:
            period = F.Period(parse_date(a.start), parse_date(a.end))
        except ValueError as exc:
            raise ReportError(str(exc)) from None
        frame = build_frame(scope=self._scope(a.user), code=a.unit, period=period)
        result = result_of(frame, a.key)
        if result.value is None:
            raise ReportError(
                f"Chỉ số “{a.key}” không có giá trị cho {frame.root_name} {period.label()} (chưa giao chỉ tiêu)."
            )
        rows = (
            list(rows_of(frame, a.key))
            if a.rows and F.figure_def(a.key, frame.award_codes).has_rows
            else []
        )  # type: ignore[union-attr]
        if a.rows:
            _log_export(
                a.user, object_type="figure", object_id=a.key, unit=frame.root.code,
                period=[period.start.isoformat(), period.end.isoformat()], rows=len(rows),
            )
        if a.json:
            value = float(result.value) if not isinstance(result.value, int) else result.value
            out = {
                "key": result.key,
                "label": result.label,
                "value": value,
                "definition": result.definition,
                "unit": {"code": frame.root.code, "name": frame.root_name},
                "period": {"from": period.start.isoformat(), "to": period.end.isoformat()},
                "by_unit": {
                    b.code: (float(v) if v is not None and not isinstance(v, int) else v)
                    for b in frame.buckets
                    for k, v in result.by_bucket.items()
                    if k == b.unit_id
                },
            }
            if a.rows:
                out["rows"] = rows
            self.stdout.write(json.dumps(out, ensure_ascii=False, indent=2))
            return
        self.stdout.write(f"{result.label} ({result.key}): {display(result.value, result.key)}")
        self.stdout.write(f"{frame.root_name} ({frame.root.code}), {period.label()}")
        self.stdout.write(f"Định nghĩa: {result.definition}")
        if result.by_bucket:
            self.stdout.write("Theo đơn vị:")
            for b in frame.buckets:
                if b.unit_id in result.by_bucket:
                    self.stdout.write(
                        f"  {b.code}\t{b.name}{' (trực tiếp)' if b.is_root else ''}\t{display(result.by_bucket[b.unit_id], result.key)}"
                    )
        if a.rows:
            columns = rows_of(frame, a.key).columns
            self.stdout.write(f"Danh sách ({format_int(len(rows))} dòng):")
            self.stdout.write("\t".join(c.label for c in columns))
            for row in rows:
                self.stdout.write("\t".join(str(row.get(c.key, "")) for c in columns))


def _log_export(username: str | None, *, object_type: str, object_id: str, **detail) -> None:
    """The reading register records what leaves by the command line as it does for the web
    (SECURITY.md D7): the operator, or the user named by --user, and what was taken."""
    from django.contrib.auth import get_user_model

    from tochuc.accounts.models import AccessLog

    user = get_user_model().objects.filter(username=username).first() if username else None
    AccessLog.objects.create(
        user=user, ip=None, action="export", object_type=object_type[:64], object_id=object_id[:64],
        detail={**detail, "source": "cli"},
    )
