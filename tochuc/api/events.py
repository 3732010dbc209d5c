"""`/api/v1/events/`: record an event and void one, through the services the web forms use.

Recording goes exactly as on the web page of the same form: the form parses (units looked up
in the user's scope), `event_check` judges, and `event_record` writes under the person's lock.
An error, or a warning not confirmed with `"confirm": true`, answers 422 with every finding.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from django.http import Http404, HttpRequest
from ninja import Path, Router, Status

from tochuc.accounts import scoping
from tochuc.api.auth import auth_for
from tochuc.api.errors import MSG_INVALID, finding_json, refused_response
from tochuc.api.people import MAX_ID, event_json
from tochuc.api.schemas import Error, EventIn, EventOut, InvalidInput, Recorded, Refused, VoidIn
from tochuc.core.findings import Level, RecordRefused
from tochuc.core.views import require
from tochuc.events.forms import FORMS, EventForm
from tochuc.events.services import event_check, event_record, event_void
from tochuc.people import selectors

router = Router(tags=["Sự kiện"])
ERRORS = {400: Error, 401: Error, 403: Error, 404: Error, 429: Error}

MSG_NO_EVENT = "Không tìm thấy sự kiện #{pk}"


def _form_data(payload: EventIn) -> dict[str, str]:
    """The request as the web form would have received it (dates in ISO, booleans as 'on')."""
    data: dict[str, str] = {}
    for name, value in payload.model_dump(exclude={"person_id", "form", "confirm"}).items():
        if value is None or value == "" or value is False:
            continue
        data[name] = "on" if value is True else value.isoformat() if isinstance(value, dt.date) else str(value)
    return data


def _names(event) -> dict:
    rows = selectors.timeline_rows([event])
    return {"unit_name": rows[0].unit_name, "to_unit_name": rows[0].to_unit_name}


@router.post(
    "/",
    response={201: Recorded, **ERRORS, 422: Refused | InvalidInput},
    auth=auth_for("record"),
    url_name="events",
    summary="Ghi một sự kiện của một người (như màn hình nhập trên web)",
)
def record(request: HttpRequest, data: EventIn):
    scope = request.scope  # type: ignore[attr-defined]
    person = scoping.get_person(scope, data.person_id)
    require(scoping.allows(scoping.role_for_person(scope, person), "record"))
    spec = FORMS[data.form]
    form = EventForm(spec, _form_data(data))
    kwargs = form.service_kwargs(scope) if form.is_valid() else None
    if kwargs is None:
        fields = [
            {"field": name if name != "__all__" else "", "message": f"{name}: {message}" if name != "__all__" else message}
            for name, messages in form.errors.items()
            for message in messages
        ]
        return Status(422, {"error": MSG_INVALID, "fields": fields})
    if spec.kind == "evaluation" and "unit" not in kwargs and getattr(person, "state", None) and person.state.unit_id:
        kwargs["unit"] = person.state.unit
    findings = event_check(person=person, **kwargs)
    if any(f.level == Level.ERROR for f in findings) or (
        not data.confirm and any(f.level == Level.WARNING for f in findings)
    ):
        return refused_response(RecordRefused(findings))
    confirmed = {f.code for f in findings if f.level == Level.WARNING}
    try:
        event = event_record(by=request.user, person=person, confirm=confirmed, source="api", **kwargs)
    except RecordRefused as refused:  # judged again under the person's lock: someone wrote first
        return refused_response(refused)
    return Status(201, {"event": event_json(event, **_names(event)), "findings": [finding_json(f) for f in findings]})


@router.post(
    "/{event_id}/void/",
    response={200: EventOut, **ERRORS, 422: Refused | InvalidInput},
    auth=auth_for("void"),
    url_name="event_void",
    summary="Hủy một sự kiện (ghi thêm bản hủy; sự kiện không bị xóa)",
)
def void(request: HttpRequest, data: VoidIn, event_id: Annotated[int, Path(ge=1, le=MAX_ID)]):
    scope = request.scope  # type: ignore[attr-defined]
    event = scoping.events(scope).filter(pk=event_id).select_related("person").first()
    if event is None:
        raise Http404(MSG_NO_EVENT.format(pk=event_id))
    role = scoping.role_for_person(scope, event.person) if event.person_id else scoping.role_for_unit(scope, event.unit_id)
    require(scoping.allows(role, "void"))
    try:
        event_void(event=event, reason=data.reason, by=request.user)
    except RecordRefused as refused:
        return refused_response(refused)
    return Status(200, event_json(event, **_names(event)))

