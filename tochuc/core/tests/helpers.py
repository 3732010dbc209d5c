"""Helpers shared by the view tests of the screens (core, units, people)."""

from __future__ import annotations

import html
import re

import pytest


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    """The personas are created with a password; Argon2 costs ~1 s per persona on a busy CI
    machine. Hashing is not what these tests look at (the accounts tests check Argon2)."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def text(response) -> str:
    """The visible text of a page, tags removed, entities decoded and white space collapsed, so
    tests can assert exact sentences."""
    page = response.content.decode()
    page = re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", page, flags=re.S)
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", page))).strip()


def login(client, user):
    client.force_login(user)
    return client
