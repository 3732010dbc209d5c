"""Per-user rate limits on expensive work: export, import, search and the API (SECURITY.md G2).

A fixed one-minute window counted in the cache. The default cache is per process, which is what a
single waitress process needs; several processes behind a balancer should share a cache
(`CACHES`), or each process enforces its own share.
"""

from __future__ import annotations

import time

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest

WINDOW_SECONDS = 60


def classify(request: HttpRequest) -> str:
    """Which limited kind of work a request is, or ''."""
    match = getattr(request, "resolver_match", None)
    name = (match.url_name or "") if match else ""
    if request.path.startswith("/api/"):
        return "api"
    exported = any(word in name for word in ("export", "download", "xlsx", "docx", "pdf", "csv"))
    if exported or request.GET.get("format") in {"xlsx", "docx", "pdf", "csv"} or request.path.endswith(".xlsx"):
        return "export"
    if "import" in name and request.method == "POST":
        return "import"
    if "search" in name or request.GET.get("q"):
        return "search"
    return ""


def hit(user, kind: str, *, now: float | None = None) -> tuple[bool, int]:
    """Count one request; (allowed, seconds until the window ends)."""
    limit = settings.TOCHUC_RATE_LIMITS.get(kind)
    if not limit:
        return True, 0
    now = time.time() if now is None else now
    window = int(now // WINDOW_SECONDS)
    # date_joined tells apart two accounts that reuse an id (a database restored, tests rolled back).
    key = f"tochuc:rl:{kind}:{user.pk}:{int(user.date_joined.timestamp())}:{window}"
    cache.add(key, 0, WINDOW_SECONDS * 2)
    try:
        count = cache.incr(key)
    except ValueError:  # evicted between add and incr
        cache.set(key, 1, WINDOW_SECONDS * 2)
        count = 1
    retry = int((window + 1) * WINDOW_SECONDS - now) + 1
    return count <= limit, retry
