"""New comments for a page that is open: what the thread's "N new comments" bar is fed.

A page gets them one of two ways, both answering from the database (so any server process
answers the same):

- a stream of server-sent events (`events`), where the server checks the thread's revision
  every moment and sends each batch as it lands;
- a poll (`news` from a plain view, with the thread's revision in its ETag), the fallback for
  browsers without EventSource and for servers that cannot hold a stream open.
"""

import asyncio
import contextlib
import logging
import time
from collections.abc import AsyncIterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from asgiref.sync import sync_to_async
from django.conf import settings
from django.db import DatabaseError, close_old_connections, connections
from django.template.loader import render_to_string
from django.utils import timezone

from ladle.stories.models import Story

from .threads import posted_after

log = logging.getLogger(__name__)

MOST = 50  # new comments sent at once; the page (or the stream) asks again for the rest
KEEPALIVE = 15  # seconds of silence before a stream says it is still there (proxies time out)
RETRY_MS = 3000  # how long a browser waits before opening a closed stream again


@dataclass(frozen=True)
class News:
    html: str  # the comments as the bar takes them (comments/_live.html)
    last: int  # the highest comment number the reader now has
    count: int
    more: bool  # MOST were sent: there may be more to ask for at once


def news(story: Story, request, after: int) -> News:
    """The comments numbered above `after` that the reader may see, each whole and marked
    [new] (three queries however many)."""
    comments = posted_after(story, request, after, most=MOST)
    last = comments[-1].number if comments else after
    more = len(comments) == MOST
    html = render_to_string(
        "comments/_live.html",
        {"comments": comments, "last": last, "more": more},
        request=request,
    )
    return News(html=html, last=last, count=len(comments), more=more)


# --- The stream -----------------------------------------------------------------------------
#
# Every open stream of a server process does its database work on this one thread, in turn:
# one database connection however many readers wait, kept open from one check to the next.
# A story's revision is checked once for all its streams (`_Watch`), one query by primary key;
# only a thread that moved costs each reader a rendering.

_database = ThreadPoolExecutor(max_workers=1, thread_name_prefix="ladle-live")


def _on_stream_thread(function):
    return sync_to_async(function, thread_sensitive=False, executor=_database)


def close_stream_connections() -> None:
    """Close the stream thread's database connections (before a test database is dropped)."""
    _database.submit(connections.close_all).result()


def let_go_of_connections() -> None:
    """Close this thread's database connections unless a transaction is open on them: a
    stream's own request thread holds none while the stream waits."""
    for connection in connections.all(initialized_only=True):
        if not connection.in_atomic_block:
            connection.close()


def _revision(story_pk: int) -> int | None:
    close_old_connections()  # one that failed (a restarted database) is opened anew
    return Story.objects.filter(pk=story_pk).values_list("thread_revision", flat=True).first()


def event(data: str, *, name: str, id: int) -> bytes:
    """One server-sent event; each line of the data on a `data:` line of its own."""
    lines = "".join(f"data: {line}\n" for line in data.splitlines())
    return f"event: {name}\nid: {id}\n{lines}\n".encode()


def _news_in(zone, story: Story, request, after: int) -> News:
    with timezone.override(zone):
        return news(story, request, after)


class _Watch:
    """One story's thread revision, read for every stream of this process open on it: one
    query per check however many readers wait. Each change wakes them all."""

    def __init__(self, story_pk: int):
        self.story_pk = story_pk
        self.revision: int | None = None  # None once the story is gone
        self.read = asyncio.Event()  # set once the revision has been read
        self.moved = asyncio.Event()  # set, and replaced, whenever the revision moves
        self.streams = 0
        self.task = asyncio.get_running_loop().create_task(self._check())

    async def _check(self) -> None:
        while True:
            try:
                revision = await _on_stream_thread(_revision)(self.story_pk)
            except DatabaseError:
                # The database is away for a moment: the streams wait, and it is asked again.
                log.exception("live comments: could not read story %s", self.story_pk)
                await asyncio.sleep(settings.LADLE_LIVE_STREAM_CHECK * 4)
                continue
            if not self.read.is_set() or revision != self.revision:
                self.revision = revision
                self.read.set()
                self.moved.set()
                self.moved = asyncio.Event()
            if revision is None:
                return
            await asyncio.sleep(settings.LADLE_LIVE_STREAM_CHECK)


# Per event loop (a server process has one; each test its own) and story.
_watches: dict[tuple[asyncio.AbstractEventLoop, int], _Watch] = {}


def _watch(story_pk: int) -> _Watch:
    key = (asyncio.get_running_loop(), story_pk)
    watch = _watches.get(key)
    if watch is None or watch.task.done():
        watch = _watches[key] = _Watch(story_pk)
    watch.streams += 1
    return watch


def _unwatch(watch: _Watch) -> None:
    watch.streams -= 1
    if watch.streams == 0:
        watch.task.cancel()
        key = (asyncio.get_running_loop(), watch.story_pk)
        if _watches.get(key) is watch:
            del _watches[key]


async def events(request, story: Story, after: int, zone) -> AsyncIterator[bytes]:
    """The reader's new comments as they land, for a while (the browser opens the stream
    again, saying the last comment it got): first what landed since their page was made,
    then each batch within a moment of its commit, with times in `zone` (the reader's, as
    their request had it: the stream runs outside the request)."""
    yield f"retry: {RETRY_MS}\n\n".encode()
    ends = time.monotonic() + settings.LADLE_LIVE_STREAM_SECONDS
    said = time.monotonic()
    seen: int | None = None
    watch = _watch(story.pk)
    try:
        await watch.read.wait()
        while time.monotonic() < ends:
            if watch.revision is None:
                return  # the story is gone
            if watch.revision != seen:
                moved = watch.moved  # a move from here on wakes this stream again
                revision = watch.revision
                got = await _on_stream_thread(_news_in)(zone, story, request, after)
                # The revision is read before the comments: one landing in between is sent
                # now, and its own move finds nothing more.
                seen = None if got.more else revision
                if got.count:
                    after = got.last
                    said = time.monotonic()
                    yield event(got.html, name="comments", id=got.last)
                if got.more or moved.is_set():
                    continue
            if time.monotonic() - said >= KEEPALIVE:
                said = time.monotonic()
                yield b": still here\n\n"
            quiet = min(KEEPALIVE - (time.monotonic() - said), ends - time.monotonic())
            with contextlib.suppress(TimeoutError):  # quiet for a while: say so, or end
                await asyncio.wait_for(watch.moved.wait(), timeout=max(quiet, 0))
    finally:
        _unwatch(watch)
