"""CI runs the benchmark harness (bench/) at tiny scale as a smoke test: every section is
produced and rendered. Nothing here is timed: benchmarks are not tests."""

from __future__ import annotations

import datetime as dt

import pytest

from bench import harness
from bench.results import markdown_run, to_json
from bench.serve import load_at, load_pages, sessions


@pytest.mark.django_db(transaction=True)
def test_the_harness_measures_every_section_at_tiny_scale(live_server):
    Generator = pytest.importorskip("tochuc.demo.load").Generator
    Generator(scale="tiny", seed=1, until=dt.date(2025, 12, 31)).run()

    res = harness.run_core(scale="tiny", db="test", year=2024, runs=1, warmup=0)
    load = load_at(
        live_server.url, cookies=sessions(2), pages=load_pages(2024, limit=5), seconds=1.5
    )
    # with a pause of 0.5 s (0.25-0.75 s) between pages, each user asks at most 1.5 / 0.25 + 1 pages
    paced = load_at(
        live_server.url, cookies=sessions(2), pages=load_pages(2024, limit=5), seconds=1.5, think=0.5
    )

    assert res.sections == list(harness.SECTIONS)
    reports = [r for r in res.rows if r.section == "Báo cáo năm (JSON)"]
    assert [r.what.split()[-1] for r in reports] == ["CT", "CT.BT", "CT.BT.004", "CT.BT.002.01"]
    # The floor counts what the report counts.
    assert all("≠" not in r.note for r in reports)
    assert all(r.tochuc is not None and r.floor is not None for r in reports)
    assert all(r.note.startswith("HTTP 200") for r in res.rows if r.section.startswith("Trang web"))
    assert load["errors"] == 0
    assert sum(p["n"] for p in load["pages"].values()) > 0
    assert paced["errors"] == 0
    assert 2 <= sum(p["n"] for p in paced["pages"].values()) <= 2 * 7
    assert paced["summary"]["thời gian nghĩ giữa hai trang (s)"] == "0.5"
    extra = {"load": paced, "load_saturated": load, "commit": "test", "until": "2025-12-31"}
    text = markdown_run(to_json(res, extra))
    assert "thời gian nghĩ giữa hai trang (s): 0 (liên tục, máy chủ bão hòa)" in text
    for section in [*harness.SECTIONS, "Web dưới tải", "Web bão hòa (không nghĩ giữa hai trang)"]:
        assert f"### {section}" in text


def test_a_page_answered_by_a_background_job_is_waited_for(monkeypatch):
    answers = iter([202, 202, 202, 200])
    asked = []

    class Page:
        def __init__(self, status_code):
            self.status_code = status_code

    class FakeClient:
        def get(self, url):
            asked.append(url)
            return Page(next(answers))

    monkeypatch.setattr(harness.time, "sleep", lambda s: None)
    seconds, status = harness._wait_for_job(FakeClient(), "/bao-cao/?don_vi=TW&nam=2024")
    assert status == 200 and seconds >= 0
    assert asked == ["/bao-cao/?don_vi=TW&nam=2024"] * 4
    answers = iter([200])
    assert harness._wait_for_job(FakeClient(), "/") is None  # answered at once: asked once
    assert asked[-1] == "/" and len(asked) == 5
