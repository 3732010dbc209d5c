"""Cadre-work figures of the annual report and the dashboard, with exact values.

The hand-built 2017 of conftest.py, plus (CT.NK, 2017):
- a catalogue of four posts in the scope (and one in Cái Răng), a standard on one of them;
- planning: C for the school principal, term 2015–2020; D (already planned by conftest), S
  (a Khmer woman born 1992) and A for terms 2020–2025; F added and removed again; E planned for
  the expired 2010–2015 term; O planned for the Cái Răng post;
- rotations: A's (conftest, in CT.NK.02, open), O's from Cái Răng into CT.NK.01 ending 30/11/2017,
  E's into CT.NK.02 since 2016 and running to 2019;
- one competitive selection for the principal: B and C compete, C wins and is appointed;
- staffing: CT.NK 100 (2015) -> 92 (2017), CT.NK.01 20 in 2017, NQ 39 target −10% on CT.NK; a
  Cái Răng quota that does not count.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from tochuc.reports import figures as F
from tochuc.reports.annual import all_results, build_annual, display, result_of, rows_of
from tochuc.reports.selectors import ReportError, build_frame

D = dt.date
Y2017 = F.Period.year(2017)


def _confirming(fn, **kwargs):
    """Call a service, confirming whatever warnings the rules raise (the data is deliberate)."""
    from tochuc.core.findings import Level, RecordRefused

    try:
        return fn(**kwargs)
    except RecordRefused as exc:
        if any(f.level == Level.ERROR for f in exc.findings):
            raise
        return fn(**kwargs, confirm={f.code for f in exc.findings})


def build_cadre_world():
    from tochuc.cadres import services as s
    from tochuc.people.services import person_create
    from tochuc.reports.tests.conftest import build_world

    world = build_world()
    t, p = world.tree, world.people
    s.post_create(
        by=None,
        unit=t["CT.NK.01"],
        name="Phó Bí thư Đảng ủy",
        managing_level="district",
        is_party_committee=True,
    )
    chair = s.post_create(
        by=None, unit=t["CT.NK.01"], name="Chủ tịch UBND phường", managing_level="district"
    )
    principal = s.post_create(
        by=None, unit=t["CT.NK.02"], name="Hiệu trưởng", managing_level="district"
    )
    head = s.post_create(
        by=None,
        unit=t["CT.NK"],
        name="Trưởng Ban Tổ chức Quận ủy",
        managing_level="provincial",
        is_party_committee=True,
    )
    outside = s.post_create(
        by=None, unit=t["CT.CR"], name="Trưởng Ban Tổ chức Quận ủy", managing_level="provincial"
    )
    s.post_standard_set(
        by=None, post=head, valid_from=D(2017, 1, 1), political_theory=3, source="QĐ 89-QĐ/TW"
    )
    periods = {
        code: s.planning_period_create(by=None, code=code)
        for code in ("2010-2015", "2015-2020", "2020-2025")
    }
    sa = person_create(
        by=None,
        code="R-S",
        full_name="Thạch Thị Sa",
        birth_date=D(1992, 2, 2),
        sex="female",
        ethnicity="Khmer",
    )
    p["S"] = sa

    def plan(person, post, term, on):
        return _confirming(
            s.planning_add, by=None, person=person, post=post, period=periods[term], effective_on=on
        )

    plan(p["C"], principal, "2015-2020", D(2017, 3, 1))
    plan(sa, head, "2020-2025", D(2017, 5, 2))
    plan(p["A"], head, "2020-2025", D(2017, 5, 3))
    plan(p["F"], chair, "2020-2025", D(2017, 2, 1))
    _confirming(
        s.planning_remove,
        by=None,
        person=p["F"],
        post=chair,
        period=periods["2020-2025"],
        effective_on=D(2017, 6, 1),
        reason="Chuyển công tác",
    )
    plan(p["E"], principal, "2010-2015", D(2012, 1, 1))
    plan(p["O"], outside, "2020-2025", D(2017, 5, 4))
    _confirming(
        s.cadre_decide,
        by=None,
        person=p["O"],
        subtype="rotation",
        post=chair,
        effective_on=D(2017, 3, 1),
        end_on=D(2017, 11, 30),
        from_unit=t["CT.CR.01"],
        decision_no="12-QĐ/QU",
    )
    _confirming(
        s.cadre_decide,
        by=None,
        person=p["E"],
        subtype="rotation",
        post=principal,
        effective_on=D(2016, 6, 1),
        end_on=D(2019, 6, 1),
        decision_no="7-QĐ/QU",
    )
    sel = s.selection_create(
        by=None,
        post=principal,
        title="Thi tuyển Hiệu trưởng 2017",
        opened_on=D(2017, 3, 1),
        rounds=[("Đề án", Decimal("1")), ("Phỏng vấn", Decimal("1"))],
    )
    rounds = list(sel.rounds.all())
    for person, scores in ((p["B"], (60, 70)), (p["C"], (80, 90))):
        cand = s.selection_candidate_add(by=None, selection=sel, person=person)
        for rnd, score in zip(rounds, scores, strict=True):
            s.selection_score_set(by=None, candidate=cand, round=rnd, score=Decimal(score))
    s.selection_decide(by=None, selection=sel, decided_on=D(2017, 6, 15), decision_no="20-QĐ/QU")
    _confirming(
        s.selection_appoint,
        by=None,
        selection=sel,
        effective_on=D(2017, 7, 1),
        decision_no="21-QĐ/QU",
    )
    s.staffing_quota_set(by=None, unit=t["CT.NK"], year=2015, quota=100, actual=98)
    s.staffing_quota_set(by=None, unit=t["CT.NK"], year=2017, quota=92, actual=90)
    s.staffing_quota_set(by=None, unit=t["CT.NK.01"], year=2017, quota=20, actual=18)
    s.staffing_quota_set(by=None, unit=t["CT.CR"], year=2017, quota=50, actual=50)
    s.streamlining_target_set(
        by=None,
        unit=t["CT.NK"],
        base_year=2015,
        target_year=2021,
        reduction_pct=Decimal("10"),
        source="Nghị quyết 39-NQ/TW",
    )
    return world


@pytest.fixture(scope="module")
def _cadre_world_once(django_db_setup, django_db_blocker):
    from django.db import transaction

    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            yield build_cadre_world()
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


@pytest.fixture
def cworld(_cadre_world_once, db):
    return _cadre_world_once


@pytest.fixture
def as_user(client):
    from tochuc.conftest import PASSWORD

    def login(user):
        assert client.login(username=user.username, password=PASSWORD)
        return client

    return login


EXPECTED = {
    "cadres.planning.people": 4,  # C (2015–2020); D, S, A (2020–2025)
    "cadres.planning.posts": 4,
    "cadres.planning.posts_covered": 3,  # all but the chair (F was removed)
    "cadres.planning.coverage": Decimal("75.00"),
    "cadres.planning.women": 2,  # D, S
    "cadres.planning.women_pct": Decimal("66.67"),
    "cadres.planning.young": 2,  # D (29) and S (27) on 01/01/2020; A is 44
    "cadres.planning.young_pct": Decimal("66.67"),
    "cadres.planning.minority": 1,  # S
    "cadres.planning.minority_pct": Decimal("33.33"),
    "cadres.rotated": 2,  # A, O (E's rotation began in 2016)
    "cadres.rotation.ongoing": 2,  # A, E (O's ended on 30/11/2017)
    "cadres.selections.decided": 1,
    "cadres.selections.candidates": 2,
    "cadres.selections.appointed": 1,
    "cadres.staffing.quota": 112,
    "cadres.staffing.actual": 108,
    "cadres.staffing.reduction": Decimal("8.00"),
    "cadres.staffing.reduction_required": Decimal("10.00"),
    "cadres.training.gaps": 2,  # A (intermediate only) and S, planned for a post asking for advanced theory
}
# (CT.NK.01, CT.NK.02, CT.NK itself)
EXPECTED_BREAKDOWN = {
    "cadres.planning.people": (1, 1, 2),
    "cadres.planning.posts": (2, 1, 1),
    "cadres.planning.coverage": (Decimal("50.00"), Decimal("100.00"), Decimal("100.00")),
    "cadres.planning.women_pct": (Decimal("100.00"), None, Decimal("50.00")),
    "cadres.rotated": (1, 1, 0),
    "cadres.rotation.ongoing": (0, 2, 0),
    "cadres.selections.candidates": (0, 2, 0),
    "cadres.staffing.quota": (20, 0, 92),
    "cadres.staffing.reduction": (None, None, Decimal("8.00")),
}


def _frame():
    return build_frame(scope=None, code="CT.NK", period=Y2017)


def test_every_cadre_figure_of_the_district_in_2017(cworld):
    from tochuc.cadres.report import cadre_results

    results = cadre_results(_frame())
    assert list(results) == list(F.CADRE_KEYS)
    assert {k: r.value for k, r in results.items()} == EXPECTED
    assert results["cadres.planning.people"].extra["terms"] == {"2015-2020": 1, "2020-2025": 3}


def test_the_cadre_figures_break_down_by_the_units_below_the_root(cworld):
    frame = _frame()
    results = all_results(frame)
    ids = [frame.bucket_by_code(c).unit_id for c in ("CT.NK.01", "CT.NK.02", "CT.NK")]  # type: ignore[union-attr]
    assert {
        k: tuple(results[k].by_bucket[i] for i in ids) for k in EXPECTED_BREAKDOWN
    } == EXPECTED_BREAKDOWN


def test_the_report_places_the_cadre_figures_after_the_other_cadre_figures(cworld):
    keys = list(all_results(_frame()))
    first = keys.index("cadres.planning.people")
    assert keys[first - 1] == "training.party_awareness" or keys[first - 1].startswith("training.")
    assert keys[first : first + len(F.CADRE_KEYS)] == list(F.CADRE_KEYS)
    assert keys[first + len(F.CADRE_KEYS)] == "members.total"


def test_a_figure_and_its_rows_agree_in_the_whole_scope_and_in_each_unit(cworld):
    frame = _frame()
    results = all_results(frame)
    for key in F.CADRE_KEYS:
        if key in F.SHARE_KEYS or key.startswith("cadres.staffing."):
            continue
        assert len(list(rows_of(frame, key))) == results[key].value, key
        for b in frame.buckets:
            assert (
                len(list(rows_of(frame, key, bucket=b.unit_id)))
                == results[key].by_bucket[b.unit_id]
            ), (key, b.code)


def test_the_planning_rows_name_each_person_once_with_their_posts_and_terms(cworld):
    rows = list(rows_of(_frame(), "cadres.planning.people"))
    assert [(r["name"], r["unit"], r["date"], r["what"]) for r in rows] == [
        (
            "Nguyễn Văn An",
            "Đảng bộ quận Ninh Kiều",
            "03/05/2017",
            "Trưởng Ban Tổ chức Quận ủy (quy hoạch nhiệm kỳ 2020–2025)",
        ),
        (
            "Phạm Văn Cường",
            "Chi bộ Trường THPT Châu Văn Liêm",
            "01/03/2017",
            "Hiệu trưởng (quy hoạch nhiệm kỳ 2015–2020)",
        ),
        (
            "Thạch Thị Sa",
            "Đảng bộ quận Ninh Kiều",
            "02/05/2017",
            "Trưởng Ban Tổ chức Quận ủy (quy hoạch nhiệm kỳ 2020–2025)",
        ),
        (
            "Trần Thị Dung",
            "Đảng bộ phường Tân An",
            "01/05/2017",
            "Phó Bí thư Đảng ủy (quy hoạch nhiệm kỳ 2020–2025)",
        ),
    ]
    by_date = [r["name"] for r in rows_of(_frame(), "cadres.planning.people", order="-date")]
    assert by_date == ["Nguyễn Văn An", "Thạch Thị Sa", "Trần Thị Dung", "Phạm Văn Cường"]


def test_the_rotation_selection_staffing_and_gap_rows(cworld):
    frame = _frame()
    assert [
        (r["name"], r["unit"], r["date"], r["what"], r["decision"])
        for r in rows_of(frame, "cadres.rotated")
    ] == [
        (
            "Nguyễn Văn An",
            "Chi bộ Trường THPT Châu Văn Liêm",
            "01/09/2017",
            "Luân chuyển – Bí thư Chi bộ",
            "",
        ),
        (
            "Ông Văn Ngoài",
            "Đảng bộ phường Tân An",
            "01/03/2017",
            "Luân chuyển – Chủ tịch UBND phường, đến ngày 30/11/2017",
            "12-QĐ/QU",
        ),
    ]
    assert [r["what"] for r in rows_of(frame, "cadres.selections.decided")] == [
        "Thi tuyển Hiệu trưởng 2017: trúng tuyển Phạm Văn Cường"
    ]
    assert [(r["name"], r["decision"]) for r in rows_of(frame, "cadres.selections.appointed")] == [
        ("Phạm Văn Cường", "21-QĐ/QU")
    ]
    assert [
        (r["code"], r["quota"], r["actual"], r["base"], r["reduced"], r["target"])
        for r in rows_of(frame, "cadres.staffing.quota")
    ] == [
        ("CT.NK", "92", "90", "100 (năm 2015)", "8,00%", "10,00%"),
        ("CT.NK.01", "20", "18", "", "", ""),
    ]
    assert [(r["name"], r["what"]) for r in rows_of(frame, "cadres.training.gaps")] == [
        (
            "Nguyễn Văn An",
            "Trưởng Ban Tổ chức Quận ủy (quy hoạch 2020-2025): cần Lý luận chính trị: Cao cấp, cử nhân",
        ),
        (
            "Thạch Thị Sa",
            "Trưởng Ban Tổ chức Quận ủy (quy hoạch 2020-2025): cần Lý luận chính trị: Cao cấp, cử nhân",
        ),
    ]
    assert [
        (r["code"], r["post"], r["planned"])
        for r in rows_of(frame, "cadres.planning.posts", order="post")
    ] == [
        ("CT.NK.01", "Chủ tịch UBND phường", "0"),
        ("CT.NK.02", "Hiệu trưởng", "1"),
        ("CT.NK.01", "Phó Bí thư Đảng ủy", "1"),
        ("CT.NK", "Trưởng Ban Tổ chức Quận ủy", "2"),
    ]


def test_a_share_has_no_rows_and_shows_without_a_sign(cworld):
    frame = _frame()
    assert not F.figure_def("cadres.planning.coverage").has_rows  # type: ignore[union-attr]
    with pytest.raises(ReportError) as exc:
        rows_of(frame, "cadres.planning.coverage")
    assert (
        exc.value.message
        == "Chỉ số “cadres.planning.coverage” được tính từ các chỉ số khác, không có danh sách chi tiết."
    )
    assert (
        display(result_of(frame, "cadres.planning.coverage").value, "cadres.planning.coverage")
        == "75,00%"
    )
    assert display(Decimal("8.25")) == "+8,25%"  # against a target, as before


CADRE_PARAGRAPHS = [
    "Ban hành 4 quyết định về công tác cán bộ đối với 3 đồng chí, gồm: phân công 1, bổ nhiệm 2 và luân chuyển 1.",
    "Về công tác quy hoạch cán bộ: trong kỳ đã bổ sung 5 đồng chí vào quy hoạch và đưa 1 đồng chí ra khỏi quy hoạch."
    " Tính đến ngày 31/12/2017, danh sách quy hoạch nhiệm kỳ 2015–2020 có 1 đồng chí và nhiệm kỳ 2020–2025 có 3 đồng chí;"
    " 3/4 chức danh trong danh mục đã có người quy hoạch (đạt 75,00%).",
    "Trong danh sách quy hoạch nhiệm kỳ 2020–2025, cán bộ nữ chiếm 66,67% (đạt tỷ lệ tối thiểu 25,00%),"
    " cán bộ trẻ chiếm 66,67% (đạt tỷ lệ tối thiểu 15,00%) và cán bộ người dân tộc thiểu số chiếm 33,33%.",
    "Công tác đào tạo, bồi dưỡng: cử cán bộ, đảng viên tham gia các lớp chuyên môn, nghiệp vụ 1 đồng chí và"
    " trung cấp lý luận chính trị – hành chính 1 đồng chí. Đến ngày 31/12/2017 còn 2 đồng chí đang giữ hoặc trong quy hoạch"
    " chức danh chưa đạt chuẩn về đào tạo, cần đưa vào kế hoạch đào tạo, bồi dưỡng năm tới.",
    "Thực hiện luân chuyển 2 đồng chí; đến ngày 31/12/2017 có 2 đồng chí đang luân chuyển.",
    "Tổ chức thi tuyển 1 chức danh lãnh đạo, quản lý với 2 người dự thi; đã bổ nhiệm 1 đồng chí trúng tuyển.",
    "Biên chế được giao năm 2017 là 112, có mặt 108. So với năm 2015, biên chế được giao đã giảm 8,00%,"
    " chưa đạt chỉ tiêu tinh giản 10,00% theo Nghị quyết 39-NQ/TW.",
]


def test_the_narrative_has_the_cadre_work_paragraph_in_the_order_of_a_summary(cworld):
    report = build_annual(scope=None, code="CT.NK", year=2017)
    section = report.sections[1]
    assert section.heading == "II. CÔNG TÁC CÁN BỘ"
    assert section.paragraphs == CADRE_PARAGRAPHS


def test_the_cadre_paragraph_adapts_to_a_year_without_cadre_work(cworld):
    # 2016 in the same world: E's rotation began (outside: E came from no unit), nothing else
    report = build_annual(scope=None, code="CT.NK.01", year=2016, allow_empty=True)
    assert report.sections[1].paragraphs == [
        "Trong năm 2016, không có quyết định nào về công tác cán bộ được ghi nhận.",
        "Chưa có danh sách quy hoạch cán bộ nào được ghi nhận cho các nhiệm kỳ hiện tại và kế tiếp.",
        "Không có cán bộ, đảng viên bắt đầu khóa đào tạo, bồi dưỡng nào trong kỳ.",
        "Trong kỳ không có cán bộ được luân chuyển.",
    ]


def test_the_json_carries_the_cadre_figures_with_their_definitions(cworld):
    data = build_annual(scope=None, code="CT.NK", year=2017).to_json()
    cadre = {k: v["value"] for k, v in data["figures"].items() if k in F.CADRE_KEYS}
    assert cadre == {k: (float(v) if isinstance(v, Decimal) else v) for k, v in EXPECTED.items()}
    assert data["figures"]["cadres.planning.people"]["terms"] == {"2015-2020": 1, "2020-2025": 3}
    assert data["figures"]["cadres.staffing.quota"]["by_unit"] == {
        "CT.NK.01": 20,
        "CT.NK.02": 0,
        "CT.NK": 92,
    }
    assert data["figures"]["cadres.rotation.ongoing"]["definition"].startswith(
        "Số người (không trùng lặp) đang luân chuyển đến"
    )


def test_the_exports_carry_the_cadre_figures(cworld):
    import io

    from docx import Document
    from openpyxl import load_workbook

    from tochuc.reports.exporters import summary, to_docx, to_xlsx

    report = build_annual(scope=None, code="CT.NK", year=2017)
    cadres = dict(summary(report))["Công tác cán bộ"]
    assert [(r.label, r.text) for r in cadres if r.key in F.CADRE_KEYS][:4] == [
        ("Cán bộ trong quy hoạch", "4"),
        ("Chức danh trong danh mục", "4"),
        ("Chức danh đã có người quy hoạch", "3"),
        ("Tỷ lệ chức danh có người quy hoạch (%)", "75,00%"),
    ]
    ws = load_workbook(io.BytesIO(to_xlsx(report)))["Chỉ số"]
    values = {row[0]: row[2] for row in ws.iter_rows(min_row=5, values_only=True)}
    assert values["cadres.staffing.reduction"] == 8.0
    assert values["cadres.selections.appointed"] == 1
    doc = Document(io.BytesIO(to_docx(report)))
    texts = [p.text for p in doc.paragraphs]
    assert CADRE_PARAGRAPHS[-1] in texts


def test_the_dashboard_shows_the_cadre_figures_and_drills_down_to_the_people(cworld, as_user):
    c = as_user(cworld.personas.district_specialist)
    html = c.get("/bao-cao/", {"nam": 2017}).content.decode()
    assert (
        'data-key="cadres.rotation.ongoing" href="/bao-cao/chi-so/cadres.rotation.ongoing/?don_vi=CT.NK&amp;nam=2017">2</a>'
        in html
    )
    assert (
        'data-key="cadres.planning.coverage" href="/bao-cao/chi-so/cadres.planning.coverage/?don_vi=CT.NK&amp;nam=2017">75,00%</a>'
        in html
    )
    r = c.get(
        "/bao-cao/chi-so/cadres.rotation.ongoing/",
        {"don_vi": "CT.NK", "nam": 2017, "nhanh": "CT.NK.02"},
    )
    page = r.content.decode()
    assert r.status_code == 200
    assert [name in page for name in ("Nguyễn Văn An", "Võ Văn Em", "Ông Văn Ngoài")] == [
        True,
        True,
        False,
    ]
    r = c.get(
        "/bao-cao/chi-so/cadres.training.gaps/", {"don_vi": "CT.NK", "nam": 2017, "xuat": "xlsx"}
    )
    assert r.status_code == 200
    assert r["Content-Disposition"] == 'attachment; filename="chi-so-cadres.training.gaps.xlsx"'


def test_the_outsider_gets_404_on_a_cadre_figure(cworld, as_user):
    c = as_user(cworld.personas.outsider)
    assert (
        c.get(
            "/bao-cao/chi-so/cadres.planning.people/", {"don_vi": "CT.NK", "nam": 2017}
        ).status_code
        == 404
    )


def test_the_viewer_sees_a_cadre_list_and_its_export_is_logged(cworld, as_user):
    from tochuc.accounts.models import AccessLog

    c = as_user(cworld.personas.viewer)
    assert (
        c.get(
            "/bao-cao/chi-so/cadres.planning.people/", {"don_vi": "CT.NK", "nam": 2017}
        ).status_code
        == 200
    )
    assert (
        c.get(
            "/bao-cao/chi-so/cadres.planning.people/",
            {"don_vi": "CT.NK", "nam": 2017, "xuat": "xlsx"},
        ).status_code
        == 200
    )
    log = AccessLog.objects.get(action="export", object_id="cadres.planning.people")
    assert (log.user_id, log.detail["rows"]) == (cworld.personas.viewer.pk, 4)


def test_the_command_line_gives_a_cadre_figure_with_its_rows(cworld, capsys):
    import json

    from django.core.management import call_command

    # call_command, not tochuc.cli.main: run_from_argv would close the test's connection
    call_command(
        "report",
        "figure",
        "cadres.rotated",
        "--unit",
        "CT.NK",
        "--from",
        "01/01/2017",
        "--to",
        "31/12/2017",
        "--rows",
        "--json",
    )
    data = json.loads(capsys.readouterr().out)
    assert (data["value"], data["by_unit"]) == (2, {"CT.NK.01": 1, "CT.NK.02": 1, "CT.NK": 0})
    assert [(r["code"], r["name"], r["decision"]) for r in data["rows"]] == [
        ("R-A", "Nguyễn Văn An", ""),
        ("R-O", "Ông Văn Ngoài", "12-QĐ/QU"),
    ]
    call_command(
        "report",
        "figure",
        "cadres.planning.coverage",
        "--unit",
        "CT.NK",
        "--from",
        "01/01/2017",
        "--to",
        "31/12/2017",
    )
    assert (
        capsys.readouterr().out.splitlines()[0]
        == "Tỷ lệ chức danh có người quy hoạch (%) (cadres.planning.coverage): 75,00%"
    )


def test_a_year_without_members_or_events_is_refused_though_the_catalogue_has_posts(cworld):
    frame = build_frame(scope=None, code="CT.NK", period=F.Period.year(1976))
    assert all_results(frame)["cadres.planning.posts"].value == 4  # the catalogue is today's
    with pytest.raises(ReportError) as exc:
        build_annual(scope=None, code="CT.NK", year=1976)
    assert exc.value.message == (
        "Không có dữ liệu của Đảng bộ quận Ninh Kiều cho năm 1976: không có đảng viên vào ngày 31/12/1976"
        " và không có sự kiện nào trong kỳ."
    )


def test_the_annual_page_links_each_cadre_figure_to_its_rows(cworld, as_user):
    c = as_user(cworld.personas.district_specialist)
    html = c.get("/bao-cao/nam/", {"don_vi": "CT.NK", "nam": 2017}).content.decode()
    assert (
        '<td title="cadres.selections.candidates">Thí sinh dự thi tuyển</td><td class="num">'
        '<a href="/bao-cao/chi-so/cadres.selections.candidates/?don_vi=CT.NK&amp;nam=2017">2</a></td>'
    ) in html
    assert (
        "Thực hiện luân chuyển 2 đồng chí; đến ngày 31/12/2017 có 2 đồng chí đang luân chuyển."
        in html
    )


def test_the_api_gives_a_cadre_figure_and_its_rows_as_the_command_line_does(cworld):
    from django.test import Client

    from tochuc.api.services import api_token_create

    secret = api_token_create(by=None, user=cworld.personas.viewer, name="thử", days=1).secret
    api = Client(HTTP_AUTHORIZATION=f"Bearer {secret}")
    period = {"unit": "CT.NK", "from": "2017-01-01", "to": "2017-12-31"}
    body = api.get("/api/v1/figures/cadres.rotated", period).json()
    assert (body["value"], body["by_unit"]) == (2, {"CT.NK.01": 1, "CT.NK.02": 1, "CT.NK": 0})
    assert api.get("/api/v1/figures/cadres.planning.coverage", period).json()["value"] == 75.0
    rows = api.get("/api/v1/figures/cadres.rotated/rows", period).json()
    assert (rows["count"], rows["pages"]) == (2, 1)
    assert [(i["values"]["code"], i["values"]["decision"]) for i in rows["items"]] == [("R-A", ""), ("R-O", "12-QĐ/QU")]
