from __future__ import annotations

import pytest
from django.test import Client


@pytest.fixture
def token_for(db):
    """A fresh API token secret for a user."""
    from tochuc.api.services import api_token_create

    def make(user, name: str = "thử nghiệm", days: int = 30) -> str:
        return api_token_create(by=None, user=user, name=name, days=days).secret

    return make


@pytest.fixture
def api(token_for):
    """A client that calls the API as a user with their token."""

    def make(user) -> Client:
        return Client(HTTP_AUTHORIZATION=f"Bearer {token_for(user)}")

    return make
