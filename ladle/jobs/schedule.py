"""The site's scheduled jobs and the claim that runs each once per period.

The background worker (`ladle worker`, started by `ladle serve`) calls `run_due` every minute.
Periods are read in the site's time zone: the daily jobs run once each local day, the weekly
ones once each ISO week. No cron is needed.
"""

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from django.db import close_old_connections
from django.utils import timezone

from ladle.comments.services import refresh_all_mojo
from ladle.site.pages import moved_on
from ladle.stories.digests import send_digests

from .models import JobRun

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Job:
    name: str
    every: str  # "day" or "week"
    run: Callable[[], object]


JOBS = [
    Job("refresh_mojo", "day", lambda: f"{refresh_all_mojo()} member(s) changed"),
    Job("daily_digests", "day", lambda: f"{send_digests(period='daily')} digest(s) queued"),
    Job("weekly_digests", "week", lambda: f"{send_digests(period='weekly')} digest(s) queued"),
]


def period_of(every: str, now: datetime) -> str:
    local = timezone.localtime(now)
    if every == "week":
        year, week, _ = local.isocalendar()
        return f"{year}-W{week:02d}"
    return local.date().isoformat()


def claim(job: Job, now: datetime) -> bool:
    """Take this period's run of `job`, if no worker has (one UPDATE: only one wins)."""
    JobRun.objects.bulk_create([JobRun(name=job.name)], ignore_conflicts=True)
    period = period_of(job.every, now)
    return bool(
        JobRun.objects.filter(name=job.name)
        .exclude(period=period)
        .update(period=period, started_at=now, finished_at=None, result="")
    )


def run_due(now: datetime | None = None, jobs: list[Job] | None = None) -> list[str]:
    """Run every job whose period has come and that no other worker took; their names."""
    now = now or timezone.now()
    ran = []
    for job in jobs if jobs is not None else JOBS:
        if not claim(job, now):
            continue
        try:
            result = str(job.run())[:300]  # each job writes in its own transactions
        except Exception:  # one failing job must not stop the others; it is logged
            log.exception("scheduled job %s failed", job.name)
            result = "failed (see the worker's log)"
        JobRun.objects.filter(name=job.name).update(finished_at=timezone.now(), result=result)
        moved_on()  # a job may change what pages show (mojo, trust, digests)
        log.info("scheduled job %s ran for %s: %s", job.name, period_of(job.every, now), result)
        ran.append(job.name)
    return ran


def run_forever(stop, every_seconds: int = 60) -> None:
    """The worker's scheduler thread: `run_due` now and then every minute until `stop` is set."""
    while True:
        try:
            run_due()
        except Exception:  # the database may be away for a moment; try again next minute
            log.exception("the scheduler could not run")
        finally:
            close_old_connections()
        if stop.wait(every_seconds):
            return
