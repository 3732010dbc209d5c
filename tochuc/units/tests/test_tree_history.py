from __future__ import annotations

import datetime as dt

import pytest

from tochuc.core.findings import RecordRefused
from tochuc.events.models import Membership
from tochuc.events.projections import rebuild_people, rebuild_units
from tochuc.units.models import UnitVersion
from tochuc.units.selectors import ancestors, children, subtree, version_on
from tochuc.units.services import unit_dissolve, unit_found, unit_merge, unit_rename, unit_reparent

D2017 = dt.date(2017, 12, 31)
REORG = dt.date(2025, 7, 1)


def codes(qs):
    return sorted(v.unit.code for v in qs.select_related("unit"))


def test_subtree_on_a_date_follows_the_materialised_path(tree):
    assert codes(subtree(tree["CT.NK"], on=D2017)) == ["CT.NK", "CT.NK.01", "CT.NK.01.01", "CT.NK.01.02", "CT.NK.02"]
    assert codes(subtree(tree["CT"], on=dt.date(1974, 12, 31))) == []


def test_a_reparent_changes_the_tree_from_its_date_and_keeps_the_past(tree):
    unit_reparent(by=None, unit=tree["CT.NK.01"], parent=tree["CT"], on=REORG)
    assert codes(subtree(tree["CT.NK"], on=D2017)) == ["CT.NK", "CT.NK.01", "CT.NK.01.01", "CT.NK.01.02", "CT.NK.02"]
    assert codes(subtree(tree["CT.NK"], on=REORG)) == ["CT.NK", "CT.NK.02"]
    assert [v.unit.code for v in ancestors(tree["CT.NK.01.01"], on=REORG)] == ["CT", "CT.NK.01", "CT.NK.01.01"]
    assert [v.unit.code for v in ancestors(tree["CT.NK.01.01"], on=D2017)] == ["CT", "CT.NK", "CT.NK.01", "CT.NK.01.01"]
    # the branch below got a second version with the new path
    versions = UnitVersion.objects.filter(unit=tree["CT.NK.01.01"]).order_by("valid_from")
    assert [(v.valid_from, v.valid_to, v.depth) for v in versions] == [(dt.date(1975, 1, 1), REORG, 3), (REORG, None, 2)]


def test_a_rename_keeps_the_old_name_for_earlier_dates(tree):
    unit_rename(by=None, unit=tree["CT.NK.01"], name="Đảng bộ phường Tân An mới", on=dt.date(2020, 1, 1))
    assert version_on(tree["CT.NK.01"], D2017).name == "Đảng bộ phường Tân An"
    assert version_on(tree["CT.NK.01"], dt.date(2020, 1, 1)).name == "Đảng bộ phường Tân An mới"


def test_a_merger_moves_members_and_children_to_the_unit_joined(tree, member):
    unit_merge(by=None, unit=tree["CT.NK.01.01"], into=tree["CT.NK.01.02"], on=REORG)
    rows = list(Membership.objects.filter(person=member).order_by("valid_from").values_list("unit__code", "valid_from", "valid_to"))
    assert rows[-2:] == [("CT.NK.01.01", dt.date(2016, 5, 10), REORG), ("CT.NK.01.02", REORG, None)]
    assert version_on(tree["CT.NK.01.01"], REORG) is None
    # a committee merged with its branches: the branches continue under the unit it joined
    unit_merge(by=None, unit=tree["CT.NK.01"], into=tree["CT.NK"], on=dt.date(2026, 1, 1))
    assert sorted(v.unit.code for v in children(tree["CT.NK"], on=dt.date(2026, 1, 1))) == ["CT.NK.01.02", "CT.NK.02"]


def test_dissolution_is_refused_while_members_or_sub_units_remain(tree, member):
    with pytest.raises(RecordRefused) as exc:
        unit_dissolve(by=None, unit=tree["CT.NK.01"], on=REORG)
    assert [f.code for f in exc.value.findings] == ["unit.has_children"]
    with pytest.raises(RecordRefused) as exc:
        unit_dissolve(by=None, unit=tree["CT.NK.01.01"], on=REORG)
    assert exc.value.findings[0].message == "Chi bộ khu vực 1 còn 1 đảng viên vào ngày 01/07/2025: chuyển sinh hoạt họ trước, hoặc dùng sáp nhập"
    unit_dissolve(by=None, unit=tree["CT.NK.02"], on=REORG)
    assert codes(subtree(tree["CT.NK"], on=REORG)) == ["CT.NK", "CT.NK.01", "CT.NK.01.01", "CT.NK.01.02"]


def test_the_district_level_abolished_in_2025_leaves_2017_intact(tree, member):
    for code in ("CT.NK.01", "CT.NK.02"):
        unit_reparent(by=None, unit=tree[code], parent=tree["CT"], on=REORG)
    unit_dissolve(by=None, unit=tree["CT.NK"], on=REORG)
    assert codes(subtree(tree["CT.NK"], on=D2017)) == ["CT.NK", "CT.NK.01", "CT.NK.01.01", "CT.NK.01.02", "CT.NK.02"]
    assert codes(subtree(tree["CT.NK"], on=REORG)) == []
    assert "CT.NK" not in codes(subtree(tree["CT"], on=REORG))
    assert rebuild_units(check=True) == []
    assert rebuild_people(check=True) == []


def test_it_refuses_moving_a_unit_under_its_own_descendant(tree):
    with pytest.raises(RecordRefused) as exc:
        unit_reparent(by=None, unit=tree["CT.NK"], parent=tree["CT.NK.01.01"], on=REORG)
    assert exc.value.findings[0].message == "Không thể chuyển Đảng bộ quận Ninh Kiều vào chính đơn vị cấp dưới của nó"


def test_founding_checks_code_kind_and_parent(tree):
    with pytest.raises(RecordRefused) as exc:
        unit_found(by=None, code="CT.NK", name="Trùng", kind="branch", founded_on=REORG, parent=tree["CT"])
    assert exc.value.findings[0].message == "Mã đơn vị 'CT.NK' đã tồn tại"
    with pytest.raises(RecordRefused) as exc:
        unit_found(by=None, code="CT.X", name="X", kind="ban", founded_on=dt.date(1970, 1, 1), parent=tree["CT"])
    assert [f.message for f in exc.value.findings] == [
        "Loại đơn vị không hợp lệ: 'ban'",
        "Đơn vị cấp trên CT không tồn tại vào ngày 01/01/1970",
    ]
    unit = unit_found(by=None, code="CT.NK.03", name="Chi bộ mới", kind="Chi bộ cơ sở", founded_on=REORG, parent=tree["CT.NK"])
    assert version_on(unit, REORG).kind == "grassroots_branch"


def test_rebuild_reproduces_the_versions_exactly_after_restructuring(tree):
    unit_rename(by=None, unit=tree["CT.CR"], name="Đảng bộ Cái Răng", on=dt.date(2010, 1, 1))
    unit_reparent(by=None, unit=tree["CT.CR.01"], parent=tree["CT.NK"], on=dt.date(2012, 1, 1))
    unit_merge(by=None, unit=tree["CT.NK.02"], into=tree["CT.NK.01"], on=dt.date(2014, 1, 1))
    before = sorted(UnitVersion.objects.values_list("unit_id", "name", "path", "valid_from", "valid_to"))
    UnitVersion.objects.all().delete()
    assert len(rebuild_units(check=True)) == len(tree)
    rebuild_units(check=False)
    assert sorted(UnitVersion.objects.values_list("unit_id", "name", "path", "valid_from", "valid_to")) == before
