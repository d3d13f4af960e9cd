"""More than one machine: two Ladle servers (each with its background worker) on two ports,
sharing one database and one Redis, as two app machines behind a load balancer would. What
one server does, the other shows at once; limits and sessions hold across both; each
scheduled job runs once."""

import contextlib
import http.cookiejar
import os
import re
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request

import pytest
import redis

from tests.conftest import scratch_postgres
from tests.test_cli import _start, _stop, clean_env

REDIS = "redis://127.0.0.1:6379/7"
PASSWORD = "two servers, one site"
SETUP = f"""
from django.utils import timezone
from ladle.accounts.models import User
from ladle.stories.models import Section
from ladle.stories.services import save_story
for name in ("Ada", "Ben"):
    member = User(username=name, email=f"{{name}}@example.org", email_confirmed_at=timezone.now())
    member.set_password({PASSWORD!r})
    member.save()
admin = User.objects.get(username="admin")
story = save_story(editor=admin, title="Shared harbour", intro="Read on both servers.",
                   section=Section.objects.get(slug="news"), status="published")
print(story.pk)
"""


class Reader:
    """A browser's worth of cookies; cookies belong to the host, so both ports share them."""

    def __init__(self):
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))

    def get(self, port: int, path: str) -> tuple[int, str]:
        try:
            with self.opener.open(f"http://127.0.0.1:{port}{path}", timeout=10) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode()

    def post(self, port: int, path: str, form_path: str, data: dict) -> tuple[int, str]:
        _, form = self.get(port, form_path)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form).group(1)
        body = urllib.parse.urlencode({**data, "csrfmiddlewaretoken": token}).encode()
        request = urllib.request.Request(
            f"http://127.0.0.1:{port}{path}",
            data=body,
            headers={"Referer": f"http://127.0.0.1:{port}{form_path}"},
        )
        try:
            with self.opener.open(request, timeout=10) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode()

    def log_in(self, port: int, name: str) -> None:
        status, page = self.post(
            port, "/login/", "/login/", {"username": name, "password": PASSWORD}
        )
        assert status == 200 and f">{name}<" in page, page[:500]


def _redis() -> None:
    try:
        redis.Redis.from_url(REDIS, socket_connect_timeout=2).flushdb()
    except redis.ConnectionError as error:
        if os.environ.get("CI"):
            raise
        pytest.skip(f"no Redis on 127.0.0.1:6379 ({error}); .ci/run starts one")


def test_two_servers_show_each_others_writes_and_share_limits_sessions_and_jobs(tmp_path):
    _redis()
    with contextlib.ExitStack() as stack:
        extra = {"LADLE_REDIS_URL": REDIS}
        if os.environ.get("LADLE_DATABASE_URL"):  # the kind of database this run tests
            extra["LADLE_DATABASE_URL"] = stack.enter_context(scratch_postgres("two_servers"))
        _two_servers(tmp_path, extra)


def _two_servers(tmp_path, extra):
    env = clean_env(tmp_path, **extra)
    made = subprocess.run([sys.executable, "-m", "ladle.cli", "init"], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=300)  # fmt: skip
    assert made.returncode == 0, made.stderr
    setup = subprocess.run(
        [sys.executable, "-m", "ladle.cli", "manage", "shell", "--no-imports", "-c", SETUP],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert setup.returncode == 0, setup.stderr
    story = int(setup.stdout.split()[-1])
    one, port_one, _ = _start(tmp_path, "--no-demo", **extra)
    two, port_two, _ = _start(tmp_path, "--no-demo", **extra)
    outputs = []
    try:
        page_path = f"/story/{story}/"
        ada, ben, visitor = Reader(), Reader(), Reader()
        # A session made on one server is valid on the other.
        ada.log_in(port_one, "Ada")
        assert ada.get(port_two, "/settings/profile/")[0] == 200
        ben.log_in(port_two, "Ben")
        # Both readers warm each server's caches before anything changes.
        for port in (port_one, port_two):
            visitor.get(port, page_path)
            ben.get(port, page_path)
        # A comment posted through one appears at once to readers of the other.
        status, _ = ada.post(
            port_one, f"/story/{story}/comments/new/", page_path,
            {"subject": "From server one", "body": "Hello, both.", "markup": "markdown",
             "post": "1"},
        )  # fmt: skip
        assert status == 200
        for reader in (visitor, ben):
            assert "From server one" in reader.get(port_two, page_path)[1]
        # A rating on the second server changes the score the first one shows.
        status, _ = ben.post(
            port_two, f"/story/{story}/comments/1/rate/", page_path, {"value": "5"}
        )
        assert status == 200
        for reader in (visitor, ben):
            assert "5.00" in reader.get(port_one, page_path)[1]
        # The post throttle counts on both: Ada's 5th comment in 10 minutes is refused,
        # wherever it is sent.
        for n in (2, 3, 4):
            port = port_one if n % 2 else port_two
            status, _ = ada.post(
                port, f"/story/{story}/comments/new/", page_path,
                {"subject": f"Comment {n}", "body": "More.", "markup": "markdown", "post": "1"},
            )  # fmt: skip
            assert status == 200
        status, refused = ada.post(
            port_two, f"/story/{story}/comments/new/", page_path,
            {"subject": "One too many", "body": "Still more.", "markup": "markdown",
             "post": "1"},
        )  # fmt: skip
        assert status == 400 and "posting too fast" in refused
        # Each scheduled job ran once, though both servers' workers started the scheduler.
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            done = subprocess.run(
                [sys.executable, "-m", "ladle.cli", "manage", "shell", "--no-imports", "-c",
                 "from ladle.jobs.models import JobRun; "
                 "print(JobRun.objects.filter(finished_at__isnull=False).count())"],
                cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120,
            )  # fmt: skip
            if done.stdout.strip() == "3":
                break
            time.sleep(1)
    finally:
        for process in (one, two):
            _stop(process)
            outputs.append(process.said)
    log = "".join(outputs)
    for job in ("refresh_mojo", "daily_digests", "weekly_digests"):
        assert log.count(f"scheduled job {job} ran") == 1, log[-3000:]
