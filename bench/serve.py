"""Start `tochuc serve` on loopback in a subprocess and put it under load (bench.load)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from bench.load import rss_mb, run_load, summary

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def sessions(n: int) -> list[str]:
    """One logged-in session cookie per simulated user (no password hashing per user)."""
    from django.conf import settings
    from django.test import Client

    from bench.harness import bench_user

    out = []
    for i in range(n):
        client = Client()
        client.force_login(bench_user(i))
        out.append(
            f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"
        )
    return out


def load_pages(year: int, limit: int = 200) -> list[tuple[str, list[str], int]]:
    from django.db.models import Max, Min
    from django.utils import timezone

    from tochuc.events.models import PersonState
    from tochuc.units.models import UnitVersion
    from tochuc.units.selectors import valid_on

    today = timezone.localdate()
    units = list(
        UnitVersion.objects.filter(valid_on(today))
        .order_by("unit_id")
        .values_list("unit__code", flat=True)[:limit]
    )
    roots = list(
        UnitVersion.objects.filter(valid_on(today), depth=0).values_list("unit__code", flat=True)
    )
    # people spread over the whole id range, without reading every id (a nation has 7 M)
    members = PersonState.objects.exclude(status="")
    low, high = members.aggregate(low=Min("person_id"), high=Max("person_id")).values()
    found: list[int] = []
    if low is not None:
        step = max(1, (high - low) // (2 * limit))
        found = list(
            members.filter(person_id__in=range(low, high + 1, step))
            .order_by("person_id")
            .values_list("person_id", flat=True)
        )
    people = found[:: max(1, len(found) // limit)][:limit]
    names = [
        "nguyen van",
        "tran thi",
        "le minh",
        "pham thi hoa",
        "hoang",
        "vo van tai",
        "dang thi",
        "bui",
    ]
    return [
        ("trang chủ", ["/"], 10),
        ("cây đơn vị", ["/don-vi/"], 10),
        ("trang đơn vị", [f"/don-vi/{c}/" for c in units], 25),
        ("trang người", [f"/nguoi/{p}/" for p in people], 30),
        ("tìm theo tên", [f"/nguoi/tim/?q={n.replace(' ', '+')}" for n in names], 15),
        ("bảng điều khiển", [f"/bao-cao/?don_vi={r}&nam={year}" for r in roots], 10),
    ]


def start_server(env: dict[str, str], port: int) -> subprocess.Popen:
    server_env = dict(env)
    # The load clients request back to back, far above any person's rate: lift the per-user
    # search limit for the run (it is measured, not the point here).
    server_env["TOCHUC_RATE_SEARCH"] = "1000000"
    # The server's log goes to a file: a pipe nobody reads fills up (64 kB of waitress's "task
    # queue depth" warnings under load) and the server then blocks on its next log line, so
    # every request after that point timed out (20 users x 30 s in earlier runs).
    log = tempfile.NamedTemporaryFile(prefix="tochuc-serve-", suffix=".log", delete=False)  # noqa: SIM115
    proc = subprocess.Popen(
        [sys.executable, "-m", "tochuc", "serve", "--host", "127.0.0.1", "--port", str(port)],
        env=server_env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=log,
    )  # fmt: skip
    proc.log_path = log.name  # type: ignore[attr-defined]
    log.close()
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/suc-khoe", timeout=2) as r:
                if r.status == 200:
                    return proc
        except OSError:
            time.sleep(0.3)
        if proc.poll() is not None:
            raise RuntimeError(
                "tochuc serve stopped: " + Path(log.name).read_text(errors="replace")[-2000:]
            )
    proc.terminate()
    raise RuntimeError("tochuc serve did not answer within 60 s")


def measure_load(
    env: dict[str, str], *, users: int, seconds: float, year: int, think: float = 0.0
) -> dict:
    port = free_port()
    cookies = sessions(users)
    pages = load_pages(year)
    proc = start_server(env, port)
    try:
        idle = rss_mb(proc.pid)
        out = load_at(
            f"http://127.0.0.1:{port}",
            cookies=cookies,
            pages=pages,
            seconds=seconds,
            server_pid=proc.pid,
            think=think,
        )
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
    out["summary"]["RSS máy chủ lúc chờ (MB)"] = f"{idle:.0f}"
    if out["errors"]:
        out["summary"]["nhật ký máy chủ"] = proc.log_path  # kept to read why
    else:
        Path(proc.log_path).unlink(missing_ok=True)
    return out


def load_at(
    base_url: str,
    *,
    cookies: list[str],
    pages,
    seconds: float,
    server_pid: int | None = None,
    think: float = 0.0,
) -> dict:
    """Load a running server (the subprocess above, or a test's live server)."""
    result = run_load(
        base_url, pages=pages, cookies=cookies, seconds=seconds, server_pid=server_pid, think=think
    )
    out = summary(result)
    pages_out = {
        label: {"n": len(v), "p50": round(result.pct(50, v)), "p95": round(result.pct(95, v))}
        for label, v in sorted(result.by_page.items())
    }
    return {
        "summary": out,
        "pages": pages_out,
        "p95": result.pct(95),
        "errors": result.errors,
        "load_average": " ".join(f"{x:.2f}" for x in os.getloadavg()),
    }
