"""The dashboard in a real browser: click a number, reach the people behind it.

Set TOCHUC_SCREENSHOTS=/some/dir to keep a full-page screenshot of each screen.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect, sync_playwright

from tochuc.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def shot(page: Page, name: str) -> None:
    folder = os.environ.get("TOCHUC_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / f"reports-{name}.png"), full_page=True)


@pytest.fixture
def admissions(tree, make_person, record):
    """Three admissions in Ninh Kiều in 2017 (two in Tân An), one in Cái Răng."""
    for name, unit, on in (
        ("Nguyễn Thị Lan", "CT.NK.01.01", dt.date(2017, 3, 2)),
        ("Lê Văn Hùng", "CT.NK.01.02", dt.date(2017, 5, 19)),
        ("Phạm Thị Hồng", "CT.NK.02", dt.date(2017, 9, 2)),
        ("Trần Quốc Tuấn", "CT.CR.01.01", dt.date(2017, 9, 2)),
    ):
        record(make_person(name), "admission", on, unit=tree[unit], decided_on=on)


def test_a_viewer_clicks_a_figure_on_the_dashboard_and_reaches_its_rows(
    live_server, personas, admissions
):
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path="/usr/bin/chromium", headless=True, args=CHROMIUM_ARGS
        )
        page = browser.new_context(
            locale="vi-VN", viewport={"width": 1280, "height": 900}
        ).new_page()
        page.set_default_timeout(15_000)
        try:
            page.goto(live_server.url + "/tai-khoan/dang-nhap/?next=/bao-cao/%3Fnam%3D2017")
            page.fill("input[name=username]", "nguoixem")
            page.fill("input[name=password]", PASSWORD)
            page.click("button[type=submit]")
            expect(page.locator("h1")).to_have_text("Báo cáo, thống kê")
            expect(page.locator(".page-head .sub")).to_have_text(
                "Đảng bộ quận Ninh Kiều · năm 2017"
            )
            admitted = page.locator('a.figure-link[data-key="members.admitted"]')
            expect(admitted).to_have_text("3")
            shot(page, "1-dashboard")

            admitted.click()
            expect(page.locator("h1")).to_contain_text("Kết nạp đảng viên: 3")
            expect(page.locator("section.panel")).to_contain_text(
                "Số quyết định kết nạp và kết nạp lại"
            )
            rows = page.locator("table.figure-rows tbody tr")
            expect(rows).to_have_count(3)
            expect(rows.nth(0)).to_contain_text("Nguyễn Thị Lan")
            expect(rows.nth(2)).to_contain_text("Phạm Thị Hồng")
            expect(page.locator("table.figure-rows")).not_to_contain_text("Trần Quốc Tuấn")
            shot(page, "2-rows")

            # sorting by name, then back to the dashboard and into one unit's cell
            page.click("table.figure-rows th >> text=Họ và tên")
            expect(rows.nth(0)).to_contain_text("Lê Văn Hùng")
            page.click("text=← Bảng chỉ số")
            page.locator("table.breakdown tr", has_text="Đảng bộ phường Tân An").locator(
                'a[href*="members.admitted"]'
            ).click()
            expect(page.locator("h1")).to_contain_text("Kết nạp đảng viên: 2")
            expect(page.locator("table.figure-rows tbody tr")).to_have_count(2)
            shot(page, "3-unit-rows")
        finally:
            browser.close()
