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
