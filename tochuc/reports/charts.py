"""Charts of the year-end report: PNG bytes made in memory with matplotlib's Agg backend.

The object API (`Figure`, no pyplot) keeps no global state, so web requests may draw at once.
DejaVu Sans, which matplotlib ships, has the Vietnamese glyphs.
"""

from __future__ import annotations

import io
from typing import TYPE_CHECKING

import matplotlib

matplotlib.use("Agg")

from matplotlib.figure import Figure  # noqa: E402

from tochuc.events.kinds import EVALUATION_SUBTYPES  # noqa: E402
from tochuc.lib.numbers import format_int  # noqa: E402

if TYPE_CHECKING:
    from tochuc.reports.annual import AnnualReport

RED = "#9b1c1c"
GOLD = "#d69e2e"
GREY = "#8a949e"
FONT = "DejaVu Sans"
MAX_BARS = 16


def _png(fig: Figure) -> bytes:
    # The constrained layout already fits the labels: bbox_inches="tight" would draw twice.
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=120)
    return buf.getvalue()


def _new(width: float = 7.0, height: float = 3.4) -> tuple[Figure, object]:
    fig = Figure(figsize=(width, height), layout="constrained")
    ax = fig.add_subplot()
    ax.spines[["top", "right"]].set_visible(False)
    ax.tick_params(labelsize=8)
    return fig, ax


def _short(name: str, limit: int = 26) -> str:
    return name if len(name) <= limit else name[: limit - 1] + "…"


def admissions_vs_target(report: AnnualReport) -> bytes:
    """Admissions against target, by unit directly below the root."""
    admitted = report.results["members.admitted"]
    target = report.results.get("members.admitted.target")
    has_target = target is not None and target.value is not None
    # units with neither admissions nor a target (agencies kept for cadre work) are left out
    buckets = [
        b
        for b in report.frame.buckets
        if admitted.by_bucket.get(b.unit_id) or (has_target and target.by_bucket.get(b.unit_id))  # type: ignore[union-attr]
    ] or [b for b in report.frame.buckets if not b.is_root]
    if len(buckets) > MAX_BARS:
        # a city has dozens of units: the largest by target or admissions, the rest together
        def size(b) -> int:
            own = int(admitted.by_bucket.get(b.unit_id) or 0)
            return max(own, int(target.by_bucket.get(b.unit_id) or 0) if has_target else 0)  # type: ignore[union-attr]

        buckets = sorted(buckets, key=size, reverse=True)
        shown, rest = buckets[: MAX_BARS - 1], buckets[MAX_BARS - 1 :]
    else:
        shown, rest = buckets, []
    names = [_short(b.name) for b in shown]
    values = [int(admitted.by_bucket.get(b.unit_id) or 0) for b in shown]
    targets = [
        int((target.by_bucket.get(b.unit_id) or 0) if has_target else 0)  # type: ignore[union-attr]
        for b in shown
    ]
    if rest:
        names.append(f"{len(rest)} đơn vị khác")
        values.append(sum(int(admitted.by_bucket.get(b.unit_id) or 0) for b in rest))
        targets.append(
            sum(int((target.by_bucket.get(b.unit_id) or 0) if has_target else 0) for b in rest)
        )  # type: ignore[union-attr]
    buckets = shown + rest[:1]
    fig, ax = _new(7.0, max(2.2, 0.42 * len(buckets) + 1.0))
    y = list(range(len(buckets)))
    ax.barh([i + 0.18 for i in y], values, height=0.36, color=RED, label="Kết nạp")
    if any(targets):
        ax.barh([i - 0.18 for i in y], targets, height=0.36, color=GOLD, label="Chỉ tiêu")
    for i, v in enumerate(values):
        ax.text(v, i + 0.18, " " + format_int(v), va="center", fontsize=7)
    ax.set_yticks(y, names)
    ax.invert_yaxis()
    ax.set_title("Kết nạp đảng viên so với chỉ tiêu, theo đơn vị", fontsize=10, family=FONT)
    ax.legend(fontsize=8, frameon=False, loc="best")
    ax.xaxis.get_major_locator().set_params(integer=True)
    return _png(fig)


def membership_history(report: AnnualReport) -> bytes:
    """Members on 31/12 of each of the last years."""
    years = sorted(report.history)
    values = [report.history[y] for y in years]
    fig, ax = _new(7.0, 3.0)
    ax.bar([str(y) for y in years], values, color=RED, width=0.55)
    for i, v in enumerate(values):
        ax.text(i, v, format_int(v), ha="center", va="bottom", fontsize=8)
    ax.set_title("Số đảng viên tại ngày 31/12 các năm", fontsize=10, family=FONT)
    ax.yaxis.get_major_locator().set_params(integer=True)
    return _png(fig)


def evaluation_results(report: AnnualReport) -> bytes:
    """Quality ratings of members and of party organisations."""
    labels = list(EVALUATION_SUBTYPES.values())
    members = [int(report.value(f"members.evaluated.{c}") or 0) for c in EVALUATION_SUBTYPES]
    units = [int(report.value(f"units.evaluated.{c}") or 0) for c in EVALUATION_SUBTYPES]
    fig = Figure(figsize=(7.0, 3.0), layout="constrained")
    for idx, (title, values, color) in enumerate(
        (("Đảng viên", members, RED), ("Tổ chức đảng", units, GOLD))
    ):
        ax = fig.add_subplot(1, 2, idx + 1)
        ax.spines[["top", "right"]].set_visible(False)
        ax.barh(range(len(labels)), values, color=color)
        ax.set_yticks(
            range(len(labels)),
            [_short(lbl, 22) for lbl in labels] if idx == 0 else [""] * len(labels),
        )
        ax.invert_yaxis()
        ax.tick_params(labelsize=7)
        for i, v in enumerate(values):
            ax.text(v, i, " " + format_int(v), va="center", fontsize=7)
        ax.set_title(title, fontsize=9)
        ax.xaxis.get_major_locator().set_params(integer=True)
    fig.suptitle("Kết quả đánh giá, xếp loại chất lượng", fontsize=10)
    return _png(fig)


CHARTS = (
    ("admissions", "Kết nạp đảng viên so với chỉ tiêu", admissions_vs_target),
    ("history", "Số đảng viên qua các năm", membership_history),
    ("evaluation", "Kết quả đánh giá, xếp loại", evaluation_results),
)


def all_charts(report: AnnualReport) -> list[tuple[str, str, bytes]]:
    return [(key, title, draw(report)) for key, title, draw in CHARTS]
