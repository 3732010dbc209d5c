#!/usr/bin/env python
"""Concurrent writes lose nothing (SECURITY.md F1/F2, issue 8): N processes write at once.

For each database (a scratch SQLite file, and a scratch PostgreSQL database when --pg-url is
given): migrate, import a unit tree and P admitted people, then start N worker processes together.
Each makes W writes through the services, as the web, the API and the importer do:
  - events (`event_record`, an award with its own date) on 4 people that every worker writes to,
    and on people of its own;
  - profile edits (`person_update`) of the 4 shared people, each with the version it read a moment
    before, so that two workers editing the same person collide: the stale one must be refused
    with the conflict finding, never applied over the other.
A worker counts what was accepted (with the event ids), refused as a conflict, refused by a rule,
and answered "database busy" (what the web turns into 503 with Retry-After). Then the parent
checks, from the database itself: every accepted event is there and the events grew by exactly
the accepted count (lost = 0); each shared person's version is 1 + its accepted edits and the audit
trail holds one `person.update` entry per accepted edit; `tochuc rebuild --check` and
`tochuc audit verify` are clean. Exit 1 on any difference.

    .venv/bin/python scripts/concurrent_writes.py --workers 8 --writes 40 \
        --pg-url postgres://postgres@127.0.0.1:5432/postgres

About a minute per database on an idle machine; not part of `bin/test`.
"""

from __future__ import annotations

import argparse
import datetime as dt
import multiprocessing as mp
import os
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from crash_import import run, write_batch  # noqa: E402  (the same scratch-database helpers)

SHARED = 4  # people every worker writes to
OWN = 2  # people of each worker alone


def worker(env: dict, number: int, writes: int, start, results) -> None:
    os.environ.update(env)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tochuc.settings")
    import django

    django.setup()
    from django.db import OperationalError, connection

    from tochuc.core.findings import RecordRefused
    from tochuc.events.services import event_record
    from tochuc.people.models import Person
    from tochuc.people.services import person_update

    people = list(Person.objects.filter(code__startswith="C").order_by("code"))
    shared = people[:SHARED]
    own = people[SHARED + number * OWN : SHARED + (number + 1) * OWN]
    rng = random.Random(number)
    stats = {"events": [], "edits": {}, "conflicts": 0, "refused": 0, "busy": 0, "errors": []}
    start.wait()
    for i in range(writes):
        op = i % 4
        try:
            if op == 3:
                person = shared[rng.randrange(SHARED)]
                version = Person.objects.get(pk=person.pk).version
                time.sleep(rng.uniform(0, 0.02))  # the form is open a moment: others may save first
                try:
                    person_update(by=None, person=person, version=version, profession=f"w{number} lần {i}")
                    stats["edits"][person.pk] = stats["edits"].get(person.pk, 0) + 1
                except RecordRefused as refused:
                    if [f.code for f in refused.findings] == ["person.conflict"]:
                        stats["conflicts"] += 1
                    else:
                        stats["refused"] += 1
            else:
                person = shared[i % SHARED] if op < 2 else own[i % OWN]
                event = event_record(
                    by=None,
                    person=person,
                    kind="award",
                    subtype="thi_dua",
                    effective_on=dt.date(2017, 1, 1) + dt.timedelta(days=number * writes + i),
                    note=f"w{number} lần {i}",
                    source="import",
                )
                stats["events"].append(event.pk)
        except RecordRefused:
            stats["refused"] += 1
        except OperationalError as exc:
            if "locked" not in str(exc).lower():
                raise
            stats["busy"] += 1
        except Exception as exc:  # reported, never swallowed
            stats["errors"].append(f"{type(exc).__name__}: {exc}"[:200])
    connection.close()
    results.put((number, stats))


def query(env: dict, sql: str, params: tuple = ()) -> list[tuple]:
    if env.get("TOCHUC_SQLITE_PATH"):
        import sqlite3

        db = sqlite3.connect(env["TOCHUC_SQLITE_PATH"])
        try:
            return db.execute(sql.replace("%s", "?"), params).fetchall()
        finally:
            db.close()
    import psycopg

    with psycopg.connect(env["DATABASE_URL"]) as conn:
        return conn.execute(sql, params).fetchall()


def campaign(label: str, env: dict, workers: int, writes: int, workdir: Path) -> dict:
    run(["migrate", "--noinput"], env)
    seed = workdir / f"{label}-seed"
    write_batch(seed, "C", SHARED + workers * OWN, with_units=True)
    run(["import", str(seed), "--confirm-warnings"], env)
    events_before = query(env, "SELECT count(*) FROM events_event")[0][0]
    updates_before = query(env, "SELECT count(*) FROM core_auditentry WHERE action = 'person.update'")[0][0]
    ctx = mp.get_context("spawn")
    start, results = ctx.Event(), ctx.Queue()
    procs = [ctx.Process(target=worker, args=(env, n, writes, start, results)) for n in range(workers)]
    for p in procs:
        p.start()
    time.sleep(3)  # let every worker start Django and load its people
    began = time.monotonic()
    start.set()
    outcome = dict(results.get(timeout=1800) for _ in procs)
    took = time.monotonic() - began
    for p in procs:
        p.join()
    accepted = [pk for s in outcome.values() for pk in s["events"]]
    edits: dict[int, int] = {}
    for s in outcome.values():
        for pk, n in s["edits"].items():
            edits[pk] = edits.get(pk, 0) + n
    report = {
        "workers": workers,
        "writes": workers * writes,
        "events accepted": len(accepted),
        "edits accepted": sum(edits.values()),
        "conflicts refused": sum(s["conflicts"] for s in outcome.values()),
        "refused by a rule": sum(s["refused"] for s in outcome.values()),
        "busy (503)": sum(s["busy"] for s in outcome.values()),
        "seconds": round(took, 1),
        "failures": [e for s in outcome.values() for e in s["errors"]],
    }
    events_after = query(env, "SELECT count(*) FROM events_event")[0][0]
    stored = {row[0] for row in query(env, "SELECT id FROM events_event")}
    found = len(stored & set(accepted))
    report["lost"] = len(accepted) - found
    if events_after - events_before != len(accepted) or report["lost"]:
        report["failures"].append(f"events {events_before} -> {events_after}, {len(accepted)} accepted, {found} found")
    versions = dict(query(env, "SELECT id, version FROM people_person"))
    for pk, n in edits.items():
        if versions[pk] != 1 + n:
            report["failures"].append(f"person {pk}: version {versions[pk]} after {n} accepted edits")
    updates = query(env, "SELECT count(*) FROM core_auditentry WHERE action = 'person.update'")[0][0] - updates_before
    if updates != sum(edits.values()):
        report["failures"].append(f"{updates} person.update audit entries for {sum(edits.values())} accepted edits")
    attempted = report["events accepted"] + report["edits accepted"] + report["conflicts refused"]
    attempted += report["refused by a rule"] + report["busy (503)"] + len(report["failures"])
    if attempted < report["writes"]:
        report["failures"].append(f"{report['writes'] - attempted} writes unaccounted for")
    rebuilt = run(["rebuild", "--check"], env, check=False)
    if rebuilt.returncode != 0:
        report["failures"].append(f"rebuild --check: {rebuilt.stdout[-300:]} {rebuilt.stderr[-300:]}")
    chain = run(["audit", "verify"], env, check=False)
    if chain.returncode != 0:
        report["failures"].append(f"audit verify: {chain.stdout[-300:]} {chain.stderr[-300:]}")
    return report


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--workers", type=int, default=8)
    parser.add_argument("--writes", type=int, default=40, help="writes per worker")
    parser.add_argument("--pg-url", help="a PostgreSQL server URL; a scratch database is created on it")
    parser.add_argument("--skip-sqlite", action="store_true", help="only the PostgreSQL campaign")
    args = parser.parse_args()
    base = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    failures = 0
    with tempfile.TemporaryDirectory(prefix="tochuc-concurrent-") as tmp:
        work = Path(tmp)
        targets = []
        if not args.skip_sqlite:
            targets.append(("sqlite", {**base, "TOCHUC_SQLITE_PATH": str(work / "c.sqlite3"), "TOCHUC_VAR_DIR": tmp}))
        if args.pg_url:
            import psycopg

            name = f"tochuc_concurrent_{os.getpid()}"
            with psycopg.connect(args.pg_url, autocommit=True) as conn:
                conn.execute(f'CREATE DATABASE "{name}"')
            targets.append(("postgresql", {**base, "DATABASE_URL": args.pg_url.rsplit("/", 1)[0] + "/" + name}))
        try:
            for label, env in targets:
                report = campaign(label, env, args.workers, args.writes, work)
                print(f"[{label}] {report}", flush=True)
                failures += len(report["failures"])
        finally:
            if args.pg_url:
                with psycopg.connect(args.pg_url, autocommit=True) as conn:
                    conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    print("CONCURRENT WRITES: " + ("OK, nothing lost" if failures == 0 else f"{failures} FAILURES"))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
