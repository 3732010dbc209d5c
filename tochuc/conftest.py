"""The shared fixture tree and its personas (STYLE.md, Tests).

    CT            Đảng bộ thành phố Cần Thơ (provincial)
    ├─ CT.NK      Đảng bộ quận Ninh Kiều (district)
    │  ├─ CT.NK.01     Đảng bộ phường Tân An (grassroots committee)
    │  │  ├─ CT.NK.01.01  Chi bộ khu vực 1 (branch)
    │  │  └─ CT.NK.01.02  Chi bộ khu vực 2 (branch)
    │  └─ CT.NK.02     Chi bộ Trường THPT Châu Văn Liêm (grassroots branch)
    └─ CT.CR      Đảng bộ quận Cái Răng (district)
       └─ CT.CR.01     Đảng bộ phường Lê Bình (grassroots committee)
          └─ CT.CR.01.01  Chi bộ khu vực 3 (branch)

Personas: city admin (CT), district specialist (CT.NK), branch clerk (CT.NK.01), viewer (CT.NK),
and an outsider, a specialist in the sibling district CT.CR. All units founded on 01/01/1975.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest

TREE = [
    ("CT", "Đảng bộ thành phố Cần Thơ", "provincial", None),
    ("CT.NK", "Đảng bộ quận Ninh Kiều", "district", "CT"),
    ("CT.NK.01", "Đảng bộ phường Tân An", "grassroots_committee", "CT.NK"),
    ("CT.NK.01.01", "Chi bộ khu vực 1", "branch", "CT.NK.01"),
    ("CT.NK.01.02", "Chi bộ khu vực 2", "branch", "CT.NK.01"),
    ("CT.NK.02", "Chi bộ Trường THPT Châu Văn Liêm", "grassroots_branch", "CT.NK"),
    ("CT.CR", "Đảng bộ quận Cái Răng", "district", "CT"),
    ("CT.CR.01", "Đảng bộ phường Lê Bình", "grassroots_committee", "CT.CR"),
    ("CT.CR.01.01", "Chi bộ khu vực 3", "branch", "CT.CR.01"),
]
FOUNDED = dt.date(1975, 1, 1)
PASSWORD = "mật-khẩu-thử-nghiệm-đủ-dài-2026"


@pytest.fixture
def tree(db):
    """Unit code -> Unit for the fixture tree."""
    from tochuc.units.services import unit_found

    units = {}
    for code, name, kind, parent in TREE:
        units[code] = unit_found(
            by=None, code=code, name=name, kind=kind, founded_on=FOUNDED, parent=units.get(parent) if parent else None
        )
    return units


@dataclass
class Personas:
    city_admin: object
    district_specialist: object
    branch_clerk: object
    viewer: object
    outsider: object


@pytest.fixture
def personas(tree):
    from tochuc.accounts.services import user_create

    def make(username: str, unit: str, role: str):
        return user_create(by=None, username=username, password=PASSWORD, unit=tree[unit], role=role)

    return Personas(
        city_admin=make("quantri", "CT", "admin"),
        district_specialist=make("chuyenvien", "CT.NK", "specialist"),
        branch_clerk=make("vanthu", "CT.NK.01", "clerk"),
        viewer=make("nguoixem", "CT.NK", "viewer"),
        outsider=make("nguoingoai", "CT.CR", "specialist"),
    )


@pytest.fixture
def make_person(db):
    """Create a person; defaults describe a man born 15/03/1990."""
    from tochuc.people.services import person_create

    counter = {"n": 0}

    def make(full_name: str = "Trần Quốc Trung", *, birth_date: dt.date = dt.date(1990, 3, 15), sex: str = "male", code: str | None = None, **extra):
        counter["n"] += 1
        return person_create(
            by=None, code=code or f"P{counter['n']:04d}", full_name=full_name, birth_date=birth_date, sex=sex, **extra
        )

    return make


@pytest.fixture
def record(db):
    """Record an event through the service, as the system user."""
    from tochuc.events.services import event_record

    def rec(person, kind: str, on: dt.date, **kwargs):
        return event_record(by=kwargs.pop("by", None), person=person, kind=kind, effective_on=on, **kwargs)

    return rec


@pytest.fixture
def member(tree, make_person, record):
    """A full member of CT.NK.01.01: admitted 10/05/2015, recognised 10/05/2016."""
    person = make_person("Trần Quốc Trung", birth_date=dt.date(1990, 3, 15))
    record(person, "admission", dt.date(2015, 5, 10), unit=tree["CT.NK.01.01"], decided_on=dt.date(2015, 5, 4))
    record(person, "recognition", dt.date(2016, 5, 10), unit=tree["CT.NK.01.01"])
    person.refresh_from_db()
    return person


@pytest.fixture(autouse=True)
def _append_only_triggers(request):
    """Transactional tests end with a flush (DELETE/TRUNCATE of every table), which the
    append-only triggers refuse: lift them for that flush, and make sure every test starts with
    them in place."""
    from django.db import connection

    from tochuc.core import appendonly

    marker = request.node.get_closest_marker("django_db")
    transactional = "transactional_db" in request.fixturenames or "live_server" in request.fixturenames or bool(
        marker and marker.kwargs.get("transaction")
    )
    if marker is None and not transactional and "db" not in request.fixturenames:
        yield
        return
    request.getfixturevalue("transactional_db" if transactional else "db")
    if not appendonly.installed(connection):
        appendonly.install(connection, appendonly.APPEND_ONLY_TABLES)
    yield
    if transactional:
        appendonly.uninstall(connection, appendonly.APPEND_ONLY_TABLES)


@pytest.fixture(autouse=True)
def _fresh_report_frames():
    """Each test builds its own tree; rolled-back ids may be reused by the next test, so the
    report's cache of resolved trees (keyed by a fingerprint of the unit versions) and the cached
    figures (keyed by the heads of the logs) start empty."""
    from django.core.cache import cache

    from tochuc.reports import selectors

    selectors._TREES.clear()
    cache.clear()
    yield
