"""Users, their grants (a role within a unit's subtree), and the access log."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone

from tochuc.core.bulk import GuardedManager, RecordModel


class Role(models.TextChoices):
    VIEWER = "viewer", "Xem"
    CLERK = "clerk", "Văn thư cơ sở"
    SPECIALIST = "specialist", "Chuyên viên"
    ADMIN = "admin", "Quản trị"


ROLE_RANK = {Role.VIEWER: 1, Role.CLERK: 2, Role.SPECIALIST: 3, Role.ADMIN: 4}


class User(AbstractUser):
    # Administrators' passwords expire (TCVN 14423:2026 5.6.2.2 b); NULL means "never set through
    # tochuc", treated as set at account creation.
    password_changed_at = models.DateTimeField(null=True, blank=True)
    # Set when someone other than the user chose the password (reset by an administrator).
    must_change_password = models.BooleanField(default=False)

    class Meta:
        verbose_name = "người dùng"


class PasswordHistory(models.Model):
    """Hashes of a user's earlier passwords, so administrators cannot reuse the last ten."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    password = models.CharField(max_length=128)
    at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["user", "-at"], name="pwhistory_user_at")]


class CurrentGrantManager(GuardedManager):
    def get_queryset(self):
        return super().get_queryset().filter(valid_to__isnull=True)


class Grant(RecordModel):
    """The user acts within the subtree of `unit` with `role`, from `created_at` until `valid_to`.

    A grant is never deleted or edited: revoking it, or changing the role, ends it (`valid_to`)
    and a role change starts a new one, through `accounts.grants` which writes the audit entry.
    `Grant.objects` holds only the grants in force, so every reader of scope and roles sees only
    those; `Grant.all_grants` keeps the history too (the access review, backups).
    """

    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="grants")
    unit = models.ForeignKey("units.Unit", on_delete=models.PROTECT, related_name="+")
    role = models.CharField(max_length=16, choices=Role.choices)
    created_at = models.DateTimeField(default=timezone.now)
    granted_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    valid_to = models.DateTimeField(null=True, blank=True)
    ended_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    end_reason = models.CharField(max_length=255, blank=True, default="")

    objects = CurrentGrantManager()
    all_grants = GuardedManager()

    class Meta:
        verbose_name = "phân quyền"
        base_manager_name = "all_grants"
        constraints = [
            models.UniqueConstraint(
                fields=["user", "unit"], condition=models.Q(valid_to__isnull=True), name="grant_user_unit_current"
            )
        ]
        indexes = [models.Index(fields=["user", "valid_to"], name="grant_user_current")]


class AccessLog(models.Model):
    """The reading register: reads of personal records, exports, and refused attempts."""

    at = models.DateTimeField(auto_now_add=True)
    user = models.ForeignKey(User, on_delete=models.PROTECT, null=True, related_name="+")
    ip = models.GenericIPAddressField(null=True)
    port = models.PositiveIntegerField(null=True)
    action = models.CharField(max_length=32)  # view, export, search, api
    object_type = models.CharField(max_length=64, blank=True, default="")
    object_id = models.CharField(max_length=64, blank=True, default="")
    result = models.CharField(max_length=16, default="ok")  # ok | denied
    detail = models.JSONField(default=dict)

    class Meta:
        indexes = [
            models.Index(fields=["at"], name="accesslog_at"),
        ]


class AuthEvent(models.Model):
    """The security log: authentication and account administration (SECURITY.md E4).

    Login success and failure, logout, lockout, second-factor failure, password change, lock,
    unlock, reset, deactivation and grant changes. Append-only like the reading register, and
    kept 12 months (E6).
    """

    at = models.DateTimeField(default=timezone.now)
    user = models.ForeignKey(User, on_delete=models.PROTECT, null=True, related_name="+")
    # The name typed at login, kept even when no such user exists: lockout counts by it and IP.
    username = models.CharField(max_length=150, blank=True, default="")
    ip = models.GenericIPAddressField(null=True)
    port = models.PositiveIntegerField(null=True)
    action = models.CharField(max_length=32)
    result = models.CharField(max_length=16, default="ok")  # ok | failed | denied
    by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, related_name="+")
    detail = models.JSONField(default=dict)

    class Meta:
        verbose_name = "nhật ký an ninh"
        indexes = [
            models.Index(fields=["at"], name="authevent_at"),
            models.Index(fields=["username", "action", "at"], name="authevent_user_action"),
        ]


class Incident(models.Model):
    """A personal-data breach or security incident, with the deadlines the law sets.

    Luật 91/2025 Đ23 and NĐ 356/2025 Đ28: notify the specialised agency within 72 hours of
    discovery; NĐ 331/2026 Đ31 k2 d: a serious cyber-security incident gets an initial notice
    within 24 hours.
    """

    discovered_at = models.DateTimeField()
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True, default="")
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)
    notified_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "sự cố"

    @property
    def initial_notice_due(self):
        return self.discovered_at + dt.timedelta(hours=24)

    @property
    def breach_notice_due(self):
        return self.discovered_at + dt.timedelta(hours=72)
