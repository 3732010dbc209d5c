"""Reading the tree: the one place that answers "which units are under X on D"."""

from __future__ import annotations

import datetime as dt

from django.db import connection
from django.db.models import Q, QuerySet

from tochuc.units.models import Unit, UnitVersion


def valid_on(day: dt.date) -> Q:
    return Q(valid_from__lte=day) & (Q(valid_to__isnull=True) | Q(valid_to__gt=day))


def path_prefix(prefix: str) -> Q:
    """Versions whose path starts with `prefix` (a path always ends with ".").

    SQLite's LIKE ignores case and skips the index, so it gets a binary range ("/" follows "."
    in ASCII); PostgreSQL uses LIKE 'prefix%' served by a text_pattern_ops index.
    """
    if connection.vendor == "sqlite":
        return Q(path__gte=prefix, path__lt=prefix[:-1] + "/")
    return Q(path__startswith=prefix)


def version_on(unit: Unit | int, day: dt.date) -> UnitVersion | None:
    unit_id = unit if isinstance(unit, int) else unit.pk
    return UnitVersion.objects.filter(valid_on(day), unit_id=unit_id).first()


def subtree(unit: Unit | int, *, on: dt.date) -> QuerySet[UnitVersion]:
    """The versions, valid on `on`, of the unit and every unit under it on that date."""
    version = version_on(unit, on)
    if version is None:
        return UnitVersion.objects.none()
    return UnitVersion.objects.filter(valid_on(on), path_prefix(version.path))


def subtree_unit_ids(unit: Unit | int, *, on: dt.date) -> QuerySet:
    return subtree(unit, on=on).values("unit_id")


def children(unit: Unit | int, *, on: dt.date) -> QuerySet[UnitVersion]:
    unit_id = unit if isinstance(unit, int) else unit.pk
    return UnitVersion.objects.filter(valid_on(on), parent_id=unit_id).select_related("unit").order_by("name")


def roots(*, on: dt.date) -> QuerySet[UnitVersion]:
    return UnitVersion.objects.filter(valid_on(on), depth=0).select_related("unit").order_by("name")


def ancestors(unit: Unit | int, *, on: dt.date) -> list[UnitVersion]:
    version = version_on(unit, on)
    if version is None:
        return []
    ids = [int(seg) for seg in version.path.split(".") if seg]
    by_unit = {v.unit_id: v for v in UnitVersion.objects.filter(valid_on(on), unit_id__in=ids).select_related("unit")}
    return [by_unit[i] for i in ids if i in by_unit]


def unit_by_code(code: str) -> Unit | None:
    return Unit.objects.filter(code=code.strip()).first()
