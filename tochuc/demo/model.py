"""The in-memory shapes of the generator: planned units, events before they are rows, cadre terms.

Pure Python, no database: the plan and the lives are computed here and written by `load.py`.
"""

from __future__ import annotations

import calendar
import datetime as dt
import random
from dataclasses import dataclass, field
from typing import Any

from tochuc.lib.dates import add_months


@dataclass(slots=True)
class Ev:
    """One event before it becomes a row; `id` is given when it is written."""

    kind: str
    on: dt.date
    subtype: str = ""
    unit: int | None = None
    to_unit: int | None = None
    end_on: dt.date | None = None
    position: str = ""
    term: str = ""
    year: int | None = None
    decision_no: str = ""
    decided_on: dt.date | None = None
    decided_by: str = ""
    note: str = ""
    details: dict[str, Any] | None = None
    person: int | None = None
    id: int = 0


@dataclass(slots=True)
class PUnit:
    """A planned unit with the facts the people generator needs about its life."""

    id: int
    code: str
    name: str
    kind: str
    parent: int | None
    founded: dt.date
    flavour: str = ""  # PROFESSIONS key for units where members are (branches)
    weight: float = 0.0  # share of admissions (member units)
    district: int | None = None  # the upper-level unit (district, bloc) it belonged to before 2025
    ended: dt.date | None = None
    merged_into: int | None = None
    # (from date, parent id): the parent history, from the founding and reparent events
    parents: list[tuple[dt.date, int | None]] = field(default_factory=list)
    issuer: str = ""  # who signs decisions for members of this unit ("Ban Thường vụ Quận ủy Ninh Kiều")
    issuer_abbr: str = ""  # suffix of decision numbers ("QU", "HU", "ĐU", "TU")

    def alive(self, on: dt.date) -> bool:
        return self.founded <= on and (self.ended is None or on < self.ended)

    def parent_on(self, on: dt.date) -> int | None:
        current = None
        for since, parent in self.parents:
            if since <= on:
                current = parent
        return current


@dataclass(frozen=True)
class Post:
    unit: int
    position: str
    party: bool  # a party committee post (designated or elected and ratified)
    appointed: bool  # a state post filled by appointment (5-year terms, reappointment)
    level: int  # 1 provincial, 2 district / bloc / department, 3 grassroots


@dataclass
class CadreTerm:
    post: Post
    start: dt.date
    end: dt.date | None  # None: still holding at the end of the data
    first: str  # decision subtype opening the post
    exit: str  # relief | rotation | redeployment | retirement | dismissal | removal_from_post | reorg | ""
    renewals: list[dt.date] = field(default_factory=list)  # reappointment dates


@dataclass
class CadreSpec:
    """A person planned to hold posts: birth and sex are fixed by the plan so ages fit."""

    birth: dt.date
    sex: str
    district: int | None
    terms: list[CadreTerm] = field(default_factory=list)


def rand_date(rng: random.Random, start: dt.date, end: dt.date) -> dt.date:
    """A uniform day in [start, end]."""
    span = (end - start).days
    if span <= 0:
        return start
    return start + dt.timedelta(days=rng.randint(0, span))


def end_of_month(day: dt.date) -> dt.date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


# BLLĐ 2012 Art. 187 then BLLĐ 2019 Art. 169 + NĐ 135/2020: +3 months a year for men until 62,
# +4 months a year for women until 60, from 2021 (DOMAIN-RULES.md §5.2).
def retirement_on(birth: dt.date, sex: str) -> dt.date:
    base, step, cap = (720, 3, 744) if sex == "male" else (660, 4, 720)
    reached = add_months(birth, base)
    if reached.year < 2021:
        return end_of_month(reached)
    year = 2021
    while True:
        months = min(cap, base + step * (year - 2020))
        reached = add_months(birth, months)
        if reached.year <= year:
            return end_of_month(reached)
        year += 1
