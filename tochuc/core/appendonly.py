"""Append-only tables, enforced by the database itself on SQLite and PostgreSQL.

The triggers refuse UPDATE, DELETE (and TRUNCATE on PostgreSQL) whatever code path tries. Only
two operations may suspend them, both explicit and whole-database: restoring a backup into an
empty database, and the test runner's flush between transactional tests.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager

# Every append-only table of the project; migrations install triggers on each.
APPEND_ONLY_TABLES: list[str] = [
    "events_event",
    "events_eventvoid",
    "core_auditentry",  # core/migrations/0002
    # accounts/migrations/0002; only `tochuc purge_security_logs` lifts these, for rows > 12 months
    "accounts_accesslog",
    "accounts_authevent",
]

PG_FUNCTION = """
CREATE OR REPLACE FUNCTION tochuc_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'tochuc: % on % is refused: the log is append-only', TG_OP, TG_TABLE_NAME;
END;
$$ LANGUAGE plpgsql;
"""


def install(connection, tables: Iterable[str]) -> None:
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            cur.execute(PG_FUNCTION)
            for table in tables:
                cur.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
                cur.execute(f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table}")
                cur.execute(
                    f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
                    "FOR EACH ROW EXECUTE FUNCTION tochuc_append_only()"
                )
                cur.execute(
                    f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
                    "FOR EACH STATEMENT EXECUTE FUNCTION tochuc_append_only()"
                )
        elif connection.vendor == "sqlite":
            for table in tables:
                for op in ("UPDATE", "DELETE"):
                    cur.execute(
                        f"CREATE TRIGGER IF NOT EXISTS {table}_no_{op.lower()} BEFORE {op} ON {table} "
                        f"BEGIN SELECT RAISE(ABORT, 'tochuc: {op} on {table} is refused: the log is append-only'); END"
                    )


def installed(connection) -> bool:
    """Whether every append-only table has its triggers."""
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            cur.execute("SELECT count(*) FROM pg_trigger WHERE tgname LIKE %s", ["%\\_append\\_only"])
            return cur.fetchone()[0] >= len(APPEND_ONLY_TABLES)
        if connection.vendor == "sqlite":
            cur.execute("SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND name LIKE %s", ["%_no_delete"])
            return cur.fetchone()[0] >= len(APPEND_ONLY_TABLES)
    return True


def uninstall(connection, tables: Iterable[str]) -> None:
    with connection.cursor() as cur:
        for table in tables:
            if connection.vendor == "postgresql":
                cur.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
                cur.execute(f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table}")
            elif connection.vendor == "sqlite":
                cur.execute(f"DROP TRIGGER IF EXISTS {table}_no_update")
                cur.execute(f"DROP TRIGGER IF EXISTS {table}_no_delete")


@contextmanager
def suspended(connection, tables: Iterable[str] | None = None) -> Iterator[None]:
    """Lift the triggers for a whole-database operation, and put them back after."""
    from tochuc.core.bulk import whole_database

    whole = tables is None
    tables = list(APPEND_ONLY_TABLES if tables is None else tables)
    uninstall(connection, tables)
    # Lifting every trigger is a whole-database operation; the bulk guard steps aside too.
    token = whole_database.set(whole)
    try:
        yield
    finally:
        whole_database.reset(token)
        install(connection, tables)


def reinstall_after_migrate(sender, using: str = "default", **kwargs) -> None:
    """post_migrate receiver: put back triggers a migration may have dropped.

    On SQLite, altering a table's columns rebuilds it (create, copy, drop, rename), and the
    triggers go with the dropped table. Reinstalling after every migrate keeps the log
    append-only whatever later migrations do.
    """
    from django.db import connections

    if sender.label != "core":
        return
    connection = connections[using]
    existing = set(connection.introspection.table_names())
    install(connection, [t for t in APPEND_ONLY_TABLES if t in existing])
