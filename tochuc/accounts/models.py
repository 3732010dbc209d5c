"""Users, their grants (a role within a unit's subtree), and the access log."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models


class Role(models.TextChoices):
    VIEWER = "viewer", "Xem"
    CLERK = "clerk", "Văn thư cơ sở"
    SPECIALIST = "specialist", "Chuyên viên"
    ADMIN = "admin", "Quản trị"


ROLE_RANK = {Role.VIEWER: 1, Role.CLERK: 2, Role.SPECIALIST: 3, Role.ADMIN: 4}


class User(AbstractUser):
    class Meta:
        verbose_name = "người dùng"


class Grant(models.Model):
    """The user acts within the subtree of `unit` with `role`."""

    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="grants")
    unit = models.ForeignKey("units.Unit", on_delete=models.PROTECT, related_name="+")
    role = models.CharField(max_length=16, choices=Role.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "phân quyền"
        constraints = [models.UniqueConstraint(fields=["user", "unit"], name="grant_user_unit")]


class AccessLog(models.Model):
    """The reading register: reads of personal records, exports, and refused attempts."""

    at = models.DateTimeField(auto_now_add=True)
    user = models.ForeignKey(User, on_delete=models.PROTECT, null=True, related_name="+")
    ip = models.GenericIPAddressField(null=True)
    action = models.CharField(max_length=32)  # view, export, search, api
    object_type = models.CharField(max_length=64, blank=True, default="")
    object_id = models.CharField(max_length=64, blank=True, default="")
    result = models.CharField(max_length=16, default="ok")  # ok | denied
    detail = models.JSONField(default=dict)

    class Meta:
        indexes = [models.Index(fields=["at"], name="accesslog_at")]
