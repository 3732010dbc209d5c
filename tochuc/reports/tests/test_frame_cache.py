"""The report's resolved trees are reused only while the tree stands still."""

from __future__ import annotations

import datetime as dt

from tochuc.reports.figures import Period
from tochuc.reports.selectors import _TREES, build_frame
from tochuc.units.services import unit_rename, unit_reparent

PERIOD = Period(dt.date(2025, 1, 1), dt.date(2025, 12, 31))


def buckets(frame) -> list[tuple[str, str]]:
    return [(b.code, b.name) for b in frame.buckets]


def test_a_frame_is_reused_until_the_tree_changes(tree):
    first = build_frame(scope=None, code="CT.NK", period=PERIOD)
    assert len(_TREES) == 1
    again = build_frame(scope=None, code="CT.NK", period=PERIOD)
    assert again.unit_bucket is first.unit_bucket  # the same resolved tree
    unit_reparent(by=None, unit=tree["CT.CR.01"], parent=tree["CT.NK"], on=dt.date(2025, 3, 1))
    moved = build_frame(scope=None, code="CT.NK", period=PERIOD)
    assert buckets(first) == [
        ("CT.NK.02", "Chi bộ Trường THPT Châu Văn Liêm"),
        ("CT.NK.01", "Đảng bộ phường Tân An"),
        ("CT.NK", "Đảng bộ quận Ninh Kiều"),
    ]
    assert buckets(moved) == [
        ("CT.NK.02", "Chi bộ Trường THPT Châu Văn Liêm"),
        ("CT.CR.01", "Đảng bộ phường Lê Bình"),
        ("CT.NK.01", "Đảng bộ phường Tân An"),
        ("CT.NK", "Đảng bộ quận Ninh Kiều"),
    ]
    unit_rename(
        by=None,
        unit=tree["CT.NK.02"],
        name="Chi bộ Trường THPT Lý Tự Trọng",
        on=dt.date(2025, 6, 1),
    )
    renamed = build_frame(scope=None, code="CT.NK", period=PERIOD)
    assert ("CT.NK.02", "Chi bộ Trường THPT Lý Tự Trọng") in buckets(renamed)
