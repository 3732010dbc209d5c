"""The statutory retirement age, by birth month and sex (pure, no database).

Bộ luật Lao động 2012 (Điều 187): men retire at 60, women at 55. Bộ luật Lao động 2019
(Điều 169) with Nghị định 135/2020/NĐ-CP (Điều 4 and its appendix) raise the age from 2021 by
3 months a year for men until 62 (2028) and by 4 months a year for women until 60 (2035).
DOMAIN-RULES.md §5.2 [S].

The roadmap below is the data: for each calendar year in which a person reaches retirement, the
age that applies in that year. A person's age is the one of the year in which they reach it, so
the month of birth matters: a man born 09/1961 reaches 60y3m in 12/2021 (the 2021 age), a man born
10/1961 would reach 60y3m only in 01/2022 and therefore retires at the 2022 age, 60y6m, in 04/2022.

Retirement takes effect at the end of the month in which the age is reached (NĐ 135/2020 Điều 4.3:
"thời điểm nghỉ hưu là kết thúc ngày cuối cùng của tháng đủ tuổi nghỉ hưu").
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass

from tochuc.lib.dates import add_months

ROADMAP_FIRST_YEAR = 2021

# sex -> (age in months before the roadmap, then the age in months for 2021, 2022, ... until the
# last value, which holds for every later year).
ROADMAP: dict[str, tuple[int, tuple[int, ...]]] = {
    "male": (
        60 * 12,
        tuple(60 * 12 + 3 * step for step in range(1, 9)),  # 2021: 60y3m … 2028: 62y
    ),
    "female": (
        55 * 12,
        tuple(55 * 12 + 4 * step for step in range(1, 16)),  # 2021: 55y4m … 2035: 60y
    ),
}

SOURCE_ROADMAP = "Bộ luật Lao động 2019, Điều 169; Nghị định 135/2020/NĐ-CP"
SOURCE_BEFORE = "Bộ luật Lao động 2012, Điều 187"


def age_in_year(sex: str, year: int) -> int:
    """The retirement age, in months, of someone who reaches it in `year`."""
    before, steps = ROADMAP[sex]
    if year < ROADMAP_FIRST_YEAR:
        return before
    index = min(year - ROADMAP_FIRST_YEAR, len(steps) - 1)
    return steps[index]


@dataclass(frozen=True)
class Retirement:
    age_months: int
    on: dt.date  # the last day of the month in which the age is reached

    @property
    def age_label(self) -> str:
        years, months = divmod(self.age_months, 12)
        return f"{years} tuổi {months} tháng" if months else f"{years} tuổi"


def _end_of_month(day: dt.date) -> dt.date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def retirement(birth_date: dt.date, sex: str) -> Retirement:
    """The statutory retirement age and date of a person (normal working conditions)."""
    before, steps = ROADMAP[sex]
    reached = add_months(birth_date, before)
    if reached.year < ROADMAP_FIRST_YEAR:
        return Retirement(before, _end_of_month(reached))
    # The first year whose age is reached within that same year; the ages rise by less than
    # twelve months a year, so each birth month falls in exactly one year.
    year = ROADMAP_FIRST_YEAR
    while True:
        age = age_in_year(sex, year)
        reached = add_months(birth_date, age)
        if reached.year <= year:
            return Retirement(age, _end_of_month(reached))
        year += 1


def retirement_before_roadmap(birth_date: dt.date, sex: str) -> Retirement:
    """The retirement of BLLĐ 2012 (60 / 55), used for decisions made before the roadmap applied."""
    before, _ = ROADMAP[sex]
    return Retirement(before, _end_of_month(add_months(birth_date, before)))


def roadmap_table() -> list[tuple[int, str, str]]:
    """(year, men's age, women's age) for the years of the roadmap, for display."""
    rows = []
    for year in range(ROADMAP_FIRST_YEAR - 1, ROADMAP_FIRST_YEAR + 15):
        rows.append(
            (year, Retirement(age_in_year("male", year), dt.date.min).age_label, Retirement(age_in_year("female", year), dt.date.min).age_label)
        )
    return rows
