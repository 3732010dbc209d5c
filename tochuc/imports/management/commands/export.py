"""`tochuc export FILE [--unit CODE]`: the import format for a subtree (.xlsx, or CSV files when FILE ends with /)."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from tochuc.accounts.models import AccessLog
from tochuc.accounts.scoping import Role, Scope, ScopeGrant
from tochuc.imports.exporter import export_workbook, unit_scope
from tochuc.units.models import Unit, UnitVersion


class Command(BaseCommand):
    help = "Xuất dữ liệu một cây đơn vị theo mẫu nhập (nhập lại được)"

    def add_arguments(self, parser):
        parser.add_argument("file", help="tệp .xlsx, hoặc thư mục (kết thúc bằng /) để ghi các tệp CSV")
        parser.add_argument("--unit", help="mã đơn vị gốc (mặc định: mọi đơn vị cao nhất)")

    def handle(self, *args, **options):
        if options["unit"]:
            unit = Unit.objects.filter(code=options["unit"]).first()
            if unit is None:
                raise CommandError(f"Không có đơn vị mã {options['unit']!r}")
            scope = unit_scope(unit)
        else:
            roots = sorted(set(UnitVersion.objects.filter(depth=0).values_list("unit_id", flat=True)))
            scope = Scope(None, tuple(ScopeGrant(r, Role.ADMIN) for r in roots))
        result = export_workbook(scope, options["file"])
        # the reading register records every export, from the command line too (SECURITY.md D7)
        AccessLog.objects.create(
            user=None, ip=None, action="export", object_type="units.unit", object_id=options["unit"] or "*",
            detail={"rows": result.rows, "sha256": result.sha256, "file": str(options["file"]), "source": "cli"},
        )
        self.stdout.write(f"Đã xuất {result.rows} dòng vào {options['file']} (SHA-256 {result.sha256})")
