"""The floor: the annual report's figures computed by hand-written SQL over the same tables.

One query per family of figures, as a careful engineer would write them for this schema with no
framework in between: the scope's units resolved once by a range over the materialised path, the
bucket (the unit directly below the root) cut out of that path, events attributed to the member's
unit when recorded without one. The harness times these next to the report and divides.
The figures are the same definitions as `tochuc.reports` (events in the period, members on the
last day, evaluations by the year evaluated, official transfers across the scope's boundary);
units that ended inside the period are left out here, a simplification that only makes the
floor cheaper.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db import connection

PERSON_KINDS = (
    "admission", "readmission", "recognition", "removal", "withdrawal", "death", "discipline",
    "decision", "planning", "training", "award",
)  # fmt: skip

# The units of the scope on the last day, and each one's bucket (the child of the root above it).
SCOPE = """
CREATE TEMP TABLE {scope} AS
SELECT v.unit_id AS unit_id,
       CASE WHEN v.depth = r.depth THEN r.unit_id
            ELSE CAST(SUBSTR(v.path, LENGTH(r.path) + 1, 8) AS INTEGER) END AS bucket
FROM units_unitversion r
JOIN units_unitversion v ON v.path >= r.path AND v.path < SUBSTR(r.path, 1, LENGTH(r.path) - 1) || '/'
 AND v.valid_from <= %(end)s AND (v.valid_to IS NULL OR v.valid_to > %(end)s)
WHERE r.unit_id = %(root)s AND r.valid_from <= %(end)s AND (r.valid_to IS NULL OR r.valid_to > %(end)s)
"""

MEMBER_UNIT = """(SELECT m.unit_id FROM events_membership m WHERE m.person_id = e.person_id
  AND m.valid_from <= e.effective_on AND (m.valid_to IS NULL OR m.valid_to >= e.effective_on)
  ORDER BY m.valid_from DESC LIMIT 1)"""

EVENTS = f"""
SELECT s.bucket, e.kind, e.subtype, COUNT(*), COUNT(DISTINCT e.person_id)
FROM events_event e
JOIN {{scope}} s ON s.unit_id = COALESCE(e.unit_id, {MEMBER_UNIT})
WHERE e.effective_on >= %(start)s AND e.effective_on <= %(end)s AND e.person_id IS NOT NULL
  AND e.kind IN ({", ".join(f"'{k}'" for k in PERSON_KINDS)})
  AND NOT EXISTS (SELECT 1 FROM events_eventvoid x WHERE x.event_id = e.id)
GROUP BY s.bucket, e.kind, e.subtype
"""

# Distinct people per kind over the whole scope (a person counted once, whatever the bucket).
PEOPLE = f"""
SELECT e.kind, e.subtype, COUNT(DISTINCT e.person_id)
FROM events_event e
JOIN {{scope}} s ON s.unit_id = COALESCE(e.unit_id, {MEMBER_UNIT})
WHERE e.effective_on >= %(start)s AND e.effective_on <= %(end)s AND e.person_id IS NOT NULL
  AND e.kind IN ('discipline', 'decision', 'planning', 'training', 'award')
  AND NOT EXISTS (SELECT 1 FROM events_eventvoid x WHERE x.event_id = e.id)
GROUP BY e.kind, e.subtype
"""

TRANSFERS = """
SELECT src.bucket, dst.bucket, COUNT(*)
FROM events_event e
LEFT JOIN {scope} src ON src.unit_id = COALESCE(e.unit_id, (SELECT m.unit_id FROM events_membership m
  WHERE m.person_id = e.person_id AND m.valid_from < e.effective_on
  AND (m.valid_to IS NULL OR m.valid_to >= e.effective_on) ORDER BY m.valid_from DESC LIMIT 1))
LEFT JOIN {scope} dst ON dst.unit_id = e.to_unit_id
WHERE e.kind = 'transfer' AND e.subtype = 'official' AND e.person_id IS NOT NULL
  AND e.effective_on >= %(start)s AND e.effective_on <= %(end)s
  AND (src.bucket IS NULL) <> (dst.bucket IS NULL)
  AND NOT EXISTS (SELECT 1 FROM events_eventvoid x WHERE x.event_id = e.id)
GROUP BY src.bucket, dst.bucket
"""

MEMBERS = """
SELECT s.bucket, m.status, m.sex, COUNT(*)
FROM events_membership m JOIN {scope} s ON s.unit_id = m.unit_id
WHERE m.valid_from <= %(end)s AND (m.valid_to IS NULL OR m.valid_to > %(end)s)
GROUP BY s.bucket, m.status, m.sex
"""

EVALUATIONS = f"""
SELECT s.bucket, e.subtype, COUNT(DISTINCT e.person_id)
FROM events_event e
JOIN {{scope}} s ON s.unit_id = COALESCE(e.unit_id, {MEMBER_UNIT})
WHERE e.kind = 'evaluation' AND e.person_id IS NOT NULL AND e.year >= %(y0)s AND e.year <= %(y1)s
  AND NOT EXISTS (SELECT 1 FROM events_eventvoid x WHERE x.event_id = e.id)
GROUP BY s.bucket, e.subtype
"""

UNIT_EVENTS = """
SELECT s.bucket, e.kind, e.subtype, e.term, COUNT(*)
FROM events_event e JOIN {scope} s ON s.unit_id = e.unit_id
WHERE e.person_id IS NULL
  AND ((e.kind IN ('congress', 'founding', 'merger', 'dissolution')
        AND e.effective_on >= %(start)s AND e.effective_on <= %(end)s)
       OR (e.kind = 'evaluation' AND e.year >= %(y0)s AND e.year <= %(y1)s))
  AND NOT EXISTS (SELECT 1 FROM events_eventvoid x WHERE x.event_id = e.id)
GROUP BY s.bucket, e.kind, e.subtype, e.term
"""

TARGETS = """
SELECT t.unit_id, t.metric, t.value FROM reports_target t JOIN {scope} s ON s.unit_id = t.unit_id
WHERE t.year = %(y1)s
"""

HISTORY = """
SELECT {columns} FROM events_membership m JOIN {scope} s ON s.unit_id = m.unit_id
"""

QUERIES = {
    "events": EVENTS,
    "people": PEOPLE,
    "transfers": TRANSFERS,
    "members": MEMBERS,
    "evaluations": EVALUATIONS,
    "unit_events": UNIT_EVENTS,
    "targets": TARGETS,
}


@dataclass
class FloorResult:
    rows: dict[str, list[tuple]] = field(default_factory=dict)

    def total(self, key: str) -> int:
        """A few headline figures, to check the floor counts what the report counts."""
        if key == "members.total":
            return sum(
                r[3] for r in self.rows["members"] if r[1] in ("probationary", "full", "exempt")
            )
        if key == "members.admitted":
            return sum(r[3] for r in self.rows["events"] if r[1] in ("admission", "readmission"))
        if key == "members.recognized":
            return sum(r[3] for r in self.rows["events"] if r[1] == "recognition")
        raise KeyError(key)


_counter = 0


def annual_floor(*, root_id: int, year: int, history_years: int = 5) -> FloorResult:
    """Every figure family of the annual report for one root and year, by hand-written SQL."""
    global _counter
    _counter += 1
    scope = f"bench_scope_{_counter}"
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    params = {"root": root_id, "start": start, "end": end, "y0": year, "y1": year}
    out = FloorResult()
    with connection.cursor() as cur:
        cur.execute(SCOPE.format(scope=scope), params)
        try:
            if connection.vendor == "postgresql":
                cur.execute(f"CREATE INDEX ON {scope} (unit_id)")
                cur.execute(f"ANALYZE {scope}")
            else:
                cur.execute(f"CREATE INDEX {scope}_u ON {scope} (unit_id)")
            for name, sql in QUERIES.items():
                cur.execute(sql.format(scope=scope), params)
                out.rows[name] = cur.fetchall()
            cols = []
            hist_params = dict(params)
            for y in range(year - history_years + 1, year + 1):
                hist_params[f"d{y}"] = dt.date(y, 12, 31)
                cols.append(
                    f"SUM(CASE WHEN m.valid_from <= %(d{y})s AND (m.valid_to IS NULL OR m.valid_to > %(d{y})s) THEN 1 ELSE 0 END)"
                )
            cur.execute(HISTORY.format(columns=", ".join(cols), scope=scope), hist_params)
            out.rows["history"] = cur.fetchall()
        finally:
            cur.execute(f"DROP TABLE {scope}")
    return out


DRILL = f"""
SELECT e.id, p.code, p.full_name, e.effective_on, e.decision_no, COALESCE(e.unit_id, {MEMBER_UNIT}) AS attr
FROM events_event e JOIN people_person p ON p.id = e.person_id
WHERE e.kind IN ('admission', 'readmission') AND e.effective_on >= %(start)s AND e.effective_on <= %(end)s
  AND COALESCE(e.unit_id, {MEMBER_UNIT}) IN (
      SELECT v.unit_id FROM units_unitversion r JOIN units_unitversion v
        ON v.path >= r.path AND v.path < SUBSTR(r.path, 1, LENGTH(r.path) - 1) || '/'
       AND v.valid_from <= %(end)s AND (v.valid_to IS NULL OR v.valid_to > %(end)s)
      WHERE r.unit_id = %(root)s AND r.valid_from <= %(end)s AND (r.valid_to IS NULL OR r.valid_to > %(end)s))
  AND NOT EXISTS (SELECT 1 FROM events_eventvoid x WHERE x.event_id = e.id)
ORDER BY e.effective_on, p.search_key, e.id
LIMIT 50
"""


def drill_floor(*, root_id: int, year: int) -> list[tuple]:
    """The first page of the admissions behind the figure, by hand-written SQL."""
    with connection.cursor() as cur:
        cur.execute(
            DRILL, {"root": root_id, "start": dt.date(year, 1, 1), "end": dt.date(year, 12, 31)}
        )
        return cur.fetchall()


SEARCH = """
SELECT p.id, p.code, p.full_name FROM people_person p
WHERE {words}
ORDER BY p.search_key, p.id LIMIT 50
"""


def search_floor(folded_words: list[str]) -> list[tuple]:
    """How many people have every word as the start of a word of their name, and the first 50
    (unscoped: the bench user's scope is the whole deployment)."""
    clauses, params = [], {}
    for i, w in enumerate(folded_words):
        clauses.append(f"(p.search_key LIKE %(w{i})s OR p.search_key LIKE %(x{i})s)")
        params[f"w{i}"] = w + "%"
        params[f"x{i}"] = "% " + w + "%"
    where = " AND ".join(clauses) or "1=1"
    with connection.cursor() as cur:
        # The page shows how many were found: the count is part of the work.
        cur.execute(f"SELECT COUNT(*) FROM people_person p WHERE {where}", params)
        count = cur.fetchone()[0]
        cur.execute(SEARCH.format(words=where), params)
        return [(count,), *cur.fetchall()]


ROLLUP_NATION = """
SELECT root_id, kind, SUM(n) FROM events_eventrollup
WHERE month >= %(start)s AND month <= %(end)s AND person_event = %(pe)s
GROUP BY root_id, kind
"""

RAW_BY_ANCHOR = """
SELECT CAST(NULLIF(SUBSTR(v.path, 10, 8), '') AS INTEGER) AS anchor, e.kind, COUNT(*)
FROM events_event e
JOIN units_unitversion v ON v.unit_id = e.unit_id
 AND v.valid_from <= e.effective_on AND (v.valid_to IS NULL OR v.valid_to > e.effective_on)
WHERE e.effective_on >= %(start)s AND e.effective_on <= %(end)s AND e.person_id IS NOT NULL
GROUP BY 1, e.kind
"""

ROLLUP_BY_ANCHOR = """
SELECT anchor_id, kind, SUM(n) FROM events_eventrollup
WHERE month >= %(start)s AND month <= %(end)s AND person_event = %(pe)s
GROUP BY anchor_id, kind
"""


def q2(sql: str, year: int) -> list[tuple]:
    """PERFORMANCE.md Q1/Q2 shapes: a year's person events by anchor (district) x kind."""
    with connection.cursor() as cur:
        cur.execute(sql, {"start": dt.date(year, 1, 1), "end": dt.date(year, 12, 31), "pe": True})
        return cur.fetchall()
