"""Per-user rate limits on expensive work: export, import, search and the API (SECURITY.md G2).

A fixed one-minute window counted in the cache. The default cache is per process, which is what a
single waitress process needs; several processes behind a balancer should share a cache
(`CACHES`), or each process enforces its own share.
"""

from __future__ import annotations

import json
import time

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse

WINDOW_SECONDS = 60
MSG_RATE_LIMITED = "Bạn đã gửi quá nhiều yêu cầu loại này trong một phút. Vui lòng thử lại sau {retry} giây."


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


def refusal(request: HttpRequest, retry: int) -> HttpResponse:
    """The 429 answer with `Retry-After`: JSON like the API's other errors under `/api/` (a
    browser session calling the API is counted by the middleware, a token by the API itself),
    plain text elsewhere."""
    message = MSG_RATE_LIMITED.format(retry=retry)
    if request.path.startswith("/api/"):
        body = json.dumps({"error": message}, ensure_ascii=False)
        response = HttpResponse(body, status=429, content_type="application/json; charset=utf-8")
    else:
        response = HttpResponse(message, status=429, content_type="text/plain; charset=utf-8")
    response["Retry-After"] = str(retry)
    return response
