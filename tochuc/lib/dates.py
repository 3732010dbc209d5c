"""Date arithmetic in months and Vietnamese formatting."""

from __future__ import annotations

import calendar
import datetime as dt


def add_months(day: dt.date, months: int) -> dt.date:
    """Same day-of-month `months` later, clamped to the month's end (31/1 + 1 -> 28/2 or 29/2)."""
    index = day.year * 12 + (day.month - 1) + months
    year, month = divmod(index, 12)
    month += 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def add_years(day: dt.date, years: int) -> dt.date:
    return add_months(day, 12 * years)


def months_between(start: dt.date, end: dt.date) -> int:
    """Whole months from `start` to `end`, consistent with `add_months`:
    `months_between(a, b) >= n` exactly when `add_months(a, n) <= b`."""
    months = (end.year - start.year) * 12 + (end.month - start.month)
    if months > 0 and add_months(start, months) > end:
        months -= 1
    elif months < 0 and add_months(start, months) < end:
        months += 1
    return months


def age_on(birth: dt.date, on: dt.date) -> int:
    """Full years of age on a date."""
    return months_between(birth, on) // 12


def format_date(day: dt.date | None) -> str:
    """18/12/2017"""
    return "" if day is None else day.strftime("%d/%m/%Y")


def parse_date(value: str) -> dt.date:
    """Accept `dd/mm/yyyy` or ISO `yyyy-mm-dd`; raise ValueError with a Vietnamese message."""
    text = value.strip()
    try:
        if "/" in text:
            d, m, y = text.split("/")
            if len(y) != 4:
                raise ValueError
            return dt.date(int(y), int(m), int(d))
        return dt.date.fromisoformat(text)
    except ValueError:
        raise ValueError(f"Ngày không hợp lệ: {value!r} (dùng dd/mm/yyyy hoặc yyyy-mm-dd)") from None
