"""What falls due ("Việc cần làm"): the one selector behind the web page, its XLSX export and
`tochuc due`.

Lines, for the people whose record is kept in the given units:
- probation: probationary members whose 12 months end within the window (or have ended in the
  last year and are not yet recognised), with the deadline of the branch's vote;
- badge: Party badges whose milestone falls between a year ago and the next award occasion
  (3/2, 19/5, 2/9, 7/11) and that were not yet given;
- evaluation: members on 31/12 of last year, not exempt, with no rating for that year;
- temporary_return: temporary transfers whose end date fell in the last 12 months (or falls
  within the window) with no later transfer recorded (the return is a temporary transfer back,
  `details.return_of`);
- transfer_pending: official transfers out of the system marked `details.pending` whose
  receipt is not yet confirmed (`rules.TransferReceipt`), with the 30-working-day deadline for
  presenting the papers. Transfers inside the system move the member on the effective date, so
  they are never pending;
- discipline_ends: disciplines whose 12 months end within the window;
- reappointment, retirement, planning_review: cadre work (`tochuc.cadres.due`): terms of
  appointment ending (by the notice day QĐ 377 sets), post holders reaching retirement age, and
  people the yearly planning review must take off the list.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Q, QuerySet

from tochuc.accounts import scoping
from tochuc.accounts.scoping import Scope
from tochuc.core.db import IdList, unindexed
from tochuc.events.kinds import Status
from tochuc.events.models import Membership, PersonState
from tochuc.events.projections import live_events, load_mergers, load_person_events
from tochuc.lib.dates import add_months, add_years, format_date
from tochuc.rules.derived import (
    badge_years,
    milestones_on,
    next_award_occasion,
    person_facts,
    probation_end,
    vote_deadline,
)
from tochuc.rules.params import param
from tochuc.rules.workdays import add_working_days
from tochuc.units.models import Unit
from tochuc.units.selectors import subtree_unit_ids, valid_on

DEFAULT_DAYS = 30
SMALL_SCOPE = 5000  # people; below this the event queries name them (one indexed lookup each)
ARRIVAL_WORKING_DAYS = 30  # QĐ 29 §6.3.1: present the papers within 30 working days

CATEGORIES = {
    "probation": "Hết thời gian dự bị",
    "badge": "Xét tặng Huy hiệu Đảng",
    "evaluation": "Chưa đánh giá, xếp loại năm trước",
    "temporary_return": "Sinh hoạt tạm thời quá hạn trở về",
    "transfer_pending": "Chuyển sinh hoạt chưa được nơi đến nhận",
    "discipline_ends": "Kỷ luật sắp hết hiệu lực",
    "reappointment": "Cán bộ hết nhiệm kỳ bổ nhiệm",
    "retirement": "Cán bộ giữ chức vụ đến tuổi nghỉ hưu",
    "planning_review": "Rà soát quy hoạch: đề xuất đưa ra khỏi quy hoạch",
}
DISCIPLINE_LABELS = {"reprimand": "khiển trách", "warning": "cảnh cáo", "removal_from_post": "cách chức"}


@dataclass(frozen=True)
class DueLine:
    category: str
    person_id: int
    person_code: str
    person_name: str
    unit_id: int | None
    unit_name: str
    unit_code: str
    on: dt.date  # the date the line is about (end of probation, milestone, end date…)
    deadline: dt.date | None  # what must be done by (vote, award occasion, arrival)
    text: str
    action: str  # form key (events.forms.FORMS), "evaluate", "receipt" or "" (person page)
    prefill: dict = field(default_factory=dict)
    event_id: int | None = None
    overdue: bool = False

    @property
    def category_label(self) -> str:
        return CATEGORIES[self.category]


def due_for_scope(*, scope: Scope, on: dt.date, days: int = DEFAULT_DAYS) -> list[DueLine]:
    return due_lines(unit_ids=scoping.unit_ids(scope, on=on), on=on, days=days)


def due_for_unit(*, unit: Unit, on: dt.date, days: int = DEFAULT_DAYS) -> list[DueLine]:
    return due_lines(unit_ids=subtree_unit_ids(unit, on=on), on=on, days=days)


def due_lines(*, unit_ids: QuerySet, on: dt.date, days: int = DEFAULT_DAYS) -> list[DueLine]:
    horizon = on + dt.timedelta(days=days)
    people = _InScope(PersonState.objects.filter(unit_id__in=unit_ids))
    names = _UnitNames(on)
    lines: list[DueLine] = []
    lines += _probation(people, on, horizon, names)
    lines += _badges(people, on, names)
    lines += _evaluations(people, on, names)
    lines += _temporary_returns(people, on, horizon, names)
    lines += _pending_transfers(people, on, names)
    lines += _disciplines(people, on, horizon, names)
    lines += _cadres(people, on, days, names)
    order = list(CATEGORIES)
    lines.sort(key=lambda ln: (order.index(ln.category), ln.on, ln.person_name, ln.person_id))
    return lines


class _InScope:
    """The people whose record is kept in the units, with their current status.

    The event queries below filter by kind and date only, and meet the scope here, in Python:
    joined to the scope's people, SQLite planned them far slower (city demo: 0.8 s against
    0.01 s for the re-admissions)."""

    def __init__(self, states: QuerySet):
        self.states = states
        self.status: dict[int, str] = dict(states.values_list("person_id", "status"))
        self._info: dict[int, tuple[str, str, int | None]] = {}

    def __contains__(self, pid: object) -> bool:
        return pid in self.status

    def narrow(self, events: QuerySet) -> QuerySet:
        """Events of these people: by id when the scope is small, else every event of the kind
        (the callers keep only people in scope)."""
        if len(self.status) <= SMALL_SCOPE:
            return events.filter(person_id__in=list(self.status))
        return events

    def info(self, pids: Iterable[int]) -> dict[int, tuple[str, str, int | None]]:
        """(code, name, unit of the record) for these people."""
        wanted = [p for p in set(pids) if p not in self._info]
        if wanted:
            rows = PersonState.objects.filter(person_id__in=IdList(wanted)).values_list(
                "person_id", "person__code", "person__full_name", "unit_id"
            )
            self._info.update({pid: (code, name, unit_id) for pid, code, name, unit_id in rows})
        return self._info


class _UnitNames:
    def __init__(self, on: dt.date):
        self.on = on
        self.cache: dict[int, str] = {}
        self.codes: dict[int, str] = {}

    def load(self, ids: Iterable[int | None]) -> None:
        from tochuc.units.models import UnitVersion

        wanted = {i for i in ids if i is not None and i not in self.cache}
        if not wanted:
            return
        self.codes.update(Unit.objects.filter(pk__in=wanted).values_list("pk", "code"))
        for unit_id, name in UnitVersion.objects.filter(valid_on(self.on), unit_id__in=wanted).values_list("unit_id", "name"):
            self.cache[unit_id] = name
        for unit_id, name in UnitVersion.objects.filter(unit_id__in=wanted - set(self.cache)).order_by("valid_from").values_list("unit_id", "name"):
            self.cache[unit_id] = name  # a unit gone today: its last name

    def __call__(self, unit_id: int | None) -> str:
        if unit_id is None:
            return ""
        self.load([unit_id])
        return self.cache.get(unit_id, "")


def _line(category: str, pid: int, person: tuple[str, str, int | None], names: _UnitNames, **kw) -> DueLine:
    code, name, unit_id = person
    unit_id = kw.pop("unit_id", unit_id)
    return DueLine(category=category, person_id=pid, person_code=code, person_name=name, unit_id=unit_id, unit_name=names(unit_id),
                   unit_code=names.codes.get(unit_id, "") if unit_id else "", **kw)


def _probation(people: _InScope, on, horizon, names) -> list[DueLine]:
    probationary = {pid for pid, st in people.status.items() if st == Status.PROBATIONARY}
    starts: dict[int, dt.date] = {}
    admissions = people.narrow(live_events().filter(kind__in=("admission", "readmission"), effective_on__gt=add_months(horizon, -24)))
    for pid, day in admissions.values_list("person_id", "effective_on"):
        if pid in probationary and (pid not in starts or day > starts[pid]):
            starts[pid] = day
    due = {pid: start for pid, start in starts.items() if probation_end(start) <= horizon}
    info = people.info(due)
    names.load(info[p][2] for p in due)
    out = []
    for pid, start in due.items():
        end = probation_end(start)
        deadline = vote_deadline(end)
        text = f"Kết nạp ngày {format_date(start)}, hết 12 tháng dự bị ngày {format_date(end)}; chi bộ xét công nhận chính thức trước ngày {format_date(deadline)}"
        out.append(_line("probation", pid, info[pid], names, on=end, deadline=deadline, text=text, action="recognition",
                         prefill={"effective_on": format_date(end)}, overdue=on > deadline))
    return out


def _to_outside(transfers: QuerySet) -> QuerySet:
    """Transfers from a unit to outside the system. Most events have no `to_unit`: an index on
    it would lead SQLite through nearly the whole log (0.27 s and 0.53 s on the demo city), so
    the column is hidden and the (kind, subtype, date) index leads."""
    return transfers.filter(unit__isnull=False).alias(dest=unindexed("to_unit_id")).filter(dest__isnull=True)


def _badge_candidates(people: _InScope, on: dt.date, occasion: dt.date) -> list[int]:
    """People who may reach a milestone between a year ago and the occasion and do not hold that
    badge yet: by their first admission alone, or any member with a gap in their membership
    (re-admitted, or out of the system and back), whose due dates move later by the gap.

    Only the admission windows' people and those with gaps are read (a few thousand of a city's
    60 000 members), and their badges by id: reading every member and every badge given took
    1.2 s of the city's list."""
    since = on - dt.timedelta(days=365)
    # Admission dates whose milestone falls in (since, occasion], a day wider on each side for
    # 29 February; the exact test follows.
    windows = [
        (years, add_years(since, -years) - dt.timedelta(days=1), add_years(occasion, -years) + dt.timedelta(days=1))
        for years in milestones_on(occasion)
    ]
    readmitted = set(people.narrow(live_events().filter(kind="readmission")).values_list("person_id", flat=True))
    official = people.narrow(live_events().filter(kind="transfer", subtype="official", person__isnull=False))
    went_out = set(_to_outside(official).values_list("person_id", flat=True))
    came_in = set(official.filter(unit__isnull=True, to_unit__isnull=False).values_list("person_id", flat=True))
    gaps = {p for p in readmitted | (went_out & came_in) if p in people}
    wanted = Q(person_id__in=IdList(gaps))
    for _years, low, high in windows:
        wanted |= Q(first_admitted_on__gte=low, first_admitted_on__lte=high)
    first = dict(
        people.states.filter(status__in=(Status.FULL, Status.EXEMPT), first_admitted_on__isnull=False)
        .filter(wanted)
        .values_list("person_id", "first_admitted_on")
    )
    if not first:
        return []
    with_gaps = gaps & first.keys()
    awarded: dict[int, int] = {}
    badges = live_events().filter(kind="award", subtype__startswith="badge_", person_id__in=IdList(first))
    for pid, subtype in badges.values_list("person_id", "subtype"):
        years = badge_years(subtype)
        if years:
            awarded[pid] = max(awarded.get(pid, 0), years)
    out = set(with_gaps)
    for pid, admitted in first.items():
        for years, low, high in windows:
            if low <= admitted <= high and since < add_years(admitted, years) <= occasion:
                if awarded.get(pid, 0) < years:
                    out.add(pid)
                break
    return sorted(out)


def _badges(people: _InScope, on, names) -> list[DueLine]:
    occasion = next_award_occasion(on)
    candidates = _badge_candidates(people, on, occasion)
    if not candidates:
        return []
    info = people.info(candidates)
    names.load(info[p][2] for p in candidates if p in info)
    mergers = load_mergers()
    out = []
    for chunk in _chunks(candidates, 2000):
        events = load_person_events(chunk)
        for pid in chunk:
            facts = person_facts(events.get(pid, []), on=on, mergers=mergers)
            badge = facts.next_badge
            if badge is None or badge.due_on > occasion or badge.due_on <= on - dt.timedelta(days=365):
                continue
            award_on = max(badge.award_on, occasion)
            text = f"Đủ {badge.years} năm tuổi Đảng ngày {format_date(badge.due_on)}; xét tặng vào dịp {format_date(award_on)}"
            if badge.held_until:
                text += f" (kỷ luật: chưa xét trước ngày {format_date(badge.held_until)})"
            out.append(_line("badge", pid, info[pid], names, on=badge.due_on, deadline=award_on, text=text, action="award",
                             prefill={"subtype": f"badge_{badge.years}", "effective_on": format_date(award_on)}))
    return out


def _evaluations(people: _InScope, on, names) -> list[DueLine]:
    year = on.year - 1
    dec31 = dt.date(year, 12, 31)
    rated = set(people.narrow(live_events().filter(kind="evaluation", year=year, person__isnull=False)).values_list("person_id", flat=True))
    members = [
        (pid, unit_id)
        for pid, unit_id in people.narrow(Membership.objects.filter(valid_on(dec31), status__in=(Status.PROBATIONARY, Status.FULL))).values_list("person_id", "unit_id")
        if pid in people and pid not in rated
    ]
    info = people.info(p for p, _ in members)
    names_then = _UnitNames(dec31)
    names_then.load(u for _, u in members)
    out = []
    for pid, unit_id in members:
        code, name, _ = info[pid]
        out.append(_line("evaluation", pid, (code, name, unit_id), names_then, on=dec31, deadline=None,
                         text=f"Chưa có kết quả đánh giá, xếp loại chất lượng năm {year}", action="evaluate", prefill={"year": year}))
    return out


def _temporary_returns(people: _InScope, on, horizon, names) -> list[DueLine]:
    # A return is often not recorded at all (the member simply came back): older periods are
    # taken as closed, so the list stays about what a clerk can still follow up.
    since = on - dt.timedelta(days=int(param("temporary_return_lookback_days")))
    temps = [
        t for t in people.narrow(live_events().filter(kind="transfer", subtype="temporary", end_on__lte=horizon, end_on__gte=since))
        .exclude(details__has_key="return_of").values_list("id", "person_id", "unit_id", "to_unit_id", "effective_on", "end_on")
        if people.status.get(t[1]) not in (None, "", Status.LEFT)
    ]
    if not temps:
        return []
    later = defaultdict(list)
    for pid, eff, eid in live_events().filter(person_id__in=list({t[1] for t in temps}), kind="transfer").values_list("person_id", "effective_on", "id"):
        later[pid].append((eff, eid))
    info = people.info(t[1] for t in temps)
    names.load([t[2] for t in temps] + [t[3] for t in temps] + [info[t[1]][2] for t in temps])
    out = []
    for eid, pid, home, host, start, end in temps:
        if any((eff, other) > (start, eid) for eff, other in later[pid]):
            continue  # returned, or moved on
        text = f"Sinh hoạt tạm thời tại {names(host) or 'nơi ngoài hệ thống'} từ {format_date(start)}, hết hạn ngày {format_date(end)}: chưa ghi nhận trở về"
        out.append(_line("temporary_return", pid, info[pid], names, on=end, deadline=end, text=text, action="transfer_return",
                         prefill={"unit": names.codes.get(host, ""), "to_unit": names.codes.get(home, ""), "return_of": eid},
                         event_id=eid, overdue=end < on))
    return out


def _pending_transfers(people: _InScope, on, names) -> list[DueLine]:
    rows = [
        r for r in people.narrow(_to_outside(live_events().filter(kind="transfer", subtype="official", details__pending=True)))
        .filter(receipt__isnull=True).values_list("id", "person_id", "unit_id", "effective_on", "details")
        if r[1] in people
    ]
    info = people.info(r[1] for r in rows)
    names.load(r[2] for r in rows)
    out = []
    for eid, pid, unit_id, sent, details in rows:
        deadline = add_working_days(sent, ARRIVAL_WORKING_DAYS)
        dest = str((details or {}).get("outside_org") or "ngoài hệ thống")
        text = f"Chuyển sinh hoạt chính thức đến {dest} ngày {format_date(sent)}; hạn nộp giấy giới thiệu {format_date(deadline)}; chưa có xác nhận nơi đến đã nhận"
        out.append(_line("transfer_pending", pid, info[pid], names, unit_id=unit_id, on=sent, deadline=deadline, text=text,
                         action="receipt", event_id=eid, overdue=on > deadline))
    return out


def _disciplines(people: _InScope, on, horizon, names) -> list[DueLine]:
    months = param("discipline_validity_months")
    earliest, latest = add_months(on, -months), add_months(horizon, -months)
    rows = [
        r for r in people.narrow(live_events().filter(kind="discipline", person__isnull=False, effective_on__gt=earliest, effective_on__lte=latest))
        .exclude(subtype="expulsion").values_list("id", "person_id", "subtype", "effective_on")
        if r[1] in people
    ]
    info = people.info(r[1] for r in rows)
    names.load(info[r[1]][2] for r in rows)
    out = []
    for eid, pid, subtype, day in rows:
        ends = add_months(day, months)
        text = f"Kỷ luật {DISCIPLINE_LABELS.get(subtype, subtype)} ngày {format_date(day)} hết hiệu lực ngày {format_date(ends)} nếu không vi phạm thêm"
        out.append(_line("discipline_ends", pid, info[pid], names, on=ends, deadline=None, text=text, action="", event_id=eid))
    return out


def _cadres(people: _InScope, on, days, names) -> list[DueLine]:
    from tochuc.cadres.due import cadre_due_lines

    found = cadre_due_lines(people=people.status.keys(), on=on, days=days)
    info = people.info(c.person_id for c in found)
    names.load(c.unit_id for c in found)
    return [
        _line(c.category, c.person_id, info[c.person_id], names, unit_id=c.unit_id if c.unit_id is not None else info[c.person_id][2],
              on=c.on, deadline=c.deadline, text=c.text, action="", overdue=c.overdue)
        for c in found
    ]


def _chunks(items: list[int], size: int) -> Iterable[list[int]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


XLSX_HEADERS = ("Loại việc", "Mã hồ sơ", "Họ và tên", "Đơn vị", "Ngày", "Hạn", "Nội dung", "Quá hạn")


def due_workbook(lines: list[DueLine], *, title: str) -> bytes:
    """The due list as an XLSX file; every text cell neutralised against formulas (SECURITY.md D6)."""
    import io

    from openpyxl import Workbook

    from tochuc.imports.cells import neutralise

    wb = Workbook()
    ws = wb.active
    ws.title = "Việc cần làm"
    ws.append([neutralise(title)])
    ws.append(list(XLSX_HEADERS))
    for ln in lines:
        ws.append([
            neutralise(ln.category_label), neutralise(ln.person_code), neutralise(ln.person_name), neutralise(ln.unit_name),
            ln.on, ln.deadline, neutralise(ln.text), "x" if ln.overdue else "",
        ])
        for cell in ws[ws.max_row][4:6]:
            cell.number_format = "DD/MM/YYYY"
    for col, width in zip("ABCDEFGH", (30, 12, 28, 28, 12, 12, 80, 8), strict=True):
        ws.column_dimensions[col].width = width
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
