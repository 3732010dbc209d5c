"""Writes owned by the rules app."""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from tochuc.core.findings import Finding, Level, RecordRefused
from tochuc.core.models import audit
from tochuc.events.models import Event
from tochuc.rules.models import TransferReceipt

MSG_NOT_OUTGOING = "Sự kiện #{id} không phải là chuyển sinh hoạt chính thức ra ngoài hệ thống"
MSG_ALREADY = "Việc nhận sinh hoạt của sự kiện #{id} đã được xác nhận ngày {on}"
MSG_BEFORE = "Ngày nhận {on} trước ngày chuyển đi {sent}"


@transaction.atomic
def transfer_receipt_create(*, by, event: Event, received_on: dt.date, note: str = "") -> TransferReceipt:
    """Note that the organisation outside the system received the member sent by `event`."""
    # Lock the transfer so two clerks confirming at once give one receipt and one clear refusal.
    Event.objects.select_for_update().filter(pk=event.pk).exists()
    if event.kind != "transfer" or event.subtype != "official" or event.to_unit_id is not None or event.person_id is None:
        raise RecordRefused([Finding("receipt.kind", Level.ERROR, MSG_NOT_OUTGOING.format(id=event.pk), "event")])
    existing = TransferReceipt.objects.filter(event=event).first()
    if existing is not None:
        raise RecordRefused([Finding("receipt.twice", Level.ERROR, MSG_ALREADY.format(id=event.pk, on=existing.received_on.strftime("%d/%m/%Y")), "event")])
    if received_on < event.effective_on:
        raise RecordRefused([Finding("receipt.date", Level.ERROR, MSG_BEFORE.format(on=received_on.strftime("%d/%m/%Y"), sent=event.effective_on.strftime("%d/%m/%Y")), "received_on")])
    receipt = TransferReceipt.objects.create(event=event, received_on=received_on, note=note.strip(), recorded_by=by if getattr(by, "pk", None) else None)
    audit(by=by, action="transfer.receipt", obj=event, changes={"received_on": received_on.isoformat(), "note": note})
    return receipt


MSG_NO_OPEN_EXEMPTION = "{name} không có quyết định miễn công tác và sinh hoạt đảng nào đang để ngỏ ngày kết thúc"
MSG_END_BEFORE_START = "Ngày kết thúc miễn sinh hoạt {end} phải sau ngày bắt đầu {start}"


@transaction.atomic
def exemption_end(*, by, person, end_on: dt.date, note: str = "") -> Event:
    """Give an open-ended exemption its end date.

    The event log has no "end of exemption" kind and an event is never edited, so the open
    exemption is voided and recorded again with the same decision and `end_on`; the new event
    names the one it replaces in `details.replaces`. The fold then returns the member to their
    earlier status on `end_on`.
    """
    from tochuc.events.projections import live_events
    from tochuc.events.services import event_record, event_void
    from tochuc.people.models import Person

    Person.objects.select_for_update().filter(pk=person.pk).exists()
    open_ = live_events().filter(person=person, kind="exemption", end_on__isnull=True).order_by("-effective_on", "-id").first()
    if open_ is None:
        raise RecordRefused([Finding("exemption.none_open", Level.ERROR, MSG_NO_OPEN_EXEMPTION.format(name=person.full_name), "kind")])
    if end_on <= open_.effective_on:
        raise RecordRefused([Finding("exemption.end_before", Level.ERROR, MSG_END_BEFORE_START.format(
            end=end_on.strftime("%d/%m/%Y"), start=open_.effective_on.strftime("%d/%m/%Y")), "end_on")])
    event_void(event=open_, reason=f"Ghi ngày kết thúc miễn sinh hoạt {end_on:%d/%m/%Y}", by=by)
    return event_record(
        by=by, person=person, kind="exemption", effective_on=open_.effective_on, end_on=end_on, unit=open_.unit,
        decision_no=open_.decision_no, decided_on=open_.decided_on, decided_by=open_.decided_by,
        note="\n".join(x for x in (open_.note, note.strip()) if x), details={**open_.details, "replaces": open_.pk},
        confirm=set(open_.confirmed), source="web",
    )
