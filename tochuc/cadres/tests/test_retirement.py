"""The retirement-age roadmap by birth month (BLLĐ 2019 + NĐ 135/2020), at its boundaries."""

from __future__ import annotations

import datetime as dt

import pytest

from tochuc.cadres.retirement import age_in_year, retirement, retirement_before_roadmap


@pytest.mark.parametrize(
    ("birth", "age_label", "retires_on"),
    [
        (dt.date(1960, 12, 31), "60 tuổi", dt.date(2020, 12, 31)),
        (dt.date(1961, 1, 1), "60 tuổi 3 tháng", dt.date(2021, 4, 30)),
        (dt.date(1961, 9, 30), "60 tuổi 3 tháng", dt.date(2021, 12, 31)),
        (dt.date(1961, 10, 1), "60 tuổi 6 tháng", dt.date(2022, 4, 30)),
        (dt.date(1962, 6, 15), "60 tuổi 6 tháng", dt.date(2022, 12, 31)),
        (dt.date(1962, 7, 1), "60 tuổi 9 tháng", dt.date(2023, 4, 30)),
        (dt.date(1963, 4, 1), "61 tuổi", dt.date(2024, 4, 30)),
        (dt.date(1966, 3, 31), "61 tuổi 9 tháng", dt.date(2027, 12, 31)),
        (dt.date(1966, 4, 1), "62 tuổi", dt.date(2028, 4, 30)),
        (dt.date(1980, 2, 29), "62 tuổi", dt.date(2042, 2, 28)),
    ],
)
def test_a_man_retires_at_the_age_of_the_year_he_reaches_it(birth, age_label, retires_on):
    r = retirement(birth, "male")
    assert (r.age_label, r.on) == (age_label, retires_on)


@pytest.mark.parametrize(
    ("birth", "age_label", "retires_on"),
    [
        (dt.date(1965, 12, 31), "55 tuổi", dt.date(2020, 12, 31)),
        (dt.date(1966, 1, 1), "55 tuổi 4 tháng", dt.date(2021, 5, 31)),
        (dt.date(1966, 8, 31), "55 tuổi 4 tháng", dt.date(2021, 12, 31)),
        (dt.date(1966, 9, 1), "55 tuổi 8 tháng", dt.date(2022, 5, 31)),
        (dt.date(1967, 5, 1), "56 tuổi", dt.date(2023, 5, 31)),
        (dt.date(1975, 4, 20), "59 tuổi 8 tháng", dt.date(2034, 12, 31)),
        (dt.date(1975, 5, 1), "60 tuổi", dt.date(2035, 5, 31)),
        (dt.date(1990, 3, 15), "60 tuổi", dt.date(2050, 3, 31)),
    ],
)
def test_a_woman_retires_at_the_age_of_the_year_she_reaches_it(birth, age_label, retires_on):
    r = retirement(birth, "female")
    assert (r.age_label, r.on) == (age_label, retires_on)


def test_the_roadmap_ages_by_year():
    assert [age_in_year("male", y) for y in (2020, 2021, 2024, 2028, 2040)] == [720, 723, 732, 744, 744]
    assert [age_in_year("female", y) for y in (2020, 2021, 2023, 2035, 2040)] == [660, 664, 672, 720, 720]


def test_before_the_roadmap_men_retire_at_60_and_women_at_55():
    assert retirement_before_roadmap(dt.date(1965, 7, 15), "male").on == dt.date(2025, 7, 31)
    assert retirement_before_roadmap(dt.date(1965, 7, 15), "female").on == dt.date(2020, 7, 31)
