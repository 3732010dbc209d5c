"""A large scope's figures are computed by a background job with progress, not while a page spins."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.core.management import call_command

from tochuc.conftest import PASSWORD
from tochuc.events.models import Event
from tochuc.events.services import event_void
from tochuc.reports import jobs
from tochuc.reports.annual import all_results
from tochuc.reports.figures import Period
from tochuc.reports.models import FigureJob
from tochuc.reports.selectors import build_frame

LINK = 'data-key="members.admitted" href="/bao-cao/chi-so/members.admitted/?don_vi=CT.NK&amp;nam=2017">{n}</a>'


@pytest.fixture
def large(settings):
    """CT.NK counts as large (it has more than two units); jobs wait for a worker."""
    settings.TOCHUC_JOB_UNITS = 2
    settings.TOCHUC_JOB_RUNNER = "worker"


@pytest.fixture
def specialist(world, client):
    assert client.login(username=world.personas.district_specialist.username, password=PASSWORD)
    return client


def test_the_dashboard_of_a_large_scope_waits_for_a_job_then_shows_its_figures(large, specialist):
    first = specialist.get("/bao-cao/", {"nam": 2017})
    assert first.status_code == 202
    page = first.content.decode()
    assert '<meta http-equiv="refresh" content="3">' in page
    assert "Đang tính số liệu" in page and "0% — Đang chờ: Đang chờ đến lượt" in page
    assert specialist.get("/bao-cao/", {"nam": 2017}).status_code == 202
    job = FigureJob.objects.get()  # the second request joined the first one's job
    assert (job.unit.code, job.start, job.end, job.status) == ("CT.NK", dt.date(2017, 1, 1), dt.date(2017, 12, 31), "queued")
    call_command("jobs", "run")
    job.refresh_from_db()
    assert (job.status, job.progress, job.step, job.error) == ("done", 100, "Xong", "")
    done = specialist.get("/bao-cao/", {"nam": 2017})
    assert done.status_code == 200
    assert LINK.format(n=3) in done.content.decode()
    # the annual page of the same unit and year uses the same job's figures
    annual = specialist.get("/bao-cao/nam/", {"don_vi": "CT.NK", "nam": 2017})
    assert annual.status_code == 200 and FigureJob.objects.count() == 1


def test_a_recorded_change_makes_the_stored_figures_stale(large, specialist, world):
    specialist.get("/bao-cao/", {"nam": 2017})
    jobs.run_pending()
    admission = Event.objects.get(kind="admission", person__full_name="Lê Thị Bình")
    event_void(event=admission, reason="ghi nhầm", by=None)
    assert specialist.get("/bao-cao/", {"nam": 2017}).status_code == 202
    assert FigureJob.objects.filter(status="queued").count() == 1
    jobs.run_pending()
    assert LINK.format(n=2) in specialist.get("/bao-cao/", {"nam": 2017}).content.decode()


def test_the_figures_announce_each_family_as_it_starts_for_the_jobs_progress(world):
    frame = build_frame(scope=None, code="CT.NK", period=Period.year(2017))
    seen: list[tuple[int, str]] = []
    all_results(frame, progress=lambda percent, step: seen.append((percent, step)))
    assert seen == [
        (5, "Các sự kiện của đảng viên trong kỳ"),
        (30, "Chuyển sinh hoạt đảng"),
        (40, "Số đảng viên cuối kỳ"),
        (50, "Đánh giá, xếp loại chất lượng"),
        (70, "Tổ chức đảng: đại hội, thành lập, sáp nhập, đánh giá"),
        (80, "Công tác cán bộ: quy hoạch, luân chuyển, thi tuyển, biên chế, đào tạo"),
    ]


def test_stored_figures_are_the_computed_ones_exactly(large, world):
    frame = build_frame(scope=None, code="CT.NK", period=Period.year(2017))
    with pytest.raises(jobs.JobPending):
        jobs.figures(frame)
    jobs.run_pending()
    stored = jobs.results_from_json(FigureJob.objects.get().results)
    computed = all_results(frame)
    assert list(stored) == list(computed)
    assert stored == computed
    assert stored["members.admitted.vs_target"].value == Decimal("-25.00")


def test_a_failed_job_says_why_and_a_new_request_tries_again(large, specialist, monkeypatch):
    from tochuc.reports import annual

    def broken(frame, progress=None):
        raise RuntimeError("hỏng")

    monkeypatch.setattr(annual, "all_results", broken)
    specialist.get("/bao-cao/", {"nam": 2017})
    jobs.run_pending()
    job = FigureJob.objects.get()
    assert (job.status, job.error) == ("failed", "Không tính được: RuntimeError")
    monkeypatch.undo()
    again = specialist.get("/bao-cao/", {"nam": 2017})
    assert again.status_code == 202 and FigureJob.objects.filter(status="queued").count() == 1


def test_a_stalled_job_is_given_up_and_asked_again(large, world):
    frame = build_frame(scope=None, code="CT.NK", period=Period.year(2017))
    with pytest.raises(jobs.JobPending) as first:
        jobs.figures(frame)
    FigureJob.objects.filter(pk=first.value.job.pk).update(status="running")
    FigureJob.objects.filter(pk=first.value.job.pk).update(updated_at=dt.datetime(2020, 1, 1, tzinfo=dt.UTC))
    with pytest.raises(jobs.JobPending) as second:
        jobs.figures(frame)
    assert second.value.job.pk != first.value.job.pk
    stalled = FigureJob.objects.get(pk=first.value.job.pk)
    assert (stalled.status, stalled.error) == ("failed", "Việc tính bị gián đoạn (máy chủ khởi động lại?)")


def test_the_api_answers_202_with_the_progress_then_the_report(large, world):
    from django.test import Client

    from tochuc.api.services import api_token_create

    secret = api_token_create(by=None, user=world.personas.viewer, name="thử", days=1).secret
    api = Client(HTTP_AUTHORIZATION=f"Bearer {secret}")
    pending = api.get("/api/v1/reports/annual", {"unit": "CT.NK", "year": 2017})
    assert pending.status_code == 202
    assert pending.json() == {
        "detail": "Phạm vi lớn: số liệu đang được tính riêng; hỏi lại sau ít giây",
        "status": "queued", "progress": 0, "step": "Đang chờ đến lượt", "retry_after": 5,
    }
    jobs.run_pending()
    done = api.get("/api/v1/reports/annual", {"unit": "CT.NK", "year": 2017})
    assert done.status_code == 200 and done.json()["figures"]["members.admitted"]["value"] == 3


def test_an_ordinary_scope_is_computed_in_the_request(world, specialist):
    assert specialist.get("/bao-cao/", {"nam": 2017}).status_code == 200
    assert not FigureJob.objects.exists()


def test_jobs_list_prints_each_job(large, specialist, capsys):
    specialist.get("/bao-cao/", {"nam": 2017})
    call_command("jobs", "list")
    line = capsys.readouterr().out.strip()
    assert re.fullmatch(r"\d+\tCT\.NK\t01/01/2017–31/12/2017\tĐang chờ\t0%\tĐang chờ đến lượt", line)


@pytest.mark.django_db(transaction=True)
def test_the_web_process_runs_the_job_on_a_thread_of_its_own(settings, personas, client):
    """The default runner: the job starts after the request's commit, on a thread with its own
    database connection, and the page finds its figures when it reloads."""
    import time

    settings.TOCHUC_JOB_UNITS = 2
    settings.TOCHUC_JOB_RUNNER = "thread"
    assert client.login(username=personas.district_specialist.username, password=PASSWORD)
    assert client.get("/bao-cao/", {"nam": 2017}).status_code == 202
    for _ in range(200):
        if FigureJob.objects.filter(status__in=("done", "failed")).exists():
            break
        time.sleep(0.05)
    job = FigureJob.objects.get()
    assert (job.status, job.progress, job.error) == ("done", 100, "")
    assert client.get("/bao-cao/", {"nam": 2017}).status_code == 200
