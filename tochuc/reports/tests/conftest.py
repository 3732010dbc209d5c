"""A hand-built year 2017 for the reports tests: every figure of the annual report has a known value.

Report scope CT.NK (Đảng bộ quận Ninh Kiều), year 2017; buckets CT.NK.01 (Tân An, with branches
01.01 and 01.02), CT.NK.02 (THPT Châu Văn Liêm) and the root itself.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest

D = dt.date
BORN_1985, BORN_1975 = D(1985, 1, 1), D(1975, 1, 1)


def _recorder():
    from tochuc.core.findings import Level
    from tochuc.events.services import event_check, event_record

    def go(person, kind: str, on: dt.date, **kwargs):
        findings = event_check(person=person, kind=kind, effective_on=on, **kwargs)
        confirm = {f.code for f in findings if f.level == Level.WARNING}
        return event_record(
            by=None, person=person, kind=kind, effective_on=on, confirm=confirm, **kwargs
        )

    return go


@pytest.fixture
def rec(db):
    """Record an event, confirming whatever warnings the rules raise (the data is deliberate)."""
    return _recorder()


@dataclass
class World:
    tree: dict
    people: dict
    voided: object
    personas: object


def build_world() -> World:
    from tochuc.accounts.services import user_create
    from tochuc.conftest import FOUNDED, PASSWORD, TREE, Personas
    from tochuc.events.services import event_void
    from tochuc.people.services import person_create
    from tochuc.reports.models import Target
    from tochuc.units.services import unit_found

    t: dict = {}
    for code, name, kind, parent in TREE:
        t[code] = unit_found(
            by=None,
            code=code,
            name=name,
            kind=kind,
            founded_on=FOUNDED,
            parent=t.get(parent) if parent else None,
        )

    def make(username: str, unit: str, role: str):
        return user_create(by=None, username=username, password=PASSWORD, unit=t[unit], role=role)

    personas = Personas(
        city_admin=make("quantri", "CT", "admin"),
        district_specialist=make("chuyenvien", "CT.NK", "specialist"),
        branch_clerk=make("vanthu", "CT.NK.01", "clerk"),
        viewer=make("nguoixem", "CT.NK", "viewer"),
        outsider=make("nguoingoai", "CT.CR", "specialist"),
    )
    rec = _recorder()
    p: dict = {}

    def person(key: str, name: str, sex: str = "male", born: dt.date = BORN_1985):
        p[key] = person_create(by=None, code=f"R-{key}", full_name=name, birth_date=born, sex=sex)
        return p[key]

    def full_member(key, name, unit, admitted, sex="male", born=BORN_1975):
        who = person(key, name, sex, born)
        rec(who, "admission", admitted, unit=t[unit], decided_on=admitted)
        rec(who, "recognition", D(admitted.year + 1, admitted.month, admitted.day), unit=t[unit])
        return who

    # members on 31/12/2017
    a = full_member("A", "Nguyễn Văn An", "CT.NK.01.01", D(2015, 5, 10))
    b = person("B", "Lê Thị Bình", "female", D(1995, 2, 2))
    rec(b, "admission", D(2017, 3, 1), unit=t["CT.NK.01.01"], decided_on=D(2017, 3, 1))
    c = person("C", "Phạm Văn Cường", born=D(1996, 6, 6))
    rec(c, "admission", D(2017, 6, 1), unit=t["CT.NK.02"], decided_on=D(2017, 6, 1))
    d = person("D", "Trần Thị Dung", "female", D(1990, 4, 4))
    rec(d, "admission", D(2016, 8, 1), unit=t["CT.NK.01.02"], decided_on=D(2016, 8, 1))
    rec(d, "recognition", D(2017, 8, 1), unit=t["CT.NK.01.02"])
    # transfers: E comes in from Cái Răng, F moves inside the scope, G leaves for Cái Răng
    e = full_member("E", "Võ Văn Em", "CT.CR.01.01", D(2010, 1, 10))
    rec(
        e,
        "transfer",
        D(2017, 4, 1),
        subtype="official",
        unit=t["CT.CR.01.01"],
        to_unit=t["CT.NK.01.02"],
    )
    f = full_member("F", "Đỗ Văn Phúc", "CT.NK.01.01", D(2010, 2, 10))
    rec(
        f,
        "transfer",
        D(2017, 5, 1),
        subtype="official",
        unit=t["CT.NK.01.01"],
        to_unit=t["CT.NK.02"],
    )
    g = full_member("G", "Huỳnh Văn Giang", "CT.NK.02", D(2010, 3, 10))
    rec(
        g,
        "transfer",
        D(2017, 9, 1),
        subtype="official",
        unit=t["CT.NK.02"],
        to_unit=t["CT.CR.01.01"],
    )
    # a temporary transfer moves nobody's count
    rec(
        a,
        "transfer",
        D(2017, 10, 1),
        subtype="temporary",
        unit=t["CT.NK.01.01"],
        to_unit=t["CT.CR.01.01"],
    )
    # leaving the Party
    h = full_member("H", "Bùi Văn Hải", "CT.NK.01.01", D(2005, 1, 5))
    rec(h, "death", D(2017, 10, 10), unit=t["CT.NK.01.01"])
    i = full_member("I", "Mai Văn Ích", "CT.NK.01.02", D(2005, 2, 5))
    rec(i, "removal", D(2017, 2, 2), unit=t["CT.NK.01.02"])
    j = full_member("J", "Lý Văn Khải", "CT.NK.02", D(2008, 3, 5))
    rec(j, "discipline", D(2017, 3, 3), subtype="reprimand", unit=t["CT.NK.02"])
    rec(j, "discipline", D(2017, 11, 11), subtype="warning", unit=t["CT.NK.02"])
    k = full_member("K", "Tạ Văn Khoa", "CT.NK.01.01", D(2008, 4, 5))
    rec(k, "discipline", D(2017, 12, 1), subtype="expulsion", unit=t["CT.NK.01.01"])
    lx = full_member("L", "Châu Văn Lâm", "CT.NK.01.01", D(2009, 5, 5))
    rec(lx, "withdrawal", D(2017, 6, 6), unit=t["CT.NK.01.01"])
    # exempt since 2016, and a 40-year badge on 19/5/2017 (admitted 01/05/1977)
    m = full_member("M", "Đặng Văn Minh", "CT.NK.01.01", D(1977, 5, 1), born=D(1950, 1, 1))
    rec(m, "exemption", D(2016, 1, 1), unit=t["CT.NK.01.01"])
    rec(m, "award", D(2017, 5, 19), subtype="badge_40", unit=t["CT.NK.01.01"])
    # re-admitted in 2017 after leaving in 2005
    r = full_member("R", "Quách Văn Rạng", "CT.NK.01.01", D(2000, 7, 7))
    rec(r, "removal", D(2005, 7, 7), unit=t["CT.NK.01.01"])
    rec(r, "readmission", D(2017, 7, 1), unit=t["CT.NK.01.02"], decided_on=D(2017, 7, 1))
    # a voided admission counts nowhere
    v = person("V", "Kha Văn Vô")
    voided = rec(v, "admission", D(2017, 9, 9), unit=t["CT.NK.01.01"], decided_on=D(2017, 9, 9))
    event_void(event=voided, reason="Nhập nhầm người", by=None)
    # outside the scope: a member and an admission in Cái Răng
    o = person("O", "Ông Văn Ngoài", born=D(1994, 1, 1))
    rec(o, "admission", D(2017, 4, 4), unit=t["CT.CR.01.01"], decided_on=D(2017, 4, 4))
    # an admission in 2016 and one in 2018 lie outside the period
    y = person("Y", "Lâm Văn Ý", born=D(1990, 1, 1))
    rec(y, "admission", D(2018, 1, 2), unit=t["CT.NK.02"], decided_on=D(2018, 1, 2))

    # cadre work: A appointed then rotated (one person, two decisions); D assigned
    rec(
        a,
        "decision",
        D(2017, 2, 1),
        subtype="appointment",
        unit=t["CT.NK.01"],
        position="Phó Bí thư Đảng ủy",
    )
    rec(
        a,
        "decision",
        D(2017, 9, 1),
        subtype="rotation",
        unit=t["CT.NK.02"],
        position="Bí thư Chi bộ",
    )
    rec(
        d,
        "decision",
        D(2017, 4, 1),
        subtype="assignment",
        unit=t["CT.NK.01"],
        position="Ủy viên Ban Tuyên giáo",
    )
    rec(
        d,
        "planning",
        D(2017, 5, 1),
        subtype="add",
        unit=t["CT.NK.01"],
        position="Phó Bí thư Đảng ủy",
        term="2020-2025",
    )
    # training: A starts two intermediate courses (one person), F a professional course
    rec(
        a,
        "training",
        D(2017, 3, 1),
        subtype="political_theory_intermediate",
        end_on=D(2017, 9, 1),
        unit=t["CT.NK.01.01"],
    )
    rec(
        a,
        "training",
        D(2017, 10, 1),
        subtype="political_theory_intermediate",
        end_on=D(2018, 3, 1),
        unit=t["CT.NK.01.01"],
    )
    rec(
        f,
        "training",
        D(2017, 1, 15),
        subtype="professional",
        end_on=D(2017, 2, 15),
        unit=t["CT.NK.01.01"],
    )
    rec(a, "award", D(2017, 11, 7), subtype="medal_org_building", unit=t["CT.NK.01.01"])
    # evaluations of 2017 (recorded in December); F's has no unit: counted where F is a member
    rec(a, "evaluation", D(2017, 12, 20), subtype="excellent", year=2017, unit=t["CT.NK.01.01"])
    rec(d, "evaluation", D(2017, 12, 20), subtype="good", year=2017, unit=t["CT.NK.01.02"])
    rec(f, "evaluation", D(2017, 12, 20), subtype="good", year=2017)
    # the units: two branch congresses (term 2017–2020), unit evaluations
    rec(None, "congress", D(2017, 5, 5), unit=t["CT.NK.01.01"], term="2017-2020")
    rec(None, "congress", D(2017, 5, 6), unit=t["CT.NK.01.02"], term="2017-2020")
    rec(None, "evaluation", D(2017, 12, 25), unit=t["CT.NK.01"], subtype="excellent", year=2017)
    rec(None, "evaluation", D(2017, 12, 25), unit=t["CT.NK.02"], subtype="good", year=2017)
    # targets: on CT.NK (4) and, ignored below it, on CT.NK.01 (3); on CT.CR.01 (2)
    Target.objects.create(unit=t["CT.NK"], year=2017, metric="members.admitted", value=4)
    Target.objects.create(unit=t["CT.NK.01"], year=2017, metric="members.admitted", value=3)
    Target.objects.create(unit=t["CT.CR.01"], year=2017, metric="members.admitted", value=2)
    return World(t, p, voided, personas)


@pytest.fixture(scope="module")
def _world_once(django_db_setup, django_db_blocker):
    """The world is built once per test module inside a transaction rolled back at the end;
    each test runs in a savepoint inside it (pytest-django's `db`), so tests stay independent
    and the ~70 recorded events are not replayed for every test."""
    from django.db import transaction

    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            yield build_world()
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


@pytest.fixture
def world(_world_once, db) -> World:
    return _world_once
