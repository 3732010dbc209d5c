"""What falls due ("Việc cần làm"): the one selector behind the web page, its XLSX export and
`tochuc due`.

Lines, for the people whose record is kept in the given units:
- probation: probationary members whose 12 months end within the window (or have ended and are
  not yet recognised), with the deadline of the branch's vote;
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
- discipline_ends: disciplines whose 12 months end within the window.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Max, Q, QuerySet

from tochuc.accounts import scoping
from tochuc.accounts.scoping import Scope
from tochuc.events.kinds import Status
from tochuc.events.models import Membership, PersonState
from tochuc.events.projections import live_events, load_mergers, load_person_events
from tochuc.lib.dates import add_months, add_years, format_date
from tochuc.rules.derived import (
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
ARRIVAL_WORKING_DAYS = 30  # QĐ 29 §6.3.1: present the papers within 30 working days

CATEGORIES = {
    "probation": "Hết thời gian dự bị",
    "badge": "Xét tặng Huy hiệu Đảng",
    "evaluation": "Chưa đánh giá, xếp loại năm trước",
    "temporary_return": "Sinh hoạt tạm thời quá hạn trở về",
    "transfer_pending": "Chuyển sinh hoạt chưa được nơi đến nhận",
    "discipline_ends": "Kỷ luật sắp hết hiệu lực",
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
    states = PersonState.objects.filter(unit_id__in=unit_ids)
    names = _UnitNames(on)
    lines: list[DueLine] = []
    lines += _probation(states, on, horizon, names)
    lines += _badges(states, on, names)
    lines += _evaluations(states, on, names)
    lines += _temporary_returns(states, on, horizon, names)
    lines += _pending_transfers(states, on, names)
    lines += _disciplines(states, on, horizon, names)
    order = list(CATEGORIES)
    lines.sort(key=lambda ln: (order.index(ln.category), ln.on, ln.person_name, ln.person_id))
    return lines


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


def _people(states: QuerySet, **filters) -> dict[int, tuple[str, str, int | None]]:
    rows = states.filter(**filters).values_list("person_id", "person__code", "person__full_name", "unit_id")
    return {pid: (code, name, unit_id) for pid, code, name, unit_id in rows}


def _line(category: str, pid: int, person: tuple[str, str, int | None], names: _UnitNames, **kw) -> DueLine:
    code, name, unit_id = person
    unit_id = kw.pop("unit_id", unit_id)
    return DueLine(category=category, person_id=pid, person_code=code, person_name=name, unit_id=unit_id, unit_name=names(unit_id),
                   unit_code=names.codes.get(unit_id, "") if unit_id else "", **kw)


def _probation(states, on, horizon, names) -> list[DueLine]:
    people = _people(states, status=Status.PROBATIONARY)
    starts = dict(
        live_events().filter(person_id__in=list(people), kind__in=("admission", "readmission"))
        .values("person_id").annotate(start=Max("effective_on")).values_list("person_id", "start")
    )
    names.load(u for _, _, u in people.values())
    out = []
    for pid, start in starts.items():
        end = probation_end(start)
        if end > horizon:
            continue
        deadline = vote_deadline(end)
        text = f"Kết nạp ngày {format_date(start)}, hết 12 tháng dự bị ngày {format_date(end)}; chi bộ xét công nhận chính thức trước ngày {format_date(deadline)}"
        out.append(_line("probation", pid, people[pid], names, on=end, deadline=deadline, text=text, action="recognition",
                         prefill={"effective_on": format_date(end)}, overdue=on > deadline))
    return out


def _badge_candidates(states, on: dt.date, occasion: dt.date) -> list[int]:
    """People who may reach a milestone between a year ago and the occasion: admitted inside one
    of the milestone windows, or with a gap in their membership (re-admitted, or back from
    outside the system), whose due date moves later by the gap."""
    window = Q()
    for years in milestones_on(occasion):
        window |= Q(first_admitted_on__gt=add_years(on, -years) - dt.timedelta(days=366), first_admitted_on__lte=add_years(occasion, -years))
    base = states.filter(status__in=(Status.FULL, Status.EXEMPT), recognized_on__isnull=False)
    in_window = set(base.filter(window).values_list("person_id", flat=True))
    latest = add_years(occasion, -min(milestones_on(occasion)))
    with_gaps = set(
        live_events().filter(person_id__in=base.filter(first_admitted_on__lte=latest).values("person_id"))
        .filter(Q(kind="readmission") | Q(kind="transfer", unit__isnull=True, to_unit__isnull=False))
        .values_list("person_id", flat=True)
    )
    return sorted(in_window | with_gaps)


def _badges(states, on, names) -> list[DueLine]:
    occasion = next_award_occasion(on)
    candidates = _badge_candidates(states, on, occasion)
    if not candidates:
        return []
    people = _people(states, person_id__in=candidates)
    names.load(u for _, _, u in people.values())
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
            out.append(_line("badge", pid, people[pid], names, on=badge.due_on, deadline=award_on, text=text, action="award",
                             prefill={"subtype": f"badge_{badge.years}", "effective_on": format_date(award_on)}))
    return out


def _evaluations(states, on, names) -> list[DueLine]:
    year = on.year - 1
    dec31 = dt.date(year, 12, 31)
    members = (
        Membership.objects.filter(valid_on(dec31), status__in=(Status.PROBATIONARY, Status.FULL), person_id__in=states.values("person_id"))
        .exclude(person_id__in=live_events().filter(kind="evaluation", year=year, person__isnull=False).values("person_id"))
        .values_list("person_id", "unit_id", "person__code", "person__full_name")
    )
    rows = list(members)
    names_then = _UnitNames(dec31)
    names_then.load(u for _, u, _, _ in rows)
    out = []
    for pid, unit_id, code, name in rows:
        out.append(_line("evaluation", pid, (code, name, unit_id), names_then, on=dec31, deadline=None,
                         text=f"Chưa có kết quả đánh giá, xếp loại chất lượng năm {year}", action="evaluate", prefill={"year": year}))
    return out


def _temporary_returns(states, on, horizon, names) -> list[DueLine]:
    members = states.exclude(status=Status.LEFT).exclude(status="")
    # A return is often not recorded at all (the member simply came back): older periods are
    # taken as closed, so the list stays about what a clerk can still follow up.
    since = on - dt.timedelta(days=int(param("temporary_return_lookback_days")))
    temps = list(
        live_events().filter(person_id__in=members.values("person_id"), kind="transfer", subtype="temporary",
                             end_on__lte=horizon, end_on__gte=since)
        .exclude(details__has_key="return_of").values_list("id", "person_id", "unit_id", "to_unit_id", "effective_on", "end_on")
    )
    if not temps:
        return []
    later = defaultdict(list)
    for pid, eff, eid in live_events().filter(person_id__in={t[1] for t in temps}, kind="transfer").values_list("person_id", "effective_on", "id"):
        later[pid].append((eff, eid))
    people = _people(states, person_id__in={t[1] for t in temps})
    out = []
    for eid, pid, home, host, start, end in temps:
        if any((eff, other) > (start, eid) for eff, other in later[pid]):
            continue  # returned, or moved on
        text = f"Sinh hoạt tạm thời tại {names(host) or 'nơi ngoài hệ thống'} từ {format_date(start)}, hết hạn ngày {format_date(end)}: chưa ghi nhận trở về"
        out.append(_line("temporary_return", pid, people[pid], names, on=end, deadline=end, text=text, action="transfer_return",
                         prefill={"unit": _code(host), "to_unit": _code(home), "return_of": eid}, event_id=eid, overdue=end < on))
    return out


def _pending_transfers(states, on, names) -> list[DueLine]:
    rows = list(
        live_events().filter(person_id__in=states.values("person_id"), kind="transfer", subtype="official", to_unit__isnull=True, details__pending=True)
        .filter(receipt__isnull=True).values_list("id", "person_id", "unit_id", "effective_on", "details")
    )
    people = _people(states, person_id__in={r[1] for r in rows})
    out = []
    for eid, pid, unit_id, sent, details in rows:
        deadline = add_working_days(sent, ARRIVAL_WORKING_DAYS)
        dest = str((details or {}).get("outside_org") or "ngoài hệ thống")
        text = f"Chuyển sinh hoạt chính thức đến {dest} ngày {format_date(sent)}; hạn nộp giấy giới thiệu {format_date(deadline)}; chưa có xác nhận nơi đến đã nhận"
        out.append(_line("transfer_pending", pid, people[pid], names, unit_id=unit_id, on=sent, deadline=deadline, text=text,
                         action="receipt", event_id=eid, overdue=on > deadline))
    return out


def _disciplines(states, on, horizon, names) -> list[DueLine]:
    months = param("discipline_validity_months")
    earliest, latest = add_months(on, -months), add_months(horizon, -months)
    rows = list(
        live_events().filter(person_id__in=states.values("person_id"), kind="discipline", person__isnull=False,
                             effective_on__gt=earliest, effective_on__lte=latest)
        .exclude(subtype="expulsion").values_list("id", "person_id", "subtype", "effective_on")
    )
    people = _people(states, person_id__in={r[1] for r in rows})
    out = []
    for eid, pid, subtype, day in rows:
        ends = add_months(day, months)
        text = f"Kỷ luật {DISCIPLINE_LABELS.get(subtype, subtype)} ngày {format_date(day)} hết hiệu lực ngày {format_date(ends)} nếu không vi phạm thêm"
        out.append(_line("discipline_ends", pid, people[pid], names, on=ends, deadline=None, text=text, action="", event_id=eid))
    return out


def _code(unit_id: int | None) -> str:
    if unit_id is None:
        return ""
    return Unit.objects.filter(pk=unit_id).values_list("code", flat=True).first() or ""


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
