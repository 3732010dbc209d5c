"""Benchmark of `tochuc import`: a demo deployment exported, then imported into an empty database.

    .venv/bin/python bench/import.py [--scale city|small|tiny] [--backends sqlite,postgres]
                                     [--formats xlsx,csv] [--workdir DIR] [--dry-run]

Steps: (1) generate the demo (`tochuc demo --scale S`) into a scratch SQLite file, (2) export it
(`tochuc export` to .xlsx and to a CSV folder), (3) for each backend and format, create an empty
database, migrate, and import in a child process that reports wall time, CPU time, rows per second
and peak memory (ru_maxrss; `--tracemalloc` adds the Python heap peak, at a cost in speed).
PostgreSQL uses DATABASE_URL's server with the database name replaced by `tochuc_bench_import`.

Demo data is imported with --confirm-warnings (the generator does not confirm the rule warnings
its histories raise); `--dry-run` judges everything and rolls back, which measures the whole
pipeline except the final refresh of projections and the commit.
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
    stages: dict[str, float] = {}
    started = time.perf_counter()
    last = [started]

    def progress(stage: str, done: int, total: int | None) -> None:
        if total is not None and done >= total:
            now = time.perf_counter()
            stages[stage] = round(now - last[0], 2)
            last[0] = now
            sys.stderr.write(f"  {stage}: {done} ({stages[stage]} s)\n")

    cpu0 = time.process_time()
    outcome = Importer(dry_run=dry_run, confirm_all=True, limits=CLI_LIMITS, progress=progress).run(path)
    wall = time.perf_counter() - started
    result = {
        "wall_s": round(wall, 1),
        "cpu_s": round(time.process_time() - cpu0, 1),
        "rows": outcome.rows_read,
        "rows_per_s": round(outcome.rows_read / wall) if wall else None,
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        "created": dict(outcome.created),
        "errors": len(outcome.blocking),
        "summary": outcome.summary(),
        "stages": stages,
    }
    if trace:
        result["python_heap_peak_mb"] = round(tracemalloc.get_traced_memory()[1] / 2**20)
    print(json.dumps(result, ensure_ascii=False))


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
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.dry_run, args.tracemalloc)
        return

    workdir = Path(args.workdir)
    workdir.mkdir(parents=True, exist_ok=True)
    base = dict(os.environ)
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

    results = []
    for backend in args.backends.split(","):
        for fmt in args.formats.split(","):
            env = backend_env(base, backend, workdir, f"target-{args.scale}")
            fresh(backend, env, workdir, f"target-{args.scale}")
            path = str(xlsx) if fmt == "xlsx" else f"{csv_dir}/"
            cmd = [sys.executable, __file__, "--child", path] + (["--dry-run"] if args.dry_run else []) + (["--tracemalloc"] if args.tracemalloc else [])
            print(f"== {backend} {fmt}", file=sys.stderr)
            out = run(cmd, env, stdout=subprocess.PIPE).stdout.strip().splitlines()[-1]
            result = {"backend": backend, "format": fmt, "scale": args.scale, **json.loads(out)}
            results.append(result)
            print(json.dumps(result, ensure_ascii=False), flush=True)
    (workdir / f"results-{args.scale}.json").write_text(json.dumps(results, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
