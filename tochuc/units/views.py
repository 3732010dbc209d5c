from __future__ import annotations

import datetime as dt
from urllib.parse import quote, urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_GET, require_POST

from tochuc.accounts import scoping
from tochuc.core.findings import RecordRefused
from tochuc.core.views import apply_findings, parse_day, require
from tochuc.lib.dates import format_date
from tochuc.lib.numbers import format_int
from tochuc.people import selectors
from tochuc.units import services
from tochuc.units.forms import ACTION_FORMS, DecisionForm
from tochuc.units.models import Unit, UnitKind

# Above this many units the tree page stops at the depth that fits; deeper units are reached
# from their parent's page (a national scope has ~300 000 units).
TREE_NODE_LIMIT = 4000

# URL slug -> action, with the label of its form on the unit page.
ACTIONS = {
    "thanh-lap": ("found", "Thành lập đơn vị trực thuộc"),
    "doi-ten": ("rename", "Đổi tên, đổi loại"),
    "chuyen-truc-thuoc": ("reparent", "Chuyển trực thuộc"),
    "sap-nhap": ("merge", "Sáp nhập vào đơn vị khác"),
    "giai-the": ("dissolve", "Giải thể"),
}

SORTS = {"ten": "Tên A→Z", "-ten": "Tên Z→A", "ngay": "Ngày vào đơn vị"}


def _tokens(nodes: list[selectors.TreeNode], *, open_depth: int, max_depth: int) -> list[dict]:
    """Flatten the tree for a loop-only template: a leaf, a branch that opens, or an end."""
    out: list[dict] = []

    def walk(node: selectors.TreeNode, level: int) -> None:
        if node.children and level < max_depth:
            out.append({"kind": "branch", "node": node, "open": level < open_depth})
            for child in node.children:
                walk(child, level + 1)
            out.append({"kind": "end"})
        else:
            out.append({"kind": "leaf", "node": node, "more": bool(node.children) or node.more})

    for root in nodes:
        walk(root, 0)
    return out


KIND_LABELS = dict(UnitKind.choices)


def _tree_html(tokens: list[dict], *, day_param: str) -> str:
    """The tree's items as HTML. Built here rather than in a template loop: a city has ~2 000
    units and the template engine spends seconds on them, format_html a few milliseconds.
    Every piece is escaped by format_html, so the joined string is safe."""
    detail = reverse("units:detail", args=["CODE"])
    parts: list[str] = []
    for t in tokens:
        if t["kind"] == "end":
            parts.append("</ul></details></li>")
            continue
        node = t["node"]
        v = node.version
        label = format_html(
            '<span class="node"><a href="{}?ngay={}">{}</a><span class="kind">{}</span>'
            '<span class="count">{}</span>{}</span>',
            detail.replace("CODE", quote(v.unit.code)),
            day_param,
            v.name,
            KIND_LABELS.get(v.kind, v.kind),
            format_int(node.total),
            mark_safe('<span class="code">…</span>') if t.get("more") else "",
        )
        if t["kind"] == "branch":
            parts.append(
                format_html(
                    "<li><details{}><summary>{}</summary><ul>", " open" if t["open"] else "", label
                )
            )
        else:
            parts.append(format_html('<li class="leaf">{}</li>', label))
    return mark_safe("".join(parts))  # noqa: S308  (each part built by format_html above)


def _depth_that_fits(per_level: list[int]) -> int:
    """Levels to show, given the number of units at each level below the roots."""
    shown, levels = 0, 0
    for count in per_level:
        if levels >= 2 and shown + count > TREE_NODE_LIMIT:
            break
        shown += count
        levels += 1
    return levels


@login_required
@require_GET
def unit_tree(request: HttpRequest) -> HttpResponse:
    scope = request.scope  # type: ignore[attr-defined]
    day, date_error = parse_day(request.GET.get("ngay"))
    # Count the units per depth first: a large scope (a nation: ~130 000 units) loads only the
    # levels it shows, the last of them with the members of everything below.
    depths = selectors.unit_depths(scope=scope, on=day)
    top = min(depths, default=0)
    per_level = [depths.get(d, 0) for d in range(top, max(depths, default=-1) + 1)]
    levels = _depth_that_fits(per_level)
    truncated = levels < len(per_level)
    roots = selectors.unit_tree(scope=scope, on=day, depth=top + levels - 1 if truncated else None)
    tokens = _tokens(roots, open_depth=1, max_depth=levels - 1)
    return render(
        request,
        "units/tree.html",
        {
            "day": day,
            "day_param": day.isoformat(),
            "date_error": date_error,
            "tokens": tokens,
            "tree_html": _tree_html(tokens, day_param=day.isoformat()),
            "n_units": format_int(sum(per_level)),
            "truncated": truncated,
            "total": format_int(sum(r.total for r in roots)),
        },
    )



def _unit_page(
    request: HttpRequest,
    unit: Unit,
    *,
    forms: dict[str, DecisionForm] | None = None,
    warnings=(),
) -> HttpResponse:
    scope = request.scope  # type: ignore[attr-defined]
    day, date_error = parse_day(request.GET.get("ngay"))
    version = (
        scoping.unit_versions(scope, on=day).filter(unit=unit).select_related("parent").first()
    )
    role = scoping.role_for_unit(scope, unit)
    can_manage = scoping.allows(role, "manage_units")
    can_record = scoping.allows(role, "record")
    order = request.GET.get("sap", "ten")
    if order not in selectors.MEMBER_ORDERINGS:
        order = "ten"
    context = {
        "unit": unit,
        "version": version,
        "day": day,
        "day_param": day.isoformat(),
        "is_today": day == scoping.today(),
        "date_error": date_error,
        "crumbs": selectors.unit_breadcrumbs(scope=scope, unit_id=unit.pk, on=day),
        "history": selectors.unit_history(scope=scope, unit=unit),
        "events": selectors.unit_event_timeline(scope=scope, unit=unit),
        "can_manage": can_manage,
        "can_record": can_record,
        "sorts": SORTS,
        "order": order,
    }
    crumbs = context["crumbs"]
    context["parent_crumb"] = crumbs[-2] if version is not None and len(crumbs) >= 2 else None
    if version is not None and version.parent_id and context["parent_crumb"] is None:
        context["parent_name"] = selectors.UnitNames([version.parent_id]).name(
            version.parent_id, day
        )
    if version is not None:
        # the unit and its children, each child with the members of its whole subtree
        children = selectors.unit_tree(scope=scope, on=day, within=version, depth=version.depth + 1)
        node = children[0] if children else None
        context |= {
            "children": node.children if node else [],
            "subtree_total": format_int(node.total if node else 0),
            "counts": selectors.unit_status_counts(scope=scope, unit=unit, on=day),
            "members": selectors.unit_members(
                scope=scope, unit=unit, on=day, order=order, page=request.GET.get("trang")
            ),
            "page_query": urlencode({"ngay": day.isoformat(), "sap": order}),
        }
        context["direct_total"] = format_int(sum(c.count for c in context["counts"]))
    if can_manage:
        given = forms or {}
        context["actions"] = [
            {
                "slug": slug,
                "label": label,
                "form": given.get(action)
                or ACTION_FORMS[action](prefix=action, initial={"on": scoping.today()}),
                "open": action in given,
                "warnings": list(warnings) if action in given else [],
            }
            for slug, (action, label) in ACTIONS.items()
        ]
    return render(request, "units/unit_detail.html", context)


@login_required
@require_GET
def unit_detail(request: HttpRequest, code: str) -> HttpResponse:
    unit = scoping.get_unit(request.scope, code)  # type: ignore[attr-defined]
    return _unit_page(request, unit)


def _target(request: HttpRequest, form: DecisionForm, code: str) -> Unit | None:
    """The other unit of a reparent or merger: in scope, and managed by this user too."""
    scope = request.scope  # type: ignore[attr-defined]
    try:
        target = scoping.get_unit(scope, code.strip())
    except Http404:
        form.add_error("target", f"Không tìm thấy đơn vị {code!r} trong phạm vi của bạn")
        return None
    if not scoping.allows(scoping.role_for_unit(scope, target), "manage_units"):
        form.add_error("target", f"Bạn không có quyền thay đổi cơ cấu của đơn vị {target.code}")
        return None
    return target


def _perform(request: HttpRequest, unit: Unit, action: str, form: DecisionForm):
    data = form.cleaned_data
    on: dt.date = data["on"]
    if action == "found":
        new = services.unit_found(
            by=request.user,
            code=data["code"],
            name=data["name"],
            kind=data["kind"],
            founded_on=on,
            parent=unit,
            **form.decision(),
        )
        return new, f"Đã thành lập {data['name']} ({new.code}) từ ngày {format_date(on)}."
    if action == "rename":
        services.unit_rename(
            by=request.user,
            unit=unit,
            name=data["name"],
            kind=data["kind"],
            on=on,
            **form.decision(),
        )
        return unit, f"Đã ghi đổi tên thành “{data['name']}” từ ngày {format_date(on)}."
    if action == "dissolve":
        services.unit_dissolve(by=request.user, unit=unit, on=on, **form.decision())
        return unit, f"Đã ghi giải thể {unit.code} từ ngày {format_date(on)}."
    target = _target(request, form, data["target"])
    if target is None:
        return None, ""
    if action == "reparent":
        services.unit_reparent(by=request.user, unit=unit, parent=target, on=on, **form.decision())
        return (
            unit,
            f"Đã ghi chuyển {unit.code} trực thuộc {target.code} từ ngày {format_date(on)}.",
        )
    services.unit_merge(by=request.user, unit=unit, into=target, on=on, **form.decision())
    return target, f"Đã ghi sáp nhập {unit.code} vào {target.code} từ ngày {format_date(on)}."


@login_required
@require_POST
def unit_action(request: HttpRequest, code: str, slug: str) -> HttpResponse:
    scope = request.scope  # type: ignore[attr-defined]
    unit = scoping.get_unit(scope, code)
    if slug not in ACTIONS:
        raise Http404("Không có thao tác này")
    action = ACTIONS[slug][0]
    require(scoping.allows(scoping.role_for_unit(scope, unit), "manage_units"))
    form = ACTION_FORMS[action](request.POST, prefix=action)
    if form.is_valid():
        try:
            shown, message = _perform(request, unit, action, form)
        except RecordRefused as refused:
            warnings = apply_findings(form, refused)
            return _unit_page(request, unit, forms={action: form}, warnings=warnings)
        if shown is not None:
            messages.success(request, message)
            on = form.cleaned_data["on"]
            return redirect(
                reverse("units:detail", args=[shown.code])
                + "?"
                + urlencode({"ngay": on.isoformat()})
            )
    return _unit_page(request, unit, forms={action: form})
