"""The benchmark's time budget and the rewrite of bench/RESULTS.md (no timing:
the clock is a fake one that advances as the measured function says)."""

from __future__ import annotations

from pathlib import Path

from bench import harness, results


class FakeClock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def run_measure(monkeypatch, durations: list[float], *, budget: float | None, runs: int, warmup: int):
    clock = FakeClock()
    monkeypatch.setattr(harness.time, "perf_counter", clock)
    monkeypatch.setattr(harness, "BUDGET_S", budget)
    calls = []

    def fn():
        clock.now += durations[len(calls)]
        calls.append(1)
        return len(calls)

    timing, result = harness.measure(fn, runs=runs, warmup=warmup)
    return timing, result, len(calls)


def test_without_a_budget_every_run_and_the_query_count_happen(monkeypatch, db):
    timing, result, calls = run_measure(monkeypatch, [1.0] * 5, budget=None, runs=3, warmup=1)
    assert (timing.runs, timing.queries, timing.cold, result, calls) == ([1000.0] * 3, 0, False, 4, 5)


def test_the_runs_stop_once_the_budget_is_spent(monkeypatch):
    timing, result, calls = run_measure(monkeypatch, [2.0, 3.0, 4.0, 9.0], budget=8, runs=7, warmup=1)
    assert (timing.runs, timing.queries, timing.cold, calls) == ([3000.0, 4000.0], -1, False, 3)


def test_a_warm_up_that_spends_the_budget_is_the_only_run(monkeypatch):
    timing, result, calls = run_measure(monkeypatch, [20.0, 1.0], budget=8, runs=3, warmup=1)
    assert (timing.runs, timing.queries, timing.cold, calls) == ([20000.0], -1, True, 1)
    cell = results._cell(results.to_json(harness.Results("national", "postgres", 2024, [harness.Row("s", "w", timing)]), {})["rows"][0]["tochuc"])
    assert cell == "20000.0 (lần chạy đầu, hết ngân sách)"


def test_the_rewrite_keeps_a_section_written_by_hand(tmp_path: Path):
    (tmp_path / "results").mkdir()
    (tmp_path / "analysis.md").write_text("## Phân tích\n\nđã có\n", encoding="utf-8")
    out = tmp_path / "RESULTS.md"
    out.write_text(
        results.INTRO + "\n## Ghi tay của trưởng nhóm\n\nmột dòng\n\n## Phân tích\n\ncũ\n\n## city — postgres (báo cáo năm 2024)\n\ncũ\n",
        encoding="utf-8",
    )
    results.write_markdown(tmp_path / "results", out)
    assert out.read_text(encoding="utf-8") == results.INTRO + "\n## Ghi tay của trưởng nhóm\n\nmột dòng\n\n## Phân tích\n\nđã có\n"


def test_the_slowest_queries_come_with_their_plan(db):
    from tochuc.units.models import Unit

    slow = harness.slowest_queries(lambda: (list(Unit.objects.filter(code="X")), Unit.objects.count()), top=1)
    assert len(slow) == 1
    assert "units_unit" in slow[0]["sql"] and slow[0]["plan"]
