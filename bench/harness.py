"""The measurements: each section times tochuc and, where it has one, its floor, on the current
database (Django must be set up). `run_core` is what CI runs at tiny scale; `bench.__main__`
adds data generation, the import and the web server under load, and writes RESULTS.md."""

from __future__ import annotations

import datetime as dt
import json
import os
import platform
import resource
import statistics
import subprocess
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from bench import floor

# The in-process sections, in the order they run and are written.
SECTIONS = (
    "Bảng tổng hợp sự kiện",
    "Báo cáo năm (JSON)",
    "Chi tiết chỉ số (trang đầu + tổng số)",
    "Tìm người theo tên không dấu",
    "Trang web (Django test Client, đã đăng nhập)",
    "Việc đến hạn",
)


@dataclass
class Timing:
    """Milliseconds of `runs` runs after `warmup` unmeasured ones."""

    runs: list[float]
    queries: int = 0  # -1: not counted (the budget was spent)
    cold: bool = False  # the only run is the warm-up (it alone spent the budget)

    @property
    def median(self) -> float:
        return statistics.median(self.runs)

    @property
    def spread(self) -> tuple[float, float]:
        return min(self.runs), max(self.runs)

    def cell(self) -> str:
        lo, hi = self.spread
        return f"{self.median:.1f} ({lo:.1f}–{hi:.1f})"


# Seconds one measurement may take in all (warm-up, runs, the query count); None: no limit.
# At national scale a single nation-wide report can take minutes: set by `--budget`.
BUDGET_S: float | None = None
# Above this many events a full rebuild of the rollup is not timed under a budget (minutes).
FULL_REBUILD_UNDER_BUDGET = 10_000_000


def measure(fn: Callable[[], Any], *, runs: int, warmup: int) -> tuple[Timing, Any]:
    """`runs` timed runs after `warmup` untimed ones, then one more to count the queries.

    Under a budget (`BUDGET_S`) the runs stop once it is spent (at least one timed run); a
    warm-up that alone spends it becomes the only run (`Timing.cold`), and the query count
    (`queries` -1) is skipped when the budget is gone."""
    result = None
    start = time.perf_counter()

    def spent() -> bool:
        return BUDGET_S is not None and time.perf_counter() - start > BUDGET_S

    times = []
    cold = False
    for _ in range(warmup):
        t0 = time.perf_counter()
        result = fn()
        if spent():
            times, cold = [(time.perf_counter() - t0) * 1000], True
            break
    while not cold and len(times) < max(runs, 1):
        t0 = time.perf_counter()
        result = fn()
        times.append((time.perf_counter() - t0) * 1000)
        if spent():
            break
    if spent():
        return Timing(times, -1, cold=cold), result
    # One more run to count the queries: capturing them costs time, so not while timing.
    with CaptureQueriesContext(connection) as captured:
        fn()
    return Timing(times, len(captured.captured_queries)), result


@dataclass
class Row:
    section: str
    what: str
    tochuc: Timing | None = None
    floor: Timing | None = None
    target_ms: float | None = None
    note: str = ""

    @property
    def ratio(self) -> float | None:
        if self.tochuc is None or self.floor is None or self.floor.median <= 0:
            return None
        return self.tochuc.median / self.floor.median


@dataclass
class Results:
    scale: str
    db: str
    year: int
    rows: list[Row] = field(default_factory=list)
    facts: dict[str, Any] = field(default_factory=dict)
    sections: list[str] = field(default_factory=list)

    def add(self, row: Row) -> Row:
        self.rows.append(row)
        if row.section not in self.sections:
            self.sections.append(row.section)
        return row


# --- picking the units to report on -----------------------------------------------------------


@dataclass(frozen=True)
class Picks:
    root: tuple[int, str]
    district: tuple[int, str] | None
    grassroots: tuple[int, str] | None
    branch: tuple[int, str] | None
    # national scale: the largest province under the nation's root (the levels below are its)
    province: tuple[int, str] | None = None


def subtree_sizes(versions, sizes: dict[int, int]) -> dict[str, int]:
    """Members under each path: every unit's count added to each of its ancestors' paths, in
    one pass (a national tree has 130 000 units: one scan per candidate would take hours)."""
    from tochuc.units.models import PATH_WIDTH

    step = PATH_WIDTH + 1
    out: dict[str, int] = {}
    for unit_id, path in versions:
        n = sizes.get(unit_id, 0)
        if n:
            for end in range(step, len(path) + 1, step):
                out[path[:end]] = out.get(path[:end], 0) + n
    return out


def pick_units(year: int) -> Picks:
    """The largest root (of those still roots today), and under it the largest unit of each
    level, as on 31/12 of the year.
    When the root is the nation's (kind `central`), the levels are picked under its largest
    province."""
    from django.db.models import Count
    from django.utils import timezone

    from tochuc.events.projections import memberships_on
    from tochuc.units.models import UnitKind, UnitVersion
    from tochuc.units.selectors import path_prefix, valid_on

    day = dt.date(year, 12, 31)
    current = UnitVersion.objects.filter(valid_on(day))
    roots = list(current.filter(depth=0).values_list("unit_id", "unit__code", "path", "kind"))
    # Only roots that are still roots today: the pages are measured as a user granted on today's
    # roots (bench_user); a province merged since (province scale: ST, HG into CT in 2025) is
    # out of that scope and its pages answer 404.
    today = set(
        UnitVersion.objects.filter(valid_on(timezone.localdate()), depth=0).values_list(
            "unit_id", flat=True
        )
    )
    roots = [r for r in roots if r[0] in today] or roots
    sizes = dict(
        memberships_on(day)
        .values("unit_id")
        .annotate(n=Count("*"))
        .order_by()
        .values_list("unit_id", "n")
    )
    totals = subtree_sizes(
        current.values_list("unit_id", "path").iterator(chunk_size=20_000), sizes
    )

    def size(path: str) -> int:
        return totals.get(path, 0)

    root = max(roots, key=lambda r: size(r[2]))
    under = current.filter(path_prefix(root[2]))

    def largest(**filters) -> tuple[int, str] | None:
        rows = list(under.filter(**filters).values_list("unit_id", "unit__code", "path"))
        if not rows:
            return None
        best = max(rows, key=lambda r: size(r[2]))
        return best[0], best[1]

    province = None
    if root[3] == UnitKind.CENTRAL:
        province = largest(kind=UnitKind.PROVINCIAL, depth=1)
        if province is not None:
            under = current.filter(path_prefix(current.get(unit_id=province[0]).path))
    top_depth = 2 if province is not None else 1
    district = largest(kind="district") or largest(depth=top_depth)
    grassroots = largest(kind="grassroots_committee")
    branch = largest(kind="branch")
    return Picks((root[0], root[1]), district, grassroots, branch, province)


# --- sections ---------------------------------------------------------------------------------


def bench_user(n: int = 0):
    """A specialist over every root of today's tree (as a provincial specialist is): the
    person page, the search and the web load act as this user."""
    from django.utils import timezone

    from tochuc.accounts.models import Grant, User
    from tochuc.units.models import UnitVersion
    from tochuc.units.selectors import valid_on

    user, created = User.objects.get_or_create(
        username=f"bench{n:02d}", defaults={"is_active": True}
    )
    if created:
        user.set_unusable_password()
        user.save()
    roots = set(
        UnitVersion.objects.filter(valid_on(timezone.localdate()), depth=0).values_list(
            "unit_id", flat=True
        )
    )
    current = set(Grant.objects.filter(user=user).values_list("unit_id", flat=True))
    if current != roots:
        # Grants change only through the services, which end (never delete) and audit them.
        from tochuc.accounts.services import grant_add, grant_revoke
        from tochuc.units.models import Unit

        for unit in Unit.objects.filter(pk__in=current - roots):
            grant_revoke(
                by=None, user=user, unit=unit, reason="bench: không còn là gốc cây hôm nay"
            )
        for unit in Unit.objects.filter(pk__in=roots - current):
            grant_add(by=None, user=user, unit=unit, role="specialist")
    return user


def reports_section(res: Results, picks: Picks, *, runs: int, warmup: int) -> None:
    from tochuc.reports.annual import build_annual

    levels = [
        ("toàn quốc" if picks.province else "toàn tỉnh/thành phố", picks.root),
        ("toàn tỉnh/thành phố", picks.province),
        ("cấp huyện", picks.district),
        ("cơ sở", picks.grassroots),
        ("chi bộ", picks.branch),
    ]
    for label, unit in levels:
        if unit is None:
            continue
        unit_id, code = unit

        def report(code=code):
            return json.dumps(
                build_annual(scope=None, code=code, year=res.year, allow_empty=True).to_json(),
                ensure_ascii=False,
            )

        tochuc, text = measure(report, runs=runs, warmup=warmup)
        floor_t, floor_rows = measure(
            lambda unit_id=unit_id: floor.annual_floor(root_id=unit_id, year=res.year),
            runs=runs,
            warmup=warmup,
        )
        figures = json.loads(text)["figures"]
        checks = []
        for key in ("members.total", "members.admitted", "members.recognized"):
            mine = (figures.get(key) or {}).get("value", 0) or 0
            theirs = floor_rows.total(key)
            checks.append(f"{key} {mine}" + ("" if mine == theirs else f" ≠ sàn {theirs}"))
        res.add(
            Row("Báo cáo năm (JSON)", f"{label} {code}", tochuc, floor_t, 100, "; ".join(checks))
        )


def drill_section(res: Results, picks: Picks, *, runs: int, warmup: int) -> None:
    from tochuc.reports.figures import Period
    from tochuc.reports.selectors import build_frame, figure_rows

    code = picks.root[1]
    for key in ("members.admitted", "members.total"):

        def drill(key=key):
            frame = build_frame(scope=None, code=code, period=Period.year(res.year))
            rows = figure_rows(frame, key, order="name")
            page = rows.paginator(50).get_page(1)
            return [rows.render(r) for r in page.object_list], page.paginator.count

        tochuc, (page, count) = measure(drill, runs=runs, warmup=warmup)
        floor_note = ""
        floor_t = None
        if key == "members.admitted":
            floor_t, floor_page = measure(
                lambda: floor.drill_floor(root_id=picks.root[0], year=res.year),
                runs=runs,
                warmup=warmup,
            )
            floor_note = f"; sàn {len(floor_page)} dòng"
        res.add(
            Row(
                "Chi tiết chỉ số (trang đầu + tổng số)",
                f"{key} {code}: {len(page)}/{count} dòng",
                tochuc,
                floor_t,
                20,
                f"khung + trang 50 dòng theo tên{floor_note}",
            )
        )


def search_section(
    res: Results,
    *,
    runs: int,
    warmup: int,
    queries: tuple[str, ...] = ("nguyen van", "tran thi hoa", "le minh"),
) -> None:
    from tochuc.accounts.scoping import scope_for
    from tochuc.lib.vntext import fold
    from tochuc.people.selectors import person_search

    scope = scope_for(bench_user())
    for q in queries:

        def search(q=q):
            page = person_search(scope=scope, q=q, page=1)
            return [p.pk for p in page.object_list], page.paginator.count

        tochuc, (found, count) = measure(search, runs=runs, warmup=warmup)
        floor_t, _ = measure(
            lambda q=q: floor.search_floor(fold(q).split()), runs=runs, warmup=warmup
        )
        # p95 over the runs: the target is a p95
        p95 = sorted(tochuc.runs)[max(0, int(round(0.95 * len(tochuc.runs))) - 1)]
        res.add(
            Row(
                "Tìm người theo tên không dấu",
                f"“{q}”: {count} người",
                tochuc,
                floor_t,
                50,
                f"p95 {p95:.1f} ms",
            )
        )


def pages_section(res: Results, picks: Picks, *, runs: int, warmup: int) -> None:
    from tochuc.events.models import PersonState

    client = Client()
    client.force_login(bench_user())
    person_id = (
        PersonState.objects.filter(status="full")
        .order_by("person_id")
        .values_list("person_id", flat=True)
        .first()
    )
    year = res.year
    pages = [
        ("Trang người", f"/nguoi/{person_id}/"),
        ("Tìm kiếm (trang web)", "/nguoi/tim/?q=nguyen+van"),
        ("Cây đơn vị", "/don-vi/"),
        ("Trang đơn vị", f"/don-vi/{picks.root[1]}/"),
        ("Bảng điều khiển", f"/bao-cao/?don_vi={picks.root[1]}&nam={year}"),
        (
            "Chi tiết chỉ số (trang web)",
            f"/bao-cao/chi-so/members.admitted/?don_vi={picks.root[1]}&nam={year}",
        ),
        ("Việc cần làm (trang web)", f"/su-kien/viec-can-lam/?don_vi={picks.root[1]}"),
    ]
    for label, url in pages:
        status = {}
        job = _wait_for_job(client, url)
        if job is not None:
            # a scope above TOCHUC_JOB_UNITS: the first request answers 202 and a background job
            # computes the figures; time that wait, then the page that shows the stored result
            seconds, code = job
            res.add(
                Row(
                    "Trang web (Django test Client, đã đăng nhập)",
                    f"{label}: việc nền tính các chỉ số (202 → {code}) {url}",
                    Timing([seconds * 1000], cold=True),
                    note=f"HTTP {code} sau {seconds:.1f} s chờ",
                )
            )

        def get(url=url, status=status):
            r = client.get(url)
            status["code"] = r.status_code
            return r

        try:
            tochuc, _ = measure(get, runs=runs, warmup=warmup)
        except Exception as exc:  # a page broken in the working tree: note it, go on
            res.add(
                Row(
                    "Trang web (Django test Client, đã đăng nhập)",
                    f"{label} {url}",
                    note=f"lỗi {type(exc).__name__}",
                )
            )
            continue
        res.add(
            Row(
                "Trang web (Django test Client, đã đăng nhập)",
                f"{label} {url}",
                tochuc,
                None,
                100 if "bao-cao" in url else None,
                f"HTTP {status['code']}",
            )
        )


def _wait_for_job(client: Client, url: str, limit_s: float = 900.0) -> tuple[float, int] | None:
    """None when the page answers at once; else (seconds until it stopped answering 202, the
    final status), polling every half second."""
    started = time.perf_counter()
    r = client.get(url)
    if r.status_code != 202:
        return None
    while r.status_code == 202 and time.perf_counter() - started < limit_s:
        time.sleep(0.5)
        r = client.get(url)
    return time.perf_counter() - started, r.status_code


def due_section(res: Results, picks: Picks, *, runs: int, warmup: int) -> None:
    try:
        from tochuc.events.due import due_for_unit
    except ImportError:
        res.add(Row("Việc đến hạn", "chưa có", note="tochuc.events.due chưa có trong mã nguồn"))
        return
    from tochuc.units.models import Unit

    for unit in (picks.root, picks.grassroots):
        if unit is None:
            continue
        u = Unit.objects.get(pk=unit[0])
        on = dt.date(res.year, 12, 1)
        # Three runs, no warm-up: at city scale one run of the root's list takes seconds.
        tochuc, lines = measure(
            lambda u=u, on=on: due_for_unit(unit=u, on=on), runs=min(runs, 3), warmup=0
        )
        res.add(
            Row(
                "Việc đến hạn",
                f"{unit[1]} ngày {on:%d/%m/%Y}: {len(lines)} việc",
                tochuc,
                None,
                None,
            )
        )


def rollup_section(res: Results, *, runs: int, warmup: int) -> None:
    from tochuc.events.rollups import rollup_refresh

    t0 = time.perf_counter()
    refresh = rollup_refresh()
    first = (time.perf_counter() - t0) * 1000
    from tochuc.events.models import Event, EventRollup

    events, cells = Event.objects.count(), EventRollup.objects.count()
    res.add(
        Row(
            "Bảng tổng hợp sự kiện",
            f"làm mới {'toàn bộ' if refresh.full else 'tăng dần'}: {refresh.events} sự kiện → {cells} ô",
            Timing([first]),
            None,
            None,
            f"{events} sự kiện, nhỏ hơn {events / max(cells, 1):.0f} lần",
        )
    )
    if not refresh.full and BUDGET_S is not None and events > FULL_REBUILD_UNDER_BUDGET:
        res.add(
            Row(
                "Bảng tổng hợp sự kiện",
                f"làm mới toàn bộ: {events} sự kiện → {cells} ô",
                note="không đo lại trong ngân sách thời gian: xem thời gian dựng trong nhật ký sinh dữ liệu (`tochuc demo`)",
            )
        )
    elif not refresh.full:
        # Already up to date: time a full rebuild too (what a back-dated change of the tree costs).
        t0 = time.perf_counter()
        rollup_refresh(full=True)
        res.add(
            Row(
                "Bảng tổng hợp sự kiện",
                f"làm mới toàn bộ: {events} sự kiện → {cells} ô",
                Timing([(time.perf_counter() - t0) * 1000]),
            )
        )
    noop, _ = measure(rollup_refresh, runs=runs, warmup=0)
    res.add(Row("Bảng tổng hợp sự kiện", "làm mới khi không có gì mới", noop))
    raw, _ = measure(lambda: floor.q2(floor.RAW_BY_ANCHOR, res.year), runs=runs, warmup=warmup)
    rolled, _ = measure(
        lambda: floor.q2(floor.ROLLUP_BY_ANCHOR, res.year), runs=runs, warmup=warmup
    )
    res.add(
        Row(
            "Bảng tổng hợp sự kiện",
            f"Q1/Q2: sự kiện năm {res.year} theo huyện × loại, từ nhật ký (tochuc) và từ bảng tổng hợp (sàn)",
            raw,
            rolled,
        )
    )


def slowest_queries(fn: Callable[[], Any], *, top: int = 3) -> list[dict[str, Any]]:
    """Run `fn` once with the query log on, then EXPLAIN (ANALYZE, BUFFERS) its `top` slowest
    queries (PostgreSQL; SQLite: EXPLAIN QUERY PLAN): what bench/analysis.md quotes as the
    measured cause of a slow measurement."""
    with CaptureQueriesContext(connection) as captured:
        fn()
    ranked = sorted(captured.captured_queries, key=lambda q: -float(q["time"]))[:top]
    out = []
    with connection.cursor() as cur:
        for q in ranked:
            sql = q["sql"]
            if not sql.lstrip().upper().startswith(("SELECT", "WITH")):
                out.append({"ms": float(q["time"]) * 1000, "sql": sql, "plan": []})
                continue
            if connection.vendor == "postgresql":
                cur.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
            else:
                cur.execute("EXPLAIN QUERY PLAN " + sql)
            out.append(
                {
                    "ms": float(q["time"]) * 1000,
                    "sql": sql,
                    "plan": [" ".join(str(c) for c in row) for row in cur.fetchall()],
                }
            )
    return out


def planner_statistics(*, analyze: bool) -> str:
    """PostgreSQL plans by its statistics: a freshly loaded database has none until ANALYZE
    (autovacuum may be off, or not yet come by). Say which state the run measures."""
    with connection.cursor() as cur:
        if analyze:
            t0 = time.perf_counter()
            cur.execute("ANALYZE")
            return f"ANALYZE trước khi đo ({time.perf_counter() - t0:.1f} s)"
        if connection.vendor != "postgresql":
            cur.execute("SELECT COUNT(*) FROM sqlite_master WHERE name = 'sqlite_stat1'")
            return (
                "có sqlite_stat1 (đã ANALYZE)"
                if cur.fetchone()[0]
                else "chưa có thống kê (chưa ANALYZE)"
            )
        cur.execute(
            "SELECT COUNT(*) FILTER (WHERE last_analyze IS NULL AND last_autoanalyze IS NULL), COUNT(*) "
            "FROM pg_stat_user_tables WHERE relname IN ('events_event', 'events_membership', 'units_unitversion', 'people_person')"
        )
        missing, total = cur.fetchone()
    return (
        "chưa có thống kê (chưa ANALYZE)"
        if missing == total
        else f"{total - missing}/{total} bảng chính đã có thống kê"
    )


def machine_facts(res: Results) -> None:
    import django

    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            cur.execute("SHOW server_version")
            dbv = "PostgreSQL " + cur.fetchone()[0]
        else:
            cur.execute("SELECT sqlite_version()")
            dbv = "SQLite " + cur.fetchone()[0]
    mem = ""
    try:
        with open("/proc/meminfo") as fh:
            mem = f"{int(fh.readline().split()[1]) / 1024 / 1024:.1f} GiB"
    except OSError:
        pass
    from tochuc.events.models import Event
    from tochuc.people.models import Person
    from tochuc.units.models import Unit

    res.facts.update(
        {
            "date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
            "cores": os.cpu_count(),
            "ram": mem,
            "python": platform.python_version(),
            "django": django.get_version(),
            "database": dbv,
            "load_average": " ".join(f"{x:.2f}" for x in os.getloadavg()),
            "units": Unit.objects.count(),
            "people": Person.objects.count(),
            "events": Event.objects.count(),
        }
    )


def run_core(
    *,
    scale: str,
    db: str,
    year: int,
    runs: int = 5,
    warmup: int = 1,
    say: Callable[[str], None] = lambda line: None,
    only: tuple[str, ...] = (),
) -> Results:
    """Every in-process section on the current database."""
    res = Results(scale, db, year)
    machine_facts(res)
    say("chọn đơn vị…")
    picks = pick_units(year)
    res.facts["picks"] = {k: v[1] if v else None for k, v in asdict(picks).items()}
    sections: list[tuple[str, str, Callable[[], None]]] = [
        (
            "bảng tổng hợp…",
            "Bảng tổng hợp sự kiện",
            lambda: rollup_section(res, runs=runs, warmup=warmup),
        ),
        (
            "báo cáo năm và sàn…",
            "Báo cáo năm (JSON)",
            lambda: reports_section(res, picks, runs=runs, warmup=warmup),
        ),
        (
            "chi tiết chỉ số…",
            "Chi tiết chỉ số (trang đầu + tổng số)",
            lambda: drill_section(res, picks, runs=runs, warmup=warmup),
        ),
        (
            "tìm kiếm…",
            "Tìm người theo tên không dấu",
            lambda: search_section(res, runs=runs, warmup=warmup),
        ),
        (
            "trang web…",
            "Trang web (Django test Client, đã đăng nhập)",
            lambda: pages_section(res, picks, runs=runs, warmup=warmup),
        ),
        (
            "việc đến hạn…",
            "Việc đến hạn",
            lambda: due_section(res, picks, runs=runs, warmup=warmup),
        ),
    ]
    for line, title, section in sections:
        if only and title not in only:
            continue
        say(line)
        try:
            section()
        except Exception as exc:  # one broken section must not lose the others' figures
            res.add(Row(title, "lỗi", note=f"{type(exc).__name__}: {str(exc)[:200]}"))
    res.facts["harness_peak_rss_mb"] = round(
        resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    )
    return res


def git_commit() -> str:
    try:
        return subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, check=True
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "?"
