"""New comments for a page that is open: what the thread's "N new comments" bar is fed.

A page gets them one of two ways, both answering from the database (so any server process
answers the same):

- a stream of server-sent events (`events`), where the server checks the thread's revision
  every moment and sends each batch as it lands;
- a poll (`news` from a plain view, with the thread's revision in its ETag), the fallback for
  browsers without EventSource and for servers that cannot hold a stream open.
"""

import asyncio
import time
from collections.abc import AsyncIterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from asgiref.sync import sync_to_async
from django.conf import settings
from django.db import close_old_connections, connections
from django.template.loader import render_to_string
from django.utils import timezone

from ladle.stories.models import Story

from .threads import posted_after

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
# A check is one query by primary key; only a thread that moved costs a rendering.

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


async def events(request, story: Story, after: int, zone) -> AsyncIterator[bytes]:
    """The reader's new comments as they land, for a while (the browser opens the stream
    again, saying the last comment it got): first what landed since their page was made,
    then each batch within a moment of its commit, with times in `zone` (the reader's, as
    their request had it: the stream runs outside the request)."""
    yield f"retry: {RETRY_MS}\n\n".encode()
    ends = time.monotonic() + settings.LADLE_LIVE_STREAM_SECONDS
    said = time.monotonic()
    seen: int | None = None
    while time.monotonic() < ends:
        revision = await _on_stream_thread(_revision)(story.pk)
        if revision is None:
            return  # the story is gone
        if revision != seen:
            got = await _on_stream_thread(_news_in)(zone, story, request, after)
            # The revision is read before the comments: one landing in between is sent now,
            # and the next check finds nothing more.
            seen = None if got.more else revision
            if got.count:
                after = got.last
                said = time.monotonic()
                yield event(got.html, name="comments", id=got.last)
                if got.more:
                    continue
        if time.monotonic() - said >= KEEPALIVE:
            said = time.monotonic()
            yield b": still here\n\n"
        await asyncio.sleep(settings.LADLE_LIVE_STREAM_CHECK)
