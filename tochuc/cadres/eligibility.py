"""What makes a cadre eligible on a date, computed from their events (pure, no database).

Used by the rules in `tochuc/rules/cadres.py` when a decision or a planning entry is recorded, and
by the yearly planning review, so both judge a person the same way.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from tochuc.cadres.retirement import Retirement, retirement, retirement_before_roadmap
from tochuc.events.fold import EventData
from tochuc.lib.dates import add_months, add_years, format_date, months_between
from tochuc.lib.vntext import fold

TERM_YEARS = 5  # QĐ 105-2017 / QĐ 80-2022: one appointment term

# Kết luận 08-KL/TW (15/6/2021): from 1/8/2021 the years left are counted to the retirement age of
# the BLLĐ 2019 roadmap; decisions before that date counted to 60 / 55.
ROADMAP_COUNTS_FROM = dt.date(2021, 8, 1)

QD105_FROM = dt.date(2017, 12, 19)
QD80_FROM = dt.date(2022, 8, 18)
SOURCE_QD105 = "Quy định 105-QĐ/TW (19/12/2017)"
SOURCE_QD80 = "Quy định 80-QĐ/TW (18/8/2022)"

QD377_FROM = dt.date(2025, 10, 8)
SOURCE_QD377 = "Quy định 377-QĐ/TW (08/10/2025)"

# Months during which discipline blocks planning and appointment (DOMAIN-RULES.md §4.2) [S].
BLOCK_MONTHS_QD105 = {"reprimand": 12, "warning": 12, "removal_from_post": 12}
BLOCK_MONTHS_QD80 = {"reprimand": 12, "warning": 30, "removal_from_post": 60}
# QĐ 377-QĐ/TW (signed and in force 8/10/2025, replacing QĐ 80 and QĐ 50): a disciplined cadre may
# be considered for a higher post after 24 months (khiển trách), 36 months (cảnh cáo) or 60 months
# (cách chức). [S] as reported by the press on 17/10/2025 (dantri.com.vn "Cán bộ bị cách chức sau
# 5 năm có thể được bổ nhiệm giữ chức vụ cao hơn"; vietnam.vn); the text itself was not read, and
# for planning the press only says "after the discipline period": the rules apply these periods
# as warnings (confirmable), not errors, until they are checked against the text.
BLOCK_MONTHS_QD377 = {"reprimand": 24, "warning": 36, "removal_from_post": 60}
DISCIPLINE_LABELS = {"reprimand": "khiển trách", "warning": "cảnh cáo", "removal_from_post": "cách chức"}


@dataclass(frozen=True)
class DisciplineBlock:
    event_id: int
    subtype: str
    disciplined_on: dt.date
    months: int
    until: dt.date  # first day on which the block no longer applies
    source: str

    @property
    def label(self) -> str:
        return DISCIPLINE_LABELS.get(self.subtype, self.subtype)


def discipline_regulation(on: dt.date) -> tuple[dict[str, int], str]:
    """The block periods in force on the date of the decision, and the regulation."""
    if on >= QD377_FROM:
        return BLOCK_MONTHS_QD377, SOURCE_QD377
    if on >= QD80_FROM:
        return BLOCK_MONTHS_QD80, SOURCE_QD80
    return BLOCK_MONTHS_QD105, SOURCE_QD105


def discipline_block(history: Iterable[EventData], on: dt.date) -> DisciplineBlock | None:
    """The discipline that still blocks planning or appointment on `on`, the one ending last."""
    months_by_kind, source = discipline_regulation(on)
    found: DisciplineBlock | None = None
    for ev in history:
        if ev.kind != "discipline" or ev.subtype not in months_by_kind or ev.effective_on > on:
            continue
        months = months_by_kind[ev.subtype]
        until = add_months(ev.effective_on, months)
        if on < until and (found is None or until > found.until):
            found = DisciplineBlock(ev.id, ev.subtype, ev.effective_on, months, until, source)
    return found


@dataclass(frozen=True)
class TermCheck:
    retirement: Retirement
    remaining_months: int
    counted_by_roadmap: bool

    @property
    def full_term(self) -> bool:
        return self.remaining_months >= TERM_YEARS * 12

    @property
    def remaining_label(self) -> str:
        years, months = divmod(max(self.remaining_months, 0), 12)
        return f"{years} năm {months} tháng"

    @property
    def source(self) -> str:
        if self.counted_by_roadmap:
            return "Kết luận 08-KL/TW (15/6/2021); Bộ luật Lao động 2019, Nghị định 135/2020/NĐ-CP"
        return "Bộ luật Lao động 2012 (nam 60, nữ 55 tuổi)"


def term_check(birth_date: dt.date, sex: str, on: dt.date, *, decided_on: dt.date | None = None) -> TermCheck:
    """Months of service left on `on` until retirement; the roadmap counts from 1/8/2021."""
    by_roadmap = (decided_on or on) >= ROADMAP_COUNTS_FROM
    ret = retirement(birth_date, sex) if by_roadmap else retirement_before_roadmap(birth_date, sex)
    # Retirement takes effect after the last day of the month: service runs to the next day.
    remaining = months_between(on, ret.on + dt.timedelta(days=1))
    return TermCheck(ret, remaining, by_roadmap)


def term_end(on: dt.date) -> dt.date:
    return add_years(on, TERM_YEARS)


def position_key(position: str, unit_id: int | None) -> tuple[str, int | None]:
    """Posts are matched by name within a unit (the catalogue keeps names unique per unit)."""
    return (fold(position).strip(), unit_id)


@dataclass(frozen=True)
class PlanningEvent:
    """The part of a planning event the list needs (EventData does not carry the term)."""

    id: int
    subtype: str  # add | remove
    person_id: int
    position: str
    unit_id: int | None
    term: str
    effective_on: dt.date


@dataclass(frozen=True)
class PlanningEntry:
    person_id: int
    position: str
    unit_id: int | None
    term: str
    added_on: dt.date
    event_id: int


def planning_entries(events: Iterable[PlanningEvent], on: dt.date) -> list[PlanningEntry]:
    """The entries standing on `on`: added for a post and a term, and not removed since."""
    current: dict[tuple, PlanningEntry] = {}
    for ev in sorted(events, key=lambda e: (e.effective_on, e.id)):
        if ev.effective_on > on:
            continue
        key = (ev.person_id, *position_key(ev.position, ev.unit_id), ev.term)
        if ev.subtype == "add":
            current.setdefault(key, PlanningEntry(ev.person_id, ev.position, ev.unit_id, ev.term, ev.effective_on, ev.id))
        elif ev.subtype == "remove":
            current.pop(key, None)
    return sorted(current.values(), key=lambda e: (e.added_on, e.event_id))


def fmt(day: dt.date | None) -> str:
    return format_date(day)
