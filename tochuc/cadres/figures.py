"""Cadre-work figures of one unit's subtree for a period, as plain dictionaries (issue 6, item 7).

A thin view of `tochuc.cadres.report`, which the annual report and the dashboard use: the same
keys, labels and values (`tochuc.reports.figures.CADRE_KEYS`). The caller has already checked
that the unit is in the user's scope.

Returns {"figures": {key: {"label", "value"}}, "rows": {key: [row dicts]}}; percentages are
Decimals with two places (None when the base is zero); shares have no rows.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Protocol

from tochuc.reports.figures import CADRE_KEYS, SHARE_KEYS, Period
from tochuc.units.models import Unit


class PeriodLike(Protocol):
    start: dt.date
    end: dt.date


def cadre_figures(unit: Unit, period: PeriodLike) -> dict[str, Any]:
    from tochuc.cadres.report import cadre_results, cadre_rows
    from tochuc.reports.selectors import build_frame

    frame = build_frame(scope=None, code=unit.code, period=Period(period.start, period.end))
    results = cadre_results(frame)
    figures = {k: {"label": r.label, "value": r.value} for k, r in results.items()}
    rows = {
        k: list(cadre_rows(frame, k))
        for k in CADRE_KEYS
        if k not in SHARE_KEYS
    }
    return {"figures": figures, "rows": rows}
