"""Audit trail of changes to records other than events (the event log is its own history).

Entries are append-only in the database (triggers, see `core.appendonly`) and hash-chained: each
entry stores the SHA-256 of its own content and of the previous entry's hash, so a row altered or
removed with the triggers lifted is found by `tochuc audit verify` (SECURITY.md E2).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass

from django.conf import settings
from django.db import connection, models, transaction
from django.utils import timezone

from tochuc.core.bulk import RecordModel

GENESIS = "0" * 64
# Any constant: the key of the PostgreSQL advisory lock that serialises appends to the chain.
_CHAIN_LOCK_KEY = 7_402_113


class AuditEntry(RecordModel):
    at = models.DateTimeField(default=timezone.now)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    action = models.CharField(max_length=64)  # e.g. "person.create", "person.update", "event.void"
    object_type = models.CharField(max_length=64)
    object_id = models.CharField(max_length=64)
    changes = models.JSONField(default=dict)
    prev_hash = models.CharField(max_length=64, default=GENESIS)
    hash = models.CharField(max_length=64, default="")

    class Meta:
        verbose_name = "nhật ký thay đổi"
        indexes = [models.Index(fields=["object_type", "object_id"], name="audit_object")]

    def compute_hash(self) -> str:
        payload = json.dumps(
            [
                self.prev_hash,
                self.at.astimezone(dt.UTC).isoformat(timespec="microseconds"),
                self.user_id,
                self.action,
                self.object_type,
                self.object_id,
                self.changes,
            ],
            sort_keys=True,
            ensure_ascii=False,
            separators=(",", ":"),
            default=str,
        )
        return hashlib.sha256(payload.encode()).hexdigest()


def _lock_chain() -> None:
    # SQLite writers already hold the database lock (transaction_mode IMMEDIATE); on PostgreSQL two
    # transactions could read the same last hash and fork the chain, so they queue on a lock.
    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            cur.execute("SELECT pg_advisory_xact_lock(%s)", [_CHAIN_LOCK_KEY])


@transaction.atomic
def audit(
    *,
    by,
    action: str,
    obj: models.Model | None = None,
    changes: dict | None = None,
    object_type: str = "",
    object_id: str = "",
) -> AuditEntry:
    """Append an entry; `obj` names the record, or `object_type`/`object_id` something that is not
    one row (a bulk path)."""
    user = by if getattr(by, "pk", None) else None
    if obj is not None:
        object_type, object_id = obj._meta.label_lower, str(obj.pk)
    _lock_chain()
    last = AuditEntry.objects.order_by("-id").values_list("hash", flat=True).first()
    entry = AuditEntry(
        user=user,
        action=action,
        object_type=object_type,
        object_id=object_id,
        # A JSON round trip now, so the hash covers exactly what the database will give back.
        changes=json.loads(json.dumps(changes or {}, default=str)),
        prev_hash=last or GENESIS,
        at=timezone.now(),
    )
    entry.hash = entry.compute_hash()
    entry.save(force_insert=True)
    return entry


def audit_many(*, by, action: str, entries: Sequence[tuple[models.Model, dict]]) -> None:
    """The entries `audit` would append for each (object, changes), chained in one pass: the
    chain's lock and last hash are read once, then the entries are inserted together."""
    user = by if getattr(by, "pk", None) else None
    _lock_chain()
    previous = AuditEntry.objects.order_by("-id").values_list("hash", flat=True).first() or GENESIS
    rows = []
    for obj, changes in entries:
        entry = AuditEntry(
            user=user, action=action, object_type=obj._meta.label_lower, object_id=str(obj.pk),
            changes=json.loads(json.dumps(changes, default=str)), prev_hash=previous, at=timezone.now(),
        )
        entry.hash = entry.compute_hash()
        previous = entry.hash
        rows.append(entry)
    AuditEntry.objects.bulk_create(rows, batch_size=500)


@dataclass(frozen=True)
class ChainBreak:
    entry_id: int
    reason: str


def verify_chain(*, batch: int = 5000) -> tuple[int, ChainBreak | None]:
    """Walk the chain in id order; return how many entries were checked and the first break."""
    previous = GENESIS
    checked = 0
    last_id = 0
    while True:
        rows = list(AuditEntry.objects.filter(id__gt=last_id).order_by("id")[:batch])
        if not rows:
            return checked, None
        for entry in rows:
            if entry.prev_hash != previous:
                return checked, ChainBreak(entry.id, "prev_hash")
            if entry.hash != entry.compute_hash():
                return checked, ChainBreak(entry.id, "hash")
            previous = entry.hash
            checked += 1
            last_id = entry.id
