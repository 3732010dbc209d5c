"""The events sheet of an import, kept on disk instead of in memory.

A city's history is ~770 000 event rows; held as Python objects they were most of the importer's
peak memory (≈ 690 MB for the city). Stage 1 therefore writes each parsed, shape-checked event row
into a private SQLite file (Python's `sqlite3`, in a `tempfile` directory of mode 700, deleted by
`close()`), and the later stages read them back: the reference checks in row order, the unit
events in date order, the person events one batch of people at a time, each person's in date
order. Memory then grows with the people and units of the file, not with its events.

The rows are plain columns (dates as ordinals, `details` as JSON text, `confirm` as typed): no
pickles. The identity of an event (person, kind, subtype, effective date, unit) is the primary key
of `keys`, into which every row is inserted with `INSERT OR IGNORE` in row order: the row kept
there is the first with that identity, so a later row whose key names another row is a duplicate
— found by the database, not by a dict of every key.

The file is a scratch copy of the user's own upload: no journal, no fsync (a crash loses nothing
that the upload does not still have), and it lives no longer than the import. Its directory is
named after the importing process: one that was killed (SIGKILL skips `finally`) is removed by
the next import, once no process has that id.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import sqlite3
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

# Rows buffered before one executemany
BUFFER_ROWS = 2000
# Pages of SQLite's cache (negative: KiB): small, the reads are sequential or by index
CACHE_KIB = 16 * 1024

# The stored columns, in the order `add` takes them and `rows` returns them
COLUMNS = (
    "row", "person_code", "kind", "subtype", "effective_on", "kind_order", "end_on", "unit_code",
    "to_unit_code", "position", "term", "year", "decision_no", "decided_on", "decided_by", "note",
    "details", "confirm",
)
# Every statement is a constant (tests/test_static_checks.py, C2): the column lists are COLUMNS,
# the values parameters; a set of kinds is one parameter, a JSON array read by json_each
_SELECT = ", ".join(f"e.{c}" for c in COLUMNS)
_INSERT = f"INSERT INTO events ({', '.join(COLUMNS)}) VALUES ({', '.join('?' * len(COLUMNS))})"  # nosec B608 — fixed columns
_PRAGMAS = (
    "PRAGMA journal_mode=OFF", "PRAGMA synchronous=OFF", "PRAGMA locking_mode=EXCLUSIVE", "PRAGMA temp_store=FILE",
    f"PRAGMA cache_size=-{CACHE_KIB}",
)
_CODES = {
    column: f"SELECT DISTINCT {column} FROM events WHERE {column} != ''"  # nosec B608 — fixed column names
    for column in ("person_code", "unit_code", "to_unit_code")
}
_UNIT_EVENTS = "FROM events e WHERE person_code = '' AND refused = 0 AND (kind IN (SELECT value FROM json_each(?))) = ?"
_UNIT_EVENT_ROWS = f"SELECT {_SELECT} {_UNIT_EVENTS} ORDER BY effective_on, row"  # nosec B608 — fixed columns
_UNIT_EVENT_COUNT = f"SELECT COUNT(*) {_UNIT_EVENTS}"  # nosec B608 — constant
_LATER_ROWS = f"SELECT {_SELECT} FROM later l JOIN events e ON e.row = l.row ORDER BY l.seq"  # nosec B608 — fixed columns
_PERSON_EVENT_ROWS = (
    f"SELECT {_SELECT} FROM people p JOIN events e ON e.person_code = p.code"  # nosec B608 — fixed columns
    " WHERE p.seq BETWEEN ? AND ? AND e.refused = 0 ORDER BY p.seq, e.effective_on, e.kind_order, e.row"
)

_SCHEMA = """
CREATE TABLE events (
    row INTEGER PRIMARY KEY,          -- the sheet's row number
    person_code TEXT NOT NULL,        -- '' for a unit event
    kind TEXT NOT NULL,
    subtype TEXT NOT NULL,
    effective_on INTEGER NOT NULL,    -- date ordinal
    kind_order INTEGER NOT NULL,      -- fold.KIND_ORDER: the same-day order of a person's events
    end_on INTEGER,
    unit_code TEXT NOT NULL,
    to_unit_code TEXT NOT NULL,
    position TEXT NOT NULL,
    term TEXT NOT NULL,
    year INTEGER,
    decision_no TEXT NOT NULL,
    decided_on INTEGER,
    decided_by TEXT NOT NULL,
    note TEXT NOT NULL,
    details TEXT NOT NULL,            -- JSON object, '' when none
    confirm TEXT NOT NULL,            -- the "confirm" cell as typed
    refused INTEGER NOT NULL DEFAULT 0
);
-- one row per identity: the first row of the sheet that has it
CREATE TABLE keys (
    person_code TEXT NOT NULL, kind TEXT NOT NULL, subtype TEXT NOT NULL, effective_on INTEGER NOT NULL,
    unit_code TEXT NOT NULL, row INTEGER NOT NULL,
    PRIMARY KEY (person_code, kind, subtype, effective_on, unit_code)
) WITHOUT ROWID;
-- the person events' judging order: seq of the person, then their events by date
CREATE TABLE people (seq INTEGER PRIMARY KEY, code TEXT NOT NULL UNIQUE);
-- unit events accepted by the tree walk, judged after it, in this order
CREATE TABLE later (seq INTEGER PRIMARY KEY, row INTEGER NOT NULL);
"""


def _day(ordinal: int | None) -> dt.date | None:
    return None if ordinal is None else dt.date.fromordinal(ordinal)


PREFIX = "tochuc-import-"


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process
        return True
    return True


def sweep(folder: Path | None = None) -> list[Path]:
    """Remove the spill directories of importing processes that no longer exist; the removed."""
    removed = []
    for path in Path(folder or tempfile.gettempdir()).glob(f"{PREFIX}*-*"):
        pid = path.name[len(PREFIX) :].split("-", 1)[0]
        if path.is_dir() and pid.isdigit() and not _alive(int(pid)):
            shutil.rmtree(path, ignore_errors=True)
            removed.append(path)
    return removed


class EventSpill:
    """The events sheet in a temporary SQLite file; `close()` deletes it."""

    def __init__(self) -> None:
        sweep()
        self.folder = Path(tempfile.mkdtemp(prefix=f"{PREFIX}{os.getpid()}-"))  # mode 700
        self.db = sqlite3.connect(self.folder / "events.sqlite3", isolation_level=None)
        for pragma in _PRAGMAS:
            self.db.execute(pragma)
        self.db.executescript(_SCHEMA)
        # one transaction for the file's whole life, never committed: close() throws it away
        self.db.execute("BEGIN")
        self._buffer: list[tuple] = []
        self._indexed = False
        self.count = 0

    def close(self) -> None:
        self.db.close()
        shutil.rmtree(self.folder, ignore_errors=True)

    # --- stage 1: writing ---
    def add(
        self, row: int, person_code: str, kind: str, subtype: str, effective_on: dt.date, kind_order: int,
        end_on: dt.date | None, unit_code: str, to_unit_code: str, position: str, term: str, year: int | None,
        decision_no: str, decided_on: dt.date | None, decided_by: str, note: str, details: dict, confirm: str,
    ) -> None:
        self._buffer.append((
            row, person_code, kind, subtype, effective_on.toordinal(), kind_order,
            end_on.toordinal() if end_on else None, unit_code, to_unit_code, position, term, year, decision_no,
            decided_on.toordinal() if decided_on else None, decided_by, note,
            json.dumps(details, ensure_ascii=False) if details else "", confirm,
        ))
        self.count += 1
        if len(self._buffer) >= BUFFER_ROWS:
            self._flush()

    def _flush(self) -> None:
        if not self._buffer:
            return
        self.db.executemany(_INSERT, self._buffer)
        # in row order: the first row of an identity is the one kept
        self.db.executemany(
            "INSERT OR IGNORE INTO keys VALUES (?, ?, ?, ?, ?, ?)", [(r[1], r[2], r[3], r[4], r[7], r[0]) for r in self._buffer]
        )
        self._buffer = []

    def finish(self) -> None:
        """The sheet is read: index the rows for the reads of the later stages."""
        self._flush()
        if not self._indexed:
            self.db.execute("CREATE INDEX events_person ON events (person_code, effective_on, kind_order, row)")
            self._indexed = True

    # --- stage 1b: checks ---
    def codes(self, column: str) -> set[str]:
        """The distinct non-empty values of a code column (person_code, unit_code, to_unit_code)."""
        return {c for (c,) in self.db.execute(_CODES[column])}

    def for_checks(self) -> Iterator[tuple[int, str, str, str, str, int]]:
        """(row, person code, kind, unit code, to-unit code, first row with its identity), in row order."""
        cursor = self.db.execute(
            "SELECT e.row, e.person_code, e.kind, e.unit_code, e.to_unit_code, k.row FROM events e JOIN keys k"
            " ON k.person_code = e.person_code AND k.kind = e.kind AND k.subtype = e.subtype"
            " AND k.effective_on = e.effective_on AND k.unit_code = e.unit_code ORDER BY e.row"
        )
        while chunk := cursor.fetchmany(BUFFER_ROWS):
            yield from chunk

    def refuse(self, rows: Iterable[int]) -> None:
        """Mark rows the checks refused: the later stages do not read them."""
        self.db.executemany("UPDATE events SET refused = 1 WHERE row = ?", [(r,) for r in rows])

    # --- stage 2: reading back ---
    def _rows(self, sql: str, params: Sequence[Any] = ()) -> Iterator[tuple]:
        cursor = self.db.execute(sql, params)
        while chunk := cursor.fetchmany(BUFFER_ROWS):
            for r in chunk:
                yield (
                    r[0], r[1], r[2], r[3], dt.date.fromordinal(r[4]), r[5], _day(r[6]), *r[7:13], _day(r[13]), r[14], r[15],
                    json.loads(r[16]) if r[16] else None, r[17],
                )

    def unit_events(self, *, tree: bool, kinds: frozenset[str]) -> Iterator[tuple]:
        """Unit events not refused: those of `kinds` (tree=True) or the others, in date then row order."""
        return self._rows(_UNIT_EVENT_ROWS, (json.dumps(sorted(kinds)), tree))

    def unit_event_count(self, *, tree: bool, kinds: frozenset[str]) -> int:
        (count,) = self.db.execute(_UNIT_EVENT_COUNT, (json.dumps(sorted(kinds)), tree)).fetchone()
        return int(count)

    def add_later(self, rows: Iterable[int]) -> None:
        self.db.executemany("INSERT INTO later (row) VALUES (?)", [(r,) for r in rows])

    def later(self) -> Iterator[tuple]:
        return self._rows(_LATER_ROWS)

    def person_order(self) -> Iterator[str]:
        """Codes of the people with events not refused, by the first row of each."""
        cursor = self.db.execute(
            "SELECT person_code FROM events WHERE person_code != '' AND refused = 0 GROUP BY person_code ORDER BY MIN(row)"
        )
        while chunk := cursor.fetchmany(BUFFER_ROWS):
            for (code,) in chunk:
                yield code

    def set_people(self, codes: Iterable[str]) -> int:
        """The people whose events are judged, in judging order; the number of their events."""
        self.db.execute("DELETE FROM people")
        self.db.executemany("INSERT INTO people (code) VALUES (?)", ((c,) for c in codes))
        (total,) = self.db.execute(
            "SELECT COUNT(*) FROM people p JOIN events e ON e.person_code = p.code WHERE e.refused = 0"
        ).fetchone()
        return int(total)

    def person_events(self, first: int, last: int) -> Iterator[tuple]:
        """The events of people `first`..`last` (1-based, as set_people numbered them), person
        after person, each person's by date, same-day kind order and row."""
        return self._rows(_PERSON_EVENT_ROWS, (first, last))
