"""`tochuc report annual|figure`: output, exit codes and Vietnamese messages on bad input."""

from __future__ import annotations

import json

import pytest
from django.core.management import call_command


def run(capsys, *args: str) -> tuple[int, str, str]:
    # call_command, not tochuc.cli.main: run_from_argv closes the database connections at the
    # end, which would end the test's transaction on PostgreSQL.
    try:
        call_command("report", *args)
        code = 0
    except SystemExit as exc:
        code = int(exc.code or 0)
    out = capsys.readouterr()
    return code, out.out, out.err


def test_annual_prints_the_json_report(world, capsys):
    code, out, err = run(capsys, "annual", "--unit", "CT.NK", "--year", "2017")
    assert (code, err) == (0, "")
    data = json.loads(out)
    assert (data["report"], data["unit"]["code"], data["figures"]["members.admitted"]["value"]) == (
        "annual",
        "CT.NK",
        3,
    )


def test_annual_writes_each_format_to_a_file(world, capsys, tmp_path):
    target = tmp_path / "bc.xlsx"
    code, out, err = run(
        capsys, "annual", "--unit", "CT.NK", "--year", "2017", "--format", "xlsx", "-o", str(target)
    )
    assert code == 0
    assert out.startswith(f"Đã ghi {target} (")
    assert target.read_bytes()[:2] == b"PK"


def test_what_leaves_by_the_command_line_is_in_the_reading_register(world, capsys, tmp_path):
    import hashlib

    from tochuc.accounts.models import AccessLog

    target = tmp_path / "bc.docx"
    run(capsys, "annual", "--unit", "CT.NK", "--year", "2017", "--format", "docx", "-o", str(target))
    run(capsys, "figure", "members.admitted", "--unit", "CT.NK", "--from", "01/01/2017", "--to", "31/12/2017", "--rows")
    report, figure = AccessLog.objects.filter(action="export").order_by("id")
    assert (report.user_id, report.object_type, report.object_id) == (None, "report", "annual:CT.NK:2017")
    assert report.detail == {
        "unit": "CT.NK", "year": 2017, "format": "docx", "size": target.stat().st_size,
        "sha256": hashlib.sha256(target.read_bytes()).hexdigest(), "file": str(target), "source": "cli",
    }
    assert (figure.object_type, figure.object_id) == ("figure", "members.admitted")
    assert figure.detail == {"unit": "CT.NK", "period": ["2017-01-01", "2017-12-31"], "rows": 3, "source": "cli"}


def test_figure_prints_the_value_the_breakdown_and_the_rows(world, capsys):
    code, out, _ = run(
        capsys,
        "figure",
        "members.admitted",
        "--unit",
        "CT.NK",
        "--from",
        "01/01/2017",
        "--to",
        "31/12/2017",
        "--rows",
    )
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == "Kết nạp đảng viên (members.admitted): 3"
    assert lines[1] == "Đảng bộ quận Ninh Kiều (CT.NK), năm 2017"
    assert "  CT.NK.01\tĐảng bộ phường Tân An\t2" in lines
    assert lines[-4:] == [
        "Mã\tHọ và tên\tĐơn vị\tNgày\tNội dung\tSố quyết định",
        "R-B\tLê Thị Bình\tChi bộ khu vực 1\t01/03/2017\tKết nạp đảng viên\t",
        "R-C\tPhạm Văn Cường\tChi bộ Trường THPT Châu Văn Liêm\t01/06/2017\tKết nạp đảng viên\t",
        "R-R\tQuách Văn Rạng\tChi bộ khu vực 2\t01/07/2017\tKết nạp lại\t",
    ]


def test_figure_as_json(world, capsys):
    code, out, _ = run(
        capsys,
        "figure",
        "members.admitted.vs_target",
        "--unit",
        "CT.NK",
        "--from",
        "2017-01-01",
        "--to",
        "2017-12-31",
        "--json",
    )
    assert code == 0
    data = json.loads(out)
    assert (data["value"], data["by_unit"]) == (-25.0, {"CT.NK.01": -33.33})


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("annual", "--unit", "XX", "--year", "2017"), "Không tìm thấy đơn vị XX."),
        (
            ("annual", "--unit", "CT.NK.02", "--year", "1990"),
            "Không có dữ liệu của Chi bộ Trường THPT Châu Văn Liêm cho năm 1990: không có đảng viên vào ngày 31/12/1990 và không có sự kiện nào trong kỳ.",
        ),
        (
            ("annual", "--unit", "CT.NK", "--year", "hai nghìn"),
            "Năm báo cáo không hợp lệ: 'hai nghìn' (ví dụ --year 2017).",
        ),
        (
            ("annual", "--unit", "CT.NK", "--year", "2017", "--format", "odt"),
            "Định dạng không hỗ trợ: 'odt' (chọn một trong: json, html, docx, xlsx, pdf).",
        ),
        (
            ("annual", "--unit", "CT.NK", "--year", "2017", "--format", "docx"),
            "Định dạng docx cần tệp đầu ra: -o TỆP",
        ),
        (("annual", "--year", "2017"), "Thiếu mã đơn vị: --unit MÃ"),
        (
            ("annual", "--unit", "CT.NK", "--year", "2017", "--user", "nguoingoai"),
            "Không tìm thấy đơn vị CT.NK trong phạm vi được phân quyền.",
        ),
        (
            (
                "figure",
                "members.nothing",
                "--unit",
                "CT.NK",
                "--from",
                "01/01/2017",
                "--to",
                "31/12/2017",
            ),
            "Không có chỉ số “members.nothing”. Xem danh sách chỉ số bằng lệnh: tochuc report figure --list",
        ),
        (
            (
                "figure",
                "members.total",
                "--unit",
                "CT.NK",
                "--from",
                "31/12/2017",
                "--to",
                "01/01/2017",
            ),
            "Kỳ báo cáo không hợp lệ: ngày bắt đầu 31/12/2017 sau ngày kết thúc 01/01/2017.",
        ),
        (
            (
                "figure",
                "members.total",
                "--unit",
                "CT.NK",
                "--from",
                "32/01/2017",
                "--to",
                "01/02/2017",
            ),
            "Ngày không hợp lệ: '32/01/2017' (dùng dd/mm/yyyy hoặc yyyy-mm-dd)",
        ),
        (
            (
                "figure",
                "members.admitted.target",
                "--unit",
                "CT.NK.02",
                "--from",
                "01/01/2017",
                "--to",
                "31/12/2017",
            ),
            "Chỉ số “members.admitted.target” không có giá trị cho Chi bộ Trường THPT Châu Văn Liêm năm 2017 (chưa giao chỉ tiêu).",
        ),
    ],
)
def test_bad_input_gives_a_vietnamese_message_and_exit_1(world, capsys, args, message):
    code, out, err = run(capsys, *args)
    assert (code, out) == (1, "")
    assert err.strip() == message
    assert "Traceback" not in err


def test_a_user_in_scope_gets_the_report(world, capsys):
    code, out, _ = run(capsys, "annual", "--unit", "CT.NK.01", "--year", "2017", "--user", "vanthu")
    assert code == 0
    assert json.loads(out)["figures"]["members.total"]["value"] == 6
