"""`/api/v1/units/`: the user's tree on a date and one unit; outside the scope is 404."""

from __future__ import annotations

import pytest
from django.test import Client

from tochuc.accounts import scoping

pytestmark = pytest.mark.django_db


def node(code, name, kind, kind_label, members, direct, children=()):
    return {
        "code": code, "name": name, "kind": kind, "kind_label": kind_label,
        "members": members, "direct_members": direct, "children": list(children),
    }


BRANCH = ("branch", "Chi bộ trực thuộc")


def test_the_tree_is_the_users_subtree_with_member_counts(personas, member, api):
    response = api(personas.branch_clerk).get("/api/v1/units/", {"on": "2016-06-01"})
    assert response.status_code == 200
    assert response.json() == {
        "on": "2016-06-01",
        "units": [
            node(
                "CT.NK.01", "Đảng bộ phường Tân An", "grassroots_committee", "Đảng bộ cơ sở", 1, 0,
                [
                    node("CT.NK.01.01", "Chi bộ khu vực 1", *BRANCH, 1, 1),
                    node("CT.NK.01.02", "Chi bộ khu vực 2", *BRANCH, 0, 0),
                ],
            )
        ],
    }


def test_before_the_admission_the_tree_counts_nobody(personas, member, api):
    units = api(personas.branch_clerk).get("/api/v1/units/", {"on": "2015-05-09"}).json()["units"]
    assert units[0]["members"] == 0


def test_a_unit_with_its_parent_children_members_and_history(personas, member, api):
    response = api(personas.viewer).get("/api/v1/units/CT.NK.01.01/", {"on": "2020-01-01"})
    assert response.status_code == 200
    assert response.json() == {
        "code": "CT.NK.01.01",
        "name": "Chi bộ khu vực 1",
        "kind": "branch",
        "kind_label": "Chi bộ trực thuộc",
        "on": "2020-01-01",
        "parent": {"code": "CT.NK.01", "name": "Đảng bộ phường Tân An"},
        "children": [],
        "members": [
            {"status": "full", "label": "Chính thức", "count": 1},
            {"status": "probationary", "label": "Dự bị", "count": 0},
            {"status": "exempt", "label": "Miễn sinh hoạt", "count": 0},
        ],
        "history": [
            {"name": "Chi bộ khu vực 1", "kind": "branch", "parent_name": "Đảng bộ phường Tân An", "valid_from": "1975-01-01", "valid_to": None}
        ],
    }


def test_the_top_of_the_users_scope_has_no_parent_shown(personas, api):
    body = api(personas.branch_clerk).get("/api/v1/units/CT.NK.01/").json()
    assert body["parent"] is None
    assert body["children"] == [
        {"code": "CT.NK.01.01", "name": "Chi bộ khu vực 1"},
        {"code": "CT.NK.01.02", "name": "Chi bộ khu vực 2"},
    ]


def test_a_unit_before_its_founding_is_404_naming_the_date(personas, api):
    response = api(personas.viewer).get("/api/v1/units/CT.NK.01/", {"on": "1974-12-31"})
    assert response.status_code == 404
    assert response.json() == {"error": "Đơn vị CT.NK.01 không tồn tại vào ngày 31/12/1974"}


def test_the_outsider_gets_404_for_a_sibling_unit_and_sees_only_their_tree(personas, member, api):
    client = api(personas.outsider)
    response = client.get("/api/v1/units/CT.NK.01.01/")
    assert response.status_code == 404
    assert response.json() == {"error": "Không tìm thấy đơn vị"}
    assert client.get("/api/v1/units/NO.SUCH/").json() == {"error": "Không tìm thấy đơn vị"}
    codes = [u["code"] for u in client.get("/api/v1/units/").json()["units"]]
    assert codes == ["CT.CR"]


def test_anonymous_gets_401(personas):
    assert Client().get("/api/v1/units/").status_code == 401
    assert Client().get("/api/v1/units/CT.NK/").status_code == 401


def test_a_bad_date_is_422_naming_the_field(personas, api):
    response = api(personas.viewer).get("/api/v1/units/", {"on": "31/02/2020"})
    assert response.status_code == 422
    assert response.json() == {
        "error": "Dữ liệu gửi lên không hợp lệ",
        "fields": [{"field": "on", "message": "on: phải là ngày dạng YYYY-MM-DD"}],
    }


def test_the_session_of_a_signed_in_user_works_too(client, personas):
    client.force_login(personas.viewer)
    body = client.get("/api/v1/units/").json()
    assert body["on"] == scoping.today().isoformat()
    assert [u["code"] for u in body["units"]] == ["CT.NK"]
