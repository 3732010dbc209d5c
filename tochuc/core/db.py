"""Database housekeeping shared by the bulk paths, and planner hints shared by the selectors."""

from __future__ import annotations

import json
from collections.abc import Iterable

from django.db import connection
from django.db.models import BooleanField, Expression, ExpressionWrapper, F, IntegerField, Q, QuerySet


def unindexed(field: str) -> ExpressionWrapper:
    """`field + 0`: the same value, which no index on `field` can serve.

    For a filter such as "rare kind AND unit in (a subtree)", SQLite walks the unit index once per
    unit of the subtree and reads each unit's whole history (1.5 s for the city's 1 650 planning
    events among 767 000); hiding the unit column lets the selective index lead. Use with
    `.alias(name=unindexed("unit_id")).filter(name__in=...)`.
    """
    return ExpressionWrapper(F(field) + 0, output_field=IntegerField())


def in_units(qs: QuerySet, ids: list[int] | QuerySet, *fields: str) -> QuerySet:
    """The rows of `qs` with any of `fields` in `ids` (unit ids: a small scope's list or a
    large one's subquery).

    A list on PostgreSQL is tested through the columns' indexes and left to the planner, whose
    statistics weigh a branch's few units against a kind read across the nation. Otherwise the
    columns are hidden (`unindexed`) so that the query's own selective index leads: SQLite's
    planner would walk each unit's whole history."""
    direct = connection.vendor == "postgresql" and isinstance(ids, list)
    wanted = Q()
    for name in fields:
        if not direct:
            qs = qs.alias(**{f"{name}_hidden": unindexed(name)})
        wanted |= Q(**{f"{name}{'' if direct else '_hidden'}__in": ids})
    return qs.filter(wanted)


class IdList(Expression):
    """Many ids as ONE parameter, for `field__in=IdList(ids)`: a PostgreSQL array, a SQLite JSON
    array. A literal list costs one parameter per id to build and to parse (Django resolves each
    value: ≈ 0.2 s for the 4 000 ids of the city's training gaps) and meets SQLite's limit of
    bound parameters; one array does neither. The SQL is constant; the ids are integers."""

    output_field = IntegerField()

    def __init__(self, ids: Iterable[int]):
        super().__init__()
        self.ids = sorted({int(i) for i in ids})

    def as_sql(self, compiler, connection):
        return "SELECT value FROM json_each(%s)", [json.dumps(self.ids)]

    def as_postgresql(self, compiler, connection):
        return "SELECT unnest(%s::bigint[])", [self.ids]


class OneOf(Expression):
    """`field` is one of `ids`, as a condition: `field = ANY(array)` on PostgreSQL, which an index
    on `field` serves even inside an OR (where `field IN (SELECT …)` of `IdList` becomes a
    filter evaluated row by row after the others); the JSON array of `IdList` on SQLite.
    Use as `.filter(OneOf("person_id", ids) | Q(...))`."""

    output_field = BooleanField()
    conditional = True

    def __init__(self, field: str, ids: Iterable[int]):
        super().__init__()
        self.column = F(field)
        self.ids = sorted({int(i) for i in ids})

    def get_source_expressions(self):
        return [self.column]

    def set_source_expressions(self, exprs):
        (self.column,) = exprs

    def as_sql(self, compiler, connection):
        sql, params = compiler.compile(self.column)
        in_list = f"{sql} IN (SELECT value FROM json_each(%s))"  # nosec B608 — a compiled column; the ids are a parameter
        return in_list, [*params, json.dumps(self.ids)]

    def as_postgresql(self, compiler, connection):
        sql, params = compiler.compile(self.column)
        return f"{sql} = ANY(%s::bigint[])", [*params, self.ids]


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
