from __future__ import annotations

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from tochuc.lib.cccd import ERR_FORMAT, PROVINCE_CODES, WARN_OLD_CMND, century_sex_digit, check_national_id, mask


def test_a_consistent_cccd_has_no_findings():
    # Cần Thơ (092), male born 1953 -> digit 0, year 53
    assert check_national_id("092053069812", birth_date=dt.date(1953, 4, 2), sex="male") == []


def test_century_and_sex_digits_follow_tt_07_2016():
    assert century_sex_digit(1999, "male") == 0
    assert century_sex_digit(1999, "female") == 1
    assert century_sex_digit(2000, "male") == 2
    assert century_sex_digit(2000, "female") == 3
    assert century_sex_digit(2100, "female") == 5


def test_it_refuses_a_wrong_length_or_letters():
    for value in ("09205306981", "0920530698123", "09205306981A"):
        [finding] = check_national_id(value, birth_date=None, sex=None)
        assert finding.level == "error"
        assert finding.message == ERR_FORMAT.format(value=value)


def test_it_refuses_an_unknown_province_code():
    [finding] = check_national_id("097053069812", birth_date=None, sex=None)
    assert (finding.level, finding.message) == ("error", "Ba chữ số đầu của CCCD (097) không phải mã tỉnh, thành phố hợp lệ")


def test_a_sex_or_year_mismatch_is_a_warning_to_confirm():
    findings = check_national_id("092153069812", birth_date=dt.date(1953, 4, 2), sex="male")
    assert [(f.level, f.message) for f in findings] == [
        ("warning", "Chữ số thứ 4 của CCCD (1) không khớp với giới tính và thế kỷ sinh (cần 0 cho nam sinh năm 1953)")
    ]
    findings = check_national_id("092054069812", birth_date=dt.date(1953, 4, 2), sex="male")
    assert [f.message for f in findings] == ["Chữ số thứ 5–6 của CCCD (54) không khớp với năm sinh 1953"]


def test_old_nine_digit_ids_are_accepted_with_a_warning():
    assert [(f.level, f.message) for f in check_national_id("361234567", birth_date=None, sex=None)] == [("warning", WARN_OLD_CMND)]


@given(
    province=st.sampled_from(sorted(PROVINCE_CODES)),
    birth=st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2099, 12, 31)),
    sex=st.sampled_from(["male", "female"]),
    tail=st.integers(min_value=0, max_value=999999),
)
def test_every_well_formed_cccd_is_consistent_with_its_own_birth_and_sex(province, birth, sex, tail):
    value = f"{province}{century_sex_digit(birth.year, sex)}{birth.year % 100:02d}{tail:06d}"
    assert check_national_id(value, birth_date=birth, sex=sex) == []


def test_mask_keeps_only_the_first_and_last_digit():
    assert mask("092153069812") == "0**********2"
