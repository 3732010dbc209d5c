"""People: the identity and profile of a party member or cadre.

Membership status, unit, party age and positions are not stored here: they are derived from
events (see `tochuc.events.projections`).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from tochuc.core.bulk import RecordModel
from tochuc.lib.cccd import mask


class Sex(models.TextChoices):
    MALE = "male", "Nam"
    FEMALE = "female", "Nữ"


# What a list row of people shows (name, code, birth date, sex, ethnicity): for `.only()` where a
# report or a list loads thousands of people and needs none of the rest.
PERSON_LIST_FIELDS = ("id", "code", "full_name", "search_key", "birth_date", "sex", "ethnicity")


class Person(RecordModel):
    code = models.CharField("mã", max_length=64, unique=True)
    full_name = models.CharField("họ và tên", max_length=200)
    search_key = models.CharField(max_length=200, db_index=True)
    birth_date = models.DateField("ngày sinh")
    sex = models.CharField("giới tính", max_length=8, choices=Sex.choices)
    ethnicity = models.CharField("dân tộc", max_length=64, blank=True, default="")
    religion = models.CharField("tôn giáo", max_length=64, blank=True, default="")
    national_id = models.CharField("số CCCD", max_length=12, blank=True, default="", db_index=True)
    hometown = models.CharField("quê quán", max_length=255, blank=True, default="")
    education = models.CharField("trình độ học vấn", max_length=64, blank=True, default="")
    profession = models.CharField("chuyên môn, nghề nghiệp", max_length=255, blank=True, default="")
    # The unit that keeps the record when no membership or event places the person yet.
    registered_unit = models.ForeignKey(
        "units.Unit", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # Optimistic concurrency for profile edits (SECURITY.md F2).
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = "người"
        ordering = ["search_key", "id"]

    def __str__(self) -> str:
        return f"{self.full_name} ({self.code})"

    @property
    def masked_national_id(self) -> str:
        return mask(self.national_id) if self.national_id else ""
