"""Figures too long to compute while a page waits: a background job with progress and a stored
result (issue: nation-wide questions are jobs, not pages that spin).

A scope with more units than TOCHUC_JOB_UNITS (the nation, a large province) is not computed in
the request: the page creates a `FigureJob` (or joins the one already asked for the same unit,
period and state of the logs), answers 202 with the job's progress and reloads itself; the job
computes the figures with the same functions as everything else, reports its progress step by
step, and stores them. The next request finds them, as long as nothing has been recorded since.

Jobs run on a thread of the web process (TOCHUC_JOB_RUNNER=thread, the default) or are left for
`tochuc jobs run` in a separate worker (TOCHUC_JOB_RUNNER=worker).
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from tochuc.core.cache import computed_once, log_heads
from tochuc.reports.figures import Period
from tochuc.reports.models import FigureJob
from tochuc.reports.selectors import FigureResult, Frame, build_frame
from tochuc.units.models import Unit

log = logging.getLogger(__name__)

# A job that has not moved for this long died with its process: it is taken as failed.
STALLED = dt.timedelta(minutes=10)
MSG_FAILED = "Không tính được: {error}"
MSG_STALLED = "Việc tính bị gián đoạn (máy chủ khởi động lại?)"


class JobPending(Exception):
    """The figures are being computed by `job`; the page shows its progress."""

    def __init__(self, job: FigureJob):
        super().__init__(f"figure job {job.pk}")
        self.job = job


def is_large(frame: Frame) -> bool:
    return len(frame.unit_bucket) > settings.TOCHUC_JOB_UNITS


def _heads() -> str:
    return ".".join(map(str, log_heads()))


def _cache_parts(frame: Frame) -> tuple:
    p = frame.period
    return ("figures", frame.root.pk, p.start.isoformat(), p.end.isoformat())


def figures(frame: Frame, *, user=None) -> dict[str, FigureResult]:
    """The frame's figures for a page: from the cache, from a finished job, computed here for a
    scope of ordinary size, or else `JobPending` with the job that computes them."""
    from tochuc.reports.annual import all_results

    if not is_large(frame):
        return computed_once(_cache_parts(frame), lambda: all_results(frame))
    heads = _heads()
    same = FigureJob.objects.filter(unit=frame.root, start=frame.period.start, end=frame.period.end, heads=heads)
    done = same.filter(status=FigureJob.Status.DONE).order_by("-id").first()
    if done is not None:
        return computed_once(_cache_parts(frame), lambda: results_from_json(done.results))
    active = same.filter(status__in=(FigureJob.Status.QUEUED, FigureJob.Status.RUNNING)).order_by("-id").first()
    if active is not None and timezone.now() - active.updated_at > STALLED:
        FigureJob.objects.filter(pk=active.pk).update(status=FigureJob.Status.FAILED, error=MSG_STALLED, finished_at=timezone.now())
        active = None
    if active is None:
        active = FigureJob.objects.create(
            unit=frame.root, start=frame.period.start, end=frame.period.end, heads=heads,
            requested_by=user if getattr(user, "pk", None) else None, step="Đang chờ đến lượt",
        )
        start(active)
    raise JobPending(active)


def for_page(user) -> Callable[[Frame], dict[str, FigureResult]]:
    """`figures` for `build_annual(figures=…)`."""
    return lambda frame: figures(frame, user=user)


def start(job: FigureJob) -> None:
    if settings.TOCHUC_JOB_RUNNER != "thread":
        return  # a `tochuc jobs run` worker takes it
    # after the commit that made the job visible to the thread's own connection
    transaction.on_commit(
        lambda: threading.Thread(target=_run_in_thread, args=(job.pk,), name=f"tochuc-job-{job.pk}", daemon=True).start()
    )


def _run_in_thread(job_id: int) -> None:
    try:
        run(job_id)
    finally:
        connection.close()  # the thread's own connection, opened by run()


def run(job_id: int) -> FigureJob:
    """Compute one job's figures, reporting progress as it goes; a failure is stored, not raised."""
    from tochuc.reports.annual import all_results

    claimed = FigureJob.objects.filter(pk=job_id, status=FigureJob.Status.QUEUED).update(
        status=FigureJob.Status.RUNNING, started_at=timezone.now(), step="Bắt đầu"
    )
    job = FigureJob.objects.get(pk=job_id)
    if not claimed:
        return job  # another worker has it, or it is over

    def progress(percent: int, step: str) -> None:
        FigureJob.objects.filter(pk=job_id).update(progress=percent, step=step, updated_at=timezone.now())

    try:
        unit = Unit.objects.get(pk=job.unit_id)
        frame = build_frame(scope=None, code=unit.code, period=Period(job.start, job.end))
        results = all_results(frame, progress=progress)
        FigureJob.objects.filter(pk=job_id).update(
            status=FigureJob.Status.DONE, progress=100, step="Xong", results=results_to_json(results),
            finished_at=timezone.now(),
        )
    except Exception as exc:  # the job's page tells the user; the log keeps the traceback
        log.exception("figure job %s failed", job_id)
        message = getattr(exc, "message", None) or exc.__class__.__name__
        FigureJob.objects.filter(pk=job_id).update(
            status=FigureJob.Status.FAILED, error=MSG_FAILED.format(error=message), finished_at=timezone.now()
        )
    return FigureJob.objects.get(pk=job_id)


def run_pending(limit: int | None = None) -> int:
    """Run queued jobs, oldest first (the `tochuc jobs run` worker). Returns how many ran."""
    ran = 0
    while limit is None or ran < limit:
        job = FigureJob.objects.filter(status=FigureJob.Status.QUEUED).order_by("id").first()
        if job is None:
            break
        run(job.pk)
        ran += 1
    return ran


# --- results as JSON ------------------------------------------------------------------------


def _number(value: Any) -> Any:
    """JSON for a figure's values and extras: Decimals and dates kept as themselves."""
    if isinstance(value, Decimal):
        return {"d": str(value)}
    if isinstance(value, dt.date):
        return {"date": value.isoformat()}
    if isinstance(value, dict):
        return {"map": [[k, _number(v)] for k, v in value.items()]}
    if isinstance(value, list | tuple):
        return [_number(v) for v in value]
    return value


def _unnumber(value: Any) -> Any:
    if isinstance(value, dict):
        if "d" in value:
            return Decimal(value["d"])
        if "date" in value:
            return dt.date.fromisoformat(value["date"])
        return {k: _unnumber(v) for k, v in value["map"]}
    if isinstance(value, list):
        return [_unnumber(v) for v in value]
    return value


def results_to_json(results: dict[str, FigureResult]) -> list[dict]:
    return [
        {
            "key": r.key, "label": r.label, "definition": r.definition, "value": _number(r.value),
            "by_bucket": [[b, _number(v)] for b, v in r.by_bucket.items()], "extra": _number(r.extra),
        }
        for r in results.values()
    ]


def results_from_json(rows: list[dict]) -> dict[str, FigureResult]:
    return {
        r["key"]: FigureResult(
            r["key"], r["label"], r["definition"], _unnumber(r["value"]),
            {int(b): _unnumber(v) for b, v in r["by_bucket"]}, _unnumber(r["extra"]),
        )
        for r in rows
    }
