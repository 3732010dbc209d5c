"""Two clerks recording conflicting events for the same person at the same moment: the service
locks the person, so the second is judged after the first commits and gets a clear refusal."""

from __future__ import annotations

import datetime as dt
import threading
import time

import pytest
from django.db import connection

from tochuc.core.findings import RecordRefused
from tochuc.events import services
from tochuc.events.models import Event

pytestmark = pytest.mark.django_db(transaction=True)


def test_two_clerks_admitting_the_same_person_at_once_one_wins(tree, make_person, monkeypatch):
    if connection.vendor == "sqlite" and connection.is_in_memory_db():
        pytest.skip("threads need a file or server database (set TOCHUC_TEST_DB_NAME, or use PostgreSQL)")
    person = make_person("Trương Văn Hai", birth_date=dt.date(1995, 1, 1))
    branch = tree["CT.NK.01.01"]
    judge = services.judge

    def slow_judge(draft):
        # widen the window between reading the history and writing the event
        time.sleep(0.3)
        return judge(draft)

    monkeypatch.setattr(services, "judge", slow_judge)
    barrier = threading.Barrier(2)
    results: list[object] = []

    def clerk(day: int) -> None:  # both clerks enter the same admission
        try:
            barrier.wait()
            services.event_record(by=None, person=person, kind="admission", effective_on=dt.date(2020, 5, day), unit=branch)
            results.append("ok")
        except RecordRefused as refused:
            results.append([(f.code, f.message) for f in refused.findings])
        finally:
            connection.close()

    threads = [threading.Thread(target=clerk, args=(10,)) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results.count("ok") == 1
    refused = [r for r in results if r != "ok"]
    assert len(refused) == 1
    assert [code for code, _ in refused[0]] == ["status.admission_once"]
    assert "Trương Văn Hai đang là đảng viên dự bị từ" in refused[0][0][1]
    assert Event.objects.filter(person=person, kind="admission").count() == 1
