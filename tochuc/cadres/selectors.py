"""Reading cadre work.

Functions that take a `scope` serve users and only return what the scope may see (through
`tochuc.accounts.scoping`). The `load_*` functions are internal: the rules and services use them
on a person or a post they already hold.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Q, QuerySet

from tochuc.accounts import scoping
from tochuc.accounts.scoping import Scope
from tochuc.cadres.eligibility import PlanningEntry, PlanningEvent, planning_entries, position_key
from tochuc.cadres.models import PlanningPeriod, Post, PostStandard, Selection, StaffingQuota
from tochuc.core.db import in_units
from tochuc.events.models import PositionHolding
from tochuc.events.projections import live_events
from tochuc.people.models import Person

# --- internal loaders -------------------------------------------------------------------------


def load_planning_events(*, person_ids: Iterable[int] | None = None, term: str | None = None, unit_ids=None) -> list[PlanningEvent]:
    qs = live_events().filter(kind="planning", person__isnull=False)
    if person_ids is not None:
        qs = qs.filter(person_id__in=list(person_ids))
    if term is not None:
        qs = qs.filter(term=term)
    if unit_ids is not None:
        qs = in_units(qs, unit_ids, "unit_id")
    rows = qs.values_list("id", "subtype", "person_id", "position", "unit_id", "term", "effective_on")
    return [PlanningEvent(*row) for row in rows]


def load_planning(*, on: dt.date, person_ids: Iterable[int] | None = None, term: str | None = None, unit_ids=None) -> list[PlanningEntry]:
    return planning_entries(load_planning_events(person_ids=person_ids, term=term, unit_ids=unit_ids), on)


def load_post(*, position: str, unit_id: int | None, post_id: int | None = None) -> Post | None:
    """The catalogue post of a decision: by id when the form gave it, else by name in the unit."""
    if post_id:
        return Post.objects.filter(pk=post_id).first()
    if not position or unit_id is None:
        return None
    wanted = position_key(position, unit_id)
    for post in Post.objects.filter(unit_id=unit_id):
        if position_key(post.name, post.unit_id) == wanted:
            return post
    return None


def standard_on(post: Post, on: dt.date) -> PostStandard | None:
    return (
        PostStandard.objects.filter(post=post, valid_from__lte=on)
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gt=on))
        .order_by("-valid_from")
        .first()
    )


def period_by_code(code: str) -> PlanningPeriod | None:
    return PlanningPeriod.objects.filter(code=code).first()


# --- scoped selectors -------------------------------------------------------------------------


def post_list(*, scope: Scope, unit_ids=None) -> QuerySet[Post]:
    """Posts of units the scope sees today (optionally within a subtree's unit ids)."""
    qs = Post.objects.filter(unit_id__in=scoping.unit_ids(scope)).select_related("unit")
    if unit_ids is not None:
        qs = qs.filter(unit_id__in=unit_ids)
    return qs


def get_post(*, scope: Scope, pk: int) -> Post:
    from django.http import Http404

    post = post_list(scope=scope).filter(pk=pk).first()
    if post is None:
        raise Http404("Không tìm thấy chức danh")
    return post


def selection_list(*, scope: Scope) -> QuerySet[Selection]:
    return Selection.objects.filter(post__unit_id__in=scoping.unit_ids(scope)).select_related("post", "post__unit", "winner")


def get_selection(*, scope: Scope, pk: int) -> Selection:
    from django.http import Http404

    sel = selection_list(scope=scope).filter(pk=pk).first()
    if sel is None:
        raise Http404("Không tìm thấy kỳ thi tuyển")
    return sel


def quota_list(*, scope: Scope, year: int | None = None) -> QuerySet[StaffingQuota]:
    qs = StaffingQuota.objects.filter(unit_id__in=scoping.unit_ids(scope)).select_related("unit")
    if year is not None:
        qs = qs.filter(year=year)
    return qs


@dataclass(frozen=True)
class HeldPost:
    position: str
    unit_name: str
    valid_from: dt.date
    term_ends_on: dt.date | None
    due: str  # what falls due, in Vietnamese ("" when nothing)
    due_level: str  # "", "warning", "error"


def person_posts(*, scope: Scope, person: Person, on: dt.date, due_within_days: int = 180) -> list[HeldPost]:
    """Posts the person holds on `on` with the term end and what is due (reappointment, retirement)."""
    from tochuc.cadres.eligibility import term_check
    from tochuc.units.selectors import version_on

    person = scoping.get_person(scope, person.pk)
    rows = PositionHolding.objects.filter(person=person, valid_from__lte=on).filter(Q(valid_to__isnull=True) | Q(valid_to__gt=on))
    out: list[HeldPost] = []
    ret = term_check(person.birth_date, person.sex, on).retirement
    for h in rows.order_by("valid_from", "id"):
        version = version_on(h.unit_id, on) if h.unit_id else None
        due, level = "", ""
        if ret.on <= on + dt.timedelta(days=due_within_days):
            due, level = f"Đến tuổi nghỉ hưu ({ret.age_label}) ngày {ret.on:%d/%m/%Y}", "error"
        elif h.term_ends_on is not None and h.term_ends_on <= on:
            due, level = f"Đã hết nhiệm kỳ bổ nhiệm ngày {h.term_ends_on:%d/%m/%Y}: cần xem xét bổ nhiệm lại", "error"
        elif h.term_ends_on is not None and h.term_ends_on <= on + dt.timedelta(days=due_within_days):
            due, level = f"Hết nhiệm kỳ ngày {h.term_ends_on:%d/%m/%Y}: chuẩn bị quy trình bổ nhiệm lại", "warning"
        out.append(HeldPost(h.position, version.name if version else "", h.valid_from, h.term_ends_on, due, level))
    return out


@dataclass(frozen=True)
class DueItem:
    person: Person
    position: str
    what: str  # "reappointment" | "retirement"
    label: str
    due_on: dt.date


def cadre_due(*, scope: Scope, on: dt.date, days: int = 90) -> list[DueItem]:
    """Reappointments (term ends) and retirements of post holders within `days` of `on`.

    The due list (`tochuc due`, "Việc cần làm") shows more through `tochuc.cadres.due`: notice
    days, overdue terms, the planning review. This is its part that falls due in the window."""
    from tochuc.cadres.due import cadre_due_lines
    from tochuc.cadres.eligibility import term_check

    until = on + dt.timedelta(days=days)
    lines = [
        c for c in cadre_due_lines(people=set(scoping.people(scope).values_list("pk", flat=True)), on=on, days=days)
        if c.category in ("reappointment", "retirement") and on <= c.on <= until
    ]
    people = Person.objects.in_bulk({c.person_id for c in lines})
    out = []
    for c in lines:
        person = people[c.person_id]
        if c.category == "reappointment":
            label = "Hết nhiệm kỳ bổ nhiệm, xem xét bổ nhiệm lại"
        else:
            label = f"Đến tuổi nghỉ hưu ({term_check(person.birth_date, person.sex, on).retirement.age_label})"
        out.append(DueItem(person, c.position, c.category, label, c.on))
    return sorted(out, key=lambda d: (d.due_on, d.person.search_key))
