"""Operating a site from the shell, as an operator (and cron, and systemd) runs the `ladle`
command: real processes, their own working directories, real databases."""

import contextlib
import os
import shutil
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import psycopg
import pytest
from django.db import connection

from ladle.comments.models import Comment
from ladle.ops.backup import backup
from tests.conftest import make_comment, make_member, make_story, scratch_postgres
from tests.test_cli import clean_env


def shell(code: str, *, cwd, env) -> str:
    """What `ladle manage shell -c CODE` prints."""
    return ladle("manage", "shell", "--no-imports", "-c", code, cwd=cwd, env=env).stdout.strip()


def ladle(*args, cwd, env, stdin: str | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "ladle.cli", *args],
        cwd=cwd,
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_commands_reach_the_same_site_from_any_working_directory(tmp_path):
    site_dir, elsewhere = tmp_path / "srv", tmp_path / "cron"
    site_dir.mkdir()
    elsewhere.mkdir()
    data = tmp_path / "site-data"
    (site_dir / "ladle.env").write_text(f"LADLE_DATA_DIR={data}\nLADLE_SITE_NAME=Harbour\n")
    env = clean_env(tmp_path, XDG_DATA_HOME=str(tmp_path / "xdg"))
    del env["LADLE_DATA_DIR"]
    made = ladle("init", cwd=site_dir, env=env)  # ./ladle.env is read from the working folder
    assert made.returncode == 0, made.stderr
    assert str(data) in made.stdout and (data / "ladle.sqlite3").exists()
    # As cron runs it: another folder, the configuration named explicitly.
    configured = {**env, "LADLE_CONFIG": str(site_dir / "ladle.env")}
    mojo = ladle("manage", "refresh_mojo", cwd=elsewhere, env=configured)
    assert mojo.returncode == 0, mojo.stderr
    name = shell("from django.conf import settings; "
                 "print(settings.DATA_DIR, settings.LADLE_SITE_NAME)", cwd=elsewhere,
                 env=configured)  # fmt: skip
    assert name.split() == [str(data), "Harbour"]
    # Without the configuration there is no site there: said plainly, nothing made.
    lost = ladle("manage", "refresh_mojo", cwd=elsewhere, env=env)
    assert lost.returncode == 1
    assert "There is no Ladle site here" in lost.stderr and "ladle init" in lost.stderr
    assert "Traceback" not in lost.stderr
    assert not (tmp_path / "xdg").exists()  # no second data folder, no second secret key
    assert ladle("check", cwd=elsewhere, env=env).returncode == 1


def test_init_makes_an_empty_site_usable_and_keeps_what_a_site_has(tmp_path):
    env = clean_env(tmp_path)
    first = ladle("init", cwd=tmp_path, env=env)
    assert first.returncode == 0, first.stderr
    assert "name:     admin" in first.stdout and "News" in first.stdout
    again = ladle("init", cwd=tmp_path, env=env)
    assert again.returncode == 0 and "password:" not in again.stdout
    sections = shell("from ladle.stories.models import Section; "
                     "print(sorted(Section.objects.values_list('slug', flat=True)))",
                     cwd=tmp_path, env=env)  # fmt: skip
    assert sections == "['diaries', 'news']"


def test_the_administrator_recovers_their_account_from_the_shell(tmp_path):
    env = clean_env(tmp_path, LADLE_SITE_URL="https://news.example.org")
    assert ladle("init", cwd=tmp_path, env=env).returncode == 0
    link = ladle("resetpassword", "ADMIN", cwd=tmp_path, env=env)  # names as a reader reads
    assert link.returncode == 0
    assert "https://news.example.org/password-reset/" in link.stdout
    weak = ladle("resetpassword", "admin", "--stdin", cwd=tmp_path, env=env, stdin="123\n")
    assert weak.returncode == 1 and "refused" in weak.stderr
    chosen = "correct horse battery staple 42"
    done = ladle("resetpassword", "admin", "--stdin", cwd=tmp_path, env=env, stdin=chosen + "\n")
    assert done.returncode == 0, done.stderr
    check = shell("from django.contrib.auth import authenticate; "
                  f"print(authenticate(username='admin', password='{chosen}') is not None)",
                  cwd=tmp_path, env=env)  # fmt: skip
    assert check == "True"
    nobody = ladle("resetpassword", "nobody", cwd=tmp_path, env=env)
    assert nobody.returncode == 1 and "No member is called" in nobody.stderr


def test_upgrade_says_what_it_would_do_then_does_it(tmp_path):
    env = clean_env(tmp_path)
    assert ladle("init", cwd=tmp_path, env=env).returncode == 0
    assert "Nothing to do" in ladle("upgrade", "--check", cwd=tmp_path, env=env).stdout
    # A site a release ago: its last search migration not applied, its index format older.
    ladle("manage", "migrate", "search", "0001", cwd=tmp_path, env=env)
    (tmp_path / "data" / "upgrade.json").write_text('{"search_index": 0}')
    planned = ladle("upgrade", "--check", cwd=tmp_path, env=env).stdout
    assert "apply migration search." in planned and "rebuild the search index" in planned
    done = ladle("upgrade", cwd=tmp_path, env=env)
    assert done.returncode == 0, done.stderr
    assert "done: rebuild the search index" in done.stdout
    assert "Nothing to do" in ladle("upgrade", "--check", cwd=tmp_path, env=env).stdout


def _deployment(tmp_path) -> dict:
    return clean_env(
        tmp_path,
        LADLE_SITE_URL="https://news.example.org",
        LADLE_ALLOWED_HOSTS="news.example.org",
        LADLE_CSRF_TRUSTED_ORIGINS="https://news.example.org",
        LADLE_HTTPS="1",
        LADLE_HSTS_SECONDS="31536000",
        LADLE_PROXY_COUNT="1",
        LADLE_EMAIL_HOST="mail.example.org",
        LADLE_SECRET_KEY="k" * 10 + "Zq8#xW2!pL0@vN5$rT7%yU1^sB4&dF6*gH9(jK3)mC" + "e" * 10,
    )


def test_ladle_check_fails_a_misconfigured_site_and_passes_a_correct_one(tmp_path):
    env = _deployment(tmp_path)
    assert ladle("init", cwd=tmp_path, env=env).returncode == 0
    taken = ladle("backup", str(tmp_path / "backup"), cwd=tmp_path, env=env)
    assert taken.returncode == 0, taken.stderr
    good = ladle("check", cwd=tmp_path, env=env)
    assert good.returncode == 0, good.stdout + good.stderr
    assert "No problems found." in good.stdout
    wrong = {
        **env,
        "LADLE_SITE_URL": "http://127.0.0.1:8000",
        "LADLE_DEBUG": "1",
        "LADLE_EMAIL_HOST": "",
    }
    bad = ladle("check", cwd=tmp_path, env=wrong)
    assert bad.returncode == 1
    for words in ("LADLE_SITE_URL is http://127.0.0.1:8000", "No mail server", "DEBUG"):
        assert words in bad.stdout, bad.stdout
    # Requests that come through a proxy the count does not know of are caught too.
    (tmp_path / "data" / "requests-seen.json").write_text(
        '{"requests": 1, "forwarded_hops": [0, 1], "https_forwarded": true}'
    )
    bypassed = ladle("check", cwd=tmp_path, env=env)
    assert bypassed.returncode == 1 and "fewer X-Forwarded-For" in bypassed.stdout


@pytest.mark.skipif(not shutil.which("nginx"), reason="nginx is not installed (.ci/run does)")
def test_the_printed_nginx_config_passes_nginx_t(tmp_path):
    env = clean_env(tmp_path)
    printed = ladle("deploy", "nginx", "--host", "news.example.org", cwd=tmp_path, env=env)
    assert printed.returncode == 0
    key, cert = tmp_path / "key.pem", tmp_path / "cert.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
         "-subj", "/CN=news.example.org", "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True,
    )  # fmt: skip
    site = printed.stdout.replace(
        "/etc/letsencrypt/live/news.example.org/fullchain.pem", str(cert)
    ).replace("/etc/letsencrypt/live/news.example.org/privkey.pem", str(key))
    (tmp_path / "ladle.conf").write_text(site)
    (tmp_path / "nginx.conf").write_text(
        f"error_log {tmp_path}/error.log;\npid {tmp_path}/nginx.pid;\nevents {{}}\n"
        f"http {{ access_log off; client_body_temp_path {tmp_path}/body; "
        f"include {tmp_path}/ladle.conf; }}\n"
    )
    tested = subprocess.run(
        ["nginx", "-t", "-p", str(tmp_path), "-c", str(tmp_path / "nginx.conf")],
        capture_output=True,
        text=True,
    )
    assert tested.returncode == 0, tested.stderr
    unit = ladle("deploy", "systemd", cwd=tmp_path, env=env).stdout
    assert "EnvironmentFile=/etc/ladle/ladle.env" in unit and " worker" in unit
    executable = unit.split("ExecStart=", 1)[1].split()[0]
    assert Path(executable).exists()


# --- Backups ---------------------------------------------------------------------------------


def _restore_target(tmp_path, stack) -> dict:
    """A fresh, empty site of the same kind as the test database."""
    if connection.vendor == "sqlite":
        return clean_env(tmp_path / "restored")
    url = stack.enter_context(scratch_postgres("restored"))
    return clean_env(tmp_path / "restored", LADLE_DATABASE_URL=url)


def _restored_comment_ids(env) -> set[int]:
    if "LADLE_DATABASE_URL" in env:
        with psycopg.connect(env["LADLE_DATABASE_URL"]) as restored:
            return {row[0] for row in restored.execute("SELECT id FROM comments_comment")}
    with sqlite3.connect(Path(env["LADLE_DATA_DIR"]) / "ladle.sqlite3") as restored:
        assert restored.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        return {row[0] for row in restored.execute("SELECT id FROM comments_comment")}


@pytest.mark.django_db(transaction=True)
def test_a_backup_taken_during_a_burst_of_posts_restores_every_acknowledged_comment(tmp_path):
    story = make_story()
    writers = [make_member() for _ in range(4)]
    acknowledged: list[int] = []
    lock, stop = threading.Lock(), threading.Event()

    def post(author):
        try:
            while not stop.is_set():
                comment = make_comment(story, author=author, body="Still typing.")
                with lock:
                    acknowledged.append(comment.pk)
        finally:
            connection.close()

    threads = [threading.Thread(target=post, args=(w,)) for w in writers]
    for thread in threads:
        thread.start()
    try:
        while len(acknowledged) < 20:
            time.sleep(0.02)
        with lock:
            before = set(acknowledged)
        backup(tmp_path / "backup")
        time.sleep(0.2)  # posts go on after the backup
    finally:
        stop.set()
        for thread in threads:
            thread.join()
    assert len(acknowledged) > len(before)
    with contextlib.ExitStack() as stack:
        env = _restore_target(tmp_path, stack)
        restored = ladle("restore", str(tmp_path / "backup"), cwd=tmp_path, env=env)
        assert restored.returncode == 0, restored.stderr
        ids = _restored_comment_ids(env)
        # A backup goes back only on an empty site.
        again = ladle("restore", str(tmp_path / "backup"), cwd=tmp_path, env=env)
        assert again.returncode == 1 and "already has a database" in again.stderr
    assert before <= ids  # nothing acknowledged before the backup began is missing
    assert ids <= set(Comment.objects.values_list("id", flat=True))


def test_a_backup_refuses_a_folder_that_holds_something(tmp_path, db):
    (tmp_path / "backup").mkdir()
    (tmp_path / "backup" / "notes.txt").write_text("mine")
    env = clean_env(tmp_path)
    assert ladle("init", cwd=tmp_path, env=env).returncode == 0
    refused = ladle("backup", str(tmp_path / "backup"), cwd=tmp_path, env=env)
    assert refused.returncode == 1 and "not empty" in refused.stderr
    assert os.listdir(tmp_path / "backup") == ["notes.txt"]


def test_a_database_that_cannot_be_reached_is_one_plain_message(tmp_path):
    env = clean_env(tmp_path, LADLE_DATABASE_URL="postgres://no_such_role@127.0.0.1:5432/none")
    failed = ladle("init", cwd=tmp_path, env=env)
    assert failed.returncode == 1
    assert "Ladle cannot use the PostgreSQL database" in failed.stderr
    assert "Traceback" not in failed.stderr
