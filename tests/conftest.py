"""Shared test helpers: small factories and the guard that no request ever ends in a 500."""

import contextlib
import itertools
from datetime import timedelta

import pytest
from django.core.signals import got_request_exception
from django.test import Client
from django.utils import timezone

from ladle.accounts.models import User
from ladle.comments.services import post_comment
from ladle.stories.models import Section, Story
from ladle.stories.services import save_story

_names = itertools.count(1)
PASSWORD = "correct horse battery staple"


@pytest.fixture(autouse=True)
def no_server_errors():
    """Fail any test in which a request raised an unhandled exception (a 500 for a user)."""
    errors = []

    def record(sender, request=None, **kwargs):
        errors.append(getattr(request, "path", "?"))

    got_request_exception.connect(record)
    yield
    got_request_exception.disconnect(record)
    assert not errors, f"requests ended in a server error: {sorted(set(errors))}"


@pytest.fixture(autouse=True)
def relaxed_limits(request, settings):
    """Tests of other behaviour post and log in freely (many members from one address, many
    comments a minute); tests of the limits themselves ask for `site_limits`."""
    if "site_limits" not in request.fixturenames:
        settings.LADLE_THROTTLE = {**settings.LADLE_THROTTLE, "comments": 10**6, "stories": 10**6}
        settings.LADLE_LOGIN_FAILURES_PER_IP = 10**6


@pytest.fixture
def site_limits(settings):
    """The post throttle and log-in limits as a site has them by default."""
    return settings


def make_member(name: str | None = None, *, confirmed: bool = True, **extra) -> User:
    name = name or f"member{next(_names)}"
    user = User(
        username=name,
        email=f"{name.replace(' ', '.').lower()}@example.org",
        email_confirmed_at=timezone.now() if confirmed else None,
        **extra,
    )
    user.set_password(PASSWORD)
    user.save()
    return user


def make_editor(name: str | None = None) -> User:
    return make_member(name or f"editor{next(_names)}", role=User.Role.EDITOR)


def make_section(name: str = "News", *, on_front_page: bool = True) -> Section:
    slug = name.lower().replace(" ", "-")
    section, _ = Section.objects.get_or_create(
        slug=slug, defaults={"name": name, "on_front_page": on_front_page}
    )
    return section


def make_story(
    title: str = "A story",
    *,
    section: Section | None = None,
    body: str = "",
    intro: str = "The intro.",
    editor: User | None = None,
    status: str = Story.Status.PUBLISHED,
    published_at=None,
    age_hours: float = 1,
    comment_status: str = Story.CommentStatus.OPEN,
    topics=(),
) -> Story:
    if status == Story.Status.PUBLISHED and published_at is None:
        published_at = timezone.now() - timedelta(hours=age_hours)
    return save_story(
        editor=editor or make_editor(),
        title=title,
        intro=intro,
        body=body,
        section=section or make_section(),
        status=status,
        published_at=published_at,
        comment_status=comment_status,
        topics=list(topics),
    )


def make_comment(
    story: Story,
    *,
    author: User | None = None,
    parent=None,
    subject: str = "A subject",
    body: str = "A body.",
):
    return post_comment(
        story=story, author=author or make_member(), parent=parent, subject=subject, body=body
    )


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def stream_events(client: Client, path: str, *, headers=None, during=None, until=None):
    """The server-sent events a story's comment stream sends, read as an ASGI server would
    serve them (the sync test client is a WSGI one), with `client`'s session. `during` runs
    (in a thread) once the stream is open; reading stops when `until(events)` says so, or
    when the stream ends. Each event is a dict of its fields, data lines joined. The stream
    is read on a thread of its own, so the data it reads must be committed."""
    from asgiref.sync import sync_to_async
    from django.db import connections
    from django.test import AsyncClient

    def run_during():
        try:
            during()
        finally:
            connections.close_all()  # a thread of its own: the test database is dropped later

    async def read():
        reader = AsyncClient()
        reader.cookies = client.cookies
        response = await reader.get(path, headers=headers or {})
        events: list[dict] = []
        if not response.streaming:
            return response, events
        started = False
        async for chunk in response.streaming_content:
            for block in chunk.decode().split("\n\n"):
                fields: dict[str, str] = {}
                for line in block.splitlines():
                    name, _, value = line.partition(": ")
                    if name == "data" and "data" in fields:
                        value = fields["data"] + "\n" + value
                    fields[name] = value
                if fields:
                    events.append(fields)
            if not started and during is not None:
                started = True
                await sync_to_async(run_during, thread_sensitive=False)()
            if until is not None and until(events):
                break
        return response, events

    return run_async_on_a_thread_of_its_own(read)


def run_async_on_a_thread_of_its_own(function):
    """`await function()` in a new event loop on a new thread, closing the database
    connections it opened there. Not this thread: it may run an event loop already (the
    browser tests' Playwright)."""
    from concurrent.futures import ThreadPoolExecutor

    from asgiref.sync import async_to_sync
    from django.db import connections

    def run():
        try:
            return async_to_sync(function)()
        finally:
            connections.close_all()  # the test database is dropped later

    with ThreadPoolExecutor(max_workers=1) as thread:
        return thread.submit(run).result()


def main_of(response) -> str:
    """The page's <main> content, without the sidebar (which lists recent comments)."""
    page = response.content.decode()
    return page[page.index("<main") : page.index("</main>")]


def run_at_once(tasks):
    """Run each callable in its own thread, all released together by a barrier.

    Each thread closes its database connection when done. Returns the results in task order;
    an exception in any thread fails the caller's test.
    """
    import threading

    from django.db import connection

    start = threading.Barrier(len(tasks))
    results: list = [None] * len(tasks)
    errors: list[BaseException] = []

    def run(i, task):
        try:
            start.wait()
            results[i] = task()
        except BaseException as error:  # reported to the test below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, t)) for i, t in enumerate(tasks)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors, errors
    return results


def deliver_mail() -> int:
    """Run every ready background task the way the worker does (e-mail lands in mail.outbox).

    The worker's loop also closes idle database connections, which would close the test's own
    connection; this runs the same per-task step (`Worker.run_task`) without that loop.
    Returns how many tasks ran.
    """
    from django_tasks_db.management.commands.db_worker import Worker
    from django_tasks_db.models import DBTaskResult

    worker = Worker(
        queue_names=["*"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="tests",
        excluded_queue_names=[],
    )
    ran = 0
    while (result := DBTaskResult.objects.ready().order_by("enqueued_at").first()) is not None:
        result.claim("tests")
        worker.run_task(result)
        ran += 1
    return ran


@pytest.fixture(autouse=True)
def empty_cache(settings):
    """Each test starts with an empty cache: story ids repeat from test to test.

    Whole pages for anonymous readers are kept only in the tests that ask for `page_cache`:
    elsewhere tests write with the ORM between requests, which no site does (on a site every
    write comes through a request, a job or a command, and moves the page generation on).
    """
    from django.core.cache import cache

    from ladle.comments.threads import forget_local
    from ladle.site.pages import kept

    settings.LADLE_PAGE_CACHE = False
    cache.clear()
    forget_local()
    kept.clear()
    yield
    cache.clear()
    forget_local()
    kept.clear()


@pytest.fixture
def page_cache(settings):
    """Whole pages kept for anonymous readers, as on a site."""
    settings.LADLE_PAGE_CACHE = True


PG_SERVER = "postgres://root@127.0.0.1:5432/"


@contextlib.contextmanager
def scratch_postgres(name: str):
    """A new, empty PostgreSQL database for processes a test starts (its URL), dropped after.
    The name carries this run's process id, so concurrent test runs keep apart. Without a
    PostgreSQL server the test is skipped, except in CI, where that is a failure."""
    import os

    import psycopg

    name = f"{name}_{os.getpid()}"
    try:
        with psycopg.connect(PG_SERVER + "postgres", autocommit=True, connect_timeout=3) as admin:
            admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
            admin.execute(f"CREATE DATABASE {name}")
    except psycopg.OperationalError as error:
        if os.environ.get("CI"):
            raise
        pytest.skip(f"no PostgreSQL on 127.0.0.1:5432 ({error})")
    try:
        yield PG_SERVER + name
    finally:
        with psycopg.connect(PG_SERVER + "postgres", autocommit=True) as admin:
            admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
