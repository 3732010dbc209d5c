"""Follow-up records the rules need and the event log has no kind for.

`TransferReceipt`: an official transfer to an organisation outside the system stays "sent, not
yet received" on the due list (DOMAIN-RULES.md §1.4: the member must present the papers within
30 working days) until the receiving side's confirmation is noted here. The event itself is
append-only, so the confirmation cannot be written on it.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models


class TransferReceipt(models.Model):
    event = models.OneToOneField("events.Event", on_delete=models.PROTECT, related_name="receipt")
    received_on = models.DateField("ngày nơi đến nhận")
    note = models.CharField("ghi chú", max_length=255, blank=True, default="")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "xác nhận nhận sinh hoạt đảng"

    def __str__(self) -> str:
        return f"#{self.event_id} nhận ngày {self.received_on:%d/%m/%Y}"
