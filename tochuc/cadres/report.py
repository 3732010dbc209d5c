"""Cadre-work figures of the annual report and the dashboard (issue 6, item 7).

The figures of the reports app count events (`cadres.decided`, `cadres.decisions.<subtype>`,
`cadres.planning.add|remove`, `training.<program>`). The ones here count what is not a plain
event in the period: the planning lists standing on the last day, the catalogue of posts they
cover, rotations, competitive selections, staffing quotas and training gaps. Their definitions
(key, label, words) are registered in `tochuc.reports.figures` with `Source.CADRES`.

Every family is loaded once per report with a few set-based queries over the frame's units
(no query per unit or person), then turned into items: each item has the unit it counts in (so
the breakdown by the units below the root is a dictionary lookup) and, for figures that count
people, the person. The value, the breakdown and the drill-down rows come from the same items,
so a number and its list always agree.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Q

from tochuc.accounts.scoping import Scope
from tochuc.cadres import eligibility as el
from tochuc.cadres.eligibility import PlanningEntry
from tochuc.cadres.models import (
    ManagingLevel,
    PlanningPeriod,
    Post,
    Selection,
    SelectionCandidate,
    SelectionStatus,
)
from tochuc.cadres.planning import is_minority
from tochuc.cadres.selectors import load_planning
from tochuc.cadres.staffing import staffing_rows
from tochuc.cadres.training import gap_people, training_gaps
from tochuc.core.db import IdList, in_units
from tochuc.events.projections import live_events
from tochuc.lib.dates import age_on, format_date
from tochuc.lib.numbers import format_decimal, format_int
from tochuc.people.models import PERSON_LIST_FIELDS, Person
from tochuc.reports.figures import CADRE_KEYS, SHARE_KEYS, figure_def
from tochuc.reports.selectors import Column, FigureResult, Frame, ReportError, Rows

DEFAULT_YOUNG_MAX_AGE = 40  # PlanningPeriod.young_max_age when a term has no period row
Number = int | Decimal


def share(part: int, whole: int) -> Decimal | None:
    """part / whole × 100, half-up to two places; None when the base is zero."""
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def term_years(code: str) -> tuple[int, int] | None:
    """ "2020-2025" -> (2020, 2025); None for a code of another shape."""
    parts = code.split("-")
    if len(parts) != 2 or not all(p.isdigit() and len(p) == 4 for p in parts):
        return None
    return int(parts[0]), int(parts[1])


def term_label(code: str) -> str:
    return code.replace("-", "–")


# --- items -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class PersonInfo:
    id: int
    code: str
    name: str
    search_key: str


@dataclass(frozen=True)
class Item:
    """One thing a figure counts, in the unit it counts in."""

    unit_id: int | None
    person: PersonInfo | None = None
    date: dt.date | None = None
    what: str = ""
    decision: str = ""
    term: str = ""
    cells: dict = field(default_factory=dict, hash=False, compare=False)


PERSON_COLUMNS = (
    Column("code", "Mã", "code"),
    Column("name", "Họ và tên", "name"),
    Column("unit", "Đơn vị", "unit"),
    Column("date", "Ngày", "date"),
    Column("what", "Nội dung"),
    Column("decision", "Số quyết định"),
)
POST_COLUMNS = (
    Column("code", "Mã đơn vị", "code"),
    Column("unit", "Đơn vị", "unit"),
    Column("post", "Chức danh", "post"),
    Column("level", "Cấp quản lý"),
    Column("planned", "Số người quy hoạch"),
)
SELECTION_COLUMNS = (
    Column("code", "Mã đơn vị", "code"),
    Column("unit", "Đơn vị", "unit"),
    Column("post", "Chức danh", "post"),
    Column("date", "Ngày có kết quả", "date"),
    Column("what", "Kết quả"),
)
STAFFING_COLUMNS = (
    Column("code", "Mã đơn vị", "code"),
    Column("unit", "Đơn vị", "unit"),
    Column("quota", "Biên chế được giao"),
    Column("actual", "Có mặt"),
    Column("base", "Biên chế năm gốc"),
    Column("reduced", "Đã tinh giản"),
    Column("target", "Chỉ tiêu tinh giản"),
)


def _people(ids: Iterable[int]) -> dict[int, Person]:
    return {p.pk: p for p in Person.objects.filter(pk__in=IdList(ids)).only(*PERSON_LIST_FIELDS)}


def _info(p: Person) -> PersonInfo:
    return PersonInfo(p.pk, p.code, p.full_name, p.search_key)


def _pct_text(value: Decimal | None) -> str:
    return "" if value is None else format_decimal(value, 2) + "%"


# --- the families ----------------------------------------------------------------------------


@dataclass
class Planning:
    terms: list[str]  # standing terms, oldest first (current, then next)
    newest: str | None
    entries: list[Item]  # one per (person, post, term)
    newest_entries: list[Item]  # those of the newest term: the list the quotas are judged on
    young_max_age: int
    women: set[int]
    young: set[int]
    minority: set[int]
    posts: list[Item]
    covered: list[Item]
    people: dict[int, Person]


def _planning(frame: Frame, standing: list[PlanningEntry] | None = None) -> Planning:
    """The planning lists standing on the last day, for the terms not yet over (the current and
    the next term), posts of units in the frame. `standing`: `_standing_planning(frame)`."""
    end = frame.period.end
    if standing is None:
        standing = _standing_planning(frame)
    entries = [
        e for e in standing if (years := term_years(e.term)) is not None and years[1] >= end.year
    ]
    terms = sorted({e.term for e in entries}, key=lambda t: term_years(t) or (0, 0))
    newest = terms[-1] if terms else None
    periods = {p.code: p for p in PlanningPeriod.objects.filter(code__in=terms)}
    people = _people(e.person_id for e in entries)
    items = [
        Item(e.unit_id, _info(people[e.person_id]), e.added_on, f"{e.position} (quy hoạch nhiệm kỳ {term_label(e.term)})", term=e.term)
        for e in entries
    ]
    newest_items = [it for it in items if it.term == newest]
    listed = {it.person.id: people[it.person.id] for it in newest_items if it.person is not None}
    young_max = periods[newest].young_max_age if newest in periods else DEFAULT_YOUNG_MAX_AGE
    start_year = (term_years(newest) or (end.year, 0))[0] if newest else end.year
    # ages for the youth share are taken at the start of the term planned for, as in the review
    young = {pid for pid, p in listed.items() if age_on(p.birth_date, dt.date(start_year, 1, 1)) < young_max}
    women = {pid for pid, p in listed.items() if p.sex == "female"}
    minority = {pid for pid, p in listed.items() if is_minority(p)}
    planned_people: dict[tuple, set[int]] = defaultdict(set)  # a person planned in both terms counts once
    for e in entries:
        planned_people[el.position_key(e.position, e.unit_id)].add(e.person_id)
    planned = {k: len(v) for k, v in planned_people.items()}
    post_items, covered = [], []
    level_labels = dict(ManagingLevel.choices)
    posts = Post.objects.filter(unit_id__in=frame.unit_set(), active=True).order_by("unit_id", "name", "id")
    for unit_id, name, managing_level in posts.values_list("unit_id", "name", "managing_level"):
        n = planned.get(el.position_key(name, unit_id), 0)
        item = Item(unit_id, what=name, cells={"post": name, "level": level_labels.get(managing_level, ""), "planned": format_int(n)})
        post_items.append(item)
        if n:
            covered.append(item)
    return Planning(terms, newest, items, newest_items, young_max, women, young, minority, post_items, covered, people)


def _rotations(frame: Frame) -> tuple[list[Item], list[Item]]:
    """(rotations decided in the period, rotations running on the last day).

    A rotation goes from the unit left (`unit`) to the unit of the post (`to_unit`; a rotation
    recorded without it took place in `unit`). It counts where the cadre was rotated to when that
    unit is in the frame, else where they came from."""
    start, end = frame.period.start, frame.period.end
    ids = frame.unit_set()
    # into or out of the frame's units (the rotation's destination is decided below)
    rotations = live_events().filter(
        kind="decision", subtype="rotation", person__isnull=False, effective_on__lte=end
    )
    rows = list(
        in_units(rotations, ids, "unit_id", "to_unit_id")
        .filter(Q(effective_on__gte=start) | Q(end_on__isnull=True) | Q(end_on__gt=end))
        .values_list("person_id", "unit_id", "to_unit_id", "effective_on", "end_on", "position", "decision_no")
        .order_by("effective_on", "id")
    )
    people = _people(r[0] for r in rows)
    decided, running = [], []
    in_frame = frame.unit_bucket
    for pid, unit_id, to_unit_id, eff, end_on, position, decision_no in rows:
        target = to_unit_id if to_unit_id is not None else unit_id
        counted_in = target if target in in_frame else unit_id
        what = "Luân chuyển" + (f" – {position}" if position else "") + (f", đến ngày {format_date(end_on)}" if end_on else "")
        item = Item(counted_in, _info(people[pid]), eff, what, decision_no or "")
        if eff >= start:
            decided.append(item)
        if (end_on is None or end_on > end) and target in in_frame:
            running.append(item)
    return decided, running


def _selections(frame: Frame) -> tuple[list[Item], list[Item], list[Item]]:
    """(selections decided in the period, their candidates, appointments after a selection)."""
    start, end = frame.period.start, frame.period.end
    ids = frame.unit_set()
    decided = list(
        Selection.objects.filter(post__unit_id__in=ids, decided_on__gte=start, decided_on__lte=end)
        .select_related("post", "winner").order_by("decided_on", "id")
    )
    items = [
        Item(s.post.unit_id, None, s.decided_on, f"{s.title}: " + (f"trúng tuyển {s.winner.full_name}" if s.winner else "không có người đạt"),
             cells={"post": s.post.name})
        for s in decided
    ]
    candidates = list(
        SelectionCandidate.objects.filter(selection__in=[s.pk for s in decided])
        .select_related("person", "selection", "selection__post").order_by("selection__decided_on", "id")
    )
    cand_items = [
        Item(c.selection.post.unit_id, _info(c.person), c.selection.decided_on,
             f"Dự thi tuyển {c.selection.post.name}" + (" – trúng tuyển" if c.person_id == c.selection.winner_id else ""))
        for c in candidates
    ]
    appointed = list(
        Selection.objects.filter(
            post__unit_id__in=ids, status=SelectionStatus.APPOINTED,
            appointment__effective_on__gte=start, appointment__effective_on__lte=end,
        ).select_related("post", "winner", "appointment").order_by("appointment__effective_on", "id")
    )
    app_items = [
        Item(s.post.unit_id, _info(s.winner), s.appointment.effective_on, f"Bổ nhiệm {s.post.name} sau thi tuyển",
             s.appointment.decision_no or "")
        for s in appointed
        if s.winner is not None and s.appointment is not None
    ]
    return items, cand_items, app_items


@dataclass
class Staffing:
    rows: list[Item]
    year: int
    base_years: list[int]
    target_years: list[int]
    sources: list[str]


def _staffing(frame: Frame) -> Staffing:
    year = frame.period.end.year
    rows = staffing_rows(unit_ids=frame.unit_set(), year=year, names_on=frame.period.end)
    items = [
        Item(r.unit_id, what=r.unit_name, cells={
            "quota": r.quota, "actual": r.actual, "base_quota": r.base_quota, "target_pct": r.target_pct,
            "base_year": r.base_year, "reduced_pct": r.reduced_pct,
        })
        for r in rows
    ]
    with_target = [r for r in rows if r.base_quota]
    return Staffing(
        items, year,
        sorted({r.base_year for r in with_target if r.base_year}),
        sorted({r.target_year for r in with_target if r.target_year}),
        sorted({r.source for r in with_target if r.source}),
    )


def _standing_planning(frame: Frame) -> list[PlanningEntry]:
    """The planning lists standing on the frame's last day in its units (all terms)."""
    return load_planning(on=frame.period.end, unit_ids=frame.unit_set())


def _gap_counts(frame: Frame, standing: list[PlanningEntry] | None = None) -> list[Item]:
    """The training-gap figure's items without the rows' text (the annual report counts them)."""
    found = gap_people(
        scope=Scope(None, ()), on=frame.period.end, unit_ids=frame.unit_set(), planning=standing
    )
    return [Item(unit_id, PersonInfo(pid, "", "", "")) for pid, unit_id in found]


def _gaps(frame: Frame) -> list[Item]:
    gaps = training_gaps(scope=Scope(None, ()), on=frame.period.end, unit_ids=frame.unit_set())
    return [
        Item(g.post.unit_id, _info(g.person), None, f"{g.post.name} ({g.why.lower()}): cần " + "; ".join(n.label for n in g.needs))
        for g in gaps
    ]


# --- values ----------------------------------------------------------------------------------

# which family a key comes from
FAMILY = {
    "cadres.planning.people": "planning",
    "cadres.planning.women": "planning",
    "cadres.planning.young": "planning",
    "cadres.planning.minority": "planning",
    "cadres.planning.women_pct": "planning",
    "cadres.planning.young_pct": "planning",
    "cadres.planning.minority_pct": "planning",
    "cadres.planning.posts": "planning",
    "cadres.planning.posts_covered": "planning",
    "cadres.planning.coverage": "planning",
    "cadres.rotated": "rotation",
    "cadres.rotation.ongoing": "rotation",
    "cadres.selections.decided": "selections",
    "cadres.selections.candidates": "selections",
    "cadres.selections.appointed": "selections",
    "cadres.staffing.quota": "staffing",
    "cadres.staffing.actual": "staffing",
    "cadres.staffing.reduction": "staffing",
    "cadres.staffing.reduction_required": "staffing",
    "cadres.training.gaps": "gaps",
}
PEOPLE_KEYS = frozenset({
    "cadres.planning.people", "cadres.planning.women", "cadres.planning.young", "cadres.planning.minority",
    "cadres.rotated", "cadres.rotation.ongoing", "cadres.selections.candidates", "cadres.selections.appointed",
    "cadres.training.gaps",
})


class _Loaded:
    """The families a set of keys needs, each loaded once."""

    def __init__(self, frame: Frame, keys: Iterable[str], *, counts_only: bool = False):
        self.frame = frame
        families = {FAMILY[k] for k in keys}
        # the planning family and the training gaps both read the standing planning lists
        standing = _standing_planning(frame) if {"planning", "gaps"} <= families else None
        self.planning = _planning(frame, standing) if "planning" in families else None
        self.rotated, self.running = _rotations(frame) if "rotation" in families else ([], [])
        self.selections, self.candidates, self.appointed = _selections(frame) if "selections" in families else ([], [], [])
        self.staffing = _staffing(frame) if "staffing" in families else None
        if "gaps" not in families:
            self.gaps = []
        else:
            self.gaps = _gap_counts(frame, standing) if counts_only else _gaps(frame)

    def items(self, key: str) -> list[Item]:
        p = self.planning
        if key == "cadres.planning.people":
            return p.entries if p else []
        if key in ("cadres.planning.women", "cadres.planning.young", "cadres.planning.minority"):
            if p is None:
                return []
            wanted = {"women": p.women, "young": p.young, "minority": p.minority}[key.rsplit(".", 1)[1]]
            return [it for it in p.newest_entries if it.person is not None and it.person.id in wanted]
        if key == "cadres.planning.posts":
            return p.posts if p else []
        if key == "cadres.planning.posts_covered":
            return p.covered if p else []
        if key == "cadres.rotated":
            return self.rotated
        if key == "cadres.rotation.ongoing":
            return self.running
        if key == "cadres.selections.decided":
            return self.selections
        if key == "cadres.selections.candidates":
            return self.candidates
        if key == "cadres.selections.appointed":
            return self.appointed
        if key in ("cadres.staffing.quota", "cadres.staffing.actual"):
            return self.staffing.rows if self.staffing else []
        if key == "cadres.training.gaps":
            return self.gaps
        return []


def _count(key: str, items: list[Item], frame: Frame) -> tuple[int, dict[int, Number | None]]:
    buckets = [b.unit_id for b in frame.buckets]
    if key in ("cadres.staffing.quota", "cadres.staffing.actual"):
        field_name = key.rsplit(".", 1)[1]
        by: dict[int, Number | None] = {b: 0 for b in buckets}
        for it in items:
            b = frame.unit_bucket.get(it.unit_id)  # type: ignore[arg-type]
            if b is not None:
                by[b] = int(by[b] or 0) + it.cells[field_name]
        return sum(int(v or 0) for v in by.values()), by
    if key in PEOPLE_KEYS:
        seen: dict[int, set[int]] = defaultdict(set)
        for it in items:
            b = frame.unit_bucket.get(it.unit_id)  # type: ignore[arg-type]
            if b is not None and it.person is not None:
                seen[b].add(it.person.id)
        total = len({it.person.id for it in items if it.person is not None and frame.unit_bucket.get(it.unit_id) is not None})  # type: ignore[arg-type]
        return total, {b: len(seen.get(b, ())) for b in buckets}
    by = {b: 0 for b in buckets}
    for it in items:
        b = frame.unit_bucket.get(it.unit_id)  # type: ignore[arg-type]
        if b is not None:
            by[b] = int(by[b] or 0) + 1
    return sum(int(v or 0) for v in by.values()), by


def _shares(loaded: _Loaded, key: str, frame: Frame) -> FigureResult:
    d = figure_def(key)
    assert d is not None
    buckets = [b.unit_id for b in frame.buckets]
    if key == "cadres.planning.coverage":
        total_posts, posts = _count("cadres.planning.posts", loaded.items("cadres.planning.posts"), frame)
        covered_total, covered = _count("cadres.planning.posts_covered", loaded.items("cadres.planning.posts_covered"), frame)
        return FigureResult(key, d.label, d.definition, share(covered_total, total_posts),
                            {b: share(int(covered[b] or 0), int(posts[b] or 0)) for b in buckets})
    if key in ("cadres.planning.women_pct", "cadres.planning.young_pct", "cadres.planning.minority_pct"):
        p = loaded.planning
        whole_total, whole = _count("cadres.planning.people", p.newest_entries if p else [], frame)
        part_key = key.removesuffix("_pct")
        part_total, part = _count(part_key, loaded.items(part_key), frame)
        result = FigureResult(key, d.label, d.definition, share(part_total, whole_total),
                              {b: share(int(part[b] or 0), int(whole[b] or 0)) for b in buckets})
        period = PlanningPeriod.objects.filter(code=p.newest).first() if p is not None and p.newest else None
        required = getattr(period, part_key.rsplit(".", 1)[1] + "_min_pct", None) if period else None
        result.extra.update({"term": p.newest if p else None, "required": required, "count": part_total, "of": whole_total,
                             "young_max_age": p.young_max_age if p else DEFAULT_YOUNG_MAX_AGE})
        return result
    # staffing
    st = loaded.staffing
    assert st is not None
    with_base = [it for it in st.rows if it.cells["base_quota"] and frame.unit_bucket.get(it.unit_id) is not None]  # type: ignore[arg-type]

    def reduction(items: list[Item]) -> Decimal | None:
        base = sum(it.cells["base_quota"] for it in items)
        return share(base - sum(it.cells["quota"] for it in items), base)

    def required(items: list[Item]) -> Decimal | None:
        base = sum(it.cells["base_quota"] for it in items)
        if not base:
            return None
        weighted = sum(it.cells["base_quota"] * it.cells["target_pct"] for it in items) / Decimal(base)
        return weighted.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)

    fn = reduction if key == "cadres.staffing.reduction" else required
    in_bucket: dict[int, list[Item]] = defaultdict(list)
    for it in with_base:
        in_bucket[frame.unit_bucket[it.unit_id]].append(it)  # type: ignore[index]
    by = {b: fn(in_bucket.get(b, [])) for b in buckets}
    result = FigureResult(key, d.label, d.definition, fn(with_base), by)
    result.extra.update({"base_years": st.base_years, "target_years": st.target_years, "sources": st.sources, "year": st.year})
    return result


def cadre_results(frame: Frame, keys: Iterable[str] | None = None) -> dict[str, FigureResult]:
    """The cadre figures of the frame, in report order (a dozen queries, whatever the scope's size)."""
    wanted = list(keys) if keys is not None else list(CADRE_KEYS)
    loaded = _Loaded(frame, wanted, counts_only=True)
    out: dict[str, FigureResult] = {}
    for key in wanted:
        if key in SHARE_KEYS:
            out[key] = _shares(loaded, key, frame)
            continue
        d = figure_def(key)
        assert d is not None
        total, by = _count(key, loaded.items(key), frame)
        result = FigureResult(key, d.label, d.definition, total, by)
        if key == "cadres.planning.people" and loaded.planning is not None:
            terms: dict[str, set[int]] = defaultdict(set)
            for it in loaded.planning.entries:
                if frame.unit_bucket.get(it.unit_id) is not None and it.person is not None:  # type: ignore[arg-type]
                    terms[it.term].add(it.person.id)
            result.extra["terms"] = {t: len(terms[t]) for t in loaded.planning.terms if t in terms}
        if key == "cadres.staffing.quota" and loaded.staffing is not None:
            result.extra["year"] = loaded.staffing.year
        out[key] = result
    return out


def cadre_result(frame: Frame, key: str) -> FigureResult:
    return cadre_results(frame, [key])[key]


# --- rows ------------------------------------------------------------------------------------


def _sorted(rows: list[dict], columns: tuple[Column, ...], order: str, default: Callable[[dict], tuple]) -> list[dict]:
    sortable = {c.key for c in columns if c.sort}
    name = order.lstrip("-")
    if name not in sortable:
        return sorted(rows, key=default)
    sort_key = {"name": "_search", "date": "_date"}.get(name, name)
    return sorted(rows, key=lambda r: (r.get(sort_key) or "", default(r)), reverse=order.startswith("-"))


def _person_rows(frame: Frame, items: list[Item]) -> list[dict]:
    """One row per person (the value counts people, so do the rows); several items are joined."""
    by_person: dict[int, list[Item]] = defaultdict(list)
    for it in items:
        if it.person is not None:
            by_person[it.person.id].append(it)
    rows = []
    for pid, mine in by_person.items():
        first = min(mine, key=lambda it: (it.date or dt.date.max))
        person = first.person
        assert person is not None
        rows.append({
            "person_id": pid, "code": person.code, "name": person.name, "_search": person.search_key,
            "unit": frame.unit_label(first.unit_id), "date": format_date(first.date) if first.date else "",
            "_date": first.date.isoformat() if first.date else "",
            "what": "; ".join(dict.fromkeys(it.what for it in mine)),
            "decision": ", ".join(dict.fromkeys(it.decision for it in mine if it.decision)),
        })
    return rows


def cadre_rows(frame: Frame, key: str, *, bucket: int | None = None, order: str = "") -> Rows:
    """The rows behind a cadre figure (optionally one bucket's), sortable by the columns that say so."""
    d = figure_def(key)
    if d is None or key not in FAMILY:
        raise ReportError(f"Không có chỉ số “{key}”.")
    if key in SHARE_KEYS:
        raise ReportError(f"Chỉ số “{key}” được tính từ các chỉ số khác, không có danh sách chi tiết.")
    items = _Loaded(frame, [key]).items(key)
    items = [it for it in items if frame.unit_bucket.get(it.unit_id) is not None and (bucket is None or frame.unit_bucket.get(it.unit_id) == bucket)]  # type: ignore[arg-type]

    def unit_cells(it: Item) -> dict:
        code, name = frame.unit_names.get(it.unit_id, ("", "")) if it.unit_id is not None else ("", "")
        return {"code": code, "unit": name}

    if key in ("cadres.planning.posts", "cadres.planning.posts_covered"):
        columns = POST_COLUMNS
        rows = [unit_cells(it) | it.cells for it in items]
        rows = _sorted(rows, columns, order, lambda r: (r["code"], r["post"]))
    elif key == "cadres.selections.decided":
        columns = SELECTION_COLUMNS
        rows = [unit_cells(it) | {"post": it.cells["post"], "date": format_date(it.date), "_date": it.date.isoformat() if it.date else "", "what": it.what} for it in items]
        rows = _sorted(rows, columns, order, lambda r: (r["_date"], r["code"]))
    elif key in ("cadres.staffing.quota", "cadres.staffing.actual"):
        columns = STAFFING_COLUMNS
        rows = [
            unit_cells(it) | {
                "quota": format_int(it.cells["quota"]), "actual": format_int(it.cells["actual"]),
                "base": f"{format_int(it.cells['base_quota'])} (năm {it.cells['base_year']})" if it.cells["base_quota"] else "",
                "reduced": _pct_text(it.cells["reduced_pct"]), "target": _pct_text(it.cells["target_pct"]),
            }
            for it in items
        ]
        rows = _sorted(rows, columns, order, lambda r: (r["code"],))
    else:
        columns = PERSON_COLUMNS
        rows = _sorted(_person_rows(frame, items), columns, order, lambda r: (r["_search"], r["person_id"]))
    # the underscored fields only sort; what is shown or exported is the rest
    return Rows(d, columns, rows, lambda r: {k: v for k, v in r.items() if not k.startswith("_")})
