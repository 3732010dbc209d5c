"""Is the database set up not to lose committed writes? (SECURITY.md F1, F5)

Reads the settings from the live connection, as the server applies them: on PostgreSQL `fsync`,
`full_page_writes` and `data_checksums` (on by default only from PostgreSQL 18, otherwise set by
`initdb --data-checksums`); on SQLite the journal mode (WAL), `synchronous` (FULL or EXTRA: a
commit survives a power cut) and foreign-key enforcement, which tochuc sets on every connection.
"""

from __future__ import annotations

from dataclasses import dataclass

# name -> (values that are ok, what is expected, how to fix it)
POSTGRESQL: dict[str, tuple[frozenset[str], str, str]] = {
    "fsync": (frozenset({"on"}), "on", "đặt fsync = on trong postgresql.conf rồi khởi động lại"),
    "full_page_writes": (frozenset({"on"}), "on", "đặt full_page_writes = on trong postgresql.conf rồi nạp lại cấu hình"),
    "data_checksums": (
        frozenset({"on"}),
        "on",
        "tạo cụm bằng initdb --data-checksums, hoặc chạy pg_checksums --enable khi máy chủ đã dừng",
    ),
}
SQLITE: dict[str, tuple[frozenset[str], str, str]] = {
    "journal_mode": (frozenset({"wal"}), "wal", "cơ sở dữ liệu phải là một tệp, mở bằng cấu hình của tochuc (PRAGMA journal_mode=WAL)"),
    # 2 = FULL, 3 = EXTRA
    "synchronous": (frozenset({"2", "3"}), "2 (FULL)", "PRAGMA synchronous=FULL trên mỗi kết nối (cấu hình của tochuc)"),
    "foreign_keys": (frozenset({"1"}), "1", "PRAGMA foreign_keys=ON trên mỗi kết nối (cấu hình của tochuc)"),
}


@dataclass(frozen=True)
class Setting:
    name: str
    value: str
    expected: str
    ok: bool
    advice: str


def judge(vendor: str, values: dict[str, str]) -> list[Setting]:
    """Compare what the server reports with what durability needs (pure: testable with any values)."""
    rules = POSTGRESQL if vendor == "postgresql" else SQLITE
    return [
        Setting(name, values[name], expected, values[name] in good, advice)
        for name, (good, expected, advice) in rules.items()
    ]


# Constant statements only (no SQL built from strings, SECURITY.md C2).
QUERIES: dict[str, dict[str, str]] = {
    "postgresql": {
        "fsync": "SHOW fsync",
        "full_page_writes": "SHOW full_page_writes",
        "data_checksums": "SHOW data_checksums",
    },
    "sqlite": {
        "journal_mode": "PRAGMA journal_mode",
        "synchronous": "PRAGMA synchronous",
        "foreign_keys": "PRAGMA foreign_keys",
    },
}


def read(connection) -> dict[str, str]:
    if connection.vendor not in QUERIES:
        raise ValueError(f"unsupported database: {connection.vendor}")
    values = {}
    with connection.cursor() as cur:
        for name, sql in QUERIES[connection.vendor].items():
            cur.execute(sql)
            values[name] = str(cur.fetchone()[0]).strip().lower()
    return values


def durability(connection) -> list[Setting]:
    return judge(connection.vendor, read(connection))
