"""`ladle serve` as an operator runs it: a real process, a real port, Ctrl-C to stop."""

import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def clean_env(tmp_path, **extra) -> dict:
    """The environment of an operator's shell: no LADLE_ variable but the data folder."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("LADLE_")}
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)  # set for the browser tests' own process only
    env.update(LADLE_DATA_DIR=str(tmp_path / "data"), PYTHONUNBUFFERED="1", **extra)
    return env


def _start(tmp_path, *args, **extra_env):
    env = clean_env(tmp_path, **extra_env)
    port = _free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "ladle.cli", "serve", "--port", str(port), "--workers", "1", *args],
        env=env,
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    lines = []
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        if not line:
            break
        lines.append(line)
        if "serving at" in line:
            break
    return process, port, lines


def _get(port: int, path: str) -> tuple[int, str]:
    for _ in range(100):
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=5) as r:
                return r.status, r.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode()
        except OSError:
            time.sleep(0.1)
    raise AssertionError(f"nothing answered on port {port}")


def _stop(process) -> int:
    """Ctrl-C, then its exit code. What it says meanwhile is read as it comes (a full pipe
    would hold it up) and left in `process.said`."""
    process.send_signal(signal.SIGINT)
    try:
        process.said = process.communicate(timeout=30)[0]
    except subprocess.TimeoutExpired:
        process.kill()
        process.said = process.communicate()[0]
    return process.returncode


def test_serve_migrates_seeds_demo_prints_login_and_stops_on_ctrl_c(tmp_path):
    process, port, lines = _start(tmp_path)
    try:
        output = "".join(lines)
        assert f"http://127.0.0.1:{port}/" in output
        assert "name:     admin" in output and "password: " in output
        status, page = _get(port, "/")
        assert status == 200 and page.count('class="story-summary"') == 8
        status, css = _get(port, "/static/ladle/site.css")
        assert status == 200 and ".comment" in css
        # Static files go out under content-hashed names, cached for a year or more.
        hashed = re.search(r'href="(/static/ladle/site\.[0-9a-f]{12}\.css)"', page).group(1)
        with urllib.request.urlopen(f"http://127.0.0.1:{port}{hashed}", timeout=5) as r:
            age = int(re.search(r"max-age=(\d+)", r.headers["Cache-Control"]).group(1))
            assert age >= 365 * 24 * 3600 and "immutable" in r.headers["Cache-Control"]
        # Pages go out compressed to a reader that accepts it.
        request = urllib.request.Request(
            f"http://127.0.0.1:{port}/", headers={"Accept-Encoding": "gzip"}
        )
        with urllib.request.urlopen(request, timeout=5) as r:
            assert r.headers["Content-Encoding"] == "gzip"
            assert len(r.read()) < len(page.encode()) / 3
        assert (tmp_path / "data" / "ladle.sqlite3").exists()
        assert (tmp_path / "data" / "secret_key").exists()
        # A story page's live comment stream is served (server-sent events) and left open.
        stream = urllib.request.urlopen(
            f"http://127.0.0.1:{port}/story/1/comments/stream/?after=0", timeout=10
        )
        assert stream.headers["Content-Type"] == "text/event-stream"
        assert stream.readline() == b"retry: 3000\n"
        assert stream.readline() == b"\n"
        assert stream.readline() == b"event: comments\n"
        while stream.readline() != b"\n":  # the rest of the event, read as a browser would
            pass
    finally:
        stopping = time.monotonic()
        assert _stop(process) == 0
        assert time.monotonic() - stopping < 8  # an open stream does not hold the stop


def test_serve_without_demo_starts_empty_and_second_start_keeps_data(tmp_path):
    process, port, lines = _start(tmp_path, "--no-demo")
    try:
        status, page = _get(port, "/")
        assert status == 200 and "No stories here yet." in page
    finally:
        assert _stop(process) == 0
    process, port, lines = _start(tmp_path)
    try:
        # Not the first start any more: no new administrator is made and printed.
        assert "password:" not in "".join(lines)
    finally:
        _stop(process)


def test_serve_runs_the_background_worker_that_sends_mail(tmp_path):
    """A sign-up's confirmation e-mail leaves through the worker that `serve` started (with no
    SMTP server configured, the message is printed on the console)."""
    import http.cookiejar
    import re

    process, port, lines = _start(tmp_path, "--no-demo")
    try:
        jar = http.cookiejar.CookieJar()
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
        base = f"http://127.0.0.1:{port}"
        for _ in range(100):
            try:
                form = opener.open(f"{base}/signup/", timeout=5).read().decode()
                break
            except OSError:
                time.sleep(0.1)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form).group(1)
        data = urllib.parse.urlencode(
            {
                "csrfmiddlewaretoken": token,
                "name": "Console Reader",
                "email": "console@example.org",
                "password": "a quiet lantern 42",
                "password_again": "a quiet lantern 42",
                "website": "",
            }
        ).encode()
        request = urllib.request.Request(
            f"{base}/signup/", data=data, headers={"Referer": f"{base}/signup/"}
        )
        assert b"Check your e-mail" in opener.open(request, timeout=10).read()
        output = ""
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and "/confirm/" not in output:
            output += process.stdout.readline()
        assert "Subject: Confirm your e-mail address" in output and "/confirm/" in output
    finally:
        _stop(process)


def test_serve_says_plainly_when_its_port_is_taken(tmp_path):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        env = {k: v for k, v in os.environ.items() if not k.startswith("LADLE_")}
        env.update(LADLE_DATA_DIR=str(tmp_path / "data"))
        started = time.monotonic()
        result = subprocess.run(
            [sys.executable, "-m", "ladle.cli", "serve", "--port", str(port), "--no-demo"],
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
    assert result.returncode == 1
    assert f"cannot listen on 127.0.0.1:{port}" in result.stderr
    assert "serving at" not in result.stdout
    assert time.monotonic() - started < 60  # no minutes of retries


def test_each_site_keeps_its_control_socket_in_its_data_folder(tmp_path):
    process, port, lines = _start(tmp_path, "--no-demo")
    try:
        control = tmp_path / "data" / "gunicorn.ctl"
        deadline = time.monotonic() + 20  # gunicorn opens it just after it starts listening
        while not control.exists() and time.monotonic() < deadline:
            time.sleep(0.2)
        assert control.is_socket()
        status, page = _get(port, "/login/")
        assert status == 200 and "<title>Log in · Ladle</title>" in page
    finally:
        assert _stop(process) == 0
