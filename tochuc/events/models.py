"""The append-only event log and the projections derived from it.

`Event` rows are never updated or deleted (a PostgreSQL and SQLite trigger refuses it, see the
migration `0002_append_only`). A mistake is undone by an `EventVoid` row, itself append-only.
Projections (`Membership`, `PersonState`, `PositionHolding`, and `units.UnitVersion`) are derived
state: they are written in the same transaction as the event and `tochuc rebuild` recomputes them.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from tochuc.core.bulk import RecordModel
from tochuc.events.kinds import KINDS, STATUS_LABELS, Subject, subtype_label


class Event(RecordModel):
    person = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, null=True, blank=True, related_name="events"
    )
    unit = models.ForeignKey(
        "units.Unit", on_delete=models.PROTECT, null=True, blank=True, related_name="events"
    )
    kind = models.CharField("loại", max_length=32)
    subtype = models.CharField("phân loại", max_length=64, blank=True, default="")
    effective_on = models.DateField("ngày hiệu lực")
    end_on = models.DateField("ngày kết thúc", null=True, blank=True)
    to_unit = models.ForeignKey(
        "units.Unit",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="incoming_events",
    )
    position = models.CharField("chức vụ", max_length=255, blank=True, default="")
    term = models.CharField("nhiệm kỳ", max_length=32, blank=True, default="")
    year = models.PositiveSmallIntegerField("năm", null=True, blank=True)
    decision_no = models.CharField("số quyết định", max_length=64, blank=True, default="")
    decided_on = models.DateField("ngày quyết định", null=True, blank=True)
    decided_by = models.CharField("cơ quan quyết định", max_length=255, blank=True, default="")
    note = models.TextField("ghi chú", blank=True, default="")
    details = models.JSONField(default=dict, blank=True)
    # Warning codes the recording user explicitly confirmed (DESIGN.md §2.4).
    confirmed = models.JSONField(default=list, blank=True)
    source = models.CharField(max_length=16, default="web")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "sự kiện"
        indexes = [
            # Period counts within a subtree become index-only scans (PERFORMANCE.md 2).
            models.Index(fields=["unit", "effective_on", "kind"], name="event_unit_date_kind"),
            # Covering: a period's counts by unit x kind x subtype and its distinct people are
            # read from the index alone (the id serves the anti-join with voids).
            models.Index(
                fields=["effective_on", "kind", "unit", "person", "subtype", "id"],
                name="event_date_cover",
            ),
            # Loads of one kind across the tree (planning lists, rotations, cadre decisions).
            models.Index(
                fields=["kind", "subtype", "effective_on"], name="event_kind_subtype_date"
            ),
            # Evaluations are counted by the year rated, not the date decided.
            models.Index(
                fields=["kind", "year", "unit", "person", "subtype", "id"],
                name="event_kind_year",
                condition=models.Q(year__isnull=False),
            ),
            models.Index(fields=["person", "effective_on"], name="event_person_date"),
        ]

    def __str__(self) -> str:
        return f"{self.kind_label} {self.effective_on}"

    @property
    def subject(self) -> Subject:
        return Subject.PERSON if self.person_id else Subject.UNIT

    @property
    def kind_label(self) -> str:
        spec = KINDS.get(self.kind)
        return spec.label if spec else self.kind

    @property
    def subtype_label(self) -> str:
        return subtype_label(self.kind, self.subtype, self.subject)


class EventVoid(RecordModel):
    """Voiding record: the voided event stays untouched and counts nowhere after."""

    event = models.OneToOneField(Event, on_delete=models.PROTECT, related_name="void")
    reason = models.TextField("lý do")
    voided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    voided_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "hủy sự kiện"


class Membership(models.Model):
    """One interval of a person's membership in one unit with one status (projection)."""

    person = models.ForeignKey(
        "people.Person", on_delete=models.CASCADE, related_name="memberships"
    )
    unit = models.ForeignKey("units.Unit", on_delete=models.PROTECT, related_name="memberships")
    status = models.CharField(max_length=16)
    valid_from = models.DateField()
    valid_to = models.DateField(null=True, blank=True)  # exclusive
    # Breakdown attributes copied from the person so headcounts need no join (PERFORMANCE.md 5).
    sex = models.CharField(max_length=8)
    birth_year = models.PositiveSmallIntegerField()

    class Meta:
        indexes = [
            # Covering: headcounts on a day by unit x status x sex need no table reads.
            models.Index(
                fields=["unit", "valid_from", "valid_to", "status", "sex"], name="membership_cover"
            ),
            models.Index(fields=["person", "valid_from"], name="membership_person"),
            models.Index(fields=["valid_to", "valid_from"], name="membership_dates"),
        ]

    @property
    def status_label(self) -> str:
        return STATUS_LABELS.get(self.status, self.status)


class PersonState(models.Model):
    """A person's current derived state, and the unit that keeps their record (scoping)."""

    person = models.OneToOneField(
        "people.Person", on_delete=models.CASCADE, primary_key=True, related_name="state"
    )
    # Current status, "" for someone who never was a member.
    status = models.CharField(max_length=16, blank=True, default="")
    # The unit of the open membership, else of the last one, else of the latest event,
    # else the registered unit: the unit whose subtree may see this person.
    unit = models.ForeignKey("units.Unit", on_delete=models.PROTECT, null=True, related_name="+")
    first_admitted_on = models.DateField(null=True)
    recognized_on = models.DateField(null=True)
    left_on = models.DateField(null=True)
    left_reason = models.CharField(max_length=32, blank=True, default="")

    class Meta:
        indexes = [models.Index(fields=["unit", "status"], name="personstate_unit_status")]

    @property
    def status_label(self) -> str:
        return STATUS_LABELS.get(self.status, "Chưa vào Đảng" if not self.status else self.status)


class PositionHolding(models.Model):
    """A post held by a person over an interval, from cadre decisions (projection)."""

    person = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="positions")
    position = models.CharField(max_length=255)
    unit = models.ForeignKey("units.Unit", on_delete=models.PROTECT, null=True, related_name="+")
    valid_from = models.DateField()
    valid_to = models.DateField(null=True, blank=True)
    term_ends_on = models.DateField(null=True, blank=True)
    source_event = models.ForeignKey(Event, on_delete=models.PROTECT, related_name="+")

    class Meta:
        indexes = [models.Index(fields=["person", "valid_from"], name="position_person")]


class EventRollup(models.Model):
    """Live events counted per anchor unit x kind x subtype x month (derived: `events.rollups`).

    The anchor is the unit directly below the root (a district before 2025, a commune after) and
    the root the top unit, both as the tree stood on the event's date, so a cell never moves
    when the tree changes later; only a back-dated change of the tree forces a full rebuild.
    """

    root = models.ForeignKey("units.Unit", on_delete=models.PROTECT, null=True, related_name="+")
    anchor = models.ForeignKey("units.Unit", on_delete=models.PROTECT, null=True, related_name="+")
    person_event = models.BooleanField()
    kind = models.CharField(max_length=32)
    subtype = models.CharField(max_length=64, blank=True, default="")
    month = models.DateField()  # the first day of the month
    n = models.IntegerField()

    class Meta:
        indexes = [
            # A province's or the nation's period counts read a few hundred rows per year.
            models.Index(fields=["root", "month", "kind"], name="rollup_root_month"),
            models.Index(fields=["anchor", "month", "kind"], name="rollup_anchor_month"),
            models.Index(fields=["month", "kind"], name="rollup_month_kind"),
        ]


class EventYearCount(models.Model):
    """Live person events counted per unit x kind x subtype x year (derived: `events.rollups`).

    The unit is where the annual report counts the event: its own unit, or for an event recorded
    without one, the unit of the person's membership on that day. The year is the rating year
    for an evaluation and the year of the effective date otherwise: the two readings of
    `reports.selectors`. Cells do not depend on the tree (the report places units in buckets
    as the tree stands on the period's last day), so only a change of memberships moves them.
    """

    unit = models.ForeignKey("units.Unit", on_delete=models.PROTECT, null=True, related_name="+")
    kind = models.CharField(max_length=32)
    subtype = models.CharField(max_length=64, blank=True, default="")
    year = models.IntegerField(null=True)
    n = models.IntegerField()

    class Meta:
        indexes = [models.Index(fields=["year", "kind"], name="event_year_count")]


class RollupAttribution(models.Model):
    """The unit a person event without a unit was counted in (the membership on its day).

    Kept so that a later, back-dated change of that person's memberships can move the count.
    """

    event = models.OneToOneField(
        Event, on_delete=models.PROTECT, primary_key=True, related_name="+"
    )
    unit = models.ForeignKey("units.Unit", on_delete=models.PROTECT, null=True, related_name="+")


class RollupWatermark(models.Model):
    """How far the rollup has read the append-only log and its voids."""

    name = models.CharField(max_length=32, primary_key=True)
    event_id = models.BigIntegerField(default=0)
    void_id = models.BigIntegerField(default=0)
    refreshed_at = models.DateTimeField(auto_now=True)


class HeadcountDay(models.Model):
    """A day whose headcounts are kept in `Headcount` (derived: `events.headcounts`)."""

    day = models.DateField(unique=True)
    built_at = models.DateTimeField(auto_now_add=True)


class Headcount(models.Model):
    """Members on a kept day (a year-end) per unit x status x sex (derived: `events.headcounts`)."""

    day = models.DateField()
    unit = models.ForeignKey("units.Unit", on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=16)
    sex = models.CharField(max_length=8)
    n = models.IntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["day", "unit", "status", "sex"], name="headcount_cell")
        ]
