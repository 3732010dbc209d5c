#!/usr/bin/env python
"""Crash consistency of imports (SECURITY.md D5): SIGKILL `tochuc import` at random moments.

For each database (a scratch SQLite file, and a scratch PostgreSQL database when --pg-url is
given), on a freshly migrated database seeded with a unit tree:
  1. write a CSV folder of N new people and N admissions (codes unique to the run);
  2. start `tochuc import DIR --confirm-warnings` and SIGKILL it after a random delay, drawn
     between 0 and 1.5 x the time a complete import of a batch of the same size took (the
     estimate follows the machine: it grows when a kill that late still lands before the write);
     just before the kill, the database says whether the import's write transaction is open
     (SQLite: its write lock is held; PostgreSQL: a backend of the database holds a transaction
     id), so each run reports where the kill landed: before the write, inside it, or after the
     commit;
  3. check: the people and events counts are either unchanged or grew by exactly N (all or
     nothing), `PRAGMA integrity_check` is ok on SQLite, `tochuc rebuild --check` is clean, and
     `tochuc audit verify` is clean.
After the runs, the last killed batch is imported again to completion (the import can be rerun).

    .venv/bin/python scripts/crash_import.py --runs 20 --rows 2000 \
        --pg-url postgres://postgres@127.0.0.1:5432/postgres

It takes minutes (about 10 per database under load), so it is neither part of `bin/test` nor of
`.ci/run`: run it before a release, like scripts/concurrent_writes.py. Exit 1 on any
inconsistency.
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TOCHUC = [sys.executable, "-m", "tochuc"]
UNITS = [
    ("CR", "Đảng bộ thử nghiệm sự cố", "provincial", "", "01/01/1975"),
    ("CR.01", "Chi bộ thử nghiệm 1", "branch", "CR", "01/01/1975"),
    ("CR.02", "Chi bộ thử nghiệm 2", "branch", "CR", "01/01/1975"),
]


def run(args: list[str], env: dict, check: bool = True, **kw) -> subprocess.CompletedProcess:
    result = subprocess.run([*TOCHUC, *args], env=env, cwd=ROOT, capture_output=True, text=True, **kw)
    if check and result.returncode != 0:
        raise SystemExit(f"`tochuc {' '.join(args)}` failed:\n{result.stdout}\n{result.stderr}")
    return result


def write_batch(folder: Path, tag: str, rows: int, with_units: bool) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    if with_units:
        with open(folder / "units.csv", "w", newline="", encoding="utf-8") as fh:
            w = csv.writer(fh)
            w.writerow(["code", "name", "kind", "parent_code", "founded_on"])
            w.writerows(UNITS)
    with open(folder / "people.csv", "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["code", "full_name", "birth_date", "sex"])
        for n in range(rows):
            w.writerow([f"{tag}{n:06d}", f"Nguyễn Văn Thử {n}", f"{1 + n % 28:02d}/0{1 + n % 9}/19{60 + n % 40}", "nam"])
    with open(folder / "events.csv", "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["person_code", "kind", "effective_on", "unit_code"])
        for n in range(rows):
            w.writerow([f"{tag}{n:06d}", "admission", "10/05/2020", f"CR.0{1 + n % 2}"])


def counts(env: dict) -> tuple[int, int]:
    """People and events, read straight from the database (no Django start-up per check)."""
    sql = ("SELECT (SELECT count(*) FROM people_person), (SELECT count(*) FROM events_event)")
    if env.get("TOCHUC_SQLITE_PATH"):
        with sqlite3.connect(env["TOCHUC_SQLITE_PATH"]) as db:
            return tuple(db.execute(sql).fetchone())
    import psycopg

    with psycopg.connect(env["DATABASE_URL"]) as conn:
        return tuple(conn.execute(sql).fetchone())


def integrity(env: dict) -> str:
    path = env.get("TOCHUC_SQLITE_PATH")
    if not path:
        return "ok"
    with sqlite3.connect(path) as db:
        return db.execute("PRAGMA integrity_check").fetchone()[0]


def writing(env: dict) -> bool:
    """Whether another connection has its write transaction open right now."""
    path = env.get("TOCHUC_SQLITE_PATH")
    if path:
        db = sqlite3.connect(path, timeout=0, isolation_level=None)
        try:
            db.execute("BEGIN IMMEDIATE")
            db.execute("ROLLBACK")
            return False
        except sqlite3.OperationalError as exc:
            return "locked" in str(exc)
        finally:
            db.close()
    import psycopg

    sql = (
        "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
        "AND pid <> pg_backend_pid() AND backend_xid IS NOT NULL"
    )
    with psycopg.connect(env["DATABASE_URL"]) as conn:
        return conn.execute(sql).fetchone()[0] > 0


def tail(result: subprocess.CompletedProcess) -> str:
    return (result.stdout[-300:] + " | " + result.stderr[-700:]).strip()


def campaign(label: str, env: dict, runs: int, rows: int, workdir: Path, seed: int) -> dict:
    rng = random.Random(seed)
    run(["migrate", "--noinput"], env)
    first = workdir / f"{label}-seed"
    write_batch(first, "S", 1, with_units=True)
    run(["import", str(first), "--confirm-warnings"], env)
    # Calibration: one complete import of a batch of the same size; kills are spread over
    # 0-1.2x its duration, so they land in start-up, parsing, checking and the write alike.
    probe = workdir / f"{label}-probe"
    write_batch(probe, "P", rows, with_units=False)
    started = time.monotonic()
    run(["import", str(probe), "--confirm-warnings"], env)
    full = time.monotonic() - started
    stats = {"runs": 0, "nothing": 0, "all": 0, "failures": [], "import_seconds": round(full, 1),
             "landed": {"before the write": 0, "inside the write": 0, "after the commit": 0, "not killed": 0}}
    last_killed = None
    for i in range(runs):
        batch = workdir / f"{label}-batch{i}"
        write_batch(batch, f"K{i:02d}X", rows, with_units=False)
        before = counts(env)
        delay = rng.uniform(0.0, full * 1.5)
        proc = subprocess.Popen([*TOCHUC, "import", str(batch), "--confirm-warnings"], env=env, cwd=ROOT,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        launched = time.monotonic()
        while proc.poll() is None and time.monotonic() - launched < delay:
            time.sleep(0.05)
        killed = proc.poll() is None
        in_write = killed and writing(env)
        if killed:
            os.kill(proc.pid, signal.SIGKILL)
            if not in_write and delay > full:
                full *= 1.25  # slower than the estimate (a loaded machine): reach the write again
        else:
            # The machine got faster (or slower): follow the import's real duration.
            full = 0.5 * full + 0.5 * (time.monotonic() - launched)
        proc.wait()
        after = counts(env)
        stats["runs"] += 1
        if not killed:
            landed = "not killed"
        elif after != before:
            landed = "after the commit"
        else:
            landed = "inside the write" if in_write else "before the write"
        stats["landed"][landed] += 1
        if after == before:
            stats["nothing"] += 1
            last_killed = batch
        elif after == (before[0] + rows, before[1] + rows):
            stats["all"] += 1
        else:
            stats["failures"].append(f"run {i}: counts {before} -> {after} (delay {delay:.2f}s)")
        check = integrity(env)
        if check != "ok":
            stats["failures"].append(f"run {i}: integrity_check {check}")
        rebuilt = run(["rebuild", "--check"], env, check=False)
        if rebuilt.returncode != 0:
            stats["failures"].append(f"run {i}: rebuild --check: {tail(rebuilt)}")
        chain = run(["audit", "verify"], env, check=False)
        if chain.returncode != 0:
            stats["failures"].append(f"run {i}: audit verify: {tail(chain)}")
        print(f"[{label}] run {i + 1}/{runs}: kill after {delay:.2f}s ({landed}), "
              f"people {before[0]} -> {after[0]}", flush=True)
    if last_killed is not None:
        before = counts(env)
        run(["import", str(last_killed), "--confirm-warnings"], env)
        after = counts(env)
        stats["rerun_ok"] = after == (before[0] + rows, before[1] + rows)
        if not stats["rerun_ok"]:
            stats["failures"].append(f"rerun of {last_killed.name}: {before} -> {after}")
    return stats


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--rows", type=int, default=2000, help="people (and as many admissions) per batch")
    parser.add_argument("--pg-url", help="a PostgreSQL server URL; a scratch database is created on it")
    parser.add_argument("--seed", type=int, default=20261127)
    parser.add_argument("--skip-sqlite", action="store_true", help="only the PostgreSQL campaign")
    args = parser.parse_args()
    base = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    failures = 0
    with tempfile.TemporaryDirectory(prefix="tochuc-crash-") as tmp:
        work = Path(tmp)
        targets = []
        if not args.skip_sqlite:
            targets.append(("sqlite", {**base, "TOCHUC_SQLITE_PATH": str(work / "crash.sqlite3"), "TOCHUC_VAR_DIR": tmp}))
        if args.pg_url:
            import psycopg

            name = f"tochuc_crash_{os.getpid()}"
            with psycopg.connect(args.pg_url, autocommit=True) as conn:
                conn.execute(f'CREATE DATABASE "{name}"')  # nosec B608: the name is built from our pid
            targets.append(("postgresql", {**base, "DATABASE_URL": args.pg_url.rsplit("/", 1)[0] + "/" + name}))
        try:
            for label, env in targets:
                stats = campaign(label, env, args.runs, args.rows, work, args.seed)
                print(f"[{label}] {stats}")
                failures += len(stats["failures"])
        finally:
            if args.pg_url:
                with psycopg.connect(args.pg_url, autocommit=True) as conn:
                    conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    print("CRASH CONSISTENCY: " + ("OK" if failures == 0 else f"{failures} FAILURES"))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
