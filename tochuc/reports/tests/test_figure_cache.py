"""The figures of a unit and period are computed once for every user until the records change."""

from __future__ import annotations

import threading
import time

import pytest

from tochuc.conftest import PASSWORD
from tochuc.core import cache
from tochuc.events.models import Event
from tochuc.events.services import event_void
from tochuc.reports import annual, jobs
from tochuc.reports.figures import Period
from tochuc.reports.selectors import build_frame

LINK = 'data-key="members.admitted" href="/bao-cao/chi-so/members.admitted/?don_vi=CT.NK&amp;nam=2017">{n}</a>'


@pytest.fixture
def computed(monkeypatch):
    """How many times the figures were computed."""
    calls: list[str] = []
    real = annual.all_results

    def counting(frame):
        calls.append(frame.root.code)
        return real(frame)

    monkeypatch.setattr(annual, "all_results", counting)
    return calls


def test_the_dashboard_computes_once_and_again_after_a_void(world, client, computed):
    assert client.login(username=world.personas.district_specialist.username, password=PASSWORD)
    for _ in range(3):
        assert LINK.format(n=3) in client.get("/bao-cao/", {"nam": 2017}).content.decode()
    assert computed == ["CT.NK"]
    admission = Event.objects.get(kind="admission", person__full_name="Lê Thị Bình")
    event_void(event=admission, reason="ghi nhầm", by=None)
    assert LINK.format(n=2) in client.get("/bao-cao/", {"nam": 2017}).content.decode()
    assert computed == ["CT.NK", "CT.NK"]
    # the annual page of the same unit and year takes the same figures
    assert client.get("/bao-cao/nam/", {"don_vi": "CT.NK", "nam": 2017}).status_code == 200
    assert computed == ["CT.NK", "CT.NK"]


def test_the_command_line_report_always_computes(world, computed):
    annual.build_annual(scope=None, code="CT.NK", year=2017)
    annual.build_annual(scope=None, code="CT.NK", year=2017)
    assert computed == ["CT.NK", "CT.NK"]


def test_zero_seconds_turns_the_cache_off(world, computed, settings):
    settings.TOCHUC_RESULT_CACHE_SECONDS = 0
    frame = build_frame(scope=None, code="CT.NK", period=Period.year(2017))
    assert jobs.figures(frame)["members.admitted"].value == 3
    jobs.figures(frame)
    assert computed == ["CT.NK", "CT.NK"]


def test_users_asking_at_once_wait_for_one_computation(world, monkeypatch):
    frame = build_frame(scope=None, code="CT.NK", period=Period.year(2017))
    calls: list[int] = []

    def slow(frame):
        calls.append(1)
        time.sleep(0.2)
        return {"members.admitted": len(calls)}

    monkeypatch.setattr(annual, "all_results", slow)
    monkeypatch.setattr(cache, "log_heads", lambda: (1, 0, 1))  # threads have no test database
    got: list = []
    threads = [threading.Thread(target=lambda: got.append(jobs.figures(frame))) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert (len(calls), got) == (1, [{"members.admitted": 1}] * 8)
