"""`tochuc serve`: the web app behind waitress (a production WSGI server, no reloader)."""

from __future__ import annotations

from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Chạy ứng dụng web"

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1", help="địa chỉ lắng nghe (mặc định 127.0.0.1)")
        parser.add_argument("--port", type=int, default=8000, help="cổng (mặc định 8000)")
        parser.add_argument("--threads", type=int, default=8, help="số luồng xử lý (mặc định 8)")

    def handle(self, *args, host: str, port: int, threads: int, **options):
        from waitress import serve

        from tochuc.wsgi import application

        call_command("collectstatic", interactive=False, verbosity=0)
        self.stdout.write(f"tochuc đang chạy tại http://{host}:{port}/  (Ctrl+C để dừng)")
        self.stdout.flush()
        serve(application, host=host, port=port, threads=threads, ident="tochuc")
