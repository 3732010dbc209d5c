"""The planner hints of `tochuc.core.db`: same rows as the plain filters, on both databases."""

from __future__ import annotations

import pytest

from tochuc.core.db import IdList, unindexed
from tochuc.units.models import Unit


@pytest.fixture
def units(db):
    return [Unit.objects.create(code=f"U{i}") for i in range(5)]


def test_an_id_list_is_one_parameter_and_selects_exactly_those_ids(units):
    wanted = [units[3].pk, units[0].pk, units[3].pk]
    qs = Unit.objects.filter(pk__in=IdList(wanted)).order_by("pk")
    assert list(qs.values_list("code", flat=True)) == ["U0", "U3"]
    sql, params = qs.query.sql_with_params()
    assert len(params) == 1


def test_an_id_list_beyond_sqlites_parameter_limit_still_works(units):
    # 40 000 ids: a literal IN list would need 40 000 bound parameters (SQLite allows 32 766).
    ids = list(range(10**6, 10**6 + 40_000)) + [units[1].pk]
    assert list(Unit.objects.filter(pk__in=IdList(ids)).values_list("code", flat=True)) == ["U1"]


def test_an_empty_id_list_selects_nothing(units):
    assert Unit.objects.filter(pk__in=IdList([])).count() == 0


def test_an_unindexed_column_filters_as_the_column_does(units):
    ids = [units[2].pk, units[4].pk]
    hinted = Unit.objects.alias(hidden=unindexed("id")).filter(hidden__in=ids)
    assert sorted(hinted.values_list("code", flat=True)) == ["U2", "U4"]
    assert "+ 0" in str(hinted.query)
