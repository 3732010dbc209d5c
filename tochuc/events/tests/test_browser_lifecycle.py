"""In a real browser: a clerk admits a new person from the branch page; the admission is
refused for age, then accepted once the date is corrected."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect, sync_playwright

from tochuc.conftest import PASSWORD
from tochuc.core.tests.helpers import fast_passwords  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]


@pytest.fixture
def page(monkeypatch):
    # Playwright's sync API runs an event loop. Set for this test only: set at import time, it
    # would leak into the deployment check of the other tests (async.E001).
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", headless=True, args=CHROMIUM_ARGS)
        context = browser.new_context(locale="vi-VN", viewport={"width": 1280, "height": 900})
        pg = context.new_page()
        pg.set_default_timeout(30_000)
        yield pg
        context.close()
        browser.close()


def test_an_admission_refused_for_age_is_accepted_after_correcting_the_date(live_server, page, personas):
    from tochuc.events.models import Event
    from tochuc.people.models import Person

    page.goto(live_server.url + "/su-kien/don-vi/CT.NK.01.01/ket-nap/")
    page.fill("input[name=username]", "vanthu")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    expect(page.locator("h1")).to_have_text("Kết nạp đảng viên mới vào Chi bộ khu vực 1")

    page.fill("input[name=p-code]", "KN-2018-01")
    page.fill("input[name=p-full_name]", "Huỳnh Thị Thu")
    page.fill("input[name=p-birth_date]", "10/05/2000")
    page.select_option("select[name=p-sex]", "female")
    page.fill("input[name=p-education]", "12/12")
    page.fill("input[name=effective_on]", "09/05/2018")
    page.fill("input[name=decision_no]", "15-QĐ/ĐU")
    page.click("form.event-form button[type=submit]")

    errors = page.locator("#loi li")
    expect(errors).to_have_count(1)
    expect(errors.first).to_contain_text("Người vào Đảng phải đủ 18 tuổi (tính theo tháng)")
    expect(errors.first).to_contain_text("ngày sinh 10/05/2000, ngày xét 09/05/2018, mới 17 tuổi 11 tháng")
    expect(page.locator(".field.has-error", has=page.locator("input[name=effective_on]"))).to_contain_text("Quy định 29-QĐ/TW")
    assert not Person.objects.filter(code="KN-2018-01").exists()

    # the form keeps what was typed: only the date needs correcting
    expect(page.locator("input[name=p-full_name]")).to_have_value("Huỳnh Thị Thu")
    page.fill("input[name=effective_on]", "10/05/2018")
    page.click("form.event-form button[type=submit]")

    expect(page.locator("h1")).to_have_text("Huỳnh Thị Thu")
    expect(page.locator(".messages")).to_contain_text("Đã kết nạp Huỳnh Thị Thu vào Chi bộ khu vực 1 ngày 10/05/2018.")
    expect(page.locator("#du-kien")).to_contain_text("Hết dự bị10/05/2019 · chi bộ xét công nhận chính thức trước 21/06/2019")
    event = Event.objects.get(person__code="KN-2018-01")
    assert (event.kind, event.effective_on.isoformat(), event.decision_no, event.recorded_by.username) == (
        "admission", "2018-05-10", "15-QĐ/ĐU", "vanthu"
    )
