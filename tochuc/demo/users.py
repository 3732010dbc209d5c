"""The demo logins printed by `tochuc demo --login`: one per role, on units of the current tree."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q
from django.utils import timezone

from tochuc.accounts.models import Grant, Role, User
from tochuc.accounts.services import user_create
from tochuc.units.models import Unit, UnitVersion
from tochuc.units.selectors import path_prefix, valid_on

# One fixed password for every demo account, printed with them (it protects demo data only).
DEMO_PASSWORD = "Hoa-sen-no-som-93"


@dataclass(frozen=True)
class DemoAccount:
    username: str
    role: str
    role_label: str
    unit_code: str
    unit_name: str


def demo_units() -> dict[str, UnitVersion]:
    """The root, a commune/ward committee directly under its (first) province, and a grassroots
    committee, today. At national scale the root is the nation's and the province is under it."""
    today = timezone.localdate()
    current = UnitVersion.objects.filter(valid_on(today)).select_related("unit")
    root = current.filter(depth=0, kind="provincial").order_by("unit__code").first()
    if root is None:
        root = current.order_by("depth", "unit__code").first()
    assert root is not None
    province = root
    if root.kind == "central":
        province = current.filter(parent_id=root.unit_id, kind="provincial").order_by("unit__code").first() or root
    under = current.filter(parent_id=province.unit_id, kind="grassroots_committee")
    communes = list(under.filter(Q(name__startswith="Đảng bộ phường") | Q(name__startswith="Đảng bộ xã")).order_by("unit__code")) or list(
        under.order_by("unit__code")
    )
    # the first commune with a grassroots committee under it, so the clerk sits inside the specialist's scope
    commune, grassroots = (communes[0] if communes else province), None
    for candidate in communes:
        grassroots = current.filter(path_prefix(candidate.path), kind="grassroots_committee", depth__gt=candidate.depth).order_by("unit__code").first()
        if grassroots is not None:
            commune = candidate
            break
    if grassroots is None:
        grassroots = current.filter(kind="grassroots_committee", depth__gte=2).order_by("unit__code").first() or commune
    return {"root": root, "commune": commune, "grassroots": grassroots}


def ensure_demo_users() -> list[DemoAccount]:
    """Create the demo users if missing (an existing user is left as it is)."""
    units = demo_units()
    wanted = (
        ("quantri", Role.ADMIN, units["root"]),
        ("chuyenvien", Role.SPECIALIST, units["commune"]),
        ("vanthu", Role.CLERK, units["grassroots"]),
        ("nguoixem", Role.VIEWER, units["root"]),
    )
    out = []
    for username, role, version in wanted:
        user = User.objects.filter(username=username).first()
        if user is None:
            user_create(by=None, username=username, password=DEMO_PASSWORD, unit=Unit.objects.get(pk=version.unit_id), role=role)
            grant_unit, grant_role = version.unit, role
        else:
            grant = Grant.objects.filter(user=user).select_related("unit").first()
            grant_unit, grant_role = (grant.unit, grant.role) if grant else (version.unit, role)
        current = UnitVersion.objects.filter(valid_on(timezone.localdate()), unit=grant_unit).first()
        out.append(DemoAccount(username, grant_role, Role(grant_role).label, grant_unit.code, current.name if current else grant_unit.code))
    return out
