"""Figures on the hand-built 2017 of conftest.py: exact values, breakdowns, rows, contracts."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from tochuc.reports import figures as F
from tochuc.reports.annual import build_annual
from tochuc.reports.selectors import (
    ReportError,
    build_frame,
    compute_all,
    figure_result,
    figure_rows,
    vs_target,
)

Y2017 = F.Period.year(2017)

# Every non-zero figure of CT.NK in 2017; every other report key is 0 (or absent: targets).
EXPECTED_CT_NK_2017 = {
    "units.congresses": 2,
    "units.evaluated.excellent": 1,
    "units.evaluated.good": 1,
    "cadres.decided": 2,
    "cadres.decisions.assignment": 1,
    "cadres.decisions.appointment": 1,
    "cadres.decisions.rotation": 1,
    "cadres.planning.add": 1,
    "training.professional": 1,
    "training.political_theory_intermediate": 1,
    "members.total": 9,
    "members.full": 5,
    "members.probationary": 3,
    "members.exempt": 1,
    "members.female": 2,
    "members.admitted": 3,
    "members.admitted.new": 2,
    "members.readmitted": 1,
    "members.admitted.target": 4,
    "members.admitted.vs_target": Decimal("-25.00"),
    "members.recognized": 1,
    "members.transferred_in": 1,
    "members.transferred_out": 1,
    "members.removed": 1,
    "members.expelled": 1,
    "members.withdrawn": 1,
    "members.deceased": 1,
    "members.disciplined": 2,
    "members.disciplined.reprimand": 1,
    "members.disciplined.warning": 1,
    "members.disciplined.expulsion": 1,
    "members.badges.40": 1,
    "members.evaluated.excellent": 1,
    "members.evaluated.good": 2,
    "awards.badge_40": 1,
    "awards.medal_org_building": 1,
}
# (CT.NK.01, CT.NK.02, CT.NK itself)
EXPECTED_BREAKDOWN = {
    "members.total": (6, 3, 0),
    "members.probationary": (2, 1, 0),
    "members.exempt": (1, 0, 0),
    "members.admitted": (2, 1, 0),
    "members.readmitted": (1, 0, 0),
    "members.transferred_in": (1, 0, 0),
    "members.transferred_out": (0, 1, 0),
    "members.disciplined": (1, 1, 0),
    "cadres.decided": (2, 1, 0),
    "members.evaluated.good": (1, 1, 0),
    "units.congresses": (2, 0, 0),
}


def _values(code: str = "CT.NK", period: F.Period = Y2017) -> dict:
    frame = build_frame(scope=None, code=code, period=period)
    return {k: r.value for k, r in compute_all(frame).items()}


def _expected(**overrides) -> dict:
    keys = F.report_keys(frozenset({"medal_org_building"}))
    out = {k: 0 for k in keys}
    out.update(EXPECTED_CT_NK_2017)
    out.update(overrides)
    return out


def test_every_figure_of_the_annual_report_has_its_exact_value(world):
    assert _values() == _expected()


def test_the_breakdown_is_by_the_units_directly_below_the_root_as_on_the_last_day(world):
    frame = build_frame(scope=None, code="CT.NK", period=Y2017)
    assert [(b.code, b.is_root) for b in frame.buckets] == [
        ("CT.NK.02", False),
        ("CT.NK.01", False),
        ("CT.NK", True),
    ]
    results = compute_all(frame)
    ids = [world.tree[c].pk for c in ("CT.NK.01", "CT.NK.02", "CT.NK")]
    for key, expected in EXPECTED_BREAKDOWN.items():
        assert tuple(results[key].by_bucket[i] for i in ids) == expected, key


def test_one_figure_alone_equals_the_same_figure_in_the_report_and_its_rows_count_it(world):
    frame = build_frame(scope=None, code="CT.NK", period=Y2017)
    bulk = compute_all(frame)
    for key, r in bulk.items():
        single = figure_result(frame, key)
        assert (single.value, single.by_bucket) == (r.value, r.by_bucket), key
        d = F.figure_def(key, frame.award_codes)
        if d.has_rows and d.source != F.Source.TARGET and r.value:
            assert len(list(figure_rows(frame, key))) == r.value, key
            for b in frame.buckets:
                assert (
                    len(list(figure_rows(frame, key, bucket=b.unit_id))) == r.by_bucket[b.unit_id]
                ), (key, b.code)


def test_the_rows_behind_admissions_name_the_people_and_their_branch(world):
    frame = build_frame(scope=None, code="CT.NK", period=Y2017)
    rows = list(figure_rows(frame, "members.admitted"))
    assert [(r["code"], r["name"], r["unit"], r["date"]) for r in rows] == [
        ("R-B", "Lê Thị Bình", "Chi bộ khu vực 1", "01/03/2017"),
        ("R-C", "Phạm Văn Cường", "Chi bộ Trường THPT Châu Văn Liêm", "01/06/2017"),
        ("R-R", "Quách Văn Rạng", "Chi bộ khu vực 2", "01/07/2017"),
    ]


def test_distinct_people_figures_count_a_person_once_and_list_one_row_per_person(world):
    frame = build_frame(scope=None, code="CT.NK", period=Y2017)
    assert figure_result(frame, "cadres.decided").value == 2  # A has two decisions
    assert (
        sum(
            figure_result(frame, f"cadres.decisions.{s}").value
            for s in ("appointment", "rotation", "assignment")
        )
        == 3
    )
    rows = list(figure_rows(frame, "training.political_theory_intermediate"))
    assert [(r["code"], r["what"]) for r in rows] == [
        ("R-A", "Đào tạo: trung cấp lý luận chính trị – hành chính (2 lần)")
    ]


def test_only_transfers_crossing_the_scope_boundary_count(world):
    # F moved between two branches of CT.NK: neither in nor out for CT.NK ...
    frame = build_frame(scope=None, code="CT.NK", period=Y2017)
    assert [r["code"] for r in figure_rows(frame, "members.transferred_in")] == ["R-E"]
    assert [r["code"] for r in figure_rows(frame, "members.transferred_out")] == ["R-G"]
    # ... but a move out of CT.NK.01 for the grassroots committee's own report
    assert _values("CT.NK.01")["members.transferred_out"] == 1
    # for the city both E and G moved inside the scope, and the temporary transfer counts nowhere
    city = _values("CT")
    assert (city["members.transferred_in"], city["members.transferred_out"]) == (0, 0)


def test_a_voided_event_counts_nowhere(world, rec):
    from tochuc.events.services import event_void

    frame = build_frame(scope=None, code="CT.NK", period=Y2017)
    assert "R-V" not in [r["code"] for r in figure_rows(frame, "members.admitted")]
    assert "R-V" not in [r["code"] for r in figure_rows(frame, "members.total")]
    event = rec(
        world.people["C"],
        "training",
        dt.date(2017, 9, 2),
        subtype="party_awareness",
        unit=world.tree["CT.NK.02"],
    )
    assert _values()["training.party_awareness"] == 1
    event_void(event=event, reason="Nhầm người", by=None)
    assert _values() == _expected()


def test_vs_target_is_rounded_half_up_to_two_decimals():
    assert vs_target(3105, 2869) == Decimal("8.23")
    assert vs_target(865, 800) == Decimal("8.13")  # 8.125: half-up, not half-even (8.12)
    assert vs_target(795, 800) == Decimal("-0.63")  # -0.625 rounds away from zero
    assert vs_target(476, 500) == Decimal("-4.80")
    assert vs_target(5, 5) == Decimal("0.00")
    assert vs_target(5, 0) is None
    assert vs_target(5, None) is None


def test_the_target_is_the_roots_own_else_the_sum_of_the_top_most_below(world):
    from tochuc.reports.models import Target

    # CT has no target: CT.NK (4) and CT.CR.01 (2) are top-most; CT.NK.01's 3 lies below CT.NK
    city = _values("CT")
    assert (city["members.admitted"], city["members.admitted.target"]) == (4, 6)
    assert city["members.admitted.vs_target"] == Decimal("-33.33")
    Target.objects.create(unit=world.tree["CT"], year=2017, metric="members.admitted", value=3)
    city = _values("CT")
    assert (city["members.admitted.target"], city["members.admitted.vs_target"]) == (
        3,
        Decimal("33.33"),
    )


def test_without_a_target_the_target_figures_are_absent(world):
    values = _values("CT.NK.02")
    assert (
        values["members.admitted.target"] is None and values["members.admitted.vs_target"] is None
    )
    report = build_annual(scope=None, code="CT.NK.02", year=2017)
    assert "members.admitted.target" not in report.to_json()["figures"]
    assert "members.admitted.vs_target" not in report.to_json()["figures"]
    # a period that is not a calendar year has no yearly target either
    assert (
        _values("CT.NK", F.Period(dt.date(2017, 1, 1), dt.date(2017, 6, 30)))[
            "members.admitted.target"
        ]
        is None
    )


def test_members_are_counted_on_the_last_day_of_the_period(world):
    mid = _values("CT.NK", F.Period(dt.date(2017, 1, 1), dt.date(2017, 6, 30)))
    # on 30/06/2017: A B C D E F G H J K M (L left on 06/06, R came back in July); B C D on probation
    assert (mid["members.total"], mid["members.probationary"], mid["members.exempt"]) == (11, 3, 1)


def test_a_2017_report_is_the_same_after_the_2025_reorganisation(world):
    before = _values()
    before_city = _values("CT")
    frame_before = build_frame(scope=None, code="CT.NK", period=Y2017)
    rows_before = {
        k: list(figure_rows(frame_before, k))
        for k in ("members.total", "members.admitted", "members.transferred_in")
    }
    from tochuc.units import services as us

    t, on = world.tree, dt.date(2025, 7, 1)
    us.unit_reparent(by=None, unit=t["CT.NK.02"], parent=t["CT.CR"], on=on)
    us.unit_merge(by=None, unit=t["CT.NK.01.02"], into=t["CT.NK.01.01"], on=on)
    us.unit_reparent(by=None, unit=t["CT.NK.01"], parent=t["CT"], on=on)
    us.unit_dissolve(by=None, unit=t["CT.NK"], on=on)
    assert _values() == before
    assert _values("CT") == before_city
    frame_after = build_frame(scope=None, code="CT.NK", period=Y2017)
    assert {k: list(figure_rows(frame_after, k)) for k in rows_before} == rows_before
    # and the 2025 tree gives the new shape: CT.NK no longer exists on 31/12/2025
    with pytest.raises(ReportError) as exc:
        build_frame(scope=None, code="CT.NK", period=F.Period.year(2025))
    assert (
        exc.value.message
        == "Đơn vị CT.NK không tồn tại vào ngày 31/12/2025 (chưa thành lập hoặc đã giải thể, sáp nhập)."
    )
    after_2025 = _values("CT", F.Period.year(2025))
    # the nine of 2017, Y (admitted 2018) and, in Cái Răng, G and O
    assert (
        after_2025["members.total"],
        after_2025["units.merged"],
        after_2025["units.dissolved"],
    ) == (12, 1, 1)


def test_a_unit_merged_away_during_the_period_counts_in_the_unit_it_joined(world, rec):
    from tochuc.units import services as us

    t = world.tree
    p = world.people
    rec(p["D"], "award", dt.date(2025, 2, 3), subtype="medal_org_building", unit=t["CT.NK.01.02"])
    us.unit_merge(by=None, unit=t["CT.NK.01.02"], into=t["CT.NK.02"], on=dt.date(2025, 3, 1))
    frame = build_frame(scope=None, code="CT.NK", period=F.Period.year(2025))
    results = compute_all(frame)
    nk01, nk02 = t["CT.NK.01"].pk, t["CT.NK.02"].pk
    # the award was given in 01.02 before it merged: it counts where 01.02's members went
    assert (
        results["awards.medal_org_building"].value,
        results["awards.medal_org_building"].by_bucket[nk02],
    ) == (1, 1)
    assert results["units.merged"].by_bucket == {nk02: 1, nk01: 0, t["CT.NK"].pk: 0}
    # D, E, R were in 01.02: on 31/12/2025 they are members of CT.NK.02 with C, F, J, Y
    assert [r["code"] for r in figure_rows(frame, "members.total", bucket=nk02, order="code")] == [
        "R-C",
        "R-D",
        "R-E",
        "R-F",
        "R-J",
        "R-R",
        "R-Y",
    ]


def test_the_report_json_has_the_contract_shape(world):
    data = build_annual(scope=None, code="CT.NK", year=2017).to_json()
    assert list(data)[:5] == ["report", "unit", "period", "figures", "text"]
    assert data["report"] == "annual"
    assert data["unit"] == {"code": "CT.NK", "name": "Đảng bộ quận Ninh Kiều"}
    assert data["period"] == {"from": "2017-01-01", "to": "2017-12-31"}
    assert data["figures"]["members.admitted"]["label"] == "Kết nạp đảng viên"
    assert data["figures"]["members.admitted"]["value"] == 3
    assert data["figures"]["members.admitted"]["by_unit"] == {
        "CT.NK.02": 1,
        "CT.NK.01": 2,
        "CT.NK": 0,
    }
    assert data["figures"]["members.admitted.vs_target"]["value"] == -25.0
    assert data["figures"]["units.congresses"]["terms"] == {"2017-2020": 2}
    # the cadre-work figures (F.CADRE_KEYS) have their exact values in test_cadre_report.py
    assert {k: v["value"] for k, v in data["figures"].items() if k not in F.CADRE_KEYS} == {
        k: (float(v) if isinstance(v, Decimal) else v) for k, v in _expected().items()
    }
    assert data["text"].startswith(
        "I. CÔNG TÁC TỔ CHỨC BỘ MÁY\nTrong năm 2017, 2 tổ chức đảng đã tiến hành đại hội nhiệm kỳ 2017–2020"
    )


def test_figure_keys_that_do_not_exist_are_refused(world):
    frame = build_frame(scope=None, code="CT.NK", period=Y2017)
    for key in (
        "members.admited",
        "training.cooking",
        "awards.no_such_award",
        "members.badges.33",
        "members.total.target.target",
    ):
        with pytest.raises(ReportError) as exc:
            figure_result(frame, key)
        assert exc.value.message.startswith(f"Không có chỉ số “{key}”")
    assert figure_result(frame, "awards.medal_org_building").value == 1
    assert figure_result(frame, "training.professional.target").value is None
