"""Audit trail of changes to records other than events (the event log is its own history)."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class AuditEntry(models.Model):
    at = models.DateTimeField(auto_now_add=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    action = models.CharField(max_length=64)  # e.g. "person.create", "person.update", "event.void"
    object_type = models.CharField(max_length=64)
    object_id = models.CharField(max_length=64)
    changes = models.JSONField(default=dict)

    class Meta:
        verbose_name = "nhật ký thay đổi"
        indexes = [models.Index(fields=["object_type", "object_id"], name="audit_object")]


def audit(*, by, action: str, obj: models.Model, changes: dict | None = None) -> AuditEntry:
    user = by if getattr(by, "pk", None) else None
    return AuditEntry.objects.create(
        user=user,
        action=action,
        object_type=obj._meta.label_lower,
        object_id=str(obj.pk),
        changes=changes or {},
    )
