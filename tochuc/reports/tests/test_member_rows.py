"""The members behind `members.*` figures, in name order, led either by the intervals or by the
people's name index (SQLite, large scopes): the same rows, the same order, the known count."""

from __future__ import annotations

import datetime as dt

from tochuc.reports import selectors
from tochuc.reports.figures import Period
from tochuc.reports.selectors import _base, _members_by_name, build_frame, figure_rows, get_def


def test_both_plans_give_the_same_members_in_name_order(tree, make_person, record, member):
    for name, unit in (
        ("Lê Thị Hoa", "CT.NK.01.02"),
        ("An Văn Bình", "CT.CR.01.01"),
        ("Zô Minh", "CT.NK.02"),
    ):
        person = make_person(name)
        record(person, "admission", dt.date(2016, 4, 1), unit=tree[unit])
    left = make_person("Đỗ Văn Rời")
    record(left, "admission", dt.date(2016, 4, 1), unit=tree["CT.NK.02"])
    record(left, "death", dt.date(2016, 9, 1), unit=tree["CT.NK.02"])
    frame = build_frame(scope=None, code="CT", period=Period.year(2016))
    d = get_def(frame, "members.total")
    by_intervals = list(figure_rows(frame, "members.total", order="name"))
    by_people = [
        figure_rows(frame, "members.total").render(r)
        for r in _members_by_name(_base(frame, d), desc=False)
    ]
    assert [r["name"] for r in by_intervals] == [
        "An Văn Bình",
        "Lê Thị Hoa",
        "Trần Quốc Trung",
        "Zô Minh",
    ]
    assert by_people == [{k: r[k] for k in by_people[0]} for r in by_intervals]
    descending = [r["person__full_name"] for r in _members_by_name(_base(frame, d), desc=True)]
    assert descending == ["Zô Minh", "Trần Quốc Trung", "Lê Thị Hoa", "An Văn Bình"]
    assert figure_rows(frame, "members.total").count == 4
    nk = frame.bucket_by_code("CT.NK").unit_id
    assert figure_rows(frame, "members.total", bucket=nk).count == 3


def test_the_people_led_plan_is_used_for_large_scopes_on_sqlite(tree, member, monkeypatch):
    from django.db import connection

    monkeypatch.setattr(selectors, "SMALL_SET", 0)
    frame = build_frame(scope=None, code="CT", period=Period.year(2016))
    rows = figure_rows(frame, "members.total", order="name")
    led_by_people = rows.queryset.model.__name__ == "Person"
    assert led_by_people == (connection.vendor == "sqlite")
    page = rows.paginator(50).get_page(1)
    assert page.paginator.count == 1
    assert [rows.render(r)["name"] for r in page.object_list] == ["Trần Quốc Trung"]
