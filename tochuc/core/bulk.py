"""Records change one row at a time, through the services that write their history (SECURITY.md E1).

`QuerySet.update()`, `QuerySet.delete()`, `bulk_update()` and a model instance's `delete()` change
rows without going through a service, so no audit entry and no event would say who changed what.
On the protected models they raise `BulkChangeRefused`, unless they run inside `bulk_path(...)`:
a named path, one transaction, that writes one audit entry in the hash-chained trail with who ran
it, why, and how many rows of which model it updated or deleted.

Projections are not protected: `Membership`, `PersonState`, `PositionHolding`, `UnitVersion` and
the rollups are derived state that `tochuc rebuild` deletes and recomputes from the event log, which
is itself append-only in the database (`core.appendonly`). Logs with a retention period
(`AccessLog`, `AuthEvent`) are guarded by their triggers, lifted only by `purge_security_logs`.

A whole-database operation that has already lifted the append-only triggers
(`appendonly.suspended`: restoring a backup into an empty database, the test runner's flush) is
not stopped here either: this guard must not be stricter than the database's own protection.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field

from django.db import models, transaction

# The records of the project (app_label.model). A test checks each one refuses bulk changes.
PROTECTED_MODELS: tuple[str, ...] = (
    "people.person",
    "units.unit",
    "events.event",
    "events.eventvoid",
    "accounts.grant",
    "core.auditentry",
)

MSG_REFUSED = (
    "tochuc: {op} hàng loạt trên {model} bị từ chối: hồ sơ chỉ được sửa qua nghiệp vụ có ghi lịch sử "
    "(hoặc trong một thao tác hàng loạt có tên và được ghi nhật ký, core.bulk.bulk_path)"
)


class BulkChangeRefused(Exception):
    pass


@dataclass
class BulkPath:
    name: str
    rows: Counter = field(default_factory=Counter)


_active: ContextVar[BulkPath | None] = ContextVar("tochuc_bulk_path", default=None)
# Set by `appendonly.suspended` for the length of a whole-database operation.
whole_database: ContextVar[bool] = ContextVar("tochuc_whole_database", default=False)
_in_bulk_update: ContextVar[bool] = ContextVar("tochuc_in_bulk_update", default=False)


def _permit(model: type[models.Model], op: str) -> BulkPath | None:
    path = _active.get()
    if path is None and not whole_database.get():
        raise BulkChangeRefused(MSG_REFUSED.format(op=op, model=model._meta.label_lower))
    return path


def _tally(path: BulkPath | None, model: type[models.Model], op: str, n: int) -> None:
    if path is not None:
        path.rows[f"{model._meta.label_lower}.{op}"] += n


class GuardedQuerySet(models.QuerySet):
    """A QuerySet whose many-row writes need a named, audited bulk path."""

    def update(self, **kwargs) -> int:
        path = _permit(self.model, "update")
        n = super().update(**kwargs)
        if not _in_bulk_update.get():  # Django's bulk_update runs update() per batch
            _tally(path, self.model, "update", n)
        return n

    update.alters_data = True  # type: ignore[attr-defined]

    def delete(self):
        path = _permit(self.model, "delete")
        deleted, per_model = super().delete()
        _tally(path, self.model, "delete", per_model.get(self.model._meta.label, 0))
        return deleted, per_model

    delete.alters_data = True  # type: ignore[attr-defined]
    delete.queryset_only = True  # type: ignore[attr-defined]

    def bulk_update(self, objs, fields, batch_size=None) -> int:
        path = _permit(self.model, "bulk_update")
        token = _in_bulk_update.set(True)
        try:
            n = super().bulk_update(objs, fields, batch_size=batch_size)
        finally:
            _in_bulk_update.reset(token)
        _tally(path, self.model, "bulk_update", n)
        return n

    bulk_update.alters_data = True  # type: ignore[attr-defined]


GuardedManager = models.Manager.from_queryset(GuardedQuerySet)


class RecordModel(models.Model):
    """Base of a protected record: its default manager is guarded, and so is `instance.delete()`.

    Abstract and without fields: making a model inherit it needs no migration.
    """

    objects = GuardedManager()

    class Meta:
        abstract = True

    def delete(self, using=None, keep_parents=False):
        path = _permit(type(self), "delete")
        deleted, per_model = super().delete(using=using, keep_parents=keep_parents)
        _tally(path, type(self), "delete", per_model.get(self._meta.label, 0))
        return deleted, per_model


@contextmanager
def bulk_path(name: str, *, by, reason: str) -> Iterator[BulkPath]:
    """Allow bulk updates and deletes of records for the length of the block, in one transaction.

    On success, one audit entry `bulk.<name>` records who, why and the rows changed per model
    and operation; on an exception everything is rolled back and nothing is recorded.
    """
    from tochuc.core.models import audit

    if not reason.strip():
        raise ValueError("bulk_path needs a reason")
    with transaction.atomic():
        path = BulkPath(name)
        token = _active.set(path)
        try:
            yield path
        finally:
            _active.reset(token)
        audit(
            by=by,
            action=f"bulk.{name}",
            object_type="bulk",
            object_id=name,
            changes={"reason": reason, "rows": dict(sorted(path.rows.items()))},
        )
