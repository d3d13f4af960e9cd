"""New comments while reading, streamed: the story page's server-sent events
(`comments/stream/`), served as an ASGI server serves them. Who may read what is proven with
every other read path in tests/test_visibility.py; the poll it falls back to is in
test_live.py; two server processes and a browser are in tests/browser/test_live_thread.py."""

import asyncio
import time

import pytest
from django.test import AsyncClient, Client

from ladle.comments import live
from ladle.comments.live import close_stream_connections
from tests.conftest import (
    client_for,
    make_comment,
    make_member,
    make_story,
    run_async_on_a_thread_of_its_own,
    stream_events,
)

pytestmark = pytest.mark.django_db(transaction=True)  # the stream reads on a thread of its own


@pytest.fixture(autouse=True)
def quick_streams(settings):
    settings.LADLE_LIVE_STREAM_CHECK = 0.05
    settings.LADLE_LIVE_STREAM_SECONDS = 10
    yield
    close_stream_connections()


def stream(story, **query) -> str:
    after = query.get("after", 0)
    return f"/story/{story.pk}/comments/stream/?after={after}"


def comment_events(events):
    return [e for e in events if e.get("event") == "comments"]


def test_a_comment_posted_while_the_stream_is_open_arrives_within_a_moment_marked_new():
    story = make_story("Alive")
    first = make_comment(story, subject="Already on the page")
    posted = {}

    def post_a_reply():
        posted["at"] = time.monotonic()
        make_comment(story, parent=first, subject="Arrived while reading")

    response, events = stream_events(
        client_for(make_member()),
        stream(story, after=first.number),
        during=post_a_reply,
        until=comment_events,
    )
    arrived = time.monotonic()
    assert response.status_code == 200
    assert response["Content-Type"] == "text/event-stream"
    assert response["Cache-Control"] == "private, no-cache"
    assert events[0] == {"retry": "3000"}
    (event,) = comment_events(events)
    assert event["id"] == "2"
    assert "Arrived while reading" in event["data"] and "[new]" in event["data"]
    assert "Already on the page" not in event["data"]
    assert f'data-parent="{first.anchor}"' in event["data"]
    assert arrived - posted["at"] < 2


def test_streamed_comments_show_their_times_in_the_readers_own_zone():
    story = make_story("Far away")
    make_comment(story, subject="Posted at home")
    reader = client_for(make_member("Tokyo reader", time_zone="Asia/Tokyo"))
    _, events = stream_events(reader, stream(story), until=comment_events)
    assert " JST</p>" in comment_events(events)[0]["data"]


def test_what_landed_before_the_stream_opened_comes_first_and_only_once():
    story = make_story("Busy")
    for n in range(3):
        make_comment(story, subject=f"Comment {n + 1}")
    seen = []

    def post_one_more():
        make_comment(story, subject="Comment 4")

    _, events = stream_events(
        Client(),
        stream(story, after=1),
        during=post_one_more,
        until=lambda events: any('id="c4"' in e["data"] for e in comment_events(events)),
    )
    for event in comment_events(events):
        seen += [n for n in range(1, 5) if f'id="c{n}"' in event["data"]]
    assert seen == [2, 3, 4]  # in one event or two, as the post fell
    assert comment_events(events)[-1]["id"] == "4"


def test_a_browser_opening_the_stream_again_gets_only_what_it_missed_after_its_last_event():
    story = make_story("Reconnected")
    for n in range(3):
        make_comment(story, subject=f"Comment {n + 1}")
    _, events = stream_events(
        Client(),
        stream(story, after=0),  # the address the page opened first
        headers={"Last-Event-ID": "2"},
        until=comment_events,
    )
    (event,) = comment_events(events)
    assert 'id="c3"' in event["data"] and 'id="c2"' not in event["data"]


def test_a_stream_ends_after_its_time_and_says_it_is_there_while_quiet(settings, monkeypatch):
    settings.LADLE_LIVE_STREAM_SECONDS = 0.3
    monkeypatch.setattr("ladle.comments.live.KEEPALIVE", 0.1)
    story = make_story("Quiet")
    started = time.monotonic()
    response, events = stream_events(Client(), stream(story))
    assert response.status_code == 200
    assert time.monotonic() - started < 3
    assert events[0] == {"retry": "3000"}
    assert {"": "still here"} in events
    assert not comment_events(events)


@pytest.mark.parametrize("bad", ["abc", "-1", "1e9", "99999999999999999999", "", "٣"])
def test_any_after_or_last_event_id_is_read_as_a_number_or_as_zero(bad):
    story = make_story("Odd")
    make_comment(story, subject="The one")
    _, events = stream_events(
        Client(),
        f"/story/{story.pk}/comments/stream/?after={bad}",
        headers={"Last-Event-ID": bad} if bad.isascii() else {},
        until=comment_events,
    )
    assert "The one" in comment_events(events)[0]["data"]


def test_a_story_that_is_not_there_has_no_stream():
    response, _ = stream_events(Client(), "/story/999999/comments/stream/")
    assert response.status_code == 404


def test_a_wsgi_server_answers_204_so_the_page_polls_instead():
    story = make_story("Served by WSGI")
    response = Client().get(stream(story))
    assert response.status_code == 204


def test_every_stream_open_on_a_story_shares_one_check_of_its_thread(settings, monkeypatch):
    """Five readers on one story for 0.6 s, a check every 0.05 s: about 12 reads of the
    thread's revision in all, not 12 for each reader."""
    settings.LADLE_LIVE_STREAM_SECONDS = 0.6
    story = make_story("Crowded")
    make_comment(story, subject="Seen by all five")
    reads = []
    real = live._revision
    monkeypatch.setattr(live, "_revision", lambda pk: reads.append(pk) or real(pk))
    got = []

    async def crowd():
        async def reader():
            response = await AsyncClient().get(stream(story))
            async for chunk in response.streaming_content:
                got.append(chunk)

        await asyncio.gather(*(reader() for _ in range(5)))

    run_async_on_a_thread_of_its_own(crowd)
    assert sum(b"Seen by all five" in chunk for chunk in got) == 5
    assert 5 <= len(reads) <= 20
