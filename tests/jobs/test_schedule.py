"""Scheduled work runs inside Ladle: each job once per day or week, however many workers."""

from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest

from ladle.jobs.models import JobRun
from ladle.jobs.schedule import JOBS, Job, run_due
from tests.conftest import run_at_once

MONDAY = datetime(2026, 11, 23, 15, 0, tzinfo=UTC)


def counting_jobs(counts: Counter) -> list[Job]:
    return [
        Job("daily_thing", "day", lambda: counts.update(["daily_thing"])),
        Job("weekly_thing", "week", lambda: counts.update(["weekly_thing"])),
    ]


@pytest.mark.django_db
def test_each_job_runs_once_per_period():
    counts: Counter = Counter()
    jobs = counting_jobs(counts)
    assert run_due(MONDAY, jobs) == ["daily_thing", "weekly_thing"]
    assert run_due(MONDAY + timedelta(minutes=1), jobs) == []
    assert run_due(MONDAY + timedelta(days=1), jobs) == ["daily_thing"]
    assert run_due(MONDAY + timedelta(days=7), jobs) == ["daily_thing", "weekly_thing"]
    assert counts == {"daily_thing": 3, "weekly_thing": 2}
    assert JobRun.objects.get(name="daily_thing").finished_at is not None


@pytest.mark.django_db
def test_a_failing_job_is_recorded_and_does_not_stop_the_others():
    counts: Counter = Counter()
    jobs = [Job("broken", "day", lambda: 1 / 0), *counting_jobs(counts)]
    assert run_due(MONDAY, jobs) == ["broken", "daily_thing", "weekly_thing"]
    assert "failed" in JobRun.objects.get(name="broken").result


@pytest.mark.django_db
def test_the_sites_jobs_run_the_mojo_refresh_and_the_digests():
    assert run_due(MONDAY) == [job.name for job in JOBS]
    results = dict(JobRun.objects.values_list("name", "result"))
    assert "member(s) changed" in results["refresh_mojo"]
    assert "digest(s) queued" in results["daily_digests"]


@pytest.mark.django_db(transaction=True)
def test_several_workers_at_once_run_each_job_once():
    counts: Counter = Counter()
    jobs = counting_jobs(counts)
    ran = run_at_once([lambda: run_due(MONDAY, jobs) for _ in range(4)])
    assert sorted(name for names in ran for name in names) == ["daily_thing", "weekly_thing"]
    assert counts == {"daily_thing": 1, "weekly_thing": 1}
