"""Cadre work in a real browser: an appointment refused for age, then the yearly planning review."""

from __future__ import annotations

import datetime as dt
import os

import pytest
from playwright.sync_api import expect, sync_playwright

from tochuc.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"]


@pytest.fixture(scope="module")
def browser():
    # Playwright's sync API runs an event loop, which Django's ORM takes for async code. Set only
    # while these tests run: set at import, it would leak into every test of the session (the
    # deployment check refuses it).
    before = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as p:
            b = p.chromium.launch(executable_path="/usr/bin/chromium", headless=True, args=CHROMIUM_ARGS)
            yield b
            b.close()
    finally:
        if before is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = before


@pytest.fixture
def page(browser, live_server, personas):
    context = browser.new_context(locale="vi-VN", viewport={"width": 1280, "height": 900})
    pg = context.new_page()
    pg.set_default_timeout(15_000)
    pg.goto(live_server.url + "/tai-khoan/dang-nhap/")
    pg.fill("input[name=username]", "chuyenvien")
    pg.fill("input[name=password]", PASSWORD)
    pg.click("button[type=submit]")
    yield pg
    context.close()


def test_an_appointment_too_close_to_retirement_is_refused_in_the_form(live_server, page, posts, make_person, tree):
    from tochuc.events.models import Event

    man = make_person("Phạm Văn Đức", birth_date=dt.date(1966, 4, 10), registered_unit=tree["CT.NK"])
    page.goto(f"{live_server.url}/nguoi/{man.pk}/")
    page.click("text=Ghi quyết định về cán bộ")
    expect(page.locator("h1")).to_contain_text("Quyết định về cán bộ: Phạm Văn Đức")
    page.select_option("select[name=subtype]", "appointment")
    page.select_option("select[name=post]", str(posts["head"].pk))
    page.fill("input[name=effective_on]", "02/05/2023")
    page.fill("input[name=decision_no]", "45-QĐ/QU")
    page.click("#decision-form button[type=submit]")
    error = page.locator(".field.has-error", has_text="Ngày hiệu lực")
    expect(error).to_contain_text("Phạm Văn Đức không đủ tuổi để bổ nhiệm chức danh Trưởng phòng Nội vụ quận")
    expect(error).to_contain_text("chỉ còn 4 năm 11 tháng, chưa đủ một nhiệm kỳ 5 năm")
    assert not Event.objects.filter(person=man).exists()

    # one day earlier, five full years remain: only the planning warning is left to confirm
    page.fill("input[name=effective_on]", "01/05/2023")
    page.click("#decision-form button[type=submit]")
    page.check("input[name=confirm][value='cadres.planning_required']")
    page.click("#decision-form button[type=submit]")
    expect(page.locator("#can-bo")).to_contain_text("Trưởng phòng Nội vụ quận")
    expect(page.locator("#can-bo")).to_contain_text("01/05/2028")


def test_the_planning_review_proposes_a_removal_and_shows_the_gaps(live_server, page, posts, periods, member, tree, record):
    from tochuc.cadres.services import planning_add

    planning_add(by=None, person=member, post=posts["head"], period=periods["2020-2025"], effective_on=dt.date(2021, 1, 4))
    record(member, "discipline", dt.date(2022, 3, 1), subtype="warning", unit=tree["CT.NK.01.01"])
    page.goto(f"{live_server.url}/can-bo/quy-hoach/")
    page.click("tr:has-text('2020-2025') >> text=Rà soát")
    page.fill("input[name=ngay]", "31/12/2022")
    page.click("form.inline button[type=submit]")
    proposals = page.locator("#proposals")
    expect(proposals).to_contain_text("Đề nghị đưa ra khỏi quy hoạch (1)")
    expect(proposals).to_contain_text("Trần Quốc Trung")
    expect(proposals).to_contain_text("Bị kỷ luật cảnh cáo ngày 01/03/2022: đưa ra khỏi quy hoạch (Quy định 50-QĐ/TW (27/12/2021))")
    expect(page.locator("#gaps")).to_contain_text("Bí thư Đảng ủy phường")
    expect(page.locator("#quotas")).to_contain_text("Cán bộ nữ")
