"""The national shape in miniature: two tiny provinces under the common root `TW`.

The nation's report is the root's report: every count equals the sum of the provinces' own
reports, and a user granted on the root sees both provinces.
"""

from __future__ import annotations

import json

import pytest
from django.db import transaction
from django.urls import reverse

from tochuc.accounts.models import Role, User
from tochuc.accounts.scoping import people, scope_for
from tochuc.accounts.services import user_create
from tochuc.demo.load import Generator
from tochuc.demo.tests.test_generate import UNTIL
from tochuc.demo.users import demo_units
from tochuc.events.projections import rebuild_people, rebuild_units
from tochuc.people.models import Person
from tochuc.reports.annual import build_annual
from tochuc.units.models import Unit, UnitVersion

YEAR = 2025
PROVINCES = ("HN", "HUE")
# Figures that are counts of people or events: the nation's is the sum of its provinces'.
COUNTS = ("members.total", "members.admitted", "members.recognized")


@pytest.fixture(scope="module")
def loaded(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        Generator(scale="national-tiny", seed=1, until=UNTIL).run()
        yield
        transaction.set_rollback(True)


@pytest.fixture
def nation(loaded, db):
    return None


def report(code: str) -> dict:
    return build_annual(scope=None, code=code, year=YEAR, allow_empty=True).to_json()


def test_the_root_is_above_both_provinces_from_their_founding(nation):
    (root,) = UnitVersion.objects.filter(unit__code="TW")
    assert (root.kind, root.depth, root.parent_id, root.valid_to) == ("central", 0, None, None)
    assert list(UnitVersion.objects.filter(depth=0).values_list("unit__code", flat=True)) == ["TW"]
    provinces = UnitVersion.objects.filter(unit__code__in=PROVINCES).order_by("unit__code")
    assert [(v.unit.code, v.kind, v.depth, v.parent_id, v.valid_from) for v in provinces] == [
        ("HN", "provincial", 1, root.unit_id, root.valid_from),
        ("HUE", "provincial", 1, root.unit_id, root.valid_from),
    ]
    assert rebuild_units(check=True) == []
    assert rebuild_people(check=True) == []


def test_the_nations_counts_are_the_sum_of_its_provinces(nation):
    nation_report = report("TW")
    by_province = {code: report(code)["figures"] for code in PROVINCES}
    # the buckets: each province, and the root's own (no members of its own)
    assert {u["code"] for u in nation_report["units"]} == {"TW", *PROVINCES}
    for key in COUNTS:
        figure = nation_report["figures"][key]
        theirs = [by_province[code][key]["value"] for code in PROVINCES]
        assert all(v > 0 for v in theirs), key
        assert figure["value"] == sum(theirs), key
        assert {c: v for c, v in figure["by_unit"].items() if v} == dict(zip(PROVINCES, theirs, strict=True)), key


def test_a_user_granted_on_the_root_sees_both_provinces(nation, client):
    root = Unit.objects.get(code="TW")
    user = user_create(by=None, username="toanquoc", password="Cau-vong-sau-mua-47", unit=root, role=Role.VIEWER)
    assert people(scope_for(user)).count() == Person.objects.count()
    client.force_login(User.objects.get(pk=user.pk))
    page = client.get(reverse("units:tree")).content.decode()
    assert "Đảng Cộng sản Việt Nam" in page
    assert "Đảng bộ thành phố Hà Nội" in page and "Đảng bộ thành phố Huế" in page


def test_the_demo_users_sit_on_the_root_and_under_the_first_province(nation):
    units = demo_units()
    hn = UnitVersion.objects.get(unit__code="HN")
    assert units["root"].unit.code == "TW"
    assert units["commune"].parent_id == hn.unit_id
    assert units["grassroots"].path.startswith(hn.path)
    assert json.dumps(report("TW")["unit"], ensure_ascii=False) == '{"code": "TW", "name": "Đảng Cộng sản Việt Nam"}'


def test_the_bench_reports_on_the_nation_then_levels_under_its_largest_province(nation):
    from bench import harness

    picks = harness.pick_units(2024)
    assert picks.root[1] == "TW"
    assert picks.province is not None and picks.province[1] in PROVINCES
    below = [picks.district, picks.grassroots, picks.branch]
    assert all(u is not None and u[1].startswith(picks.province[1] + ".") for u in below)
    assert UnitVersion.objects.filter(unit_id=picks.district[0], depth=2).exists()
    user = harness.bench_user()
    assert list(user.grants.values_list("unit__code", flat=True)) == ["TW"]


def test_every_bench_section_runs_on_the_nation_and_its_floor_agrees(nation):
    from bench import harness

    res = harness.run_core(scale="national-tiny", db="test", year=2024, runs=1, warmup=0)
    assert [r.note for r in res.rows if r.what == "lỗi" or r.note.startswith("lỗi")] == []
    reports = [r.what for r in res.rows if r.section == "Báo cáo năm (JSON)"]
    assert [w.split()[0] for w in reports] == ["toàn", "toàn", "cấp", "cơ", "chi"]
    assert reports[0].endswith(" TW") and reports[1].split()[-1] in PROVINCES
    # the floor counts what the report counts, the nation's included
    assert all("≠" not in r.note for r in res.rows if r.section == "Báo cáo năm (JSON)")
    assert all(r.note.startswith("HTTP 200") for r in res.rows if r.section.startswith("Trang web"))


def test_the_nations_report_from_the_command_line(nation, capsys):
    from django.core.management import call_command

    call_command("report", "annual", "--unit", "TW", "--year", str(YEAR))
    printed = json.loads(capsys.readouterr().out)
    assert printed["unit"] == {"code": "TW", "name": "Đảng Cộng sản Việt Nam"}
    assert printed["figures"]["members.total"]["value"] == report("TW")["figures"]["members.total"]["value"]
