"""Periodic reviews and incident queries (SECURITY.md B8, E8).

- The access review (TCVN 14423:2026 5.4.2.1 d, every 6 months): every account with its grants,
  last login and whether it has been idle beyond the limit.
- The reconciliation of the member list against the records (HD 01-HD/TW §8, every 6 months):
  for a unit's subtree on a date, the people the membership list counts there against the people
  whose record the subtree keeps.
- "Who accessed what between t1 and t2", the first question of a breach notification (Luật 91/2025 Đ23).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone

from tochuc.accounts.models import AccessLog, Grant, User
from tochuc.events.kinds import Status
from tochuc.events.models import PersonState
from tochuc.events.projections import memberships_on
from tochuc.units.models import Unit
from tochuc.units.selectors import subtree_unit_ids


@dataclass(frozen=True)
class AccountRow:
    username: str
    active: bool
    grants: tuple[tuple[str, str], ...]  # (unit code, role)
    last_login: dt.datetime | None
    idle_days: int
    idle_too_long: bool


def access_review(*, now: dt.datetime | None = None) -> list[AccountRow]:
    now = now or timezone.now()
    grants: dict[int, list[tuple[str, str]]] = {}
    for user_id, code, role in Grant.objects.order_by("unit__code").values_list("user_id", "unit__code", "role"):
        grants.setdefault(user_id, []).append((code, role))
    rows = []
    for user in User.objects.order_by("username"):
        last = user.last_login or user.date_joined
        idle = (now - last).days
        rows.append(
            AccountRow(
                username=user.username,
                active=user.is_active,
                grants=tuple(grants.get(user.pk, ())),
                last_login=user.last_login,
                idle_days=idle,
                idle_too_long=user.is_active and idle > settings.TOCHUC_INACTIVE_DAYS,
            )
        )
    return rows


@dataclass(frozen=True)
class Reconciliation:
    unit: str
    on: dt.date
    listed: int  # open memberships in the subtree on the day
    kept: int  # member records kept by the subtree
    listed_not_kept: tuple[int, ...]  # person ids on the list whose record is kept elsewhere
    kept_not_listed: tuple[int, ...]  # person ids whose record is kept here but who are not on the list

    @property
    def agrees(self) -> bool:
        return not self.listed_not_kept and not self.kept_not_listed


MEMBER_STATUSES = (Status.PROBATIONARY, Status.FULL, Status.EXEMPT)


def reconcile(*, unit: Unit, on: dt.date | None = None) -> Reconciliation:
    """The member list of a subtree against its records (today's state: run it on the day)."""
    on = on or timezone.localdate()
    units = subtree_unit_ids(unit, on=on)
    listed = set(memberships_on(on).filter(unit_id__in=units).values_list("person_id", flat=True))
    kept = set(
        PersonState.objects.filter(unit_id__in=units, status__in=MEMBER_STATUSES).values_list("person_id", flat=True)
    )
    return Reconciliation(
        unit=unit.code,
        on=on,
        listed=len(listed),
        kept=len(kept),
        listed_not_kept=tuple(sorted(listed - kept)),
        kept_not_listed=tuple(sorted(kept - listed)),
    )


def accessed_between(start: dt.datetime, end: dt.datetime, *, object_type: str = "", object_id: str = "") -> QuerySet[AccessLog]:
    """Reads, exports and refusals in [start, end), oldest first."""
    rows = AccessLog.objects.filter(at__gte=start, at__lt=end)
    if object_type:
        rows = rows.filter(object_type=object_type)
    if object_id:
        rows = rows.filter(object_id=object_id)
    return rows.select_related("user").order_by("at", "id")
