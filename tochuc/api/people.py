"""`/api/v1/people/`: search, one person's record, their events. Reads are logged as on the web."""

from __future__ import annotations

from typing import Annotated

from django.http import HttpRequest
from ninja import Path, Query, Router

from tochuc.accounts import scoping
from tochuc.accounts.access import log_access
from tochuc.api.schemas import Error, EventOut, InvalidInput, PersonOut, PersonPage, Text
from tochuc.core.views import sees_full_national_id
from tochuc.events import selectors as event_selectors
from tochuc.events.kinds import STATUS_LABELS
from tochuc.lib.cccd import mask
from tochuc.people import selectors

router = Router(tags=["Người"])
ERRORS = {400: Error, 401: Error, 403: Error, 404: Error, 422: InvalidInput, 429: Error}
NOT_MEMBER = "Chưa vào Đảng"
MAX_ID = 2**31 - 1  # larger ids cannot exist and would overflow the database integer


def _status(state) -> tuple[str, str]:
    status = state.status if state is not None else ""
    return status, STATUS_LABELS.get(status, NOT_MEMBER) if status else NOT_MEMBER


@router.get("/", response={200: PersonPage, **ERRORS}, url_name="people", summary="Tìm người trong phạm vi (tên không dấu hoặc số CCCD)")
def person_search(
    request: HttpRequest,
    q: Annotated[Text, Query(min_length=1, max_length=200, description="tên (không cần dấu) hoặc số CCCD/CMND")],
    page: Annotated[int, Query(ge=1, le=100000)] = 1,
    per_page: Annotated[int, Query(ge=1, le=200)] = selectors.PAGE_SIZE,
):
    scope = request.scope  # type: ignore[attr-defined]
    found = selectors.person_search(scope=scope, q=q, page=page, per_page=per_page)
    is_id = selectors.is_national_id_query(q)
    log_access(request, action="search", q=mask(q.strip()) if is_id else q, found=found.paginator.count, channel="api")
    people = list(found.object_list)
    names = selectors.UnitNames(p.state.unit_id for p in people if getattr(p, "state", None) is not None)
    today = scoping.today()
    items = []
    for p in people:
        state = getattr(p, "state", None)
        status, label = _status(state)
        unit = names.version(state.unit_id, today) if state is not None else None
        items.append(
            {
                "id": p.pk,
                "code": p.code,
                "full_name": p.full_name,
                "birth_date": p.birth_date,
                "sex": p.sex,
                "national_id": p.masked_national_id,
                "status": status,
                "status_label": label,
                "unit": {"code": unit.unit.code, "name": unit.name} if unit is not None else None,
            }
        )
    return {
        "count": found.paginator.count,
        "capped": found.capped,
        "page": found.number,
        "pages": found.paginator.num_pages,
        "per_page": per_page,
        "items": items,
    }


@router.get("/{person_id}/", response={200: PersonOut, **ERRORS}, url_name="person", summary="Hồ sơ một người")
def person_detail(request: HttpRequest, person_id: Annotated[int, Path(ge=1, le=MAX_ID)]):
    scope = request.scope  # type: ignore[attr-defined]
    person = scoping.get_person(scope, person_id)
    log_access(request, action="view", obj=person, channel="api")
    role = scoping.role_for_person(scope, person)
    today = scoping.today()
    state = getattr(person, "state", None)
    status, label = _status(state)
    crumbs = selectors.unit_breadcrumbs(scope=scope, unit_id=state.unit_id if state else None, on=today)
    unit = crumbs[-1] if crumbs else None
    return {
        "id": person.pk,
        "code": person.code,
        "full_name": person.full_name,
        "birth_date": person.birth_date,
        "sex": person.sex,
        "ethnicity": person.ethnicity,
        "religion": person.religion,
        "national_id": person.national_id if sees_full_national_id(role) else mask(person.national_id or ""),
        "hometown": person.hometown,
        "education": person.education,
        "profession": person.profession,
        "status": status,
        "status_label": label,
        "unit": {"code": unit.unit.code, "name": unit.name} if unit is not None else None,
        "first_admitted_on": state.first_admitted_on if state else None,
        "recognized_on": state.recognized_on if state else None,
        "left_on": state.left_on if state else None,
        "party_age": selectors.party_age_years(
            first_admitted_on=state.first_admitted_on if state else None,
            recognized_on=state.recognized_on if state else None,
            until=state.left_on if state is not None and state.left_on else today,
        ),
        "positions": [
            {
                "position": h.holding.position,
                "unit": h.unit_name,
                "valid_from": h.holding.valid_from,
                "valid_to": h.holding.valid_to,
            }
            for h in selectors.person_positions(scope=scope, person=person)
        ],
    }


def event_json(event, *, unit_name: str = "", to_unit_name: str = "") -> dict:
    void = getattr(event, "void", None)
    return {
        "id": event.pk,
        "person_id": event.person_id,
        "kind": event.kind,
        "kind_label": event.kind_label,
        "subtype": event.subtype,
        "subtype_label": event.subtype_label if event.subtype else "",
        "effective_on": event.effective_on,
        "end_on": event.end_on,
        "unit": {"code": event.unit.code, "name": unit_name} if event.unit_id else None,
        "to_unit": {"code": event.to_unit.code, "name": to_unit_name} if event.to_unit_id else None,
        "position": event.position,
        "term": event.term,
        "year": event.year,
        "decision_no": event.decision_no,
        "decided_on": event.decided_on,
        "decided_by": event.decided_by,
        "note": event.note,
        "details": {k: v for k, v in (event.details or {}).items() if isinstance(v, str | int | bool) or v is None},
        "voided": void is not None,
        "void_reason": void.reason if void is not None else "",
    }


@router.get("/{person_id}/events/", response={200: list[EventOut], **ERRORS}, url_name="person_events", summary="Các sự kiện của một người (cả sự kiện đã hủy)")
def person_events(request: HttpRequest, person_id: Annotated[int, Path(ge=1, le=MAX_ID)]):
    scope = request.scope  # type: ignore[attr-defined]
    person = scoping.get_person(scope, person_id)
    log_access(request, action="view", obj=person, channel="api", part="events")
    events = event_selectors.person_event_rows(scope=scope, person=person)
    rows = selectors.timeline_rows(events)
    return [event_json(r.event, unit_name=r.unit_name, to_unit_name=r.to_unit_name) for r in rows]
