"""The nine-box view of a planning list: performance from the last ratings × readiness for the post."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from tochuc.cadres import services
from tochuc.cadres.ninebox import nine_box, performance_of

ON = dt.date(2025, 12, 1)


def _confirming(fn, **kwargs):
    from tochuc.core.findings import Level, RecordRefused

    try:
        return fn(**kwargs)
    except RecordRefused as exc:
        if any(f.level == Level.ERROR for f in exc.findings):
            raise
        return fn(**kwargs, confirm={f.code for f in exc.findings})


@pytest.fixture
def listed(posts, periods, make_person, record, tree):
    from tochuc.events.services import event_record

    branch = tree["CT.NK.01.01"]

    def member(name, born, sex="male"):
        p = make_person(name, birth_date=born, sex=sex)
        record(p, "admission", dt.date(2010, 3, 1), unit=branch)
        record(p, "recognition", dt.date(2011, 3, 1), unit=branch)
        return p

    def rate(p, year, category):
        _confirming(event_record, by=None, person=p, kind="evaluation", subtype=category, year=year,
                    effective_on=dt.date(year, 12, 20), unit=branch)

    an = member("Nguyễn Văn An", dt.date(1985, 1, 1))
    binh = member("Lê Thị Bình", dt.date(1988, 1, 1), "female")
    cuong = member("Trần Văn Cường", dt.date(1967, 3, 1))
    dung = member("Phạm Thị Dung", dt.date(1987, 1, 1), "female")
    services.post_standard_set(by=None, post=posts["head"], valid_from=dt.date(2018, 1, 1), political_theory=3)
    record(an, "training", dt.date(2019, 1, 1), subtype="political_theory_advanced", end_on=dt.date(2020, 6, 1), unit=branch)
    for year, cat in ((2022, "excellent"), (2023, "excellent"), (2024, "good")):
        rate(an, year, cat)
    for year, cat in ((2021, "excellent"), (2022, "excellent"), (2023, "good"), (2024, "good")):
        rate(binh, year, cat)
    for year, cat in ((2023, "incomplete"), (2024, "complete")):
        rate(cuong, year, cat)
    period = periods["2025-2030"]
    for person, post in ((an, "head"), (binh, "head"), (cuong, "deputy"), (dung, "chair"), (binh, "outside")):
        _confirming(services.planning_add, by=None, person=person, post=posts[post], period=period, effective_on=dt.date(2025, 3, 1))
    return period


def test_the_mean_of_the_ratings_makes_the_performance_row():
    assert performance_of([(2024, "good"), (2023, "excellent"), (2022, "excellent")]) == ("high", Decimal("2.67"))
    assert performance_of([(2024, "excellent"), (2023, "complete")]) == ("medium", Decimal("2.00"))
    assert performance_of([(2024, "good"), (2023, "complete")]) == ("medium", Decimal("1.50"))
    assert performance_of([(2024, "complete"), (2023, "incomplete"), (2022, "good")]) == ("low", Decimal("1.00"))
    assert performance_of([]) == ("none", None)


def test_each_person_lands_in_the_box_of_their_ratings_and_readiness(listed, tree):
    from tochuc.accounts.scoping import Scope

    grid = nine_box(scope=Scope(None, ()), period=listed, on=ON, unit_ids=[tree["CT.NK"].pk, tree["CT.NK.01"].pk])
    placed = {
        key: [(p.row.person.full_name, p.row.post, str(p.mean), p.ratings, p.gaps) for p in people]
        for key, people in grid.cells.items()
    }
    assert placed == {
        ("high", "ready"): [("Nguyễn Văn An", "Trưởng phòng Nội vụ quận", "2.67", ((2024, "good"), (2023, "excellent"), (2022, "excellent")), ())],
        # 2021 lies outside the four years; of 2022–2024 the three newest count
        ("medium", "training"): [("Lê Thị Bình", "Trưởng phòng Nội vụ quận", "2.33", ((2024, "good"), (2023, "good"), (2022, "excellent")),
                                  ("Lý luận chính trị: Cao cấp, cử nhân",))],
        # born 03/1967: retires before a full term from 01/12/2025
        ("low", "limited"): [("Trần Văn Cường", "Phó Trưởng phòng Nội vụ quận", "0.50", ((2024, "complete"), (2023, "incomplete")), ())],
    }
    assert [(p.row.person.full_name, p.readiness) for p in grid.unrated] == [("Phạm Thị Dung", "ready")]
    assert grid.total == 4


def test_the_grid_page_explains_itself_and_shows_the_boxes(listed, client, personas):
    from tochuc.conftest import PASSWORD

    assert client.login(username=personas.district_specialist.username, password=PASSWORD)
    r = client.get("/can-bo/quy-hoach/2025-2030/ma-tran/", {"ngay": "01/12/2025"})
    html = r.content.decode()
    assert r.status_code == 200
    assert "Điểm bình quân từ 2,5 trở lên là <em>cao</em>" in html
    high_ready = html.split('id="o-high-ready"')[1].split("</td>")[0]
    assert "Nguyễn Văn An" in high_ready and "1 người" in high_ready
    assert "Phạm Thị Dung" in html.split('id="unrated"')[1]
    assert html.count("Lê Thị Bình") == 1  # her entry for the Cái Răng post is outside the scope


def test_the_outsider_sees_no_one_and_nobody_can_post_to_the_grid(listed, client, personas):
    from tochuc.conftest import PASSWORD

    assert client.login(username=personas.outsider.username, password=PASSWORD)
    html = client.get("/can-bo/quy-hoach/2025-2030/ma-tran/", {"ngay": "01/12/2025"}).content.decode()
    assert [name in html for name in ("Nguyễn Văn An", "Lê Thị Bình", "Phạm Thị Dung")] == [False, True, False]
    assert client.post("/can-bo/quy-hoach/2025-2030/ma-tran/").status_code == 405
    assert client.get("/can-bo/quy-hoach/1999-2004/ma-tran/").status_code == 404
