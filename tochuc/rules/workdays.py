"""Working days: the regulations count most deadlines in working days (DOMAIN-RULES.md, key
takeaway 3). Monday to Friday, minus public holidays (Bộ luật Lao động 2012 Art. 115,
2019 Art. 112), with the compensatory day off when a holiday falls on a weekend.

The lunar holidays (Tết, Giỗ Tổ Hùng Vương) and the second day of Quốc khánh are set by the
Government each year; the tables below hold them for the years we know. Days the Government moves
or swaps are not modelled: add them with the `extra_holidays` / `extra_working_days` parameters
(`tochuc.rules.params`).
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

from tochuc.rules.params import param

# First day of the lunar year (mùng 1 Tết).
LUNAR_NEW_YEAR = {
    2013: dt.date(2013, 2, 10), 2014: dt.date(2014, 1, 31), 2015: dt.date(2015, 2, 19),
    2016: dt.date(2016, 2, 8), 2017: dt.date(2017, 1, 28), 2018: dt.date(2018, 2, 16),
    2019: dt.date(2019, 2, 5), 2020: dt.date(2020, 1, 25), 2021: dt.date(2021, 2, 12),
    2022: dt.date(2022, 2, 1), 2023: dt.date(2023, 1, 22), 2024: dt.date(2024, 2, 10),
    2025: dt.date(2025, 1, 29), 2026: dt.date(2026, 2, 17), 2027: dt.date(2027, 2, 6),
}
# Giỗ Tổ Hùng Vương, 10/3 of the lunar calendar.
HUNG_KINGS = {
    2013: dt.date(2013, 4, 19), 2014: dt.date(2014, 4, 9), 2015: dt.date(2015, 4, 28),
    2016: dt.date(2016, 4, 16), 2017: dt.date(2017, 4, 6), 2018: dt.date(2018, 4, 25),
    2019: dt.date(2019, 4, 14), 2020: dt.date(2020, 4, 2), 2021: dt.date(2021, 4, 21),
    2022: dt.date(2022, 4, 10), 2023: dt.date(2023, 4, 29), 2024: dt.date(2024, 4, 18),
    2025: dt.date(2025, 4, 7), 2026: dt.date(2026, 4, 26), 2027: dt.date(2027, 4, 16),
}
# From 2021 Quốc khánh is two days: 2/9 and the day before or after, chosen each year.
NATIONAL_DAY_SECOND = {
    2021: dt.date(2021, 9, 3), 2022: dt.date(2022, 9, 1), 2023: dt.date(2023, 9, 1),
    2024: dt.date(2024, 9, 3), 2025: dt.date(2025, 9, 1),
}
TET_DAYS_BEFORE = 1  # 5 days of Tết: new year's eve and the first four days
TET_DAYS_AFTER = 3


@lru_cache(maxsize=64)
def _statutory(year: int) -> frozenset[dt.date]:
    days = {dt.date(year, 1, 1), dt.date(year, 4, 30), dt.date(year, 5, 1), dt.date(year, 9, 2)}
    if year >= 2021:
        days.add(NATIONAL_DAY_SECOND.get(year, dt.date(year, 9, 3)))
    tet = LUNAR_NEW_YEAR.get(year)
    if tet is not None:
        days.update(tet + dt.timedelta(days=d) for d in range(-TET_DAYS_BEFORE, TET_DAYS_AFTER + 1))
    if year in HUNG_KINGS:
        days.add(HUNG_KINGS[year])
    # A holiday on a Saturday or Sunday gives the next working day off.
    out = set(days)
    for day in sorted(days):
        if day.weekday() >= 5:
            nxt = day + dt.timedelta(days=1)
            while nxt.weekday() >= 5 or nxt in out:
                nxt += dt.timedelta(days=1)
            out.add(nxt)
    return frozenset(out)


def is_working_day(day: dt.date) -> bool:
    if day.isoformat() in param("extra_working_days"):
        return True
    if day.weekday() >= 5 or day.isoformat() in param("extra_holidays"):
        return False
    return day not in _statutory(day.year)


def add_working_days(start: dt.date, days: int) -> dt.date:
    """The date `days` working days after `start` (the start day itself is not counted)."""
    day = start
    counted = 0
    while counted < days:
        day += dt.timedelta(days=1)
        if is_working_day(day):
            counted += 1
    return day
