"""`tochuc reconcile --unit CODE`: the six-monthly reconciliation of the member list against the
records (HD 01-HD/TW §8). Exit 1 when they disagree."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from tochuc.accounts.reviews import reconcile
from tochuc.people.models import Person
from tochuc.units.selectors import unit_by_code


class Command(BaseCommand):
    help = "Đối chiếu danh sách đảng viên với hồ sơ (định kỳ 6 tháng)"

    def add_arguments(self, parser):
        parser.add_argument("--unit", required=True)

    def handle(self, *args, unit: str, **options):
        found = unit_by_code(unit)
        if found is None:
            raise CommandError(f"Không có đơn vị mã {unit!r}")
        result = reconcile(unit=found)
        self.stdout.write(
            f"Đối chiếu {result.unit} ngày {result.on:%d/%m/%Y}: danh sách {result.listed}, hồ sơ {result.kept}"
        )
        codes = dict(Person.objects.filter(pk__in=result.listed_not_kept + result.kept_not_listed).values_list("pk", "code"))
        for pid in result.listed_not_kept:
            self.stdout.write(f"Có trong danh sách nhưng hồ sơ do nơi khác giữ: {codes[pid]}")
        for pid in result.kept_not_listed:
            self.stdout.write(f"Có hồ sơ nhưng không có trong danh sách: {codes[pid]}")
        if not result.agrees:
            raise CommandError("Danh sách và hồ sơ không khớp")
        self.stdout.write("Danh sách và hồ sơ khớp nhau")
