"""Targets set for a unit and a year (chỉ tiêu), keyed by the figure they aim at."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class Target(models.Model):
    unit = models.ForeignKey("units.Unit", on_delete=models.PROTECT, related_name="targets")
    year = models.PositiveSmallIntegerField("năm")
    metric = models.CharField("chỉ số", max_length=64)  # a figure key, e.g. "members.admitted"
    value = models.PositiveIntegerField("chỉ tiêu")
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    set_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "chỉ tiêu"
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "year", "metric"], name="target_unit_year_metric"
            )
        ]
        indexes = [models.Index(fields=["metric", "year"], name="target_metric_year")]

    def __str__(self) -> str:
        return f"{self.metric} {self.year}: {self.value}"
