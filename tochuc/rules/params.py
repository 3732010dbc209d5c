"""Parameters of the rules that a deployment may need to change, and the regulation dates.

Every number that DOMAIN-RULES.md marks uncertain ([U]) lives here so it can be overridden
without touching the rule: set `TOCHUC_RULE_PARAMS = {"badge_hold_months_2021": {...}, ...}` in
the Django settings. Rules read the values through `param()` at call time, so tests can override
them with `settings`.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings

# When each text came into force (DOMAIN-RULES.md §0).
QD29_2016 = dt.date(2016, 7, 25)  # Quy định 29-QĐ/TW, thi hành Điều lệ Đảng
HD01_2016 = dt.date(2016, 9, 20)  # Hướng dẫn 01-HD/TW (2016)
QD24_2021 = dt.date(2021, 7, 30)  # Quy định 24-QĐ/TW, thay QĐ 29
HD01_2021 = dt.date(2021, 9, 28)  # Hướng dẫn 01-HD/TW (2021)
QD132_2018 = dt.date(2018, 3, 8)  # Quy định 132-QĐ/TW, kiểm điểm, đánh giá, xếp loại
QD124_2023 = dt.date(2023, 10, 4)  # Quy định 124-QĐ/TW, thay QĐ 132

DEFAULTS: dict[str, Any] = {
    # Admission age, counted in months (QĐ 29 §1.1, QĐ 24 §1.1.1).
    "admission_min_months": 18 * 12,
    "admission_max_months": 60 * 12,
    # Re-admission waiting time (QĐ 29 / QĐ 24 §3.2): 36 months; 60 months after a less
    # serious conviction was expunged.
    "readmission_wait_months": 36,
    "readmission_wait_months_after_expunged": 60,
    # Probation and the branch's vote (Điều lệ Art. 5; QĐ 29 §4).
    "probation_months": 12,
    "branch_vote_working_days": 30,
    # A discipline ends on its own 12 months after it is announced (QĐ 30-2016 Art. 40,
    # QĐ 69-2022 Art. 2.5); expulsion does not.
    "discipline_validity_months": 12,
    # Party badge held back after discipline, months from the decision (DOMAIN-RULES.md §2).
    # QĐ 29 [S]: warning 6, removal from post 12; reprimand does not block.
    "badge_hold_months_2016": {"warning": 6, "removal_from_post": 12},
    # QĐ 24 [U]: sources conflict, so only warnings; reprimand 6, warning 9, removal 12.
    "badge_hold_months_2021": {"reprimand": 6, "warning": 9, "removal_from_post": 12},
    # Early badge for serious illness: QĐ 29 ≤ 12 months; HD 01-2021 ≤ 12 months for the
    # 30–65-year badges, ≤ 24 months for 70–90.
    "badge_early_months_2016": 12,
    "badge_early_months_2021": {"below_70": 12, "from_70": 24},
    # HTXSNV may not exceed this share of HTTNV in a grassroots organisation (HD 21-2019 §2.3).
    "excellent_cap_percent": 20,
    # Temporary transfer (QĐ 29 §6.3): 3 months to under 1 year; up to 2 years for study.
    "temporary_transfer_min_months": 3,
    "temporary_transfer_max_months": 12,
    "temporary_transfer_max_months_study": 24,
    # The due list follows up temporary transfers whose end date fell within this many days.
    "temporary_return_lookback_days": 365,
    # Extra days off (ISO dates) on top of `tochuc.rules.workdays.PUBLIC_HOLIDAYS`, e.g. days
    # the Government moves each year; and days to treat as working days (make-up Saturdays).
    "extra_holidays": [],
    "extra_working_days": [],
}


def param(name: str) -> Any:
    overrides = getattr(settings, "TOCHUC_RULE_PARAMS", None) or {}
    return overrides.get(name, DEFAULTS[name])
