"""Training against post standards (DOMAIN-RULES.md §6): what each post held or planned requires,
what the person has from their training events, the gaps, and the yearly plan built from them.

What a person has comes from completed training events (ended on or before the date, or with no
end date): political theory by subtype (elementary < intermediate < advanced); state management
by `details["grade"]` (1 chuyên viên, 2 chuyên viên chính, 3 chuyên viên cao cấp; 1 if absent);
professional level by `details["level"]` (see `Professional`); defence-security by
`details["group"]` (1–4, a more senior group satisfies a junior one).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import NamedTuple

from django.db.models import Q, QuerySet
from django.db.models.fields.json import KT

from tochuc.accounts import scoping
from tochuc.accounts.scoping import Scope
from tochuc.cadres import eligibility as el
from tochuc.cadres.eligibility import PlanningEntry
from tochuc.cadres.models import (
    DefenseGroup,
    PlanningPeriod,
    PoliticalTheory,
    Post,
    PostStandard,
    Professional,
    StateManagement,
)
from tochuc.cadres.selectors import load_planning
from tochuc.core.db import IdList
from tochuc.events.kinds import TRAINING_SUBTYPES
from tochuc.events.models import PositionHolding
from tochuc.events.projections import live_events
from tochuc.people.models import PERSON_LIST_FIELDS, Person
from tochuc.units.models import UnitVersion
from tochuc.units.selectors import valid_on

POLITICAL_THEORY_BY_SUBTYPE = {
    "political_theory_elementary": PoliticalTheory.ELEMENTARY,
    "political_theory_intermediate": PoliticalTheory.INTERMEDIATE,
    "political_theory_advanced": PoliticalTheory.ADVANCED,
}
SUBTYPE_BY_POLITICAL_THEORY = {v: k for k, v in POLITICAL_THEORY_BY_SUBTYPE.items()}


@dataclass
class Qualifications:
    political_theory: int = 0
    state_management: int = 0
    professional: int = 0
    defense_group: int = 0  # 0 = none; otherwise the most senior group trained for


def _int(value, default: int) -> int:
    # a JSON number, or its text as read from the database (`KT`): "2", "2.0"
    try:
        return int(value) if isinstance(value, int) else int(float(value))
    except (TypeError, ValueError):
        return default


def qualifications_from(events: Iterable[tuple[str, dict]]) -> Qualifications:
    """Fold completed training events (subtype, details) into the highest level of each kind."""
    q = Qualifications()
    for subtype, details in events:
        details = details or {}
        if subtype in POLITICAL_THEORY_BY_SUBTYPE:
            q.political_theory = max(q.political_theory, POLITICAL_THEORY_BY_SUBTYPE[subtype])
        elif subtype == "state_management":
            q.state_management = max(q.state_management, _int(details.get("grade"), StateManagement.OFFICER))
        elif subtype == "professional":
            q.professional = max(q.professional, _int(details.get("level"), 0))
        elif subtype == "defense_security":
            group = _int(details.get("group"), 0)
            if group and (q.defense_group == 0 or group < q.defense_group):
                q.defense_group = group
    return q


def load_qualifications(person_ids: Iterable[int], on: dt.date) -> dict[int, Qualifications]:
    # Only the three keys the fold reads are taken out of `details`, by the database: decoding
    # every training's JSON was a third of the training-gap figure's time (250 000 cadres in a
    # nation).
    rows = (
        live_events()
        .filter(kind="training", person_id__in=IdList(person_ids), effective_on__lte=on)
        .filter(Q(end_on__isnull=True) | Q(end_on__lte=on))
        .values_list(
            "person_id", "subtype", KT("details__grade"), KT("details__level"), KT("details__group")
        )
    )
    by_person: dict[int, list[tuple[str, dict]]] = {}
    for pid, subtype, grade, level, group in rows:
        details = {"grade": grade, "level": level, "group": group}
        by_person.setdefault(pid, []).append((subtype, details))
    return {pid: qualifications_from(evs) for pid, evs in by_person.items()}


@dataclass(frozen=True)
class Need:
    program: str  # training subtype code
    label: str  # what is required, in Vietnamese
    has: str
    detail: dict = field(default_factory=dict)

    @property
    def program_label(self) -> str:
        return TRAINING_SUBTYPES.get(self.program, self.program)


def short_of(standard: PostStandard | Standard, q: Qualifications) -> list[str]:
    """What a person lacks for a post's standard, by kind of training (no labels: counting)."""
    out = []
    if q.political_theory < standard.political_theory:
        out.append("political_theory")
    if q.state_management < standard.state_management:
        out.append("state_management")
    if q.professional < standard.professional:
        out.append("professional")
    if standard.defense_group and (q.defense_group == 0 or q.defense_group > standard.defense_group):
        out.append("defense_security")
    return out


def needs(standard: PostStandard | Standard, q: Qualifications) -> list[Need]:
    """The gaps between a post's standard and a person's qualifications."""
    out: list[Need] = []
    for lack in short_of(standard, q):
        if lack == "political_theory":
            required = PoliticalTheory(standard.political_theory)
            out.append(Need(SUBTYPE_BY_POLITICAL_THEORY[required], f"Lý luận chính trị: {required.label}", PoliticalTheory(q.political_theory).label))
        elif lack == "state_management":
            required = StateManagement(standard.state_management)
            out.append(Need("state_management", f"Quản lý nhà nước: {required.label}", StateManagement(q.state_management).label, {"grade": int(required)}))
        elif lack == "professional":
            required = Professional(standard.professional)
            out.append(Need("professional", f"Chuyên môn: {required.label}", Professional(min(q.professional, 5)).label, {"level": int(required)}))
        else:
            required = DefenseGroup(standard.defense_group)
            out.append(Need("defense_security", f"Quốc phòng – an ninh: {required.label}", DefenseGroup(q.defense_group).label, {"group": int(required)}))
    return out


@dataclass(frozen=True)
class GapRow:
    person: Person
    post: Post
    unit_name: str
    why: str  # "Đang giữ" | "Quy hoạch 2025-2030"
    standard: PostStandard
    needs: list[Need]


def _posts_by_key(posts: Iterable[PostRef]) -> dict[tuple, PostRef]:
    return {el.position_key(p.name, p.unit_id): p for p in posts}


class Standard(NamedTuple):
    """The levels of a post's standard, without the model (the report counts thousands)."""

    post_id: int
    political_theory: int
    state_management: int
    professional: int
    defense_group: int


class PostRef(NamedTuple):
    pk: int
    name: str
    unit_id: int


def _standards(post_ids: Iterable[int] | QuerySet, on: dt.date) -> QuerySet[PostStandard]:
    ids = post_ids if isinstance(post_ids, QuerySet) else IdList(post_ids)
    return (
        PostStandard.objects.filter(post_id__in=ids, valid_from__lte=on)
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gt=on))
        .order_by("post_id", "valid_from")
    )


def standards_on(post_ids: Iterable[int] | QuerySet, on: dt.date) -> dict[int, PostStandard]:
    """The standard of each post on a day; `post_ids` a list or a subquery of post ids."""
    return {s.post_id: s for s in _standards(post_ids, on)}  # the latest that applies wins


def standard_levels_on(post_ids: Iterable[int] | QuerySet, on: dt.date) -> dict[int, Standard]:
    """`standards_on` as plain levels."""
    rows = _standards(post_ids, on).values_list(*Standard._fields)
    return {r[0]: Standard(*r) for r in rows}


@dataclass
class _Pairs:
    """Who holds or is planned for which catalogued post, with the standards and qualifications."""

    posts: list[PostRef]
    standards: dict[int, Standard]
    pairs: dict[tuple[int, int], str]  # (person id, post id) -> why
    quals: dict[int, Qualifications]

    def gaps(self, pid: int, post_id: int) -> list[Need]:
        return needs(self.standards[post_id], self.quals.get(pid, Qualifications()))

    def short(self, pid: int, post_id: int) -> bool:
        return bool(short_of(self.standards[post_id], self.quals.get(pid, Qualifications())))


def gap_people(
    *, scope: Scope, on: dt.date, unit_ids=None, planning: list[PlanningEntry] | None = None
) -> list[tuple[int, int]]:
    """(person id, unit id of the post) for each person with a training gap for a post held or
    planned: what the annual report counts, without the people's records or the rows' text.
    `planning`: the planning lists standing on `on` in those units, when the caller has them."""
    found = _pairs(scope=scope, on=on, unit_ids=unit_ids, planning=planning)
    unit_of = {p.pk: p.unit_id for p in found.posts}
    return [(pid, unit_of[post_id]) for pid, post_id in found.pairs if found.short(pid, post_id)]


def training_gaps(*, scope: Scope, on: dt.date, only_gaps: bool = True, unit_ids=None) -> list[GapRow]:
    """For each person holding, or planned for, a catalogued post in scope: the standard and the gaps.

    `unit_ids` narrows the scope to a subtree (ids already within the scope)."""
    found = _pairs(scope=scope, on=on, unit_ids=unit_ids)
    people = {
        p.pk: p
        for p in Person.objects.filter(pk__in=IdList(pid for pid, _ in found.pairs)).only(*PERSON_LIST_FIELDS)
    }
    shown = {(pid, post_id): found.gaps(pid, post_id) for pid, post_id in found.pairs}
    shown = {k: gap for k, gap in shown.items() if gap or not only_gaps}
    posts_by_id = Post.objects.in_bulk({post_id for _, post_id in shown})
    standards = standards_on(posts_by_id, on)
    names = dict(UnitVersion.objects.filter(valid_on(on), unit_id__in={p.unit_id for p in found.posts}).values_list("unit_id", "name"))
    rows = []
    for (pid, post_id), gap in shown.items():
        post = posts_by_id[post_id]
        why = found.pairs[(pid, post_id)]
        rows.append(GapRow(people[pid], post, names.get(post.unit_id, ""), why, standards[post_id], gap))
    return sorted(rows, key=lambda r: (r.unit_name, r.post.name, r.person.search_key))


def _pairs(
    *, scope: Scope, on: dt.date, unit_ids=None, planning: list[PlanningEntry] | None = None
) -> _Pairs:
    visible = scoping.unit_ids(scope, on=on) if unit_ids is None else unit_ids
    in_scope = Post.objects.filter(unit_id__in=visible, active=True)
    posts = [PostRef(*r) for r in in_scope.values_list("pk", "name", "unit_id")]
    by_key = _posts_by_key(posts)
    standards = standard_levels_on(in_scope.values("pk"), on)
    pairs: dict[tuple[int, int], str] = {}
    holdings = PositionHolding.objects.filter(unit_id__in=visible, valid_from__lte=on).filter(Q(valid_to__isnull=True) | Q(valid_to__gt=on))
    for pid, position, unit_id in holdings.values_list("person_id", "position", "unit_id"):
        post = by_key.get(el.position_key(position, unit_id))
        if post is not None:
            pairs.setdefault((pid, post.pk), "Đang giữ")
    periods = list(PlanningPeriod.objects.filter(ends_on__gte=on).values_list("code", flat=True))
    # one load for every term (a city's unit list makes each query costly to build), newest first
    if not periods:
        entries = []
    elif planning is None:
        entries = load_planning(on=on, unit_ids=visible)
    else:
        entries = planning
    for code in periods:
        for e in entries:
            if e.term != code:
                continue
            post = by_key.get(el.position_key(e.position, e.unit_id))
            if post is not None:
                pairs.setdefault((e.person_id, post.pk), f"Quy hoạch {code}")
    pairs = {k: v for k, v in pairs.items() if k[1] in standards}
    quals = load_qualifications({pid for pid, _ in pairs}, on)
    return _Pairs(posts, standards, pairs, quals)


@dataclass(frozen=True)
class PlanRow:
    program: str
    program_label: str
    requirement: str
    person: Person
    post: str
    unit_name: str
    why: str


def training_plan(*, scope: Scope, year: int, unit_ids=None) -> list[PlanRow]:
    """The year's plan: every gap on 1 January of the year, one row per course to attend,
    grouped by program (the list sent to the political school and the training bodies)."""
    rows = []
    for g in training_gaps(scope=scope, on=dt.date(year, 1, 1), unit_ids=unit_ids):
        for n in g.needs:
            rows.append(PlanRow(n.program, n.program_label, n.label, g.person, g.post.name, g.unit_name, g.why))
    order = list(TRAINING_SUBTYPES)
    return sorted(rows, key=lambda r: (order.index(r.program) if r.program in order else 99, r.requirement, r.unit_name, r.person.search_key))


PLAN_HEADERS = ["STT", "Chương trình", "Yêu cầu", "Họ và tên", "Ngày sinh", "Chức danh", "Đơn vị", "Lý do"]


def _cell(value):
    # Exports neutralise spreadsheet formulas (DESIGN.md §7; SECURITY.md D).
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def training_plan_xlsx(rows: list[PlanRow], *, year: int, unit_name: str) -> bytes:
    from io import BytesIO

    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    ws = wb.active
    ws.title = f"Ke hoach {year}"
    ws.append([_cell(f"KẾ HOẠCH ĐÀO TẠO, BỒI DƯỠNG CÁN BỘ NĂM {year} — {unit_name}")])
    ws["A1"].font = Font(bold=True)
    ws.append([])
    ws.append(PLAN_HEADERS)
    for cell in ws[3]:
        cell.font = Font(bold=True)
    for i, r in enumerate(rows, start=1):
        ws.append([i, _cell(r.program_label), _cell(r.requirement), _cell(r.person.full_name), r.person.birth_date.strftime("%d/%m/%Y"),
                   _cell(r.post), _cell(r.unit_name), _cell(r.why)])
    for col, width in zip("ABCDEFGH", (6, 40, 36, 28, 12, 36, 36, 22), strict=True):
        ws.column_dimensions[col].width = width
    out = BytesIO()
    wb.save(out)
    return out.getvalue()
