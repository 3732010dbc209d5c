from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tochuc.lib.dates import add_months, age_on, format_date, months_between, parse_date


def test_add_months_clamps_to_the_end_of_the_month():
    assert add_months(dt.date(2017, 1, 31), 1) == dt.date(2017, 2, 28)
    assert add_months(dt.date(2016, 1, 31), 1) == dt.date(2016, 2, 29)
    assert add_months(dt.date(2017, 5, 10), 12) == dt.date(2018, 5, 10)


def test_age_is_counted_in_whole_months():
    birth = dt.date(2000, 3, 15)
    assert age_on(birth, dt.date(2018, 3, 15)) == 18
    assert age_on(birth, dt.date(2018, 3, 14)) == 17
    assert months_between(birth, dt.date(2018, 3, 14)) == 215


def test_a_leap_day_birth_comes_of_age_on_the_28th_in_common_years():
    assert age_on(dt.date(2000, 2, 29), dt.date(2018, 2, 28)) == 18
    assert age_on(dt.date(2000, 2, 29), dt.date(2018, 2, 27)) == 17


@given(st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2100, 1, 1)), st.integers(0, 1200), st.integers(-40, 40))
def test_months_between_agrees_with_add_months(start, months, shift):
    end = add_months(start, months) + dt.timedelta(days=shift)
    n = months_between(start, end)
    if end >= start:
        assert add_months(start, n) <= end
        assert add_months(start, n + 1) > end


def test_parse_accepts_vietnamese_and_iso_dates_and_names_the_bad_value():
    assert parse_date("18/12/2017") == dt.date(2017, 12, 18)
    assert parse_date("2017-12-18") == dt.date(2017, 12, 18)
    with pytest.raises(ValueError, match="Ngày không hợp lệ: '31/02/2017'"):
        parse_date("31/02/2017")
    with pytest.raises(ValueError):
        parse_date("18/12/17")
    assert format_date(dt.date(2017, 12, 18)) == "18/12/2017"
