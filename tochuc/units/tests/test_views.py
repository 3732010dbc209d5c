"""The unit tree on a date, the unit page and its restructuring forms, as each persona sees them."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db.models import Count
from django.test import Client

from tochuc.accounts import scoping
from tochuc.core.tests.helpers import fast_passwords, login, text  # noqa: F401  (autouse fixture)
from tochuc.events.models import Event, Membership
from tochuc.events.projections import memberships_on
from tochuc.people.selectors import member_counts_by_unit
from tochuc.units.models import Unit, UnitVersion
from tochuc.units.services import unit_found, unit_merge, unit_rename, unit_reparent

pytestmark = pytest.mark.django_db

REORG = dt.date(2025, 7, 1)
RENAME = {"rename-name": "Tên khác", "rename-on": "01/07/2025"}


def outline(response) -> list[str]:
    """The tree as drawn: one line per unit, indented by level, with its member count."""
    lines, level = [], 0
    for token in response.context["tokens"]:
        if token["kind"] == "end":
            level -= 1
            continue
        node = token["node"]
        lines.append("  " * level + f"{node.version.name} ({node.total})")
        if token["kind"] == "branch":
            level += 1
    return lines


def action_form(response, slug: str):
    """The bound form of one restructuring action on the re-rendered unit page."""
    return next(a["form"] for a in response.context["actions"] if a["slug"] == slug)


@pytest.fixture
def members(tree, make_person, record):
    """Three members of Ninh Kiều admitted in 2016, one of Cái Răng."""
    people = {}
    for name, unit in (
        ("Trần Quốc Trung", "CT.NK.01.01"),
        ("Nguyễn Thị Lan", "CT.NK.01.01"),
        ("Phạm Thị Hồng", "CT.NK.02"),
        ("Lê Văn Hùng", "CT.CR.01.01"),
    ):
        person = make_person(name, sex="female" if "Thị" in name else "male")
        record(person, "admission", dt.date(2016, 6, 20), unit=tree[unit])
        people[name] = person
    record(people["Trần Quốc Trung"], "recognition", dt.date(2017, 6, 20), unit=tree["CT.NK.01.01"])
    return people


# ---- the tree ----


def test_the_tree_on_two_dates_around_a_reparent(client, personas, tree, members):
    unit_reparent(by=None, unit=tree["CT.NK.02"], parent=tree["CT.NK.01"], on=REORG)
    login(client, personas.district_specialist)
    assert outline(client.get("/don-vi/", {"ngay": "31/12/2017"})) == [
        "Đảng bộ quận Ninh Kiều (3)",
        "  Chi bộ Trường THPT Châu Văn Liêm (1)",
        "  Đảng bộ phường Tân An (2)",
        "    Chi bộ khu vực 1 (2)",
        "    Chi bộ khu vực 2 (0)",
    ]
    assert outline(client.get("/don-vi/", {"ngay": "2025-07-01"})) == [
        "Đảng bộ quận Ninh Kiều (3)",
        "  Đảng bộ phường Tân An (3)",
        "    Chi bộ khu vực 1 (2)",
        "    Chi bộ khu vực 2 (0)",
        "    Chi bộ Trường THPT Châu Văn Liêm (1)",
    ]


def test_the_tree_counts_members_on_the_date_chosen(client, personas, tree, members):
    login(client, personas.city_admin)
    assert (
        outline(client.get("/don-vi/", {"ngay": "19/06/2016"}))[0]
        == "Đảng bộ thành phố Cần Thơ (0)"
    )
    response = client.get("/don-vi/", {"ngay": "20/06/2016"})
    assert outline(response)[0] == "Đảng bộ thành phố Cần Thơ (4)"
    assert (
        "Cây tổ chức ngày 20/06/2016 9 đơn vị trong phạm vi của bạn · 4 đảng viên vào ngày này"
        in text(response)
    )


def test_the_roots_are_open_and_deeper_branches_closed(client, personas, tree, members):
    html = login(client, personas.city_admin).get("/don-vi/").content.decode()
    assert html.count("<details open>") == 1
    assert html.count("<details>") == 4  # Ninh Kiều, Tân An, Cái Răng, Lê Bình


def test_a_date_that_does_not_exist_shows_today_with_a_message(client, personas, tree):
    response = login(client, personas.city_admin).get("/don-vi/", {"ngay": "31/02/2017"})
    assert (
        "Ngày không hợp lệ: '31/02/2017' (dùng dd/mm/yyyy hoặc yyyy-mm-dd). Đang hiển thị ngày hôm nay."
        in text(response)
    )


def test_the_tree_is_drawn_with_the_same_queries_however_many_units(
    client, personas, tree, members, django_assert_max_num_queries
):
    login(client, personas.city_admin)
    with django_assert_max_num_queries(12) as small:
        client.get("/don-vi/")
    for i in range(30):
        unit_found(
            by=None,
            code=f"CT.NK.01.9{i:02d}",
            name=f"Chi bộ ấp {i}",
            kind="branch",
            founded_on=REORG,
            parent=tree["CT.NK.01"],
        )
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get("/don-vi/")
    assert len(outline(response)) == 39


def test_the_outsider_sees_only_their_district_in_the_tree(client, personas, tree, members):
    assert outline(login(client, personas.outsider).get("/don-vi/")) == [
        "Đảng bộ quận Cái Răng (1)",
        "  Đảng bộ phường Lê Bình (1)",
        "    Chi bộ khu vực 3 (1)",
    ]


def test_anonymous_visitors_are_sent_to_the_login_page(client, tree):
    for url in ("/", "/don-vi/", "/don-vi/CT.NK/"):
        assert client.get(url)["Location"].startswith("/tai-khoan/dang-nhap/?next=")
    assert client.post("/don-vi/CT.NK/doi-ten/", {})["Location"].startswith(
        "/tai-khoan/dang-nhap/?next="
    )


# ---- the unit page ----


def test_the_unit_page_shows_the_unit_its_members_and_counts_on_the_date(
    client, personas, tree, members
):
    response = login(client, personas.viewer).get("/don-vi/CT.NK.01.01/", {"ngay": "01/01/2017"})
    page = text(response)
    assert (
        "Chi bộ khu vực 1 Mã CT.NK.01.01 · Chi bộ trực thuộc · trực thuộc Đảng bộ phường Tân An"
        in page
    )
    assert "2 Đảng viên toàn đơn vị 0 Chính thức 2 Dự bị 0 Miễn sinh hoạt" in page
    assert "Đảng viên sinh hoạt tại đơn vị ngày 01/01/2017" in page
    assert (
        "Nguyễn Thị Lan 1990 Nữ Dự bị 20/06/2016 Trần Quốc Trung 1990 Nam Dự bị 20/06/2016" in page
    )
    later = text(client.get("/don-vi/CT.NK.01.01/", {"ngay": "01/01/2018", "sap": "-ten"}))
    assert (
        "Trần Quốc Trung 1990 Nam Chính thức 20/06/2017 Nguyễn Thị Lan 1990 Nữ Dự bị 20/06/2016"
        in later
    )


def test_the_unit_page_of_a_committee_lists_its_children_with_their_members(
    client, personas, tree, members
):
    page = text(login(client, personas.viewer).get("/don-vi/CT.NK/"))
    assert "3 Đảng viên toàn đơn vị (cả cấp dưới) 0 Sinh hoạt trực tiếp tại đơn vị" in page
    assert (
        "Tên Loại Mã Đảng viên Chi bộ Trường THPT Châu Văn Liêm Chi bộ cơ sở CT.NK.02 1 "
        "Đảng bộ phường Tân An Đảng bộ cơ sở CT.NK.01 2"
    ) in page


def test_the_members_list_is_paged(client, personas, tree, make_person, record):
    for i in range(52):
        person = make_person(f"Đảng Viên {i:02d}")
        record(person, "admission", dt.date(2016, 6, 20), unit=tree["CT.NK.01.02"])
    login(client, personas.viewer)
    first = client.get("/don-vi/CT.NK.01.02/")
    assert len(first.context["members"].object_list) == 50
    assert "Trang 1 / 2 Trang sau ›" in text(first)
    second = client.get("/don-vi/CT.NK.01.02/", {"trang": 2})
    assert [row.membership.person.full_name for row in second.context["members"]] == [
        "Đảng Viên 50",
        "Đảng Viên 51",
    ]


def test_the_unit_page_shows_its_history_with_dates(client, personas, tree):
    unit_rename(
        by=None, unit=tree["CT.NK.01"], name="Đảng bộ phường Tân An (mới)", on=dt.date(2020, 1, 1)
    )
    unit_reparent(
        by=None, unit=tree["CT.NK.01"], parent=tree["CT"], on=REORG, decision_no="321-QĐ/TW"
    )
    page = text(login(client, personas.city_admin).get("/don-vi/CT.NK.01/"))
    assert (
        "Từ ngày Đến ngày Tên Loại Trực thuộc "
        "01/01/1975 01/01/2020 Đảng bộ phường Tân An Đảng bộ cơ sở Đảng bộ quận Ninh Kiều "
        "01/01/2020 01/07/2025 Đảng bộ phường Tân An (mới) Đảng bộ cơ sở Đảng bộ quận Ninh Kiều "
        "01/07/2025 nay Đảng bộ phường Tân An (mới) Đảng bộ cơ sở Đảng bộ thành phố Cần Thơ"
    ) in page
    assert "01/01/2020 Đổi tên Tên mới: Đảng bộ phường Tân An (mới)" in page
    assert "01/07/2025 Chuyển trực thuộc → Đảng bộ thành phố Cần Thơ Số 321-QĐ/TW" in page


def test_a_unit_before_its_founding_is_not_in_the_tree_of_that_date(client, personas, tree):
    page = text(login(client, personas.city_admin).get("/don-vi/CT.NK/", {"ngay": "31/12/1974"}))
    assert (
        "Đơn vị này không có trong cây tổ chức (trong phạm vi của bạn) vào ngày 31/12/1974." in page
    )


def test_the_outsider_gets_404_for_a_unit_of_another_district(client, personas, tree):
    login(client, personas.outsider)
    assert client.get("/don-vi/CT.NK.01.01/").status_code == 404
    assert client.get("/don-vi/CT/").status_code == 404
    assert client.post("/don-vi/CT.NK.01/doi-ten/", RENAME).status_code == 404
    assert client.get("/don-vi/KHONG-CO/").status_code == 404


# ---- restructuring ----


def test_a_specialist_founds_a_sub_unit(client, personas, tree):
    data = {
        "found-code": "CT.NK.01.03",
        "found-name": "Chi bộ khu vực 3",
        "found-kind": "branch",
        "found-on": "15/03/2026",
        "found-decision_no": "88-QĐ/ĐU",
        "found-decided_on": "10/03/2026",
        "found-decided_by": "Đảng ủy phường Tân An",
    }
    response = login(client, personas.district_specialist).post("/don-vi/CT.NK.01/thanh-lap/", data)
    assert response.status_code == 302
    assert response["Location"] == "/don-vi/CT.NK.01.03/?ngay=2026-03-15"
    version = UnitVersion.objects.get(unit__code="CT.NK.01.03")
    assert (version.name, version.kind, version.parent, version.valid_from) == (
        "Chi bộ khu vực 3",
        "branch",
        tree["CT.NK.01"],
        dt.date(2026, 3, 15),
    )
    event = Event.objects.get(kind="founding", unit=version.unit)
    assert (event.decision_no, event.decided_on, event.recorded_by) == (
        "88-QĐ/ĐU",
        dt.date(2026, 3, 10),
        personas.district_specialist,
    )


def test_a_taken_code_is_refused_next_to_its_field_and_nothing_is_written(client, personas, tree):
    data = {
        "found-code": "CT.NK.01.01",
        "found-name": "Trùng mã",
        "found-kind": "branch",
        "found-on": "15/03/2026",
    }
    units_before, events_before = Unit.objects.count(), Event.objects.count()
    response = login(client, personas.district_specialist).post("/don-vi/CT.NK.01/thanh-lap/", data)
    assert response.status_code == 200
    form = action_form(response, "thanh-lap")
    assert form.errors == {"code": ["Mã đơn vị 'CT.NK.01.01' đã tồn tại"]}
    assert '<details class="action" id="tt-thanh-lap" open>' in response.content.decode()
    assert (Unit.objects.count(), Event.objects.count()) == (units_before, events_before)


def test_a_rename_takes_effect_from_its_date(client, personas, tree):
    data = {"rename-name": "Chi bộ khu phố 1", "rename-kind": "", "rename-on": "01/07/2025"}
    response = login(client, personas.district_specialist).post(
        "/don-vi/CT.NK.01.01/doi-ten/", data
    )
    assert response.status_code == 302
    names = list(
        UnitVersion.objects.filter(unit=tree["CT.NK.01.01"])
        .order_by("valid_from")
        .values_list("name", flat=True)
    )
    assert names == ["Chi bộ khu vực 1", "Chi bộ khu phố 1"]


def test_a_reparent_to_a_unit_outside_the_scope_is_refused(client, personas, tree):
    data = {"reparent-target": "CT.CR.01", "reparent-on": "01/07/2025"}
    response = login(client, personas.district_specialist).post(
        "/don-vi/CT.NK.01.01/chuyen-truc-thuoc/", data
    )
    form = action_form(response, "chuyen-truc-thuoc")
    assert form.errors == {"target": ["Không tìm thấy đơn vị 'CT.CR.01' trong phạm vi của bạn"]}
    assert not Event.objects.filter(kind="reparent").exists()


def test_a_reparent_into_its_own_subtree_shows_the_finding(client, personas, tree):
    data = {"reparent-target": "CT.NK.01.01", "reparent-on": "01/07/2025"}
    response = login(client, personas.city_admin).post("/don-vi/CT.NK/chuyen-truc-thuoc/", data)
    form = action_form(response, "chuyen-truc-thuoc")
    assert form.errors == {
        "target": ["Không thể chuyển Đảng bộ quận Ninh Kiều vào chính đơn vị cấp dưới của nó"]
    }
    assert not Event.objects.filter(kind="reparent").exists()


def test_a_merger_moves_the_members_to_the_unit_joined(client, personas, tree, members):
    data = {"merge-target": "CT.NK.01.01", "merge-on": "01/07/2025"}
    response = login(client, personas.district_specialist).post("/don-vi/CT.NK.02/sap-nhap/", data)
    assert response["Location"] == "/don-vi/CT.NK.01.01/?ngay=2025-07-01"
    hong = members["Phạm Thị Hồng"]
    assert list(
        Membership.objects.filter(person=hong)
        .order_by("valid_from")
        .values_list("unit__code", "valid_to")
    ) == [
        ("CT.NK.02", REORG),
        ("CT.NK.01.01", None),
    ]


def test_dissolving_a_unit_with_members_is_refused_with_the_reason(client, personas, tree, members):
    data = {"dissolve-on": "01/07/2025"}
    response = login(client, personas.district_specialist).post("/don-vi/CT.NK.02/giai-the/", data)
    assert "Chi bộ Trường THPT Châu Văn Liêm còn 1 đảng viên vào ngày 01/07/2025" in text(response)
    assert not Event.objects.filter(kind="dissolution").exists()


def test_the_viewer_and_the_clerk_cannot_restructure(client, personas, tree):
    data = RENAME
    viewer = login(client, personas.viewer)
    assert "Thay đổi cơ cấu tổ chức" not in text(viewer.get("/don-vi/CT.NK.01/"))
    assert viewer.post("/don-vi/CT.NK.01/doi-ten/", data).status_code == 403
    assert (
        login(Client(), personas.branch_clerk).post("/don-vi/CT.NK.01/doi-ten/", data).status_code
        == 403
    )
    assert not Event.objects.filter(kind="rename").exists()


def test_actions_are_post_only_with_a_csrf_token(personas, tree):
    client = Client(enforce_csrf_checks=True)
    client.force_login(personas.city_admin)
    assert client.get("/don-vi/CT.NK.01/doi-ten/").status_code == 405
    assert client.post("/don-vi/CT.NK.01/doi-ten/", RENAME).status_code == 403
    assert not Event.objects.filter(kind="rename").exists()


def test_an_unknown_action_is_404(client, personas, tree):
    assert login(client, personas.city_admin).post("/don-vi/CT.NK.01/xoa/", {}).status_code == 404


def test_a_member_who_moved_out_of_the_scope_counts_on_past_dates_without_details(
    client, personas, tree, members, record
):
    moved = members["Nguyễn Thị Lan"]
    record(
        moved,
        "transfer",
        dt.date(2020, 3, 1),
        subtype="official",
        unit=tree["CT.NK.01.01"],
        to_unit=tree["CT.CR.01.01"],
    )
    response = login(client, personas.district_specialist).get(
        "/don-vi/CT.NK.01.01/", {"ngay": "01/01/2018"}
    )
    page = text(response)
    assert "2 Đảng viên toàn đơn vị 1 Chính thức 1 Dự bị" in page
    assert "Hồ sơ nay do đơn vị ngoài phạm vi của bạn quản lý Dự bị 20/06/2016" in page
    assert "Nguyễn Thị Lan" not in page
    assert f"/nguoi/{moved.pk}/" not in response.content.decode()


def test_todays_counts_from_the_current_state_equal_those_from_the_intervals(tree, members):
    today = scoping.today()
    all_units = UnitVersion.objects.values("unit_id")
    from_intervals = dict(
        memberships_on(today).values_list("unit_id").annotate(n=Count("*")).order_by()
    )
    assert member_counts_by_unit(unit_ids=all_units, on=today) == from_intervals
    assert from_intervals == {
        tree["CT.NK.01.01"].pk: 2,
        tree["CT.NK.02"].pk: 1,
        tree["CT.CR.01.01"].pk: 1,
    }


def test_a_unit_name_with_markup_is_shown_as_text(client, personas, tree):
    unit_rename(
        by=None,
        unit=tree["CT.NK.01.02"],
        name='<script>alert("x")</script>',
        on=dt.date(2020, 1, 1),
    )
    for url in ("/don-vi/", "/don-vi/CT.NK.01.02/", "/don-vi/CT.NK.01/"):
        html = login(client, personas.city_admin).get(url).content.decode()
        assert '<script>alert("x")</script>' not in html
        assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html


def test_a_scope_too_large_for_one_page_stops_at_a_readable_depth(
    client, personas, tree, members, monkeypatch
):
    monkeypatch.setattr("tochuc.units.views.TREE_NODE_LIMIT", 3)
    response = login(client, personas.city_admin).get("/don-vi/")
    assert outline(response) == [
        "Đảng bộ thành phố Cần Thơ (4)",
        "  Đảng bộ quận Cái Răng (1)",
        "  Đảng bộ quận Ninh Kiều (3)",
    ]
    assert "Phạm vi lớn: cây chỉ hiển thị đến cấp đủ gọn" in text(response)
    assert '<span class="code">…</span>' in response.content.decode()


def test_a_tree_cut_at_a_depth_keeps_the_totals_of_the_whole_tree(personas, tree, members):
    from tochuc.people.selectors import unit_tree

    scope = scoping.scope_for(personas.city_admin)
    day = scoping.today()

    def flat(nodes, out):
        for n in nodes:
            out[n.version.unit.code] = (n.total, n.direct, [c.version.unit.code for c in n.children], n.more)
            flat(n.children, out)
        return out

    whole = flat(unit_tree(scope=scope, on=day), {})
    cut = flat(unit_tree(scope=scope, on=day, depth=1), {})
    assert sorted(cut) == ["CT", "CT.CR", "CT.NK"]
    for code, (total, direct, children, more) in cut.items():
        assert (total, direct) == whole[code][:2]
        assert more == (code != "CT" and bool(whole[code][2]))  # CT's children were loaded
    assert cut["CT.NK"][:2] == (3, 0) and cut["CT.NK"][2:] == ([], True)
    # the unit page asks for the unit and its children only
    page = flat(unit_tree(scope=scope, on=day, within=tree["CT.NK"].versions.get(), depth=2), {})
    assert page["CT.NK"][:3] == (3, 0, whole["CT.NK"][2])  # children by name, as in the whole tree
    assert page["CT.NK.01"][:2] == whole["CT.NK.01"][:2] == (2, 0)


def test_the_history_of_a_unit_shows_the_units_that_joined_it_or_moved_under_it(
    client, personas, tree
):
    unit_reparent(by=None, unit=tree["CT.NK.02"], parent=tree["CT.NK.01"], on=REORG)
    unit_merge(by=None, unit=tree["CT.NK.01.02"], into=tree["CT.NK.01"], on=REORG)
    page = text(login(client, personas.city_admin).get("/don-vi/CT.NK.01/"))
    assert (
        "01/07/2025 Chuyển trực thuộc Chi bộ Trường THPT Châu Văn Liêm chuyển về trực thuộc đơn vị này"
        in page
    )
    assert "01/07/2025 Hợp nhất, sáp nhập Chi bộ khu vực 2 sáp nhập vào đơn vị này" in page


def test_the_tree_is_counted_once_for_viewers_with_the_same_grants_until_a_record_changes(
    client, personas, tree, members, record, monkeypatch
):
    from tochuc.people import selectors

    counted: list[int] = []
    real = selectors._tree_counts
    monkeypatch.setattr(
        selectors, "_tree_counts", lambda *a, **kw: counted.append(1) or real(*a, **kw)
    )
    login(client, personas.city_admin)
    first = outline(client.get("/don-vi/"))
    assert outline(client.get("/don-vi/")) == first and first[0] == "Đảng bộ thành phố Cần Thơ (4)"
    assert len(counted) == 1
    login(client, personas.district_specialist)  # other grants: a tree of their own
    assert outline(client.get("/don-vi/"))[0] == "Đảng bộ quận Ninh Kiều (3)"
    assert len(counted) == 2
    record(members["Lê Văn Hùng"], "death", dt.date(2024, 3, 1), unit=tree["CT.CR.01.01"])
    login(client, personas.city_admin)
    assert outline(client.get("/don-vi/"))[0] == "Đảng bộ thành phố Cần Thơ (3)"
    assert len(counted) == 3
