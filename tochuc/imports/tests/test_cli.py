"""`tochuc import` and `tochuc import --template` from the command line."""

from __future__ import annotations

import io
import subprocess
import sys

import pytest
from django.core.management import call_command
from openpyxl import load_workbook

from tochuc.cli import ALIASES
from tochuc.imports.management.commands.import_workbook import Progress
from tochuc.imports.tests.books import PEOPLE_HEADER, book, simple_book
from tochuc.people.models import Person


def run(*args):
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("import_workbook", *args, stdout=out, stderr=err)
        code = 0
    except SystemExit as exc:
        code = exc.code
    return code, out.getvalue(), err.getvalue()


def test_an_import_with_errors_prints_one_line_each_and_exits_1(tree, tmp_path):
    path = book(tmp_path / "a.xlsx", {"people": [PEOPLE_HEADER, ["DV1", "Lê Lan", "31/02/1990", "Nữ", ""], ["DV1", "Lê Lan", "15/03/1990", "X", ""]]})
    code, out, err = run(str(path))
    assert code == 1
    assert err.splitlines() == [
        "Lỗi: Trang Người, dòng 2, cột Ngày sinh [31/02/1990]: Ngày không hợp lệ: '31/02/1990' (dùng dd/mm/yyyy hoặc yyyy-mm-dd)",
        "Lỗi: Trang Người, dòng 3, cột Giới tính [X]: Giới tính không hợp lệ: 'X' (Nam hoặc Nữ)",
    ]
    assert out == "Không nhập gì: 2 lỗi cần sửa (đã đọc 2 dòng)\n"
    assert Person.objects.count() == 0


def test_dry_run_then_import_then_reimport(tree, tmp_path):
    path = str(simple_book(tmp_path / "a.xlsx"))
    assert run(path, "--dry-run")[:2] == (0, "Kiểm tra thử, chưa ghi gì: sẽ nhập 2 người, 4 sự kiện\n")
    assert Person.objects.count() == 0
    assert run(path)[:2] == (0, "Đã nhập 2 người, 4 sự kiện\n")
    assert run(path)[:2] == (0, "Không có gì thay đổi: mọi dòng đã có trong cơ sở dữ liệu (2 người, 4 sự kiện)\n")


def test_the_template_command_writes_a_blank_template_that_imports_as_nothing(db, tmp_path):
    # `tochuc import` is this command (the CLI alias); main() itself closes the connections, so
    # the subprocess test below drives it end to end
    assert ALIASES["import"] == "import_workbook"
    assert run(str(tmp_path / "mau.xlsx"), "--template")[:2] == (0, f"Đã ghi sổ mẫu {tmp_path / 'mau.xlsx'}\n")
    wb = load_workbook(tmp_path / "mau.xlsx")
    assert "Hướng dẫn" in wb.sheetnames
    assert run(str(tmp_path / "mau.xlsx"))[:2] == (0, "Không có gì thay đổi: mọi dòng đã có trong cơ sở dữ liệu (không có gì)\n")


def test_progress_is_a_bar_on_a_terminal_and_a_line_per_stage_otherwise():
    stream = io.StringIO()
    lines = Progress(stream, tty=False)
    lines("Đọc trang Người", 5000, None)
    lines("Đọc trang Người", 7000, 7000)
    lines("Ghi người", 7000, 7000)
    assert stream.getvalue() == "Đọc trang Người: 7000\nGhi người: 7000\n"
    stream = io.StringIO()
    bar = Progress(stream, tty=True)
    bar("Ghi sự kiện", 50, 100)
    bar("Ghi sự kiện", 100, 100)
    assert stream.getvalue() == "\rGhi sự kiện                  [###############               ] 50/100\rGhi sự kiện                  [##############################] 100/100\n"


@pytest.mark.skipif(sys.platform != "linux", reason="subprocess smoke test")
def test_the_installed_entry_point_reports_an_unreadable_file(tmp_path):
    bad = tmp_path / "x.xlsx"
    bad.write_bytes(b"not a workbook")
    result = subprocess.run([sys.executable, "-m", "tochuc", "import", str(bad), "--dry-run"], capture_output=True, text=True, env={"TOCHUC_SQLITE_PATH": str(tmp_path / "db.sqlite3"), "PATH": "/usr/bin:/bin"}, check=False)
    assert result.returncode == 1
    assert "Lỗi: Tệp: Tệp không phải sổ Excel (.xlsx) hay thư mục CSV" in result.stderr
