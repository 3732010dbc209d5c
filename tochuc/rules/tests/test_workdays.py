from __future__ import annotations

import datetime as dt

from django.test import override_settings

from tochuc.rules.workdays import add_working_days, is_working_day


def test_weekends_and_holidays_are_not_working_days_and_a_weekend_holiday_gives_the_next_day_off():
    # 30/4/2016 and 1/5/2016 fell on Saturday and Sunday: 2/5 and 3/5 were days off
    assert [is_working_day(dt.date(2016, 5, d)) for d in (2, 3, 4)] == [False, False, True]


def test_30_working_days_after_a_date():
    assert add_working_days(dt.date(2016, 5, 10), 30) == dt.date(2016, 6, 21)


def test_tet_is_five_days_off():
    # Tết Đinh Dậu: 28/01/2017 (Saturday); 27/01 to 31/01 off, 28-29/01 compensated on 1-2/02
    assert add_working_days(dt.date(2017, 1, 20), 5) == dt.date(2017, 2, 3)


def test_the_holiday_list_is_configurable():
    with override_settings(TOCHUC_RULE_PARAMS={"extra_holidays": ["2016-05-04"], "extra_working_days": ["2016-05-07"]}):
        assert not is_working_day(dt.date(2016, 5, 4))
        assert is_working_day(dt.date(2016, 5, 7))
