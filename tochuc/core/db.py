"""Database housekeeping shared by the bulk paths."""

from __future__ import annotations

from django.db import connection


def analyze() -> None:
    """Refresh the planner's statistics after a bulk write.

    Without them PostgreSQL (whose autovacuum may be off or late) and SQLite pick row-by-row
    plans on the event and membership tables: a branch report went from 0.8 s to 11 s in the
    benchmarks (docs/performance.md). Cheap next to the load that precedes it.
    """
    with connection.cursor() as cur:
        if connection.vendor == "postgresql" and not connection.in_atomic_block:
            # VACUUM also sets the visibility map, without which PostgreSQL cannot answer the
            # report's counts from the covering indexes alone (index-only scans); it cannot run
            # inside a transaction, where ANALYZE alone is done.
            cur.execute("VACUUM ANALYZE")
        else:
            cur.execute("ANALYZE")
