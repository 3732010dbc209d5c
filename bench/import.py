"""Benchmark of `tochuc import`: a demo deployment exported, then imported into an empty database.

    .venv/bin/python bench/import.py [--scale city|small|tiny] [--backends sqlite,postgres]
                                     [--formats xlsx,csv] [--workdir DIR] [--dry-run]
    .venv/bin/python bench/import.py --export-from URL [--unit CODE] [--name NAME] ...

With `--export-from` (a database URL, e.g. the benchmark city `postgres://…/bench_city`), no demo
is generated: that database is exported (`tochuc export`, the subtree of `--unit` or everything)
and the files imported as they are, without cleaning (the import must commit, or the run says
how many rows were refused). With `--name NAME` alone, the files already in the work directory
(`NAME.xlsx`, `NAME-csv/`) are imported: e.g. an export cleaned by hand, or the same files measured
with other code (`PYTHONPATH=/path/to/a/worktree` makes the child import that code). Each
result gives the events per second of CPU and of wall time.

Steps: (1) generate the demo (`tochuc demo --scale S`) into a scratch SQLite file, (2) export it
(`tochuc export` to .xlsx and to a CSV folder), (3) for each backend and format, create an empty
database, migrate, and import in a child process that reports wall time, CPU time, rows per second
and peak memory (ru_maxrss; `--tracemalloc` adds the Python heap peak, at a cost in speed).
PostgreSQL uses DATABASE_URL's server with the database name replaced by `tochuc_bench_import`.

Demo data is imported with --confirm-warnings (the generator does not confirm the rule warnings
its histories raise). Some generated histories break rules (the importer then writes nothing): a
first dry run on the CSV finds them, and the benchmark files are the export without the events of
those people and without the refused unit events (`clean-*`), so the measured imports commit.
`--dry-run` judges everything and rolls back, which measures the whole pipeline except the final
refresh of projections and the commit.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TOCHUC = str(ROOT / ".venv" / "bin" / "tochuc")
PG_DB = "tochuc_bench_import"


def child(path: str, dry_run: bool, trace: bool) -> None:
    """Run one import in this process and print a JSON line with the measurements."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tochuc.settings")
    import django

    django.setup()
    import tracemalloc

    from tochuc.imports.importer import Importer
    from tochuc.imports.reader import CLI_LIMITS

    if trace:
        tracemalloc.start()
    stages: dict[str, dict[str, float]] = {}
    started = time.perf_counter()
    last = [started, time.process_time()]

    def progress(stage: str, done: int, total: int | None) -> None:
        # CPU time per stage too: on a shared machine wall time mostly measures the neighbours
        if total is not None and done >= total:
            now, cpu = time.perf_counter(), time.process_time()
            stages[stage] = {
                "rows": done,
                "wall_s": round(now - last[0], 2),
                "cpu_s": round(cpu - last[1], 2),
            }
            last[0], last[1] = now, cpu
            sys.stderr.write(f"  {stage}: {stages[stage]}\n")

    cpu0 = time.process_time()
    outcome = Importer(dry_run=dry_run, confirm_all=True, limits=CLI_LIMITS, progress=progress).run(
        path
    )
    wall = time.perf_counter() - started
    cpu = time.process_time() - cpu0
    events = outcome.created["events"] + outcome.unchanged["events"]
    result = {
        "wall_s": round(wall, 1),
        "cpu_s": round(cpu, 1),
        "events": events,
        "events_per_cpu_s": round(events / cpu) if cpu else None,
        "events_per_wall_s": round(events / wall) if wall else None,
        "load_average": [round(x, 2) for x in os.getloadavg()],
        "rows": outcome.rows_read,
        "rows_per_s": round(outcome.rows_read / wall) if wall else None,
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        "created": dict(outcome.created),
        "errors": len(outcome.blocking),
        "summary": outcome.summary(),
        "stages": stages,
        "refused_rows": sorted({(p.sheet, p.row) for p in outcome.blocking if p.row}),
    }
    if trace:
        result["python_heap_peak_mb"] = round(tracemalloc.get_traced_memory()[1] / 2**20)
    print(json.dumps(result, ensure_ascii=False))


def clean(source: Path, csv_out: Path, xlsx_out: Path, refused: set[tuple[str, int]]) -> None:
    """Copy the export without the refused rows (and the other events of the same people)."""
    import csv

    from openpyxl import Workbook

    csv_out.mkdir(parents=True, exist_ok=True)
    wb = Workbook(write_only=True)
    people_out: set[str] = set()
    with open(source / "events.csv", encoding="utf-8-sig", newline="") as fh:
        for number, row in enumerate(csv.reader(fh), start=1):
            if ("events", number) in refused and row[0]:
                people_out.add(row[0])
    for name in ("units", "people", "events", "targets"):
        ws = wb.create_sheet(name)
        with (
            open(source / f"{name}.csv", encoding="utf-8-sig", newline="") as fh,
            open(csv_out / f"{name}.csv", "w", encoding="utf-8", newline="") as out,
        ):
            writer = csv.writer(out)
            for number, row in enumerate(csv.reader(fh), start=1):
                if number > 1 and (
                    (name, number) in refused or (name == "events" and row[0] in people_out)
                ):
                    continue
                writer.writerow(row)
                ws.append(row)
    wb.save(xlsx_out)


def run(args: list[str], env: dict[str, str], **kw) -> subprocess.CompletedProcess:
    return subprocess.run(args, env=env, check=True, text=True, **kw)


def backend_env(base: dict[str, str], backend: str, workdir: Path, name: str) -> dict[str, str]:
    env = dict(base)
    if backend == "sqlite":
        env.pop("DATABASE_URL", None)
        env["TOCHUC_SQLITE_PATH"] = str(workdir / f"{name}.sqlite3")
    else:
        url = base.get("DATABASE_URL") or "postgres://postgres@127.0.0.1:5432/postgres"
        env["DATABASE_URL"] = url.rsplit("/", 1)[0] + f"/{PG_DB}"
    return env


def fresh(backend: str, env: dict[str, str], workdir: Path, name: str) -> None:
    if backend == "sqlite":
        for suffix in ("", "-wal", "-shm"):
            Path(str(workdir / f"{name}.sqlite3") + suffix).unlink(missing_ok=True)
    else:
        import psycopg

        admin = env["DATABASE_URL"].rsplit("/", 1)[0] + "/postgres"
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {PG_DB}")
            conn.execute(f"CREATE DATABASE {PG_DB}")
    run([TOCHUC, "migrate", "-v0"], env)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", default="city")
    parser.add_argument("--backends", default="sqlite,postgres")
    parser.add_argument("--formats", default="xlsx,csv")
    parser.add_argument("--workdir", default=str(ROOT / "var" / "bench-import"))
    parser.add_argument("--dry-run", action="store_true")
    parser.add_argument("--tracemalloc", action="store_true")
    parser.add_argument("--export-from", help="export this database instead of generating a demo")
    parser.add_argument("--unit", default="", help="with --export-from: the subtree to export")
    parser.add_argument("--name", default="", help="with --export-from: the files' name (default: the unit or 'all')")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.dry_run, args.tracemalloc)
        return

    workdir = Path(args.workdir)
    workdir.mkdir(parents=True, exist_ok=True)
    base = dict(os.environ)
    if args.export_from or args.name:
        measure_export(args, workdir, base)
        return
    source = backend_env(base, "sqlite", workdir, f"source-{args.scale}")
    xlsx, csv_dir = workdir / f"{args.scale}.xlsx", workdir / f"{args.scale}-csv"
    if not xlsx.exists():
        fresh("sqlite", source, workdir, f"source-{args.scale}")
        t = time.perf_counter()
        run([TOCHUC, "demo", "--scale", args.scale], source)
        print(f"demo {args.scale}: {time.perf_counter() - t:.0f} s", file=sys.stderr)
        t = time.perf_counter()
        run([TOCHUC, "export", str(xlsx)], source)
        print(f"export xlsx: {time.perf_counter() - t:.0f} s", file=sys.stderr)
        run([TOCHUC, "export", f"{csv_dir}/"], source)

    clean_csv, clean_xlsx = (
        workdir / f"clean-{args.scale}-csv",
        workdir / f"clean-{args.scale}.xlsx",
    )
    if not clean_xlsx.exists():
        env = backend_env(base, "sqlite", workdir, "probe")
        fresh("sqlite", env, workdir, "probe")
        probe = run(
            [sys.executable, __file__, "--child", f"{csv_dir}/", "--dry-run"],
            env,
            stdout=subprocess.PIPE,
        ).stdout
        refused = json.loads(probe.strip().splitlines()[-1])["refused_rows"]
        print(f"demo rows the rules refuse: {len(refused)}", file=sys.stderr)
        clean(csv_dir, clean_csv, clean_xlsx, {tuple(r) for r in refused})
    xlsx, csv_dir = clean_xlsx, clean_csv

    results = []
    for backend in args.backends.split(","):
        for fmt in args.formats.split(","):
            env = backend_env(base, backend, workdir, f"target-{args.scale}")
            fresh(backend, env, workdir, f"target-{args.scale}")
            path = str(xlsx) if fmt == "xlsx" else f"{csv_dir}/"
            cmd = (
                [sys.executable, __file__, "--child", path]
                + (["--dry-run"] if args.dry_run else [])
                + (["--tracemalloc"] if args.tracemalloc else [])
            )
            print(f"== {backend} {fmt}", file=sys.stderr)
            out = run(cmd, env, stdout=subprocess.PIPE).stdout.strip().splitlines()[-1]
            result = {"backend": backend, "format": fmt, "scale": args.scale, **json.loads(out)}
            result.pop("refused_rows", None)
            results.append(result)
            print(json.dumps(result, ensure_ascii=False), flush=True)
    (workdir / f"results-{args.scale}.json").write_text(
        json.dumps(results, ensure_ascii=False, indent=1)
    )


def measure_export(args: argparse.Namespace, workdir: Path, base: dict[str, str]) -> None:
    """Export a database (a subtree), import the files into empty databases, print the results."""
    name = args.name or args.unit or "all"
    xlsx, csv_dir = workdir / f"{name}.xlsx", workdir / f"{name}-csv"
    source = dict(base, DATABASE_URL=args.export_from)
    scope = ["--unit", args.unit] if args.unit else []
    for fmt, target in (("xlsx", str(xlsx)), ("csv", f"{csv_dir}/")):
        if fmt in args.formats.split(",") and not Path(target.rstrip("/")).exists():
            if not args.export_from:
                sys.exit(f"{target} does not exist: give --export-from URL to export it")
            t = time.perf_counter()
            run([TOCHUC, "export", target, *scope], source)
            print(f"export {fmt}: {time.perf_counter() - t:.0f} s", file=sys.stderr)
    results = []
    for backend in args.backends.split(","):
        for fmt in args.formats.split(","):
            env = backend_env(base, backend, workdir, f"target-{name}")
            fresh(backend, env, workdir, f"target-{name}")
            path = str(xlsx) if fmt == "xlsx" else f"{csv_dir}/"
            cmd = [sys.executable, __file__, "--child", path] + (["--dry-run"] if args.dry_run else [])
            print(f"== {backend} {fmt}", file=sys.stderr)
            out = run(cmd, env, stdout=subprocess.PIPE).stdout.strip().splitlines()[-1]
            result = {"backend": backend, "format": fmt, "data": name, **json.loads(out)}
            result["refused_rows"] = len(result.pop("refused_rows", []))
            results.append(result)
            print(json.dumps(result, ensure_ascii=False), flush=True)
    (workdir / f"results-{name}.json").write_text(json.dumps(results, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
