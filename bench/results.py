"""Storing a run as JSON and writing bench/RESULTS.md from every stored run."""

from __future__ import annotations

import json
import re
from pathlib import Path

from bench.harness import Results, Row

INTRO = """# tochuc — benchmark results

Produced by `python -m bench run --scale SCALE --db sqlite|postgres` (see docs/performance.md);
each section below is one stored run (bench/results/*.json), rewritten by `python -m bench write`.
Times in milliseconds: median (min–max) of the runs after one warm-up run, warm cache, one
client. "Sàn" (floor) is the same figures by hand-written SQL over the same tables in the same
run; the ratio is tochuc / floor. The machine is shared (load average given): treat single
figures as ±30 %.
"""


def to_json(res: Results, extra: dict) -> dict:
    def t(timing):
        if timing is None:
            return None
        return {
            "runs": [round(x, 3) for x in timing.runs],
            "median": round(timing.median, 3),
            "queries": timing.queries,
            "cold": timing.cold,
        }

    return {
        "scale": res.scale,
        "db": res.db,
        "year": res.year,
        "facts": res.facts,
        "sections": res.sections,
        "rows": [
            {
                "section": r.section,
                "what": r.what,
                "tochuc": t(r.tochuc),
                "floor": t(r.floor),
                "target_ms": r.target_ms,
                "note": r.note,
            }
            for r in res.rows
        ],
        **extra,
    }


def save(res: Results, extra: dict, directory: Path) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"{res.scale}-{res.db}.json"
    path.write_text(
        json.dumps(to_json(res, extra), ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
    )
    return path


def _cell(t: dict | None) -> str:
    if not t:
        return ""
    runs = t["runs"]
    if t.get("cold"):
        return f"{runs[0]:.1f} (lần chạy đầu, hết ngân sách)"
    if len(runs) == 1:
        return f"{runs[0]:.1f}"
    return f"{t['median']:.1f} ({min(runs):.1f}–{max(runs):.1f})"


def _verdict(row: dict) -> str:
    t, f, target = row["tochuc"], row["floor"], row["target_ms"]
    out = []
    if t and target:
        m = t["median"]
        out.append(f"✔ ≤ {target:g}" if m <= target else f"✘ {m / target:.1f}× mục tiêu {target:g}")
    if t and f and f["median"] > 0:
        ratio = t["median"] / f["median"]
        out.append(f"{ratio:.1f}× sàn" + ("" if ratio <= 2 else " ✘ (> 2×)"))
    return "; ".join(out)


def markdown_run(data: dict) -> str:
    facts = data["facts"]
    lines = [
        f"## {data['scale']} — {data['db']} (báo cáo năm {data['year']})",
        "",
        f"- {facts.get('date')}, commit {data.get('commit', '?')}; máy: {facts.get('cores')} lõi, {facts.get('ram')} RAM; "
        f"Python {facts.get('python')}, Django {facts.get('django')}, {facts.get('database')}",
        f"- dữ liệu (`tochuc demo --scale {data['scale']} --seed 1 --until {data.get('until', '?')}`): "
        f"{facts.get('units')} đơn vị, {facts.get('people')} người, {facts.get('events')} sự kiện",
        f"- đơn vị đo: {', '.join(f'{k} {v}' for k, v in (facts.get('picks') or {}).items() if v)}",
        f"- tải hệ thống (load average 1/5/15 phút) lúc bắt đầu: {facts.get('load_average')}; lúc kết thúc: {facts.get('load_average_end', '?')}",
        f"- bộ nhớ đỉnh của tiến trình đo: {facts.get('harness_peak_rss_mb')} MB; thống kê của bộ lập kế hoạch: {facts.get('planner_statistics', '?')}",
        "",
    ]
    for section in data["sections"]:
        rows = [r for r in data["rows"] if r["section"] == section]
        lines += [
            f"### {section}",
            "",
            "| phép đo | tochuc ms | truy vấn | sàn ms | đánh giá | ghi chú |",
            "| --- | --- | --- | --- | --- | --- |",
        ]
        for r in rows:
            q = r["tochuc"]["queries"] if r["tochuc"] else ""
            q = "?" if q == -1 else q
            lines.append(
                f"| {r['what']} | {_cell(r['tochuc'])} | {q} | {_cell(r['floor'])} | {_verdict(r)} | {r['note']} |"
            )
        lines.append("")
    script = data.get("report_script")
    if script:
        lines += [
            "### `bench/report.py` (kịch bản đo của phần báo cáo, chạy trong cùng lần đo)",
            "",
            "```",
            *script,
            "```",
            "",
        ]
    imp = data.get("import")
    if imp:
        lines += [
            "### Nhập sổ (đường thông thường: `tochuc import`)",
            "",
            "| bước | thời gian (s) | sự kiện/giây | bộ nhớ đỉnh (MB) | ghi chú |",
            "| --- | --- | --- | --- | --- |",
        ]
        for step in imp["steps"]:
            lines.append(
                f"| {step['what']} | {step['seconds']:.1f} | {step.get('events_per_s', '')} | {step.get('peak_mb', '')} | {step.get('note', '')} |"
            )
        lines.append("")
    for name, title in (("load", "Web dưới tải"), ("load_saturated", "Web bão hòa (không nghĩ giữa hai trang)")):
        lines += _load_lines(data.get(name), title)
    return "\n".join(lines)


def _load_lines(load: dict | None, title: str) -> list[str]:
    lines: list[str] = []
    if load:
        lines += [f"### {title} (`tochuc serve`, loopback)", ""]
        lines += [f"- {k}: {v}" for k, v in load["summary"].items()]
        verdict = "✔" if load["p95"] <= 300 and load["errors"] == 0 else "✘"
        lines += [
            f"- mục tiêu p95 ≤ 300 ms, 0 lỗi: {verdict}; tải hệ thống khi kết thúc: {load.get('load_average')}",
            "",
        ]
        lines += ["| trang | số yêu cầu | p50 ms | p95 ms |", "| --- | --- | --- | --- |"]
        lines += [f"| {k} | {v['n']} | {v['p50']} | {v['p95']} |" for k, v in load["pages"].items()]
        lines.append("")
    return lines


ORDER = {"tiny": 0, "small": 1, "city": 2, "province": 3, "national": 4}
GENERATED = re.compile(r"## (?:" + "|".join(ORDER) + r") — ")


def hand_written(existing: str, analysis: str) -> list[str]:
    """The `## ` sections of an existing RESULTS.md that neither a stored run nor analysis.md
    wrote (someone added them by hand): a rewrite keeps them, after the introduction."""
    known = {line for line in analysis.splitlines() if line.startswith("## ")}
    sections = re.split(r"(?m)^(?=## )", existing)[1:]
    return [
        s.rstrip() + "\n"
        for s in sections
        if not GENERATED.match(s) and s.splitlines()[0] not in known
    ]


def write_markdown(directory: Path, out: Path) -> None:
    runs = [json.loads(p.read_text(encoding="utf-8")) for p in sorted(directory.glob("*.json"))]
    runs.sort(key=lambda d: (ORDER.get(d["scale"], 9), d["db"]))
    parts = [INTRO]
    analysis = out.parent / "analysis.md"
    analysis_text = analysis.read_text(encoding="utf-8") if analysis.exists() else ""
    if out.exists():
        parts += hand_written(out.read_text(encoding="utf-8"), analysis_text)
    if analysis_text:
        parts.append(analysis_text)
    parts += [markdown_run(d) for d in runs if d["scale"] != "tiny"]
    out.write_text("\n".join(parts).rstrip() + "\n", encoding="utf-8")


__all__ = ["Row", "save", "to_json", "write_markdown"]
