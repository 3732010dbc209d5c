"""`tochuc due --unit CODE [--days N] [--on DATE] [--xlsx FILE]`: what falls due in a unit's subtree."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from tochuc.events.due import DEFAULT_DAYS, due_for_unit, due_workbook
from tochuc.lib.dates import format_date, parse_date
from tochuc.units.selectors import unit_by_code, version_on


class Command(BaseCommand):
    help = (
        "Việc cần làm: hết dự bị, Huy hiệu Đảng, đánh giá năm trước, sinh hoạt tạm thời, chuyển sinh hoạt, kỷ luật,"
        " bổ nhiệm lại, nghỉ hưu, rà soát quy hoạch"
    )

    def add_arguments(self, parser):
        parser.add_argument("--unit", required=True, help="mã đơn vị (cả cây đơn vị bên dưới)")
        parser.add_argument("--days", type=int, default=DEFAULT_DAYS, help=f"số ngày tới (mặc định {DEFAULT_DAYS})")
        parser.add_argument("--on", default="", help="tính vào ngày (dd/mm/yyyy), mặc định hôm nay")
        parser.add_argument("--xlsx", default="", help="ghi ra tệp Excel thay vì in")

    def handle(self, *args, unit: str, days: int, on: str, xlsx: str, **options):
        from tochuc.accounts.scoping import today

        found = unit_by_code(unit)
        try:
            day = parse_date(on) if on else today()
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        version = version_on(found, day) if found else None
        if version is None:
            raise CommandError(f"Không có đơn vị {unit!r} vào ngày {format_date(day)}")
        if days < 0:
            raise CommandError("--days phải là số không âm")
        lines = due_for_unit(unit=found, on=day, days=days)
        if xlsx:
            with open(xlsx, "wb") as fh:
                fh.write(due_workbook(lines, title=f"{version.name} — {format_date(day)}"))
            self.stdout.write(f"Đã ghi {len(lines)} việc vào {xlsx}")
            return
        self.stdout.write(f"Việc cần làm — {version.name} — ngày {format_date(day)}, trong {days} ngày tới: {len(lines)} việc")
        for ln in lines:
            self.stdout.write(
                "\t".join(
                    [ln.category_label, ln.person_code, ln.person_name, ln.unit_name, format_date(ln.on),
                     format_date(ln.deadline), ln.text + (" (quá hạn)" if ln.overdue else "")]
                )
            )
