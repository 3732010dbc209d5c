"""/nhap-xuat/: template, upload with its error table and error workbook, export, as each persona sees them."""

from __future__ import annotations

import datetime as dt
import hashlib
import io

import pytest
from django.test import Client
from openpyxl import load_workbook

from tochuc.accounts.models import AccessLog
from tochuc.core.tests.helpers import fast_passwords, login, text  # noqa: F401  (autouse fixture)
from tochuc.imports.tests.books import PEOPLE_HEADER, book, simple_book
from tochuc.people.models import Person

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def private_upload_dir(settings, tmp_path):
    settings.TOCHUC_IMPORT_DIR = str(tmp_path / "uploads")
    return tmp_path / "uploads"


def upload(client, path, **extra):
    with open(path, "rb") as fh:
        return client.post("/nhap-xuat/", {"file": fh, "token": "t1", **extra})


def test_anonymous_users_are_sent_to_the_login_page(client):
    assert client.get("/nhap-xuat/").status_code == 302


def test_the_viewer_can_neither_import_nor_export_full_records(client, personas, tmp_path):
    login(client, personas.viewer)
    page = client.get("/nhap-xuat/")
    assert page.status_code == 200
    assert "Tải sổ Excel" not in text(page) and "Nhập sổ Excel" not in text(page)
    assert upload(client, simple_book(tmp_path / "a.xlsx")).status_code == 403
    assert client.get("/nhap-xuat/xuat.xlsx?unit=CT.NK").status_code == 403
    assert Person.objects.count() == 0


def test_the_outsider_gets_404_for_a_unit_outside_the_scope(client, personas):
    login(client, personas.outsider)
    assert client.get("/nhap-xuat/xuat.xlsx?unit=CT.NK").status_code == 404
    assert client.get("/nhap-xuat/xuat.xlsx?unit=CT.CR").status_code == 200


def test_an_upload_with_errors_shows_every_error_and_offers_the_rows_back_with_an_error_column(client, personas, tmp_path, private_upload_dir):
    login(client, personas.district_specialist)
    bad = book(
        tmp_path / "bad.xlsx",
        {"Người": [PEOPLE_HEADER, ["DV1", "Lê Lan", "31/02/1990", "Nữ", ""], ["DV2", "Lê Hoa", "01/02/1990", "X", ""]]},
    )
    page = upload(client, bad)
    assert page.status_code == 200
    assert "Không nhập gì: 2 lỗi cần sửa (đã đọc 2 dòng)" in text(page)
    assert [(p["sheet"], p["row"], p["column"], p["message"]) for p in page.context["problems"]] == [
        ("Người", 2, "Ngày sinh", "Ngày không hợp lệ: '31/02/1990' (dùng dd/mm/yyyy hoặc yyyy-mm-dd)"),
        ("Người", 3, "Giới tính", "Giới tính không hợp lệ: 'X' (Nam hoặc Nữ)"),
    ]
    assert Person.objects.count() == 0
    # the upload itself is gone; only the error workbook is kept, for this user
    assert [p.name for p in private_upload_dir.iterdir()] == ["reports"]
    report = client.get(f"/nhap-xuat/loi/{page.context['report']}.xlsx")
    assert report["Cache-Control"] == "no-store"
    wb = load_workbook(io.BytesIO(b"".join(report.streaming_content)))
    rows = list(wb["Người"].iter_rows(values_only=True))
    assert rows[0][-1] == "Lỗi"
    assert rows[1][0] == "DV1" and rows[1][-1] == "Lỗi: Ngày sinh: Ngày không hợp lệ: '31/02/1990' (dùng dd/mm/yyyy hoặc yyyy-mm-dd)"
    assert list(wb["Danh sách lỗi"].iter_rows(min_row=2, max_col=3, values_only=True)) == [("Lỗi", "Người", 2), ("Lỗi", "Người", 3)]
    other = login(Client(), personas.city_admin)
    assert other.get(f"/nhap-xuat/loi/{page.context['report']}.xlsx").status_code == 404


def test_a_good_upload_is_written_once_and_a_dry_run_writes_nothing(client, personas, tmp_path, private_upload_dir):
    login(client, personas.district_specialist)
    path = simple_book(tmp_path / "a.xlsx")
    assert "Kiểm tra thử, chưa ghi gì: sẽ nhập 2 người, 4 sự kiện" in text(upload(client, path, dry_run="1"))
    assert Person.objects.count() == 0
    assert "Đã nhập 2 người, 4 sự kiện" in text(upload(client, path))
    assert sorted(Person.objects.values_list("code", "created_by__username")) == [("DV001", "chuyenvien"), ("DV002", "chuyenvien")]
    assert "Không có gì thay đổi" in text(upload(client, path))
    assert list(private_upload_dir.iterdir()) == []


def test_the_template_downloads_with_lists_formats_and_instructions(client, personas):
    login(client, personas.viewer)
    response = client.get("/nhap-xuat/mau.xlsx")
    assert response["Content-Disposition"] == 'attachment; filename="mau-nhap-du-lieu-tochuc.xlsx"'
    assert response["Cache-Control"] == "no-store"
    wb = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    assert wb.sheetnames == ["Hướng dẫn", "Danh mục", "Đơn vị", "Chức danh", "Người", "Sự kiện", "Chỉ tiêu"]
    assert [c.value for c in wb["Người"][1]][:4] == ["Mã người", "Họ và tên", "Ngày sinh", "Giới tính"]
    lists = {str(dv.sqref): dv.formula1 for dv in wb["Sự kiện"].data_validations.dataValidation}
    assert lists["B2:B100000"] == "='Danh mục'!$C$2:$C$21"
    assert "Nữ" in [c.value for c in wb["Danh mục"]["B"]]
    assert any(r[1] == "Số CCCD" and r[5] == "092190001234" for r in wb["Hướng dẫn"].iter_rows(values_only=True))


def test_an_export_is_logged_and_downloads_without_caching(client, personas, make_person, record, tree):
    person = make_person("Trần Văn A", code="NK1")
    record(person, "admission", dt.date(2015, 5, 10), unit=tree["CT.NK.01.01"])
    login(client, personas.district_specialist)
    response = client.get("/nhap-xuat/xuat.xlsx?unit=CT.NK")
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    assert response["Content-Disposition"].startswith('attachment; filename="tochuc-CT.NK-')
    content = b"".join(response.streaming_content)
    wb = load_workbook(io.BytesIO(content))
    assert [r[0] for r in wb["people"].iter_rows(min_row=2, values_only=True)] == ["NK1"]
    log = AccessLog.objects.get(action="export")
    assert (log.user, log.object_id, log.detail["rows"]) == (personas.district_specialist, str(tree["CT.NK"].pk), 6 + 1 + 1)
    assert log.detail["sha256"] == hashlib.sha256(content).hexdigest()


def test_progress_answers_for_the_users_own_token(client, personas):
    login(client, personas.district_specialist)
    assert client.get("/nhap-xuat/tien-do/t1/").json() == {}



def test_uploads_are_kept_outside_the_web_root(settings):
    from tochuc.imports.views import upload_dir

    settings.TOCHUC_IMPORT_DIR = ""
    folder = upload_dir().resolve()
    assert not str(folder).startswith(str(settings.STATIC_ROOT))
    assert oct(folder.stat().st_mode & 0o777) == "0o700"
