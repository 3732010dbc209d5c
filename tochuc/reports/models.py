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


class FigureJob(models.Model):
    """The figures of a scope too large to compute while a page waits (the nation, a large
    province): computed in the background with its progress, the result kept with the heads of
    the logs it was computed at (`tochuc.reports.jobs`). Derived data: a change of the records
    makes it stale, never wrong, and nothing here is a record."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Đang chờ"
        RUNNING = "running", "Đang tính"
        DONE = "done", "Xong"
        FAILED = "failed", "Lỗi"

    unit = models.ForeignKey("units.Unit", on_delete=models.PROTECT, related_name="+")
    start = models.DateField()
    end = models.DateField()
    heads = models.CharField(max_length=64)  # the logs' heads when it was asked
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0)  # percent
    step = models.CharField(max_length=200, blank=True)
    results = models.JSONField(null=True)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    started_at = models.DateTimeField(null=True)
    finished_at = models.DateTimeField(null=True)

    class Meta:
        verbose_name = "việc tính chỉ số"
        indexes = [models.Index(fields=["unit", "start", "end", "heads"], name="figurejob_key")]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.start}–{self.end}: {self.status} {self.progress}%"
