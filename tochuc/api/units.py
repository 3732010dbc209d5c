"""`/api/v1/units/`: the user's part of the tree on a date, and one unit."""

from __future__ import annotations

from typing import Annotated

from django.http import Http404, HttpRequest
from ninja import Path, Query, Router

from tochuc.accounts import scoping
from tochuc.api.schemas import Error, InvalidInput, IsoDate, Text, UnitOut, UnitTree
from tochuc.lib.dates import format_date
from tochuc.people import selectors
from tochuc.units.models import UnitKind

router = Router(tags=["Đơn vị"])
KIND_LABELS = dict(UnitKind.choices)
ERRORS = {400: Error, 401: Error, 403: Error, 404: Error, 422: InvalidInput, 429: Error}

OnDate = Annotated[IsoDate | None, Query(description="ngày (YYYY-MM-DD), mặc định hôm nay")]
MSG_NOT_ON = "Đơn vị {code} không tồn tại vào ngày {day}"


def _node(node: selectors.TreeNode) -> dict:
    v = node.version
    return {
        "code": v.unit.code,
        "name": v.name,
        "kind": v.kind,
        "kind_label": KIND_LABELS.get(v.kind, v.kind),
        "members": node.total,
        "direct_members": node.direct,
        "children": [_node(c) for c in node.children],
    }


@router.get("/", response={200: UnitTree, **ERRORS}, url_name="units", summary="Cây đơn vị trong phạm vi, vào một ngày")
def unit_tree(request: HttpRequest, on: OnDate = None):
    day = on or scoping.today()
    roots = selectors.unit_tree(scope=request.scope, on=day)  # type: ignore[attr-defined]
    return {"on": day, "units": [_node(r) for r in roots]}


@router.get("/{code}/", response={200: UnitOut, **ERRORS}, url_name="unit", summary="Một đơn vị: tên, cấp trên, cấp dưới, số đảng viên, lịch sử")
def unit_detail(request: HttpRequest, code: Annotated[Text, Path(max_length=64)], on: OnDate = None):
    scope = request.scope  # type: ignore[attr-defined]
    unit = scoping.get_unit(scope, code)
    day = on or scoping.today()
    version = scoping.unit_versions(scope, on=day).filter(unit=unit).first()
    if version is None:
        raise Http404(MSG_NOT_ON.format(code=unit.code, day=format_date(day)))
    crumbs = selectors.unit_breadcrumbs(scope=scope, unit_id=unit.pk, on=day)
    parent = crumbs[-2] if len(crumbs) >= 2 else None
    subtree = selectors.unit_tree(scope=scope, on=day, within=version)
    children = subtree[0].children if subtree else []
    history = selectors.unit_history(scope=scope, unit=unit)
    return {
        "code": unit.code,
        "name": version.name,
        "kind": version.kind,
        "kind_label": KIND_LABELS.get(version.kind, version.kind),
        "on": day,
        "parent": {"code": parent.unit.code, "name": parent.name} if parent is not None else None,
        "children": [{"code": c.version.unit.code, "name": c.version.name} for c in children],
        "members": [
            {"status": c.status, "label": c.label, "count": c.count}
            for c in selectors.unit_status_counts(scope=scope, unit=unit, on=day)
        ],
        "history": [
            {
                "name": h.version.name,
                "kind": h.version.kind,
                "parent_name": h.parent_name,
                "valid_from": h.version.valid_from,
                "valid_to": h.version.valid_to,
            }
            for h in history
        ],
    }
