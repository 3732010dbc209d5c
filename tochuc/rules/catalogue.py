"""Import every module that registers rules, so the registry is complete once Django is ready."""

from tochuc.rules import status  # noqa: F401
