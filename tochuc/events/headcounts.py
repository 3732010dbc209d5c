"""Headcounts at year-ends: members per unit x status x sex on 31/12, kept in step with the
membership projection (PERFORMANCE.md §5, the period-end snapshot).

Why: the annual report counts members on the last day of the year and on the last five
year-ends. From the intervals that is a scan of every membership row of the scope (the demo
city: 186 000 rows, 0.1–0.4 s per day); from here it is a few thousand rows.

- A day's snapshot is built the first time a report asks for it (`counts_on`) and is kept from
  then on. Only year-ends are kept: other days are counted from the intervals.
- Every later change of memberships adjusts the kept days it touches, in the same transaction
  (`adjust`, called by `projections.write_person_rows` with the rows about to be replaced).
  A bulk path that writes memberships another way must call `adjust` or `forget`.
- Builder and writers are ordered by a table lock on PostgreSQL (SQLite's write transactions are
  already serial), so a snapshot never misses a change committed while it was being counted.
- Derived state: `check()` (run by `tochuc rebuild --check`) recounts every kept day.
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence

from django.db import DatabaseError, connection, transaction
from django.db.models import Count, Q, Sum

from tochuc.events.models import Headcount, HeadcountDay, Membership

Key = tuple[int, str, str]  # unit id, status, sex
Row = tuple[int, str, str, int]  # unit id, status, sex, n

MSG_DIFF = "Số đảng viên ngày {day}: đơn vị #{unit} ({status}, {sex}) lưu {stored}, tính lại được {computed}"


def is_kept(day: dt.date) -> bool:
    return day.month == 12 and day.day == 31


def kept_days() -> list[dt.date]:
    return sorted(HeadcountDay.objects.values_list("day", flat=True))


def intervals_on(day: dt.date):
    """Membership intervals open on a day (`projections.memberships_on` is this function)."""
    return Membership.objects.filter(valid_from__lte=day).filter(
        Q(valid_to__isnull=True) | Q(valid_to__gt=day)
    )


def count_from_intervals(day: dt.date, units=None) -> list[Row]:
    qs = intervals_on(day)
    if units is not None:
        qs = qs.filter(unit_id__in=units)
    return list(qs.values_list("unit_id", "status", "sex").annotate(n=Count("*")).order_by())


def counts_on(day: dt.date, units=None) -> list[Row]:
    """Members on `day` by unit x status x sex, for the units given (ids or a subquery)."""
    if is_kept(day) and _ensure(day):
        qs = Headcount.objects.filter(day=day)
        if units is not None:
            qs = qs.filter(unit_id__in=units)
        return list(qs.values_list("unit_id", "status", "sex", "n"))
    return count_from_intervals(day, units)


def totals_on(days: Iterable[dt.date], units=None) -> dict[dt.date, int]:
    """Members on each day (all statuses), for the units given: one grouped query."""
    days = sorted(set(days))
    wanted = [d for d in days if is_kept(d)]
    stored = set(HeadcountDay.objects.filter(day__in=wanted).values_list("day", flat=True))
    kept = [d for d in wanted if d in stored or _ensure(d)]  # one query when all are kept
    out = dict.fromkeys(days, 0)
    if kept:
        qs = Headcount.objects.filter(day__in=kept)
        if units is not None:
            qs = qs.filter(unit_id__in=units)
        for day, n in qs.values_list("day").annotate(n=Sum("n")).order_by():
            out[day] = n
    for d in days:
        if d not in kept:
            out[d] = sum(r[3] for r in count_from_intervals(d, units))
    return out


# Writers take ROW EXCLUSIVE (they do not block each other); a snapshot being built takes
# SHARE ROW EXCLUSIVE, which waits for writers in flight and holds new ones back.
LOCKS = {
    "writer": "LOCK TABLE events_headcountday IN ROW EXCLUSIVE MODE",
    "builder": "LOCK TABLE events_headcountday IN SHARE ROW EXCLUSIVE MODE",
}


def _lock(who: str) -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            cur.execute(LOCKS[who])


def _ensure(day: dt.date) -> bool:
    """Make sure the day is kept; False when it cannot be (a read-only replica)."""
    if HeadcountDay.objects.filter(day=day).exists():
        return True
    try:
        with transaction.atomic():
            # Waits for membership writers in flight and holds new ones until the day is kept.
            _lock("builder")
            if HeadcountDay.objects.filter(day=day).exists():
                return True
            HeadcountDay.objects.create(day=day)
            Headcount.objects.bulk_create(
                [
                    Headcount(day=day, unit_id=u, status=s, sex=x, n=n)
                    for u, s, x, n in count_from_intervals(day)
                ],
                batch_size=5000,
            )
        return True
    except DatabaseError:
        return False


def adjust(person_ids: Sequence[int], new_rows: Iterable[Membership]) -> None:
    """Move the kept counts from the people's stored intervals to `new_rows`.

    Call inside the transaction that replaces those intervals, before replacing them.
    """
    if connection.in_atomic_block:
        _lock("writer")  # orders this writer with a snapshot being built
    days = kept_days()
    if not days:
        return
    delta: Counter = Counter()

    def add(unit_id, status, sex, valid_from, valid_to, sign: int) -> None:
        # the kept days d with valid_from <= d < valid_to
        lo = bisect.bisect_left(days, valid_from)
        hi = len(days) if valid_to is None else bisect.bisect_left(days, valid_to)
        for d in days[lo:hi]:
            delta[(d, unit_id, status, sex)] += sign

    old = Membership.objects.filter(person_id__in=list(person_ids)).values_list(
        "unit_id", "status", "sex", "valid_from", "valid_to"
    )
    for row in old:
        add(*row, -1)
    for m in new_rows:
        add(m.unit_id, m.status, m.sex, m.valid_from, m.valid_to, +1)
    _apply({k: v for k, v in delta.items() if v})


def _apply(delta: dict[tuple, int]) -> None:
    if not delta:
        return
    by_day: dict[dt.date, dict[Key, int]] = defaultdict(dict)
    for (day, unit_id, status, sex), n in delta.items():
        by_day[day][(unit_id, status, sex)] = n
    for day, changes in by_day.items():
        stored = {
            (h.unit_id, h.status, h.sex): h
            for h in Headcount.objects.filter(day=day, unit_id__in={k[0] for k in changes})
        }
        updated, created = [], []
        for key, n in changes.items():
            row = stored.get(key)
            if row is None:
                created.append(Headcount(day=day, unit_id=key[0], status=key[1], sex=key[2], n=n))
            else:
                row.n += n
                updated.append(row)
        Headcount.objects.bulk_update(updated, ["n"], batch_size=2000)
        Headcount.objects.bulk_create(created, batch_size=2000)


def forget() -> None:
    """Drop every kept day (a bulk path that rewrote memberships wholesale); rebuilt on demand."""
    Headcount.objects.all().delete()
    HeadcountDay.objects.all().delete()


def check(*, fix: bool) -> list[str]:
    """Recount every kept day from the intervals; with `fix`, store the recount."""
    diffs: list[str] = []
    for day in kept_days():
        computed = {(u, s, x): n for u, s, x, n in count_from_intervals(day)}
        stored = {
            (u, s, x): n
            for u, s, x, n in Headcount.objects.filter(day=day).values_list(
                "unit_id", "status", "sex", "n"
            )
        }
        wrong = sorted(
            (k for k in computed.keys() | stored.keys() if computed.get(k, 0) != stored.get(k, 0)),
            key=lambda k: (k[0], k[1], k[2]),
        )
        for u, s, x in wrong:
            diffs.append(
                MSG_DIFF.format(
                    day=day.strftime("%d/%m/%Y"),
                    unit=u,
                    status=s,
                    sex=x,
                    stored=stored.get((u, s, x), 0),
                    computed=computed.get((u, s, x), 0),
                )
            )
        if fix and wrong:
            Headcount.objects.filter(day=day).delete()
            Headcount.objects.bulk_create(
                [
                    Headcount(day=day, unit_id=u, status=s, sex=x, n=n)
                    for (u, s, x), n in computed.items()
                ],
                batch_size=5000,
            )
    return diffs
