"""The foundation in a real browser: log in, the tree, a unit, a person, a search without diacritics.

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


@pytest.fixture(scope="module")
def browser():
    # Playwright's sync API keeps an event loop running, which Django's ORM refuses unless told;
    # the flag is set for this module only, so it never reaches a later test's subprocess (the
    # deployment check refuses it).
    before = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as p:
            b = p.chromium.launch(
                executable_path="/usr/bin/chromium", headless=True, args=CHROMIUM_ARGS
            )
            yield b
            b.close()
    finally:
        if before is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = before


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="vi-VN", viewport={"width": 1280, "height": 860})
    pg = context.new_page()
    pg.set_default_timeout(15_000)
    yield pg
    context.close()


def shot(page: Page, name: str) -> None:
    folder = os.environ.get("TOCHUC_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=True)


@pytest.fixture
def city(tree, personas, make_person, record):
    """A few members in Ninh Kiều, one in Cái Răng (out of the specialist's scope)."""
    people = {}
    for name, unit, sex in (
        ("Trần Quốc Trung", "CT.NK.01.01", "male"),
        ("Nguyễn Thị Lan", "CT.NK.01.01", "female"),
        ("Lê Văn Hùng", "CT.NK.01.02", "male"),
        ("Phạm Thị Hồng", "CT.NK.02", "female"),
        ("Trần Quốc Tuấn", "CT.CR.01.01", "male"),
    ):
        person = make_person(name, sex=sex)
        record(
            person,
            "admission",
            dt.date(2016, 6, 20),
            unit=tree[unit],
            decision_no="27-QĐ/ĐU",
            decided_on=dt.date(2016, 6, 15),
            decided_by="Đảng ủy phường",
        )
        people[name] = person
    record(people["Trần Quốc Trung"], "recognition", dt.date(2017, 6, 20), unit=tree["CT.NK.01.01"])
    return people


def test_a_specialist_logs_in_browses_the_tree_a_unit_a_person_and_searches(
    live_server, page, personas, city
):
    page.goto(live_server.url + "/")
    expect(page).to_have_url(live_server.url + "/tai-khoan/dang-nhap/?next=/")
    shot(page, "0-login")
    page.fill("input[name=username]", "chuyenvien")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")

    expect(page.locator("h1")).to_have_text("Công tác tổ chức xây dựng Đảng")
    expect(page.locator("#counts .card.total .value")).to_have_text("4")
    shot(page, "1-home")

    page.click("nav.main-nav >> text=Cây tổ chức")
    expect(page.locator("h1")).to_contain_text("Cây tổ chức ngày")
    tree = page.locator("#tree")
    expect(tree.locator("summary", has_text="Đảng bộ quận Ninh Kiều")).to_contain_text("4")
    # The second level is open, the third opens on a click.
    branch = tree.locator("li.leaf", has_text="Chi bộ khu vực 1")
    expect(branch).to_be_hidden()
    tree.locator("summary", has_text="Đảng bộ phường Tân An").click()
    expect(branch).to_be_visible()
    expect(branch.locator(".count")).to_have_text("2")
    expect(tree).not_to_contain_text("Cái Răng")
    shot(page, "2-tree")

    branch.locator("a", has_text="Chi bộ khu vực 1").click()
    expect(page.locator("h1")).to_have_text("Chi bộ khu vực 1")
    members = page.locator("table.members tbody tr")
    expect(members).to_have_count(2)
    expect(members.nth(0)).to_contain_text("Nguyễn Thị Lan")
    expect(members.nth(1)).to_contain_text("Trần Quốc Trung")
    expect(members.nth(1)).to_contain_text("Chính thức")
    shot(page, "3-unit")

    members.nth(1).locator("a").click()
    expect(page.locator("h1")).to_have_text("Trần Quốc Trung")
    timeline = page.locator("#qua-trinh tbody tr")
    expect(timeline).to_have_count(2)
    expect(timeline.nth(0)).to_contain_text("Kết nạp đảng viên")
    expect(timeline.nth(0)).to_contain_text("Số 27-QĐ/ĐU ngày 15/06/2016")
    expect(page.locator("#trang-thai dd").nth(2)).to_have_text("15/06/2016")
    shot(page, "4-person")

    page.click("nav.main-nav >> text=Tìm đảng viên")
    page.fill("input[name=q]", "tran quoc")
    page.press("input[name=q]", "Enter")
    results = page.locator("table.results tbody tr")
    expect(results).to_have_count(1)  # Trần Quốc Tuấn is in Cái Răng, outside the scope
    expect(results.nth(0)).to_contain_text("Trần Quốc Trung")
    expect(results.nth(0)).to_contain_text("Chi bộ khu vực 1")
    shot(page, "5-search")


def test_the_tree_follows_the_date_chosen(live_server, page, personas, city, tree):
    from tochuc.units.services import unit_reparent

    unit_reparent(by=None, unit=tree["CT.NK.02"], parent=tree["CT.NK.01"], on=dt.date(2025, 7, 1))
    page.goto(live_server.url + "/tai-khoan/dang-nhap/?next=/don-vi/")
    page.fill("input[name=username]", "chuyenvien")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.click("button[data-tree=open]")
    tan_an = page.locator("#tree li").filter(
        has=page.locator(":scope > details > summary", has_text="Đảng bộ phường Tân An")
    )
    expect(tan_an).to_contain_text("Chi bộ Trường THPT Châu Văn Liêm")

    page.fill("#id_ngay", "31/12/2017")
    page.click("#tree-date button[type=submit]")
    expect(page.locator("h1")).to_have_text("Cây tổ chức ngày 31/12/2017")
    page.click("button[data-tree=open]")
    expect(tan_an).not_to_contain_text("Chi bộ Trường THPT Châu Văn Liêm")
    ninh_kieu = page.locator("#tree > li")
    expect(ninh_kieu.locator(":scope > details > ul > li.leaf")).to_contain_text(
        "Chi bộ Trường THPT Châu Văn Liêm"
    )
    shot(page, "6-tree-2017")
