"""Results computed once for every user while the records stay as they are.

The year-end figures and the due list of a city take about a second to compute, and in December
dozens of people open the same ones. A result is kept under a key that holds the heads of the
append-only logs, so the next request after any recorded change computes afresh.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable
from typing import TypeVar

from django.conf import settings
from django.core.cache import cache
from django.db.models import Max
from django.utils import timezone

T = TypeVar("T")

_computing: dict[str, threading.Lock] = {}
_computing_guard = threading.Lock()


def _last_id(model) -> int:
    return model.objects.aggregate(m=Max("id"))["m"] or 0


def event_log_heads() -> tuple[int, int]:
    """The last ids of the event log and of the voids (the rollup's watermark reads these)."""
    from tochuc.events.models import Event, EventVoid

    return _last_id(Event), _last_id(EventVoid)


def log_heads() -> tuple[int, int, int]:
    """The last ids of the event log, the voids and the audit log. A figure or a due line depends
    on events, their voids and records that change only through services that audit the change
    (people, grants, targets, posts, planning periods, selections, staffing): any change moves
    one of the three."""
    from tochuc.core.models import AuditEntry

    return (*event_log_heads(), _last_id(AuditEntry))


def computed_once(parts: tuple[Hashable, ...], compute: Callable[[], T]) -> T:
    """`compute()`, or the result a request made before it with the same `parts` while the logs
    have not moved since (and on the same day).

    On PostgreSQL ids are drawn before commit: a transaction that commits after one with a later
    id leaves the heads as they were, so results also expire after TOCHUC_RESULT_CACHE_SECONDS
    (60 s by default; 0 computes every time). Requests asking for the same key at once wait for
    one computation instead of all computing."""
    seconds = settings.TOCHUC_RESULT_CACHE_SECONDS
    if seconds <= 0:
        return compute()
    heads = ".".join(map(str, log_heads()))
    key = "tochuc:" + ":".join(map(str, (*parts, heads, timezone.localdate().isoformat())))
    found = cache.get(key)
    if found is not None:
        return found
    with _computing_guard:
        lock = _computing.setdefault(key, threading.Lock())
    with lock:
        found = cache.get(key)
        if found is None:
            found = compute()
            cache.set(key, found, seconds)
    with _computing_guard:
        _computing.pop(key, None)
    return found
