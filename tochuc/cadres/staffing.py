"""Staffing quotas (biên chế) and streamlining against the period's target, per unit (reads)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from tochuc.cadres.models import StaffingQuota, StreamliningTarget
from tochuc.cadres.planning import percent
from tochuc.units.models import UnitVersion


@dataclass(frozen=True)
class StaffingRow:
    unit_id: int
    unit_code: str
    unit_name: str
    year: int
    quota: int
    actual: int
    base_year: int | None
    base_quota: int | None
    target_pct: Decimal | None  # required reduction over the target's period
    target_year: int | None
    reduced_pct: Decimal | None  # reduction of the quota since the base year
    source: str

    @property
    def vacancies(self) -> int:
        return self.quota - self.actual

    @property
    def met(self) -> bool | None:
        if self.target_pct is None or self.reduced_pct is None:
            return None
        return self.reduced_pct >= self.target_pct


def staffing_rows(*, unit_ids, year: int, names_on) -> list[StaffingRow]:
    """One row per unit with a quota for `year` among `unit_ids` (already scoped by the caller)."""
    quotas = list(StaffingQuota.objects.filter(unit_id__in=unit_ids, year=year).select_related("unit"))
    ids = [q.unit_id for q in quotas]
    targets: dict[int, StreamliningTarget] = {}
    for t in StreamliningTarget.objects.filter(unit_id__in=ids, base_year__lt=year).order_by("base_year"):
        targets[t.unit_id] = t  # the most recent target whose base year has passed
    bases = {
        (q.unit_id, q.year): q.quota
        for q in StaffingQuota.objects.filter(unit_id__in=ids, year__in={t.base_year for t in targets.values()})
    }
    from tochuc.units.selectors import valid_on

    names = dict(UnitVersion.objects.filter(valid_on(names_on), unit_id__in=ids).values_list("unit_id", "name"))
    rows = []
    for q in quotas:
        t = targets.get(q.unit_id)
        base = bases.get((q.unit_id, t.base_year)) if t else None
        reduced = percent(base - q.quota, base) if base else None
        rows.append(
            StaffingRow(
                q.unit_id, q.unit.code, names.get(q.unit_id, q.unit.code), year, q.quota, q.actual,
                t.base_year if t else None, base, t.reduction_pct if t else None, t.target_year if t else None, reduced,
                t.source if t else "",
            )
        )
    return sorted(rows, key=lambda r: r.unit_code)
