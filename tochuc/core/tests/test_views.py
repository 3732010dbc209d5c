"""The home page: the member counts of the user's scope and the ways into the app."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from tochuc.accounts.models import User
from tochuc.core.tests.helpers import login, text
from tochuc.core.views import existing_areas
from tochuc.people.selectors import StatusCount, TreeNode

pytestmark = pytest.mark.django_db


@pytest.fixture
def members(tree, make_person, record):
    for name, unit in (
        ("Trần Quốc Trung", "CT.NK.01.01"),
        ("Lê Văn Hùng", "CT.NK.02"),
        ("Võ Văn Ba", "CT.CR.01.01"),
    ):
        person = make_person(name)
        record(person, "admission", dt.date(2016, 6, 20), unit=tree[unit])
    record(person, "recognition", dt.date(2017, 6, 20), unit=tree["CT.CR.01.01"])


@time_machine.travel(dt.datetime(2026, 6, 1, 9, 0, tzinfo=dt.UTC), tick=False)
def test_the_home_page_counts_the_members_of_the_scope_by_status(client, personas, members):
    page = text(login(client, personas.district_specialist).get("/"))
    assert "Phạm vi của bạn: Đảng bộ quận Ninh Kiều · vai trò Chuyên viên" in page
    assert (
        "Đảng viên trong phạm vi ngày 01/06/2026 2 Tổng số đảng viên 0 Chính thức 2 Dự bị 0 Miễn sinh hoạt"
        in page
    )
    outsider = text(login(client, personas.outsider).get("/"))
    assert "1 Tổng số đảng viên 1 Chính thức 0 Dự bị 0 Miễn sinh hoạt" in outsider


def test_the_home_page_links_to_the_tree_and_the_search(client, personas):
    html = login(client, personas.viewer).get("/").content.decode()
    assert '<a href="/don-vi/"><strong>Cây tổ chức</strong>' in html
    assert '<a href="/nguoi/tim/"><strong>Tìm đảng viên</strong>' in html
    assert 'action="/nguoi/tim/"' in html


def test_only_areas_that_answer_are_linked():
    areas = existing_areas([("/khong-co-trang-nay/", "Không có", ""), ("/don-vi/", "Cây", "")])
    assert areas == [{"url": "/don-vi/", "label": "Cây", "text": ""}]


def test_a_user_without_a_grant_is_told_so(client, db):
    user = User.objects.create_user("mới", password=None)
    page = text(login(client, user).get("/"))
    assert "Tài khoản chưa được giao phạm vi đơn vị nào: hãy liên hệ quản trị viên." in page
    assert "0 Tổng số đảng viên" in page


def test_anonymous_visitors_are_sent_to_the_login_page(client, db):
    response = client.get("/")
    assert (response.status_code, response["Location"]) == (302, "/tai-khoan/dang-nhap/?next=/")


def test_the_home_page_refuses_post(client, personas):
    assert login(client, personas.viewer).post("/").status_code == 405


def test_numbers_are_written_the_vietnamese_way():
    assert StatusCount("full", "Chính thức", 3105).display == "3.105"
    assert TreeNode(version=None, total=60682).total_display == "60.682"  # type: ignore[arg-type]
