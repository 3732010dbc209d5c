"""In a real browser: upload a workbook with errors, read the error table, fix the file, import."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect, sync_playwright

from tochuc.conftest import PASSWORD
from tochuc.core.tests.helpers import fast_passwords  # noqa: F401  (autouse fixture)
from tochuc.imports.tests.books import simple_book
from tochuc.people.models import Person

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"]


@pytest.fixture
def page(monkeypatch):
    # Playwright's sync API runs an event loop. Set for this test only: set at import time it
    # would leak into every subprocess of the suite (Django's deployment check refuses it).
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", headless=True, args=CHROMIUM_ARGS)
        context = browser.new_context(locale="vi-VN", viewport={"width": 1280, "height": 900})
        pg = context.new_page()
        pg.set_default_timeout(20_000)
        yield pg
        context.close()
        browser.close()


def test_a_specialist_fixes_the_errors_shown_and_imports(live_server, personas, page, tmp_path, settings):
    settings.TOCHUC_IMPORT_DIR = str(tmp_path / "uploads")
    bad = simple_book(tmp_path / "bad.xlsx", extra_people=[["DV003", "Phạm Thu Trang", "31/02/1995", "Nữ", ""]])
    good = simple_book(tmp_path / "good.xlsx", extra_people=[["DV003", "Phạm Thu Trang", "28/02/1995", "Nữ", ""]])

    page.goto(live_server.url + "/nhap-xuat/")
    page.fill("input[name=username]", "chuyenvien")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/nhap-xuat/")
    expect(page.locator("#template-link")).to_be_visible()

    page.set_input_files("#id_file", str(bad))
    page.click("#import-button")
    expect(page.locator("#summary")).to_have_text("Không nhập gì: 1 lỗi cần sửa (đã đọc 7 dòng)")
    row = page.locator("#problems tbody tr")
    expect(row).to_have_count(1)
    expect(row.locator("td")).to_have_text(["Lỗi", "Người", "4", "Ngày sinh", "31/02/1995", "Ngày không hợp lệ: '31/02/1995' (dùng dd/mm/yyyy hoặc yyyy-mm-dd)"])
    with page.expect_download() as download:
        page.click("#error-report")
    assert download.value.suggested_filename == "loi-nhap-du-lieu.xlsx"
    assert Person.objects.count() == 0

    page.set_input_files("#id_file", str(good))
    page.click("#import-button")
    expect(page.locator("#summary")).to_have_text("Đã nhập 3 người, 4 sự kiện")
    expect(page.locator("#problems")).to_have_count(0)
    assert sorted(Person.objects.values_list("code", flat=True)) == ["DV001", "DV002", "DV003"]


