"""Fixtures for cadre work: a small catalogue of posts in the shared tree, and planning periods."""

from __future__ import annotations

import datetime as dt

import pytest


@pytest.fixture
def posts(tree):
    from tochuc.cadres.services import post_create

    return {
        "secretary": post_create(
            by=None, unit=tree["CT.NK.01"], name="Bí thư Đảng ủy phường", managing_level="district", is_party_committee=True
        ),
        "chair": post_create(by=None, unit=tree["CT.NK.01"], name="Chủ tịch UBND phường", managing_level="district"),
        "head": post_create(by=None, unit=tree["CT.NK"], name="Trưởng phòng Nội vụ quận", managing_level="district"),
        "deputy": post_create(by=None, unit=tree["CT.NK"], name="Phó Trưởng phòng Nội vụ quận", managing_level="district"),
        "outside": post_create(by=None, unit=tree["CT.CR"], name="Trưởng phòng Nội vụ quận", managing_level="district"),
    }


@pytest.fixture
def periods(db):
    from tochuc.cadres.services import planning_period_create

    return {code: planning_period_create(by=None, code=code) for code in ("2015-2020", "2020-2025", "2025-2030")}


@pytest.fixture
def cadre(make_person, tree):
    """A man born 10/05/1970 whose record is kept in CT.NK.01 (not a party member here)."""
    return make_person("Lê Văn Cán", birth_date=dt.date(1970, 5, 10), registered_unit=tree["CT.NK.01"])
