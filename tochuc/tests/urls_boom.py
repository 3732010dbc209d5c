"""The project's routes plus two that fail on purpose (C5, G3 tests only)."""

from django.db import OperationalError
from django.urls import include, path

from tochuc.urls import urlpatterns as project


def boom(request):
    raise RuntimeError("secret settings text 079203001234 /etc/tochuc")


def locked(request):
    raise OperationalError("database is locked")


urlpatterns = [path("boom/", boom), path("locked/", locked), path("", include(project))]
