"""The dashboard, the drill-down and the annual report pages."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from tochuc.accounts.models import AccessLog
from tochuc.conftest import PASSWORD


@pytest.fixture
def as_user(client):
    def login(user):
        assert client.login(username=user.username, password=PASSWORD)
        return client

    return login


def test_the_dashboard_links_every_number_to_its_rows(world, as_user):
    c = as_user(world.personas.district_specialist)
    r = c.get("/bao-cao/", {"nam": 2017})
    assert r.status_code == 200
    html = r.content.decode()
    assert (
        'data-key="members.admitted" href="/bao-cao/chi-so/members.admitted/?don_vi=CT.NK&amp;nam=2017">3</a>'
        in html
    )
    assert (
        'href="/bao-cao/chi-so/members.admitted.vs_target/?don_vi=CT.NK&amp;nam=2017">-25,00%</a>'
        in html
    )
    # breakdown cells link to the rows of that unit only
    assert (
        'href="/bao-cao/chi-so/members.total/?don_vi=CT.NK&amp;nam=2017&amp;nhanh=CT.NK.01">6</a>'
        in html
    )
    assert "Số quyết định kết nạp và kết nạp lại có ngày hiệu lực trong kỳ" in html


def test_the_drill_down_shows_the_definition_and_the_people(world, as_user):
    c = as_user(world.personas.district_specialist)
    r = c.get("/bao-cao/chi-so/members.admitted/", {"don_vi": "CT.NK", "nam": 2017})
    html = r.content.decode()
    assert r.status_code == 200
    assert '<span class="figure-value">3</span>' in html
    assert "Số quyết định kết nạp và kết nạp lại" in html
    assert [
        name in html for name in ("Lê Thị Bình", "Phạm Văn Cường", "Quách Văn Rạng", "Kha Văn Vô")
    ] == [True, True, True, False]


def test_the_drill_down_of_one_unit_lists_only_its_rows(world, as_user):
    c = as_user(world.personas.district_specialist)
    r = c.get(
        "/bao-cao/chi-so/members.admitted/", {"don_vi": "CT.NK", "nam": 2017, "nhanh": "CT.NK.02"}
    )
    html = r.content.decode()
    assert '<span class="figure-value">1</span>' in html
    assert "Phạm Văn Cường" in html and "Lê Thị Bình" not in html


def test_the_drill_down_is_sortable_and_paged(world, as_user, monkeypatch):
    from tochuc.reports import views

    monkeypatch.setattr(views, "PAGE_SIZE", 4)
    c = as_user(world.personas.district_specialist)
    params = {"don_vi": "CT.NK", "nam": 2017, "sap": "-code"}
    first = c.get("/bao-cao/chi-so/members.total/", params).content.decode()
    second = c.get("/bao-cao/chi-so/members.total/", params | {"trang": 2}).content.decode()
    assert "Trang 1 / 3 (9 dòng)" in first
    assert first.index("R-R") < first.index("R-M") < first.index("R-J")
    assert "R-E" in second and "R-F" not in second


def test_the_drill_down_exports_to_xlsx_and_logs_the_export(world, as_user):
    c = as_user(world.personas.viewer)
    r = c.get("/bao-cao/chi-so/members.admitted/", {"don_vi": "CT.NK", "nam": 2017, "xuat": "xlsx"})
    assert r.status_code == 200
    assert r["Cache-Control"] == "no-store"
    assert r["Content-Disposition"] == 'attachment; filename="chi-so-members.admitted.xlsx"'
    ws = load_workbook(io.BytesIO(r.content)).active
    assert [c.value for c in ws[4]] == [
        "STT",
        "Mã",
        "Họ và tên",
        "Đơn vị",
        "Ngày",
        "Nội dung",
        "Số quyết định",
    ]
    assert [ws.cell(row=i, column=3).value for i in (5, 6, 7)] == [
        "Lê Thị Bình",
        "Phạm Văn Cường",
        "Quách Văn Rạng",
    ]
    log = AccessLog.objects.get(action="export")
    assert (log.user, log.object_type, log.object_id, log.detail["rows"]) == (
        world.personas.viewer,
        "figure",
        "members.admitted",
        3,
    )


def test_the_annual_report_page_offers_every_format(world, as_user):
    c = as_user(world.personas.district_specialist)
    r = c.get("/bao-cao/nam/", {"don_vi": "CT.NK", "nam": 2017})
    html = r.content.decode()
    assert r.status_code == 200
    assert (
        "Các cấp ủy đảng đã kết nạp 3 đảng viên (trong đó kết nạp lại 1 đồng chí), đạt 75,00% kế hoạch (chỉ tiêu 4)."
        in html
    )
    for fmt in ("json", "html", "docx", "xlsx", "pdf"):
        assert f'href="/bao-cao/nam/tai-ve/{fmt}/?don_vi=CT.NK&amp;nam=2017"' in html


def test_downloading_the_annual_report_logs_the_export(world, as_user):
    c = as_user(world.personas.district_specialist)
    r = c.get("/bao-cao/nam/tai-ve/json/", {"don_vi": "CT.NK", "nam": 2017})
    assert r.status_code == 200
    assert r["Content-Disposition"] == 'attachment; filename="bao-cao-nam-2017-CT.NK.json"'
    assert r.json()["figures"]["members.total"]["value"] == 9
    log = AccessLog.objects.get(action="export")
    assert (log.object_type, log.object_id, log.detail["format"]) == (
        "report",
        "annual:CT.NK:2017",
        "json",
    )


def test_the_outsider_gets_404(world, as_user):
    c = as_user(world.personas.outsider)
    assert c.get("/bao-cao/", {"don_vi": "CT.NK", "nam": 2017}).status_code == 404
    assert (
        c.get("/bao-cao/chi-so/members.total/", {"don_vi": "CT.NK.01", "nam": 2017}).status_code
        == 404
    )
    assert c.get("/bao-cao/nam/tai-ve/docx/", {"don_vi": "CT", "nam": 2017}).status_code == 404
    assert not AccessLog.objects.filter(action="export").exists()


def test_the_viewer_sees_the_figures_of_their_scope_only(world, as_user):
    c = as_user(world.personas.viewer)
    r = c.get("/bao-cao/", {"nam": 2017})
    assert r.status_code == 200
    assert "Đảng bộ quận Ninh Kiều · năm 2017" in r.content.decode()
    assert c.get("/bao-cao/", {"don_vi": "CT", "nam": 2017}).status_code == 404


def test_an_unknown_figure_or_a_bad_period_is_a_clear_message(world, as_user):
    c = as_user(world.personas.district_specialist)
    r = c.get("/bao-cao/chi-so/members.nothing/", {"don_vi": "CT.NK", "nam": 2017})
    assert r.status_code == 404
    assert "Không có chỉ số “members.nothing”" in r.content.decode()
    r = c.get("/bao-cao/", {"don_vi": "CT.NK", "tu": "31/02/2017", "den": "01/03/2017"})
    assert r.status_code == 400
    assert "Ngày không hợp lệ: &#x27;31/02/2017&#x27;" in r.content.decode()
    r = c.get("/bao-cao/nam/", {"don_vi": "CT.NK.02", "nam": 1990})
    assert r.status_code == 404
    assert (
        "Không có dữ liệu của Chi bộ Trường THPT Châu Văn Liêm cho năm 1990: không có đảng viên vào ngày 31/12/1990"
        in r.content.decode()
    )
    r = c.get("/bao-cao/nam/", {"don_vi": "CT.NK", "nam": 1960})
    assert "Đơn vị CT.NK không tồn tại vào ngày 31/12/1960" in r.content.decode()


def test_anonymous_users_are_sent_to_the_login_page(world, client):
    r = client.get("/bao-cao/")
    assert r.status_code == 302


def test_the_unit_picker_keeps_the_upper_levels_when_the_list_is_cut(world, as_user, monkeypatch):
    """Under the nation the picker would otherwise stop inside the second province."""
    import re

    from tochuc.reports import views

    monkeypatch.setattr(views, "PICKER_SIZE", 4)
    page = as_user(world.personas.city_admin).get("/bao-cao/", {"nam": 2017}).content.decode()
    offered = re.findall(r'<option value="([A-Z.0-9]+)">', page.split('<datalist id="report-units">')[1].split("</datalist>")[0])
    # the city and both districts first, then the first unit of the next level; in tree order
    assert offered == ["CT", "CT.NK", "CT.NK.01", "CT.CR"]
