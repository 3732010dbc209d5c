"""The year-end report (báo cáo tổng kết công tác tổ chức xây dựng Đảng): figures, narrative,
breakdown by unit and chart data, assembled once and rendered by every exporter."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, TypedDict

from django.utils import timezone

from tochuc.accounts import scoping
from tochuc.lib.dates import format_date
from tochuc.lib.numbers import format_decimal, format_int
from tochuc.reports import figures as F
from tochuc.reports.narrative import Section, narrative
from tochuc.reports.selectors import (
    MSG_NO_DATA,
    FigureResult,
    Frame,
    Progress,
    ReportError,
    Rows,
    build_frame,
    compute_all,
    figure_result,
    figure_rows,
    get_def,
    has_data,
    years_end_members,
)

HISTORY_YEARS = 5


class FigureJSON(TypedDict, total=False):
    label: str
    value: int | float
    definition: str
    by_unit: dict[str, int | float | None]
    terms: dict[str, int]


class ReportJSON(TypedDict):
    report: str
    unit: dict[str, str]
    period: dict[str, str]
    figures: dict[str, FigureJSON]
    text: str
    units: list[dict[str, str]]


@dataclass
class Issuer:
    """The header block of the document: who issues it, its number, place and date."""

    committee: str  # e.g. "ĐẢNG BỘ THÀNH PHỐ CẦN THƠ"
    office: str = "BAN TỔ CHỨC"
    number: str = ""  # e.g. "45"; blank leaves room to write it by hand
    symbol: str = "BC/BTC"
    place: str = ""
    issued_on: dt.date | None = None

    @property
    def number_line(self) -> str:
        return f"Số {self.number or '      '}-{self.symbol}"

    @property
    def place_date_line(self) -> str:
        day = self.issued_on or timezone.localdate()
        place = f"{self.place}, " if self.place else ""
        return f"{place}ngày {day.day:02d} tháng {day.month:02d} năm {day.year}"


_PLACE_PREFIXES = re.compile(
    r"^(đảng bộ|chi bộ)\s+(thành phố|tỉnh|quận|huyện|thị xã|phường|xã|thị trấn|khối)?\s*",
    re.IGNORECASE,
)


def place_of(unit_name: str) -> str:
    """ "Đảng bộ thành phố Cần Thơ" -> "Cần Thơ" (the place line of the header)."""
    return _PLACE_PREFIXES.sub("", unit_name).strip() or unit_name


@dataclass
class AnnualReport:
    frame: Frame
    results: dict[str, FigureResult]
    sections: list[Section]
    history: dict[int, int]
    issuer: Issuer
    title: str
    subtitle: str
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def period(self) -> F.Period:
        return self.frame.period

    @property
    def text(self) -> str:
        return "\n\n".join(s.as_text() for s in self.sections)

    def value(self, key: str) -> int | Decimal | None:
        r = self.results.get(key)
        return None if r is None else r.value

    def present(self) -> list[FigureResult]:
        return [r for r in self.results.values() if r.value is not None]

    def to_json(self) -> ReportJSON:
        figures: dict[str, FigureJSON] = {}
        codes = {b.unit_id: b.code for b in self.frame.buckets}
        for r in self.present():
            entry: FigureJSON = {
                "label": r.label,
                "value": _json_number(r.value),
                "definition": r.definition,
                "by_unit": {
                    codes[b]: _json_number(v) for b, v in r.by_bucket.items() if b in codes
                },
            }
            if "terms" in r.extra:
                entry["terms"] = r.extra["terms"]
            figures[r.key] = entry
        return {
            "report": "annual",
            "unit": {"code": self.frame.root.code, "name": self.frame.root_name},
            "period": {"from": self.period.start.isoformat(), "to": self.period.end.isoformat()},
            "figures": figures,
            "text": self.text,
            "units": [{"code": b.code, "name": b.name} for b in self.frame.buckets],
        }


def _json_number(value: int | Decimal | None) -> int | float | None:
    if isinstance(value, Decimal):
        return float(value)
    return value


def display(value: int | Decimal | None, key: str = "") -> str:
    """A figure's value as Vietnamese text: 3.105, +8,25% against a target, 66,67% for a share
    (a share is named by its key; without a key a percentage is read as against a target)."""
    if value is None:
        return "–"
    if isinstance(value, Decimal):
        text = format_decimal(value, 2)
        return ("+" + text if value > 0 and key not in F.SHARE_KEYS else text) + "%"
    return format_int(int(value))


def all_results(frame: Frame, *, progress: Progress | None = None) -> dict[str, FigureResult]:
    """Every figure of the report: those of `reports.selectors`, then the cadre-work figures of
    `cadres.report` placed after the other cadre figures (decisions, planning, training).
    `progress(percent, step)` hears of each family of figures as it starts (background jobs)."""
    base = compute_all(frame, progress=progress)
    if progress is not None:
        progress(80, "Công tác cán bộ: quy hoạch, luân chuyển, thi tuyển, biên chế, đào tạo")
    return with_cadres(frame, base)


def with_cadres(frame: Frame, base: dict[str, FigureResult]) -> dict[str, FigureResult]:
    """`base` (from `compute_all`) with the cadre-work figures joined in their place."""
    from tochuc.cadres.report import cadre_results

    cadres = cadre_results(frame)
    keys = list(base)
    last_cadre = max(
        (i for i, k in enumerate(keys) if get_def(frame, k).section == "cadres"),
        default=len(keys) - 1,
    )
    out = {k: base[k] for k in keys[: last_cadre + 1]} | cadres
    out.update({k: base[k] for k in keys[last_cadre + 1 :]})
    return out


def result_of(frame: Frame, key: str) -> FigureResult:
    """One figure, wherever it is counted (the reports app or cadre work)."""
    if get_def(frame, key).source == F.Source.CADRES:
        from tochuc.cadres.report import cadre_result

        return cadre_result(frame, key)
    return figure_result(frame, key)


def rows_of(frame: Frame, key: str, *, bucket: int | None = None, order: str = "") -> Rows:
    """The rows behind one figure, wherever it is counted."""
    if get_def(frame, key).source == F.Source.CADRES:
        from tochuc.cadres.report import cadre_rows

        return cadre_rows(frame, key, bucket=bucket, order=order)
    return figure_rows(frame, key, bucket=bucket, order=order)


def build_annual(
    *,
    scope: scoping.Scope | None,
    code: str,
    year: int | None = None,
    period: F.Period | None = None,
    number: str = "",
    place: str = "",
    issued_on: dt.date | None = None,
    allow_empty: bool = False,
    figures: Callable[[Frame], dict[str, FigureResult]] | None = None,
) -> AnnualReport:
    """Assemble the year-end report; raises ReportError (Vietnamese) on bad input or no data.

    `figures` gets the figures from a function of the frame (the pages and the API:
    `reports.jobs.for_page`, shared and computed once, which may raise `JobPending`); the command
    line and the benchmarks compute them."""
    if period is None:
        if year is None:
            raise ReportError("Cần chọn năm báo cáo.")
        if not 1930 <= year <= timezone.localdate().year:
            raise ReportError(f"Năm báo cáo không hợp lệ: {year}.")
        period = F.Period.year(year)
    frame = build_frame(scope=scope, code=code, period=period)
    results = figures(frame) if figures is not None else all_results(frame)
    if not allow_empty and not has_data(frame, results):
        raise ReportError(
            MSG_NO_DATA.format(
                name=frame.root_name, period=period.label(), day=format_date(period.end)
            )
        )
    last = period.end.year
    history = years_end_members(frame, range(last - HISTORY_YEARS + 1, last + 1))
    issuer = Issuer(
        committee=frame.root_name.upper(),
        number=number,
        place=place or place_of(frame.root_name),
        issued_on=issued_on,
    )
    title = "BÁO CÁO"
    subtitle = f"Tổng kết công tác tổ chức xây dựng Đảng {period.label()}"
    report = AnnualReport(frame, results, [], history, issuer, title, subtitle)
    report.sections = narrative(report)
    return report
