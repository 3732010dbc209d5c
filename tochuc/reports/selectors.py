"""Figures computed from the log: value, breakdown by the units below the root, and the rows.

Everything is set-based: the scope's units are resolved once (`Frame`), then each family of
figures is one GROUP BY over events or memberships, with the bucket (the unit directly below the
root that holds the event's unit, as the tree stood on the last day) computed in SQL by a CASE
over unit ids. The annual report runs about a dozen queries whatever the size of the scope.
The value of one figure (`figure_result`) and its rows (`figure_rows`) start from the same
filtered queryset (`_base`), so a number and its drill-down always agree.

Units that ended during the period (no version on the last day) are counted where their members
went: a unit merged into a unit inside the scope counts in that unit's bucket; a unit dissolved
while under the root counts in the bucket it was under on its last day. A unit merged into a unit
outside the scope counts nowhere, like any unit outside the tree on the last day.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import threading
from collections import OrderedDict, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.core.paginator import Paginator
from django.db import connection
from django.db.models import (
    Count,
    Exists,
    IntegerField,
    Max,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
)
from django.db.models import F as Field
from django.db.models.functions import Coalesce

from tochuc.accounts import scoping
from tochuc.core.db import OneOf, unindexed
from tochuc.events import headcounts, rollups
from tochuc.events.fold import resolve_merger
from tochuc.events.models import Membership
from tochuc.events.projections import live_events, load_mergers, memberships_on
from tochuc.lib.dates import format_date
from tochuc.people.models import Person
from tochuc.reports import figures as F
from tochuc.reports.figures import FigureDef, Period, Source
from tochuc.reports.models import Target
from tochuc.units.models import PATH_WIDTH, Unit, UnitVersion, path_segment
from tochuc.units.selectors import path_prefix, subtree, valid_on, version_on

MSG_NO_UNIT = "Không tìm thấy đơn vị {code}."
MSG_OUT_OF_SCOPE = "Không tìm thấy đơn vị {code} trong phạm vi được phân quyền."
MSG_NOT_ON_DATE = (
    "Đơn vị {code} không tồn tại vào ngày {day} (chưa thành lập hoặc đã giải thể, sáp nhập)."
)
MSG_NO_KEY = "Không có chỉ số “{key}”. Xem danh sách chỉ số bằng lệnh: tochuc report figure --list"
MSG_NO_DATA = "Không có dữ liệu của {name} cho {period}: không có đảng viên vào ngày {day} và không có sự kiện nào trong kỳ."
MSG_BAD_PERIOD = "Kỳ báo cáo không hợp lệ: ngày bắt đầu {start} sau ngày kết thúc {end}."
MSG_NO_ROWS = "Chỉ số “{key}” được tính từ các chỉ số khác, không có danh sách chi tiết."

EVENT_KINDS = (
    "admission",
    "readmission",
    "recognition",
    "removal",
    "withdrawal",
    "death",
    "discipline",
    "decision",
    "planning",
    "training",
    "award",
)


TOTAL = -1  # the key of scope-wide distinct counts, beside the bucket ids
Progress = Callable[[int, str], None]  # (percent done, the step starting), for background jobs
SMALL_SET = 64  # up to this many unit ids are sent as literals, beyond as a subquery

# Unit events counted by their effective date (evaluations go by the year evaluated).
UNIT_PERIOD_KINDS = ("congress", "founding", "merger", "dissolution")


class ReportError(Exception):
    """Bad input for a report: the message is Vietnamese and meant for the user."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Bucket:
    unit_id: int
    code: str
    name: str
    is_root: bool = False


@dataclass
class Frame:
    """The scope of one report: its root, period and units as the tree stood on the last day."""

    root: Unit
    root_name: str
    root_kind: str
    period: Period
    buckets: list[Bucket]
    unit_bucket: dict[int, int]  # unit id -> bucket unit id
    unit_names: dict[int, tuple[str, str]]  # unit id -> (code, name)
    unit_paths: dict[int, str]
    ended: dict[int, int] = field(default_factory=dict)  # units that ended in the period -> bucket
    _award_codes: frozenset[str] | None = field(default=None, repr=False)
    _people: dict[tuple[int, ...], list[int]] | None = field(default=None, repr=False)

    @property
    def award_codes(self) -> frozenset[str]:
        """Award subtypes recorded in the period (a code outside the catalogue has a figure only
        then). Read on first use: a drill-down of another figure never needs them."""
        if self._award_codes is None and self.period.is_whole_years:
            self._award_codes = rollups.counted_subtypes("award", *self.period.years)
        if self._award_codes is None:
            self._award_codes = frozenset(
                live_events()
                .filter(
                    kind="award",
                    effective_on__gte=self.period.start,
                    effective_on__lte=self.period.end,
                    person__isnull=False,
                )
                .values_list("subtype", flat=True)
                .distinct()
            )
        return self._award_codes

    @property
    def unit_ids(self) -> list[int]:
        return sorted(self.unit_bucket)

    def unit_set(self, bucket: int | None = None) -> list[int] | QuerySet:
        """The ids of the frame's units (or of one bucket's), for `field__in=`.

        A short list goes as literals; a long one as a subquery on the versioned tree, so the
        SQL stays small and the database joins instead of parsing thousands of parameters.
        """
        ids = self.unit_ids if bucket is None else self.ids_of(bucket)
        b = self.bucket(bucket) if bucket is not None else None
        if len(ids) <= SMALL_SET or (b is not None and b.is_root):
            return ids  # the root's own bucket is the root and the units that ended into it
        path = self.unit_paths[self.root.pk if b is None else b.unit_id]
        ended = [u for u, eb in self.ended.items() if bucket is None or eb == bucket]
        where = valid_on(self.period.end) & path_prefix(path)
        if ended:
            where |= Q(unit_id__in=ended)
        return UnitVersion.objects.filter(where).values("unit_id")

    def people_of(self, units: list[int]) -> OneOf:
        """The people with a membership in `units` at some time from the day before the period
        to its end: the only people whose events recorded without a unit, or whose transfers
        out, can count in those units. A small scope starts from them (the person index)
        instead of reading the whole tree's period of the log: at national scale a branch's
        report otherwise computes the membership of every transfer of the nation's year."""
        if self._people is None:
            self._people = {}
        key = tuple(units)
        if key not in self._people:
            start, end = self.period.start, self.period.end
            self._people[key] = list(
                Membership.objects.filter(unit_id__in=units, valid_from__lte=end)
                .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=start))
                .values_list("person_id", flat=True)
                .distinct()
            )
        return OneOf("person_id", self._people[key])

    def bucket(self, unit_id: int) -> Bucket | None:
        return next((b for b in self.buckets if b.unit_id == unit_id), None)

    def bucket_by_code(self, code: str) -> Bucket | None:
        return next((b for b in self.buckets if b.code == code), None)

    def ids_of(self, bucket_id: int) -> list[int]:
        return sorted(u for u, b in self.unit_bucket.items() if b == bucket_id)

    def groups(self) -> dict[int, list[int]]:
        out: dict[int, list[int]] = defaultdict(list)
        for u, b in self.unit_bucket.items():
            out[b].append(u)
        return out

    def unit_label(self, unit_id: int | None) -> str:
        if unit_id is None:
            return ""
        return self.unit_names.get(unit_id, ("", ""))[1]


def build_frame(*, scope: scoping.Scope | None, code: str, period: Period) -> Frame:
    """Resolve the scope of a report; `scope=None` is the operator at the command line."""
    if period.start > period.end:
        raise ReportError(
            MSG_BAD_PERIOD.format(start=format_date(period.start), end=format_date(period.end))
        )
    unit = Unit.objects.filter(code=code.strip()).first()
    if unit is None:
        raise ReportError(MSG_NO_UNIT.format(code=code))
    if scope is not None:
        role = scoping.role_for_unit(scope, unit) or scoping.role_for_unit(
            scope, unit, on=period.end
        )
        if not scoping.allows(role, "view"):
            raise ReportError(MSG_OUT_OF_SCOPE.format(code=code))
    return dataclasses.replace(_tree(unit, period))  # a frame of its own: award codes are per frame


# Frames of the tree by (root, period, tree fingerprint): the tree changes a few times a year
# and a frame of the city costs tens of milliseconds to resolve; a changed tree rewrites unit
# versions (deleted and inserted with new ids), which changes the fingerprint.
_TREES: OrderedDict[tuple, Frame] = OrderedDict()
TREE_CACHE_SIZE = 64
_TREES_LOCK = threading.Lock()


def _tree(unit: Unit, period: Period) -> Frame:
    stamp = UnitVersion.objects.aggregate(n=Count("*"), last=Max("id"))
    key = (connection.settings_dict["NAME"], unit.pk, period, stamp["n"], stamp["last"])
    with _TREES_LOCK:
        frame = _TREES.get(key)
        if frame is not None:
            _TREES.move_to_end(key)
            return frame
    frame = _resolve_tree(unit, period)
    with _TREES_LOCK:  # the server's threads share the cache
        _TREES[key] = frame
        if len(_TREES) > TREE_CACHE_SIZE:
            _TREES.popitem(last=False)
    return frame


def _resolve_tree(unit: Unit, period: Period) -> Frame:
    code = unit.code
    root_v = version_on(unit, period.end)
    if root_v is None:
        raise ReportError(MSG_NOT_ON_DATE.format(code=code, day=format_date(period.end)))
    root_path = root_v.path
    cut = len(root_path)
    unit_bucket: dict[int, int] = {}
    names: dict[int, tuple[str, str]] = {}
    paths: dict[int, str] = {}
    children: list[Bucket] = []
    for uid, ucode, name, path, depth in subtree(unit, on=period.end).values_list(
        "unit_id", "unit__code", "name", "path", "depth"
    ):
        names[uid] = (ucode, name)
        paths[uid] = path
        seg = path[cut : cut + PATH_WIDTH + 1]
        unit_bucket[uid] = int(seg[:-1]) if seg else unit.pk
        if depth == root_v.depth + 1:
            children.append(Bucket(uid, ucode, name))
    child_ids = {b.unit_id for b in children}
    # Units that ended inside the period: follow mergers, else the path they last had.
    ended_q = (
        UnitVersion.objects.filter(valid_to__gt=period.start, valid_to__lte=period.end)
        .exclude(unit_id__in=UnitVersion.objects.filter(valid_on(period.end)).values("unit_id"))
        .order_by("valid_to")
        .values_list("unit_id", "unit__code", "name", "path")
    )
    ended_rows = list(ended_q)
    ended: dict[int, int] = {}
    if ended_rows:
        mergers = load_mergers()
        root_seg = path_segment(unit.pk)
        for uid, ucode, name, path in ended_rows:
            target = resolve_merger(uid, period.end, mergers)
            bucket: int | None = None
            if target != uid:
                bucket = unit_bucket.get(target)
            elif root_seg in path:
                tail = path.split(root_seg, 1)[1]
                child = int(tail[:PATH_WIDTH]) if tail else None
                bucket = child if child in child_ids else unit.pk
            if bucket is not None and uid != unit.pk:
                unit_bucket[uid] = bucket
                ended[uid] = bucket
                names[uid] = (ucode, name)
                paths[uid] = path
    children.sort(key=lambda b: (b.name, b.code))
    buckets = [*children, Bucket(unit.pk, unit.code, root_v.name, is_root=True)]
    return Frame(
        unit,
        root_v.name,
        root_v.kind,
        period,
        buckets,
        unit_bucket,
        names,
        paths,
        ended,
    )


def get_def(frame: Frame, key: str) -> FigureDef:
    # only an award key needs the period's award codes (a query): other keys never read them
    d = F.figure_def(key, frame.award_codes if key.startswith("awards.") else frozenset())
    if d is None:
        raise ReportError(MSG_NO_KEY.format(key=key))
    return d


# --- the shared querysets -----------------------------------------------------------------


def _membership_unit(*, before: bool) -> Subquery:
    """The unit of the person's membership on the event's day (the day before, with `before`)."""
    qs = Membership.objects.filter(person_id=OuterRef("person_id"))
    qs = (
        qs.filter(valid_from__lt=OuterRef("effective_on"))
        if before
        else qs.filter(valid_from__lte=OuterRef("effective_on"))
    )
    qs = qs.filter(Q(valid_to__isnull=True) | Q(valid_to__gte=OuterRef("effective_on")))
    return Subquery(qs.order_by("-valid_from").values("unit_id")[:1], output_field=IntegerField())


def _attr(field_name: str = "unit_id", *, before: bool = False):
    # An event without a unit is counted where the person was a member that day. COALESCE
    # evaluates the subquery only for such rows (PostgreSQL and SQLite both short-circuit).
    return Coalesce(field_name, _membership_unit(before=before), output_field=IntegerField())


def _in_period(frame: Frame) -> Q:
    return Q(effective_on__gte=frame.period.start, effective_on__lte=frame.period.end)


def _in_years(frame: Frame) -> Q:
    """Evaluations of the period's years (served by the (kind, year) index)."""
    first, last = frame.period.years
    return Q(year__gte=first, year__lte=last)


def _kind_q(d: FigureDef) -> Q:
    q = Q(kind__in=d.kinds)
    if d.subtype is not None:
        q &= Q(subtype=d.subtype)
    return q


def _person_events(
    frame: Frame, kinds: Iterable[str], *, years: bool = False, bucket: int | None = None
) -> QuerySet:
    when = _in_years(frame) if years else _in_period(frame)
    units = frame.unit_set(bucket)
    # The event's own unit is tested as a column, so a small scope (a list of ids) reads its
    # units' index entries; a large one (a subquery) is read by period and kind, with the unit
    # column hidden from the planner: SQLite otherwise probes the unit index once per unit of
    # the city (2 000 probes, 250 ms for one year's admissions). Only events recorded without a
    # unit go through the membership of that day.
    qs = live_events().filter(when, person__isnull=False, kind__in=list(kinds)).annotate(attr=_attr())
    if isinstance(units, list):
        # the people lead for events without a unit (the null test hidden from the unit index)
        unitless = Q(no_unit__isnull=True, attr__in=units) & frame.people_of(units)
        return qs.alias(no_unit=unindexed("unit_id")).filter(Q(unit_id__in=units) | unitless)
    return qs.alias(own_unit=unindexed("unit_id")).filter(
        Q(own_unit__in=units) | Q(unit_id__isnull=True, attr__in=units)
    )


def _transfers(frame: Frame) -> QuerySet:
    """Official transfers in the period, with the unit they left (`src`, None from outside).

    A small scope keeps only transfers into its units or of its people before computing where
    each came from; a large one computes it for every transfer of the period."""
    qs = live_events().filter(
        _in_period(frame), person__isnull=False, kind="transfer", subtype="official"
    )
    units = frame.unit_set()
    if isinstance(units, list):
        qs = qs.filter(Q(to_unit_id__in=units) | frame.people_of(units))
    return qs.annotate(src=_attr(before=True))


def _outside(frame: Frame, field_name: str) -> Q:
    """The unit in `field_name` is empty (outside the system) or not in the frame."""
    return Q(**{f"{field_name}__isnull": True}) | ~Q(**{f"{field_name}__in": frame.unit_set()})


def _unit_events(frame: Frame, bucket: int | None = None) -> QuerySet:
    return (
        live_events()
        .filter(person__isnull=True, unit_id__in=frame.unit_set(bucket))
        .filter(
            (Q(kind__in=UNIT_PERIOD_KINDS) & _in_period(frame))
            | (Q(kind="evaluation") & _in_years(frame))
        )
    )


def _unit_field(d: FigureDef) -> str:
    """The column that places a figure's row in a unit (and so in a bucket)."""
    if d.source in (Source.EVENTS, Source.EVALUATIONS):
        return "attr"
    if d.source == Source.TRANSFER_IN:
        return "to_unit_id"
    if d.source == Source.TRANSFER_OUT:
        return "src"
    return "unit_id"


def _base(frame: Frame, d: FigureDef, bucket: int | None = None) -> QuerySet:
    """The rows a figure counts (before counting), in the whole frame or in one bucket."""
    if d.source == Source.EVENTS:
        return _person_events(frame, d.kinds, bucket=bucket).filter(_kind_q(d))
    if d.source == Source.EVALUATIONS:
        return _person_events(frame, d.kinds, years=True, bucket=bucket).filter(_kind_q(d))
    if d.source == Source.TRANSFER_IN:
        return _transfers(frame).filter(
            Q(to_unit_id__in=frame.unit_set(bucket)) & _outside(frame, "src")
        )
    if d.source == Source.TRANSFER_OUT:
        return _transfers(frame).filter(
            Q(src__in=frame.unit_set(bucket)) & _outside(frame, "to_unit_id")
        )
    if d.source == Source.MEMBERS:
        qs = memberships_on(frame.period.end).filter(
            unit_id__in=frame.unit_set(bucket), status__in=d.statuses
        )
        return qs.filter(sex=d.sex) if d.sex else qs
    if d.source in (Source.UNIT_EVENTS, Source.UNIT_EVALUATIONS):
        return _unit_events(frame, bucket).filter(_kind_q(d))
    raise ReportError(MSG_NO_ROWS.format(key=d.key))


# --- results ---------------------------------------------------------------------------------

Number = int | Decimal


@dataclass
class FigureResult:
    key: str
    label: str
    definition: str
    value: Number | None
    by_bucket: dict[int, Number | None] = field(default_factory=dict)
    extra: dict = field(default_factory=dict)

    @property
    def present(self) -> bool:
        return self.value is not None


def vs_target(value: int, target: int | None) -> Decimal | None:
    """(value / target − 1) × 100, half-up to two decimals; None without a (non-zero) target."""
    if not target:
        return None
    return ((Decimal(value) / Decimal(target) - 1) * 100).quantize(
        Decimal("0.01"), rounding=ROUND_HALF_UP
    )


@dataclass
class Targets:
    total: int | None
    by_bucket: dict[int, int]
    rows: list[tuple[int, int]]  # (unit id, value) of the targets that make the total


def targets_for(frame: Frame, metrics: Iterable[str]) -> dict[str, Targets]:
    """The scope's target per metric: the root's own, else the sum of the top-most below it."""
    if not frame.period.is_calendar_year:
        return {}
    rows = Target.objects.filter(
        year=frame.period.start.year, metric__in=list(metrics), unit_id__in=frame.unit_set()
    ).values_list("metric", "unit_id", "value")
    per_metric: dict[str, list[tuple[str, int, int]]] = defaultdict(list)
    for metric, unit_id, value in rows:
        per_metric[metric].append((frame.unit_paths.get(unit_id, ""), unit_id, value))
    out: dict[str, Targets] = {}
    for metric, items in per_metric.items():
        items.sort()
        top: list[tuple[str, int, int]] = []
        for path, unit_id, value in items:
            if not any(path.startswith(p) for p, _, _ in top):
                top.append((path, unit_id, value))
        by_bucket: dict[int, int] = {}
        for b in frame.buckets:
            if b.is_root:
                continue
            mine = [(p, u, v) for p, u, v in items if frame.unit_bucket.get(u) == b.unit_id]
            kept: list[tuple[str, int, int]] = []
            for p, u, v in mine:
                if not any(p.startswith(k) for k, _, _ in kept):
                    kept.append((p, u, v))
            if kept:
                by_bucket[b.unit_id] = sum(v for _, _, v in kept)
        out[metric] = Targets(sum(v for _, _, v in top), by_bucket, [(u, v) for _, u, v in top])
    return out


def _tally(frame: Frame, rows: Iterable[tuple[int | None, int]]) -> dict[int, int]:
    """Counts by unit -> counts by bucket (units outside the frame count nowhere)."""
    by: dict[int, int] = defaultdict(int)
    for unit_id, n in rows:
        b = frame.unit_bucket.get(unit_id)  # type: ignore[arg-type]
        if b is not None:
            by[b] += n
    return by


def _aggregate(frame: Frame, qs: QuerySet, d: FigureDef) -> tuple[int, dict[int, int]]:
    """A figure's total and its counts by bucket, grouped by unit in SQL and mapped here."""
    unit_field = _unit_field(d)
    one_rating_each = d.source == Source.EVALUATIONS and len(set(frame.period.years)) == 1
    if d.count != F.Count.PEOPLE or one_rating_each:
        # one rating per person and year (an error otherwise): for one year, rows are people
        by = _tally(frame, qs.values_list(unit_field).annotate(n=Count("*")).order_by())
        return sum(by.values()), by
    per_unit = list(
        qs.values_list(unit_field).annotate(n=Count("person_id", distinct=True)).order_by()
    )
    total = qs.aggregate(v=Count("person_id", distinct=True))["v"]
    if sum(n for _, n in per_unit) == total:
        # nobody counted in two units: the per-unit counts add up exactly by bucket
        return total, _tally(frame, per_unit)
    seen: dict[int, set[int]] = defaultdict(set)
    for unit_id, pid in qs.values_list(unit_field, "person_id").distinct().order_by():
        b = frame.unit_bucket.get(unit_id)
        if b is not None:
            seen[b].add(pid)
    return total, {b: len(p) for b, p in seen.items()}


def _members_count(frame: Frame, d: FigureDef) -> tuple[int, dict[int, int]]:
    """Members on the last day by bucket: one interval per person on a day, so rows add up."""
    by = _tally(
        frame,
        (
            (unit_id, n)
            for unit_id, status, sex, n in headcounts.counts_on(frame.period.end, frame.unit_set())
            if status in d.statuses and (not d.sex or sex == d.sex)
        ),
    )
    return sum(by.values()), by


def figure_result(frame: Frame, key: str) -> FigureResult:
    """One figure on its own: the same querysets as its rows."""
    d = get_def(frame, key)
    if d.source in (Source.TARGET, Source.VS_TARGET):
        t = targets_for(frame, [d.metric]).get(d.metric)
        if d.source == Source.TARGET:
            if t is None:
                return FigureResult(d.key, d.label, d.definition, None)
            return FigureResult(d.key, d.label, d.definition, t.total, dict(t.by_bucket))
        base = figure_result(frame, d.metric)
        if t is None:
            return FigureResult(d.key, d.label, d.definition, None)
        by = {b: vs_target(int(base.by_bucket.get(b) or 0), v) for b, v in t.by_bucket.items()}
        return FigureResult(
            d.key, d.label, d.definition, vs_target(int(base.value or 0), t.total), by
        )
    if d.source == Source.MEMBERS:
        total, by = _members_count(frame, d)
    else:
        total, by = _aggregate(frame, _base(frame, d), d)
    result = FigureResult(
        d.key,
        d.label,
        d.definition,
        total,
        {b.unit_id: by.get(b.unit_id, 0) for b in frame.buckets},
    )
    if d.kinds == ("congress",):
        result.extra["terms"] = _terms(_base(frame, d))
    return result


def _terms(qs: QuerySet) -> dict[str, int]:
    return {r["term"]: r["n"] for r in qs.values("term").annotate(n=Count("*")).order_by("term")}


def compute_all(
    frame: Frame,
    keys: Iterable[str] | None = None,
    *,
    progress: Progress | None = None,
    year_counts: bool = True,
) -> dict[str, FigureResult]:
    """Every figure of the report at once: one GROUP BY per family of figures, grouped by unit
    in SQL and added up by bucket here (a dictionary lookup per row of the grouping).
    `progress(percent, step)` hears of each family as it starts.

    For whole years, events are counted from the year counts (`events.rollups.year_counts`, one
    row per unit, kind, subtype and year, kept in step with the log) rather than from the log;
    `year_counts=False` reads the log (the tests compare the two)."""
    say = progress or (lambda percent, step: None)
    say(5, "Các sự kiện của đảng viên trong kỳ")
    wanted = list(keys) if keys is not None else F.report_keys(frame.award_codes)
    defs = [get_def(frame, k) for k in wanted]
    buckets = [b.unit_id for b in frame.buckets]
    out: dict[str, FigureResult] = {}
    year_counts = year_counts and any(d.source in (Source.EVENTS, Source.EVALUATIONS) for d in defs)
    if year_counts:
        rollups.rollup_current()

    def result(d: FigureDef, cells: dict[int, int], total: int | None = None) -> FigureResult:
        by: dict[int, Number | None] = {b: cells.get(b, 0) for b in buckets}
        value = sum(cells.get(b, 0) for b in buckets) if total is None else total
        return FigureResult(d.key, d.label, d.definition, value, by)

    # Person events in the period: counts by unit x kind x subtype. Distinct people come from
    # the distinct (unit, kind, subtype, person) of the few kinds counted by people, so a person
    # is counted once per bucket and once in the total, exactly.
    event_defs = [d for d in defs if d.source == Source.EVENTS]
    if event_defs:
        base = _person_events(frame, EVENT_KINDS)
        counts: dict[tuple, dict[int, int]] = defaultdict(lambda: defaultdict(int))
        if year_counts and frame.period.is_whole_years:
            cells = rollups.year_counts(
                units=frame.unit_set(), kinds=EVENT_KINDS, first=frame.period.years[0], last=frame.period.years[1],
                refresh=False,
            )
        else:
            cells = base.values_list("attr", "kind", "subtype").annotate(n=Count("*")).order_by()
        for attr, kind, subtype, n in cells:
            b = frame.unit_bucket.get(attr)
            if b is not None:
                counts[(kind, subtype)][b] += n
                counts[(kind, None)][b] += n
        people_kinds = sorted({k for d in event_defs if d.count == F.Count.PEOPLE for k in d.kinds})
        seen: dict[tuple, set[int]] = defaultdict(set)
        if people_kinds:
            distinct = (
                base.filter(kind__in=people_kinds)
                .values_list("attr", "kind", "subtype", "person_id")
                .distinct()
                .order_by()
            )
            for attr, kind, subtype, pid in distinct:
                b = frame.unit_bucket.get(attr)
                for key in (
                    (b, kind, subtype),
                    (b, kind, None),
                    (TOTAL, kind, subtype),
                    (TOTAL, kind, None),
                ):
                    seen[key].add(pid)
        for d in event_defs:
            if d.count == F.Count.PEOPLE:
                (kind,) = d.kinds
                cells = {b: len(seen.get((b, kind, d.subtype), ())) for b in buckets}
                out[d.key] = result(d, cells, len(seen.get((TOTAL, kind, d.subtype), ())))
            else:
                cells = defaultdict(int)
                for kind in d.kinds:
                    for b, n in counts.get((kind, d.subtype), {}).items():
                        cells[b] += n
                out[d.key] = result(d, cells)

    say(30, "Chuyển sinh hoạt đảng")
    if any(d.source in (Source.TRANSFER_IN, Source.TRANSFER_OUT) for d in defs):
        inward: dict[int, int] = defaultdict(int)
        outward: dict[int, int] = defaultdict(int)
        moves = _transfers(frame).values_list("src", "to_unit_id").annotate(n=Count("*")).order_by()
        for src_unit, dst_unit, n in moves:
            src, dst = frame.unit_bucket.get(src_unit), frame.unit_bucket.get(dst_unit)
            if src is None and dst is not None:
                inward[dst] += n
            elif src is not None and dst is None:
                outward[src] += n
        for d in defs:
            if d.source in (Source.TRANSFER_IN, Source.TRANSFER_OUT):
                out[d.key] = result(d, inward if d.source == Source.TRANSFER_IN else outward)

    say(40, "Số đảng viên cuối kỳ")
    member_defs = [d for d in defs if d.source == Source.MEMBERS]
    if member_defs:
        # one open interval per person on a day: counts by unit map to buckets exactly
        cells_m: dict[tuple, dict[int, int]] = defaultdict(lambda: defaultdict(int))
        for unit_id, status, sex, n in headcounts.counts_on(frame.period.end, frame.unit_set()):
            b = frame.unit_bucket.get(unit_id)
            if b is not None:
                cells_m[(status, sex)][b] += n
        for d in member_defs:
            cells = defaultdict(int)
            for (status, sex), by_b in cells_m.items():
                if status in d.statuses and (not d.sex or sex == d.sex):
                    for b, n in by_b.items():
                        cells[b] += n
            out[d.key] = result(d, cells)

    say(50, "Đánh giá, xếp loại chất lượng")
    eval_defs = [d for d in defs if d.source == Source.EVALUATIONS]
    if eval_defs:
        # A member is rated once a year, in one unit (evaluation.once_per_year is an error), so
        # for one year the distinct people per unit add up exactly to the bucket and the total.
        # Over several years a person is rated in each: the total is then counted distinct.
        base = _person_events(frame, ("evaluation",), years=True)
        one_year = frame.period.years[0] == frame.period.years[1]
        # one rating per person and year: for one year, rows are people (no sort for DISTINCT)
        people = Count("*") if one_year else Count("person_id", distinct=True)
        cells_e: dict[str | None, dict[int, int]] = defaultdict(lambda: defaultdict(int))
        if year_counts and one_year:
            ratings = [
                (attr, subtype, p)
                for attr, _kind, subtype, p in rollups.year_counts(
                    units=frame.unit_set(), kinds=("evaluation",), first=frame.period.years[0], last=frame.period.years[0],
                    refresh=False,
                )
            ]
        else:
            ratings = base.values_list("attr", "subtype").annotate(p=people).order_by()
        for attr, subtype, p in ratings:
            b = frame.unit_bucket.get(attr)
            if b is not None:
                cells_e[subtype][b] += p
        totals: dict[str, int] | None = None
        if not one_year:
            totals = {
                s: p
                for s, p in base.values_list("subtype")
                .annotate(p=Count("person_id", distinct=True))
                .order_by()
            }
        for d in eval_defs:
            cells = cells_e.get(d.subtype, {})
            out[d.key] = result(d, cells, None if totals is None else totals.get(d.subtype, 0))

    say(70, "Tổ chức đảng: đại hội, thành lập, sáp nhập, đánh giá")
    unit_defs = [d for d in defs if d.source in (Source.UNIT_EVENTS, Source.UNIT_EVALUATIONS)]
    if unit_defs:
        unit_cells = [
            (frame.unit_bucket.get(unit_id), kind, subtype, term, n)
            for unit_id, kind, subtype, term, n in _unit_events(frame)
            .values_list("unit_id", "kind", "subtype", "term")
            .annotate(n=Count("*"))
            .order_by()
        ]
        for d in unit_defs:
            cells = defaultdict(int)
            terms: dict[str, int] = defaultdict(int)
            for b, kind, subtype, term, n in unit_cells:
                if (
                    b is not None
                    and kind in d.kinds
                    and (d.subtype is None or subtype == d.subtype)
                ):
                    cells[b] += n
                    terms[term] += n
            out[d.key] = result(d, cells)
            if d.kinds == ("congress",):
                out[d.key].extra["terms"] = dict(sorted(terms.items()))

    target_defs = [d for d in defs if d.source in (Source.TARGET, Source.VS_TARGET)]
    if target_defs:
        targets = targets_for(frame, {d.metric for d in target_defs})
        for d in target_defs:
            t = targets.get(d.metric)
            if t is None:
                out[d.key] = FigureResult(d.key, d.label, d.definition, None)
                continue
            if d.source == Source.TARGET:
                out[d.key] = FigureResult(d.key, d.label, d.definition, t.total, dict(t.by_bucket))
                continue
            base_result = out.get(d.metric) or figure_result(frame, d.metric)
            by = {
                b: vs_target(int(base_result.by_bucket.get(b) or 0), v)
                for b, v in t.by_bucket.items()
            }
            out[d.key] = FigureResult(
                d.key, d.label, d.definition, vs_target(int(base_result.value or 0), t.total), by
            )

    return {k: out[k] for k in wanted}


def has_data(frame: Frame, results: dict[str, FigureResult]) -> bool:
    """Whether anything at all was recorded for this scope and period: judged on the members and
    events, since the catalogue of posts and the planning lists exist whatever the period."""
    return any(
        r.value
        for r in results.values()
        if isinstance(r.value, int)
        and not r.key.endswith(".target")
        and get_def(frame, r.key).source != Source.CADRES
    )


# --- rows ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    sort: str = ""  # the order_by field, empty when not sortable


PERSON_COLUMNS = (
    Column("code", "Mã", "person__code"),
    Column("name", "Họ và tên", "person__search_key"),
    Column("unit", "Đơn vị"),
    Column("date", "Ngày", "effective_on"),
    Column("what", "Nội dung"),
    Column("decision", "Số quyết định"),
)
MEMBER_COLUMNS = (
    Column("code", "Mã", "person__code"),
    Column("name", "Họ và tên", "person__search_key"),
    Column("unit", "Đơn vị"),
    Column("date", "Sinh hoạt từ ngày", "valid_from"),
    Column("what", "Trạng thái"),
)
UNIT_COLUMNS = (
    Column("code", "Mã đơn vị", "unit__code"),
    Column("unit", "Đơn vị"),
    Column("date", "Ngày", "effective_on"),
    Column("what", "Nội dung"),
    Column("decision", "Số quyết định"),
)
TARGET_COLUMNS = (
    Column("code", "Mã đơn vị"),
    Column("unit", "Đơn vị"),
    Column("value", "Chỉ tiêu"),
)


@dataclass
class Rows:
    """The rows behind a figure: a queryset (sorted, not yet paged) and how to show a row."""

    figure: FigureDef
    columns: tuple[Column, ...]
    queryset: QuerySet | list
    render: object  # callable(dict) -> dict of column key -> text
    count: int | None = None  # the number of rows when known without counting them

    def paginator(self, per_page: int) -> Paginator:
        """A paginator that takes the known count instead of counting the rows again."""
        paginator = Paginator(self.queryset, per_page)
        if self.count is not None:
            paginator.__dict__["count"] = self.count  # Paginator.count is a cached property
        return paginator

    def __iter__(self):
        for raw in self.queryset:
            yield self.render(raw)


def figure_rows(frame: Frame, key: str, *, bucket: int | None = None, order: str = "") -> Rows:
    d = get_def(frame, key)
    if d.source == Source.VS_TARGET:
        raise ReportError(MSG_NO_ROWS.format(key=key))
    if d.source == Source.TARGET:
        t = targets_for(frame, [d.metric]).get(d.metric)
        items = (
            []
            if t is None
            else [(u, v) for u, v in t.rows if bucket is None or frame.unit_bucket.get(u) == bucket]
        )
        if (
            bucket is not None
            and t is not None
            and frame.bucket(bucket)
            and not frame.bucket(bucket).is_root
        ):  # type: ignore[union-attr]
            # a child's target may come from several units below it
            items = []
            rows = Target.objects.filter(
                year=frame.period.start.year, metric=d.metric, unit_id__in=frame.ids_of(bucket)
            ).values_list("unit_id", "value")
            kept: list[tuple[str, int, int]] = []
            for path, u, v in sorted((frame.unit_paths.get(u, ""), u, v) for u, v in rows):
                if not any(path.startswith(p) for p, _, _ in kept):
                    kept.append((path, u, v))
            items = [(u, v) for _, u, v in kept]
        data = [{"unit_id": u, "value": v} for u, v in items]
        return Rows(
            d,
            TARGET_COLUMNS,
            data,
            lambda r: {
                "code": frame.unit_names.get(r["unit_id"], ("", ""))[0],
                "unit": frame.unit_label(r["unit_id"]),
                "value": r["value"],
            },
        )

    qs = _base(frame, d, bucket)
    sort_fields = {c.key: c.sort for c in _columns(d) if c.sort}
    desc = order.startswith("-")
    field_name = sort_fields.get(order.lstrip("-"), "")
    if d.source == Source.MEMBERS:
        total, by = _members_count(frame, d)
        count = total if bucket is None else by.get(bucket, 0)
        units = frame.ids_of(bucket) if bucket is not None else frame.unit_ids
        if (
            connection.vendor == "sqlite"
            and field_name in ("", "person__search_key")
            and len(units) > SMALL_SET
        ):
            return Rows(d, MEMBER_COLUMNS, _members_by_name(qs, desc), _member_row(frame), count)
        qs = qs.values(
            "id",
            "person_id",
            "person__code",
            "person__full_name",
            "unit_id",
            "status",
            "valid_from",
        )
        qs = qs.order_by(
            *(["-" + field_name] if desc else [field_name])
            if field_name
            else ["person__search_key"],
            "id",
        )
        return Rows(d, MEMBER_COLUMNS, qs, _member_row(frame), count)
    if d.source in (Source.UNIT_EVENTS, Source.UNIT_EVALUATIONS):
        qs = qs.values(
            "id",
            "unit_id",
            "unit__code",
            "effective_on",
            "kind",
            "subtype",
            "term",
            "year",
            "decision_no",
        )
        qs = qs.order_by(
            *(["-" + field_name] if desc else [field_name]) if field_name else ["effective_on"],
            "id",
        )
        return Rows(
            d,
            UNIT_COLUMNS,
            qs,
            lambda r: {
                "code": r["unit__code"],
                "unit": frame.unit_label(r["unit_id"]),
                "date": format_date(r["effective_on"]),
                "what": _unit_event_text(r),
                "decision": r["decision_no"],
            },
        )
    if d.count == F.Count.PEOPLE:
        # One row per person: the value counts people, so do the rows.
        qs = qs.values(
            "person_id", "person__code", "person__full_name", "person__search_key"
        ).annotate(
            effective_on=Min("effective_on"),
            n=Count("*"),
            unit_at=Min("attr"),
            decision=Min("decision_no"),
        )
        order_field = field_name or "person__search_key"
        qs = qs.order_by(("-" if desc else "") + order_field, "person_id")
        return Rows(
            d,
            PERSON_COLUMNS,
            qs,
            lambda r: {
                "person_id": r["person_id"],
                "code": r["person__code"],
                "name": r["person__full_name"],
                "unit": frame.unit_label(r["unit_at"]),
                "date": format_date(r["effective_on"]),
                "what": d.label + (f" ({r['n']} lần)" if r["n"] > 1 else ""),
                "decision": r["decision"] or "",
            },
        )
    unit_field = _unit_field(d)
    qs = qs.values(
        "id",
        "person_id",
        "person__code",
        "person__full_name",
        "effective_on",
        "kind",
        "subtype",
        "decision_no",
        "position",
        "year",
        unit_field,
        "unit_id",
        "to_unit_id",
    )
    qs = qs.order_by(
        *(["-" + field_name] if desc else [field_name])
        if field_name
        else ["effective_on", "person__search_key"],
        "id",
    )
    return Rows(
        d,
        PERSON_COLUMNS,
        qs,
        lambda r: {
            "person_id": r["person_id"],
            "code": r["person__code"],
            "name": r["person__full_name"],
            "unit": frame.unit_label(r[unit_field]),
            "date": format_date(r["effective_on"]),
            "what": _event_text(frame, d, r),
            "decision": r["decision_no"],
        },
    )


def _member_row(frame: Frame):
    return lambda r: {
        "person_id": r["person_id"],
        "code": r["person__code"],
        "name": r["person__full_name"],
        "unit": frame.unit_label(r["unit_id"]),
        "date": format_date(r["valid_from"]),
        "what": _status_label(r["status"]),
    }


def _members_by_name(intervals: QuerySet, desc: bool) -> QuerySet:
    """The members in name order, led by the people's name index.

    SQLite otherwise reads every interval of the scope through the unit index and sorts them
    all for one page (1.7 s for the city); from the people, in name order, a page stops after a
    few dozen people (8 ms). One interval per person on a day, so each person is one row.
    """
    mine = intervals.filter(person_id=OuterRef("pk")).order_by("-valid_from")
    sign = "-" if desc else ""
    return (
        Person.objects.filter(Exists(mine))
        .annotate(
            person_id=Field("pk"),
            person__code=Field("code"),
            person__full_name=Field("full_name"),
            unit_id=Subquery(mine.values("unit_id")[:1]),
            status=Subquery(mine.values("status")[:1]),
            valid_from=Subquery(mine.values("valid_from")[:1]),
        )
        .values("person_id", "person__code", "person__full_name", "unit_id", "status", "valid_from")
        .order_by(sign + "search_key", sign + "id")
    )


def _columns(d: FigureDef) -> tuple[Column, ...]:
    if d.source == Source.MEMBERS:
        return MEMBER_COLUMNS
    if d.source in (Source.UNIT_EVENTS, Source.UNIT_EVALUATIONS):
        return UNIT_COLUMNS
    if d.source == Source.TARGET:
        return TARGET_COLUMNS
    return PERSON_COLUMNS


def _status_label(status: str) -> str:
    from tochuc.events.kinds import STATUS_LABELS

    return STATUS_LABELS.get(status, status)


def _unit_event_text(r: dict) -> str:
    from tochuc.events.kinds import Subject, kind_label, subtype_label

    if r["kind"] == "congress":
        return f"Đại hội nhiệm kỳ {r['term']}" if r["term"] else "Đại hội"
    text = subtype_label(r["kind"], r["subtype"], Subject.UNIT) or kind_label(r["kind"])
    return f"{text} (năm {r['year']})" if r["year"] else text


def _event_text(frame: Frame, d: FigureDef, r: dict) -> str:
    from tochuc.events.kinds import kind_label, subtype_label

    if d.source == Source.TRANSFER_IN:
        origin = (
            frame.unit_label(r["unit_id"])
            if r["unit_id"] in frame.unit_names
            else ("ngoài phạm vi" if r["unit_id"] else "ngoài hệ thống")
        )
        return f"Chuyển đến từ {origin}"
    if d.source == Source.TRANSFER_OUT:
        return "Chuyển đi ngoài hệ thống" if r["to_unit_id"] is None else "Chuyển đi ngoài phạm vi"
    text = kind_label(r["kind"])
    if r["subtype"]:
        text += ": " + subtype_label(r["kind"], r["subtype"]).lower()
    if r["position"]:
        text += f" – {r['position']}"
    if r["year"] and d.source == Source.EVALUATIONS:
        text += f" (năm {r['year']})"
    return text


def years_end_members(frame: Frame, years: Iterable[int]) -> dict[int, int]:
    """Members on 31/12 of each year, in the units of this frame (the kept year-end counts)."""
    days = [dt.date(y, 12, 31) for y in years]
    totals = headcounts.totals_on(days, frame.unit_set())
    return {d.year: totals[d] for d in days}
