"""The unit tree with its history.

A `Unit` is an identity (its code never changes). Its name, kind and parent are held by
`UnitVersion` rows, each valid on `[valid_from, valid_to)`. Versions are a projection of the unit
events (founding, rename, reparent, merger, dissolution) and are rebuilt from them by
`tochuc rebuild`. Each version stores the materialised path of ids from the root on its dates, so
"the subtree of X on D" is one indexed range scan (PERFORMANCE.md, "What made it fast" 1).
"""

from __future__ import annotations

from django.db import models

from tochuc.core.bulk import RecordModel


class UnitKind(models.TextChoices):
    CENTRAL = "central", "Toàn Đảng (Trung ương)"
    PROVINCIAL = "provincial", "Đảng bộ tỉnh, thành phố"
    DISTRICT = "district", "Đảng bộ cấp trên cơ sở"
    GRASSROOTS_COMMITTEE = "grassroots_committee", "Đảng bộ cơ sở"
    GRASSROOTS_BRANCH = "grassroots_branch", "Chi bộ cơ sở"
    BRANCH = "branch", "Chi bộ trực thuộc"
    AGENCY = "agency", "Cơ quan nhà nước"
    FRONT = "front", "Mặt trận Tổ quốc"
    MASS_ORG = "mass_org", "Đoàn thể chính trị – xã hội"


# Kinds where members are admitted and have their party activity.
MEMBER_UNIT_KINDS = frozenset({UnitKind.GRASSROOTS_BRANCH, UnitKind.BRANCH})
PARTY_UNIT_KINDS = frozenset(
    {
        UnitKind.CENTRAL,
        UnitKind.PROVINCIAL,
        UnitKind.DISTRICT,
        UnitKind.GRASSROOTS_COMMITTEE,
        UnitKind.GRASSROOTS_BRANCH,
        UnitKind.BRANCH,
    }
)

PATH_WIDTH = 8


def path_segment(unit_id: int) -> str:
    return f"{unit_id:0{PATH_WIDTH}d}."


class Unit(RecordModel):
    code = models.CharField("mã", max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "đơn vị"
        ordering = ["code"]

    def __str__(self) -> str:
        return self.code


class UnitVersion(models.Model):
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="versions")
    name = models.CharField("tên", max_length=255)
    kind = models.CharField("loại", max_length=32, choices=UnitKind.choices)
    parent = models.ForeignKey(
        Unit, on_delete=models.PROTECT, null=True, blank=True, related_name="child_versions"
    )
    path = models.CharField(max_length=255)
    depth = models.PositiveSmallIntegerField()
    valid_from = models.DateField()
    valid_to = models.DateField(null=True, blank=True)  # exclusive; null = still valid

    class Meta:
        verbose_name = "phiên bản đơn vị"
        indexes = [
            models.Index(fields=["path", "valid_from"], name="unitversion_path"),
            models.Index(fields=["unit", "valid_from"], name="unitversion_unit"),
            models.Index(fields=["parent", "valid_from"], name="unitversion_parent"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(valid_to__isnull=True) | models.Q(valid_to__gt=models.F("valid_from")),
                name="unitversion_valid_range",
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.valid_from}–{self.valid_to or ''})"

    @property
    def is_member_unit(self) -> bool:
        return self.kind in MEMBER_UNIT_KINDS
