"""API tokens: a secret shown once, of which only a SHA-256 hash is kept.

A token acts as its owner, with exactly the owner's grants (scope and role), as the web does.
Tokens are never deleted: revoking one sets `revoked_on`, expiry is a date, and both keep the
row for the record of who could reach the API with what.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models


class ApiToken(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="api_tokens")
    name = models.CharField("tên", max_length=100)
    # The first characters of the secret, to tell tokens apart in lists; not enough to guess it.
    prefix = models.CharField(max_length=12)
    # The secret has 256 random bits, so a fast hash cannot be brute-forced; a slow one (argon2)
    # would cost every API request tens of milliseconds for nothing.
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    last_used_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField()
    revoked_on = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = "khóa truy cập API"
        ordering = ["user_id", "created_at", "id"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"
