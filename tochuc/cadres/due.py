"""What falls due in cadre work, for the due list (`tochuc.events.due`, `tochuc due`, the page
"Việc cần làm"): reappointments, retirements of post holders, and the planning review.

- reappointment: a post held whose 5-year term ends; from QĐ 377-QĐ/TW (8/10/2025) the
  competent level is notified at least 90 working days before the term ends, so the line is due
  by that day (earlier terms: by the end of the term). Terms that ended in the last year with the
  post still held are overdue.
- retirement: a post holder reaching the retirement age of the statutory roadmap (by birth month
  and sex, `cadres.retirement`) within the window, or in the last year while still holding a post.
- planning_review: people in a standing planning list (terms not yet over) whom the yearly review
  must take off the list: disciplined since they were added, or no longer young enough for a
  full term (QĐ 50-QĐ/TW 2021, `cadres.planning.removal_proposals`).

Everything is loaded with a few set-based queries. As in `events.due`, the queries name the
people when they are few and otherwise read every open holding or planning event and keep the
people in scope in Python: joined to a city's people, SQLite planned them far slower (city demo:
4.9 s against 0.3 s for the planning lists).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from dataclasses import dataclass

from django.db.models import Q

from tochuc.cadres import eligibility as el
from tochuc.cadres.models import PlanningPeriod
from tochuc.cadres.planning import PlanningRow, is_minority, removal_proposals
from tochuc.cadres.selectors import load_planning_events
from tochuc.events.models import PositionHolding
from tochuc.lib.dates import age_on, format_date
from tochuc.people.models import Person
from tochuc.rules.workdays import is_working_day

SMALL_SCOPE = 5000  # people; below this the queries name them
LOOKBACK_DAYS = 365  # how long an ended term or a passed retirement stays on the list
QD377_FROM = dt.date(2025, 10, 8)
REAPPOINTMENT_NOTICE_WORKING_DAYS = 90
SOURCE_QD377 = "Quy định 377-QĐ/TW (08/10/2025)"

MSG_REAPPOINT = "{post}: hết nhiệm kỳ bổ nhiệm ngày {end}; xem xét bổ nhiệm lại hoặc kéo dài thời gian giữ chức vụ"
MSG_REAPPOINT_NOTICE = " (báo cáo cấp có thẩm quyền trước {days} ngày làm việc, {source})"
MSG_RETIRE = "{post}: đến tuổi nghỉ hưu ({age}) ngày {day}; chuẩn bị quyết định nghỉ hưu và nhân sự thay thế"
MSG_RETIRE_PASSED = "{post}: đã đến tuổi nghỉ hưu ({age}) ngày {day}, vẫn đang giữ chức vụ"


@dataclass(frozen=True)
class CadreDue:
    category: str  # reappointment | retirement | planning_review
    person_id: int
    unit_id: int | None  # the unit of the post
    on: dt.date  # the date the line is about
    deadline: dt.date | None
    text: str
    overdue: bool
    position: str = ""


def working_days_before(day: dt.date, days: int) -> dt.date:
    """The date `days` working days before `day` (the day itself is not counted)."""
    counted = 0
    while counted < days:
        day -= dt.timedelta(days=1)
        if is_working_day(day):
            counted += 1
    return day


def reappointment_deadline(term_ends_on: dt.date) -> dt.date | None:
    """The day by which reappointment must be put to the competent level, where a rule says so."""
    notice = working_days_before(term_ends_on, REAPPOINTMENT_NOTICE_WORKING_DAYS)
    return notice if notice >= QD377_FROM else None


def _holdings(people: Collection[int], on: dt.date) -> list[PositionHolding]:
    qs = PositionHolding.objects.filter(valid_from__lte=on).filter(Q(valid_to__isnull=True) | Q(valid_to__gt=on))
    if len(people) <= SMALL_SCOPE:
        qs = qs.filter(person_id__in=list(people))
    rows = qs.select_related("person").order_by("person_id", "valid_from", "id")
    return [h for h in rows if h.person_id in people]


def cadre_due_lines(*, people: Collection[int], on: dt.date, days: int) -> list[CadreDue]:
    """The cadre lines for these people (their ids: a set or dict keys) on `on`, `days` ahead."""
    people = people if isinstance(people, set | frozenset) else set(people)
    horizon = on + dt.timedelta(days=days)
    since = on - dt.timedelta(days=LOOKBACK_DAYS)
    out: list[CadreDue] = []
    retiring_seen: set[int] = set()
    for h in _holdings(people, on):
        if h.term_ends_on is not None and h.term_ends_on >= since:
            deadline = reappointment_deadline(h.term_ends_on)
            if (deadline or h.term_ends_on) <= horizon:
                text = MSG_REAPPOINT.format(post=h.position, end=format_date(h.term_ends_on))
                if deadline is not None:
                    text += MSG_REAPPOINT_NOTICE.format(days=REAPPOINTMENT_NOTICE_WORKING_DAYS, source=SOURCE_QD377)
                out.append(CadreDue("reappointment", h.person_id, h.unit_id, h.term_ends_on, deadline or h.term_ends_on, text,
                                    on > (deadline or h.term_ends_on), h.position))
        if h.person_id in retiring_seen:
            continue
        ret = el.term_check(h.person.birth_date, h.person.sex, on).retirement
        if since <= ret.on <= horizon:
            retiring_seen.add(h.person_id)
            msg = MSG_RETIRE if ret.on >= on else MSG_RETIRE_PASSED
            out.append(CadreDue("retirement", h.person_id, h.unit_id, ret.on, ret.on,
                                msg.format(post=h.position, age=ret.age_label, day=format_date(ret.on)), ret.on < on, h.position))
    out += _planning_review(people, on)
    return out


def _planning_review(people: set[int], on: dt.date) -> list[CadreDue]:
    periods = list(PlanningPeriod.objects.filter(ends_on__gte=on).order_by("starts_on"))
    if not periods:
        return []
    named = people if len(people) <= SMALL_SCOPE else None
    codes = {p.code for p in periods}
    events = [e for e in load_planning_events(person_ids=named) if e.term in codes and e.person_id in people]
    entries = el.planning_entries(events, on)
    persons = {p.pk: p for p in Person.objects.filter(pk__in={e.person_id for e in entries})}
    out = []
    for period in periods:
        rows = []
        for e in entries:
            if e.term != period.code:
                continue
            p = persons[e.person_id]
            age = age_on(p.birth_date, period.starts_on)
            rows.append(PlanningRow(p, e.position, "", e.unit_id, e.added_on, age, age < period.young_max_age, is_minority(p)))
        for proposal in removal_proposals(period=period, on=on, rows=rows):
            r = proposal.row
            text = f"Quy hoạch {r.post} nhiệm kỳ {period.code.replace('-', '–')}: {proposal.reason[:1].lower()}{proposal.reason[1:]}"
            out.append(CadreDue("planning_review", r.person.pk, r.unit_id, proposal.on or on, None, text, False, r.post))
    return out
