"""The planning list as a nine-box grid ("ma trận 9 ô"): performance × readiness (issue 6, item 3).

Performance (hiệu quả công tác) is read from the person's quality ratings (evaluation events): the
three most recent years rated among the last four (the current year's rating counts once it is
given; early in a year the three previous years count), the latest rating of a year standing;
points 3 for "hoàn thành xuất sắc", 2 "hoàn thành tốt",
1 "hoàn thành", 0 "không hoàn thành"; the mean of the ratings found gives
- cao: 2,5 or more (mostly excellent), trung bình: 1,5 to under 2,5, thấp: under 1,5;
- people with no rating in those years are listed apart ("chưa có kết quả đánh giá").

Readiness (mức độ sẵn sàng) for the post planned, on the same date:
- sẵn sàng: meets the post's standard (training, `cadres.training`) and has a full term of
  service left at the start of the term planned for (`eligibility.term_check`);
- cần đào tạo, bồi dưỡng: a full term left, but short of part of the standard;
- hạn chế: not a full term left before retirement (whatever the training).

A person planned for several posts appears once per post (readiness depends on the post).
Everything is loaded with a few set-based queries: the list, the ratings, the standards and the
qualifications of the people on it.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from tochuc.accounts.scoping import Scope
from tochuc.cadres import eligibility as el
from tochuc.cadres.models import PlanningPeriod, Post
from tochuc.cadres.planning import PlanningRow, planning_rows
from tochuc.cadres.training import Qualifications, load_qualifications, needs, standards_on
from tochuc.events.projections import live_events

YEARS = 3
POINTS = {"excellent": 3, "good": 2, "complete": 1, "incomplete": 0}
HIGH, MEDIUM = Decimal("2.5"), Decimal("1.5")

PERFORMANCE = (("high", "Hiệu quả cao"), ("medium", "Hiệu quả trung bình"), ("low", "Hiệu quả thấp"))
READINESS = (("limited", "Hạn chế (không đủ tuổi trọn nhiệm kỳ)"), ("training", "Cần đào tạo, bồi dưỡng"), ("ready", "Sẵn sàng"))


@dataclass(frozen=True)
class Placed:
    row: PlanningRow
    performance: str  # high | medium | low | none
    mean: Decimal | None  # mean points of the ratings found
    ratings: tuple[tuple[int, str], ...]  # (year, category) newest first
    readiness: str  # ready | training | limited
    gaps: tuple[str, ...]  # what of the standard is missing


@dataclass
class Grid:
    period: PlanningPeriod
    on: dt.date
    cells: dict[tuple[str, str], list[Placed]] = field(default_factory=dict)  # (performance, readiness)
    unrated: list[Placed] = field(default_factory=list)

    def rows(self) -> list[tuple[str, str, list[tuple[str, list[Placed]]]]]:
        """For the template: performance rows, high first, each with its three readiness cells."""
        return [
            (p, p_label, [(r, self.cells.get((p, r), [])) for r, _ in READINESS])
            for p, p_label in PERFORMANCE
        ]

    @property
    def total(self) -> int:
        return sum(len(v) for v in self.cells.values()) + len(self.unrated)


def performance_of(ratings: list[tuple[int, str]]) -> tuple[str, Decimal | None]:
    points = [POINTS[c] for _, c in ratings if c in POINTS]
    if not points:
        return "none", None
    mean = (Decimal(sum(points)) / Decimal(len(points))).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    if mean >= HIGH:
        return "high", mean
    if mean >= MEDIUM:
        return "medium", mean
    return "low", mean


def nine_box(*, scope: Scope, period: PlanningPeriod, on: dt.date, unit_ids=None) -> Grid:
    rows = planning_rows(scope=scope, period=period, on=on, unit_ids=unit_ids)
    people = {r.person.pk for r in rows}
    first_year = on.year - YEARS  # with the current year: four years, of which the newest three rated count
    ratings: dict[int, list[tuple[int, str]]] = defaultdict(list)
    found = (
        live_events()
        .filter(kind="evaluation", person_id__in=people, year__gte=first_year, year__lte=on.year, effective_on__lte=on)
        .order_by("person_id", "-year", "-effective_on", "-id")
        .values_list("person_id", "year", "subtype")
    )
    for pid, year, subtype in found:
        if all(y != year for y, _ in ratings[pid]) and len(ratings[pid]) < YEARS:  # the latest rating of a year stands
            ratings[pid].append((year, subtype))
    posts = {el.position_key(p.name, p.unit_id): p for p in Post.objects.filter(unit_id__in={r.unit_id for r in rows})}
    standards = standards_on([p.pk for p in posts.values()], on)
    quals = load_qualifications(people, on)
    grid = Grid(period, on)
    for r in rows:
        post = posts.get(el.position_key(r.post, r.unit_id))
        standard = standards.get(post.pk) if post is not None else None
        gaps = tuple(n.label for n in needs(standard, quals.get(r.person.pk, Qualifications()))) if standard else ()
        full_term = el.term_check(r.person.birth_date, r.person.sex, max(period.starts_on, on)).full_term
        readiness = "limited" if not full_term else ("training" if gaps else "ready")
        perf, mean = performance_of(ratings[r.person.pk])
        placed = Placed(r, perf, mean, tuple(ratings[r.person.pk]), readiness, gaps)
        if perf == "none":
            grid.unrated.append(placed)
        else:
            grid.cells.setdefault((perf, readiness), []).append(placed)
    return grid
