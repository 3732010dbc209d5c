"""The web app under load: N concurrent users on loopback, bounded in time and in requests.

A closed loop per user (a thread with its own keep-alive connection and session cookie) picks
pages with fixed weights: home, the tree, unit pages, person pages, name search, the dashboard.
Between two pages a user pauses for `think` seconds on average (uniform from half to one and a
half times it), as a person reading the page does; with `think=0` requests go back to back and
the run measures the server saturated, far more load than the same number of people.
The server's resident memory is sampled from /proc while it runs.
"""

from __future__ import annotations

import http.client
import random
import statistics
import threading
import time
from dataclasses import dataclass, field
from urllib.parse import urlsplit


@dataclass
class LoadResult:
    users: int
    seconds: float
    requests: int = 0
    errors: int = 0
    latencies_ms: list[float] = field(default_factory=list)
    by_page: dict[str, list[float]] = field(default_factory=dict)
    statuses: dict[int, int] = field(default_factory=dict)
    # status 0: the request got no answer; why (exception) and when (s after the start)
    failures: dict[str, list[float]] = field(default_factory=dict)
    rss_mb: list[float] = field(default_factory=list)
    think: float = 0.0  # mean pause between two pages of a user, seconds

    def pct(self, p: float, values: list[float] | None = None) -> float:
        v = sorted(self.latencies_ms if values is None else values)
        if not v:
            return 0.0
        return v[min(len(v) - 1, max(0, int(round(p / 100 * len(v))) - 1))]

    @property
    def rate(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


def rss_mb(pid: int) -> float:
    """Resident memory of a process and its children (waitress runs in one process)."""
    total = 0.0
    for p in [pid, *_children(pid)]:
        try:
            with open(f"/proc/{p}/status") as fh:
                for line in fh:
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1]) / 1024
        except OSError:
            pass
    return total


def _children(pid: int) -> list[int]:
    try:
        with open(f"/proc/{pid}/task/{pid}/children") as fh:
            return [int(x) for x in fh.read().split()]
    except OSError:
        return []


def run_load(
    base_url: str,
    *,
    pages: list[tuple[str, list[str], int]],
    cookies: list[str],
    seconds: float,
    max_requests: int = 100_000,
    server_pid: int | None = None,
    seed: int = 1,
    think: float = 0.0,
) -> LoadResult:
    """`pages` are (label, paths to pick from, weight); one user per cookie."""
    parts = urlsplit(base_url)
    result = LoadResult(users=len(cookies), seconds=0.0, think=think)
    lock = threading.Lock()
    deadline = time.monotonic() + seconds
    labels = [p[0] for p in pages]
    weights = [p[2] for p in pages]
    stop = threading.Event()

    def user(i: int, cookie: str) -> None:
        rnd = random.Random(seed * 1000 + i)
        conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
        while time.monotonic() < deadline and not stop.is_set():
            label = rnd.choices(labels, weights)[0]
            path = rnd.choice(next(p[1] for p in pages if p[0] == label))
            t0 = time.perf_counter()
            status = 0
            try:
                conn.request("GET", path, headers={"Cookie": cookie, "Host": parts.netloc})
                resp = conn.getresponse()
                resp.read()
                status = resp.status
            except (OSError, http.client.HTTPException) as exc:
                with lock:
                    result.failures.setdefault(type(exc).__name__, []).append(round(time.monotonic() - started, 1))
                conn.close()
                conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
            ms = (time.perf_counter() - t0) * 1000
            with lock:
                result.requests += 1
                result.latencies_ms.append(ms)
                result.by_page.setdefault(label, []).append(ms)
                result.statuses[status] = result.statuses.get(status, 0) + 1
                # 202: a nation-wide dashboard answered with its background job's progress
                # (designed, not a failure; the statuses line counts them)
                if not 200 <= status < 300:
                    result.errors += 1
                if result.requests >= max_requests:
                    stop.set()
            if think:
                stop.wait(min(rnd.uniform(0.5 * think, 1.5 * think), max(0.0, deadline - time.monotonic())))
        conn.close()

    def sampler() -> None:
        while not stop.is_set() and time.monotonic() < deadline:
            if server_pid:
                result.rss_mb.append(rss_mb(server_pid))
            time.sleep(0.5)

    threads = [
        threading.Thread(target=user, args=(i, c), daemon=True) for i, c in enumerate(cookies)
    ]
    mon = threading.Thread(target=sampler, daemon=True)
    started = time.monotonic()
    mon.start()
    for t in threads:
        t.start()
    for t in threads:
        t.join(seconds + 60)
    stop.set()
    mon.join(2)
    result.seconds = time.monotonic() - started
    return result


def summary(result: LoadResult) -> dict[str, str]:
    out = {
        "người dùng đồng thời": str(result.users),
        "thời gian nghĩ giữa hai trang (s)": f"{result.think:g}" + (" (liên tục, máy chủ bão hòa)" if not result.think else ""),
        "thời gian (s)": f"{result.seconds:.0f}",
        "số yêu cầu": str(result.requests),
        "yêu cầu/giây": f"{result.rate:.1f}",
        "p50 (ms)": f"{result.pct(50):.0f}",
        "p95 (ms)": f"{result.pct(95):.0f}",
        "lỗi": f"{result.errors} ({dict(sorted(result.statuses.items()))})",
    }
    if result.failures:
        out["không trả lời (lỗi: giây kể từ đầu)"] = "; ".join(
            f"{name}: {', '.join(map(str, at))}" for name, at in sorted(result.failures.items())
        )
    if result.rss_mb:
        out["RSS máy chủ (MB): trung vị / lớn nhất"] = (
            f"{statistics.median(result.rss_mb):.0f} / {max(result.rss_mb):.0f}"
        )
    return out
