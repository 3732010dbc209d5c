"""Checks of Vietnamese personal ID numbers (DOMAIN-RULES.md §10).

A 12-digit CCCD carries the birth-registration province (digits 1–3), a century+sex digit (4)
and the last two digits of the birth year (5–6). There is no check digit. Old 9-digit CMND
numbers are accepted with a warning. Mismatches with the recorded birth date or sex are
warnings the clerk must confirm, not errors: DOMAIN-RULES.md §10.1 notes that real records hold
data-entry errors, so a mismatch is flagged rather than blocked.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

# TT 07/2016/TT-BCA, Annex 1: codes of the 63 provinces (001–096 with gaps).
PROVINCE_CODES: frozenset[str] = frozenset(
    f"{n:03d}"
    for n in (
        1, 2, 4, 6, 8, 10, 11, 12, 14, 15, 17, 19, 20, 22, 24, 25, 26, 27, 30, 31, 33, 34, 35,
        36, 37, 38, 40, 42, 44, 45, 46, 48, 49, 51, 52, 54, 56, 58, 60, 62, 64, 66, 67, 68, 70,
        72, 74, 75, 77, 79, 80, 82, 83, 84, 86, 87, 89, 91, 92, 93, 94, 95, 96,
    )
)

ERR_FORMAT = "Số CCCD phải gồm đúng 12 chữ số (hoặc 9 chữ số với CMND cũ), nhận được {value!r}"
ERR_PROVINCE = "Ba chữ số đầu của CCCD ({code}) không phải mã tỉnh, thành phố hợp lệ"
ERR_CENTURY = (
    "Chữ số thứ 4 của CCCD ({digit}) không khớp với giới tính và thế kỷ sinh "
    "(cần {expected} cho {sex_label} sinh năm {year})"
)
ERR_YEAR = "Chữ số thứ 5–6 của CCCD ({digits}) không khớp với năm sinh {year}"
WARN_OLD_CMND = "Số CMND 9 chữ số cũ: được chấp nhận, nên cập nhật số CCCD 12 chữ số"


@dataclass(frozen=True)
class IdFinding:
    level: str  # "error" | "warning"
    message: str


def century_sex_digit(year: int, sex: str) -> int:
    return 2 * ((year - 1900) // 100) + (1 if sex == "female" else 0)


def check_national_id(value: str, *, birth_date: dt.date | None, sex: str | None) -> list[IdFinding]:
    """Return the findings for one ID number; an empty list means it is consistent."""
    value = value.strip()
    if not value.isdigit() or len(value) not in (9, 12):
        return [IdFinding("error", ERR_FORMAT.format(value=value))]
    if len(value) == 9:
        return [IdFinding("warning", WARN_OLD_CMND)]
    findings: list[IdFinding] = []
    if value[:3] not in PROVINCE_CODES:
        findings.append(IdFinding("error", ERR_PROVINCE.format(code=value[:3])))
    if birth_date is not None and sex in ("male", "female"):
        expected = century_sex_digit(birth_date.year, sex)
        if int(value[3]) != expected:
            findings.append(
                IdFinding(
                    "warning",
                    ERR_CENTURY.format(
                        digit=value[3],
                        expected=expected,
                        sex_label="nữ" if sex == "female" else "nam",
                        year=birth_date.year,
                    ),
                )
            )
        if value[4:6] != f"{birth_date.year % 100:02d}":
            findings.append(IdFinding("warning", ERR_YEAR.format(digits=value[4:6], year=birth_date.year)))
    return findings


def mask(value: str) -> str:
    """`092153069812` -> `0**********2`: lists never show a full ID (SECURITY.md E7)."""
    if len(value) <= 2:
        return "*" * len(value)
    return value[0] + "*" * (len(value) - 2) + value[-1]
