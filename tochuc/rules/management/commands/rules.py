"""`tochuc rules [--markdown]`: list the registered rules, or print the catalogue document."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from tochuc.rules.docs import _period, catalogue_markdown, catalogue_rows


class Command(BaseCommand):
    help = "Danh mục quy tắc kiểm tra (mã, hiệu lực, nguồn); --markdown in tài liệu docs/rules.md"

    def add_arguments(self, parser):
        parser.add_argument("--markdown", action="store_true", help="in danh mục dạng Markdown")

    def handle(self, *args, markdown: bool = False, **options):
        if markdown:
            self.stdout.write(catalogue_markdown(), ending="")
            return
        for r in catalogue_rows():
            self.stdout.write(f"{r.code:40} {r.confidence}  {_period(r):28} {r.source}")
