"""Feeds parse with a real feed parser and hold exactly the published items, newest first."""

from datetime import timedelta

import feedparser
import pytest
from django.utils import timezone

from ladle.comments.services import rate_comment
from ladle.stories.models import Topic
from ladle.stories.services import submit_story, write_diary_entry
from tests.conftest import make_comment, make_editor, make_member, make_section, make_story

pytestmark = pytest.mark.django_db


def parse(client, url):
    response = client.get(url)
    assert response.status_code == 200
    feed = feedparser.parse(response.content)
    assert not feed.bozo, feed.bozo_exception
    return feed


def titles(feed):
    return [entry.title for entry in feed.entries]


@pytest.fixture
def site():
    books = Topic.objects.create(name="Books", slug="books")
    news = make_section("News")
    meta = make_section("Meta", on_front_page=False)
    make_story("Oldest", section=news, age_hours=5, topics=[books])
    make_story("Middle", section=news, age_hours=3, body="More text")
    make_story("Newest", section=news, age_hours=1, topics=[books])
    make_story("Behind the scenes", section=meta, age_hours=2)
    make_story("A draft", section=news, status="draft")
    make_story("Scheduled", section=news, published_at=timezone.now() + timedelta(days=1))
    submit_story(author=make_member(), title="Queued", intro="x", section=news)
    return news, meta, books


@pytest.mark.parametrize("kind", ["rss", "atom"])
def test_front_page_feed(client, site, kind):
    feed = parse(client, f"/feeds/{kind}/")
    assert feed.version == ("rss20" if kind == "rss" else "atom10")
    assert titles(feed) == ["Newest", "Middle", "Oldest"]
    assert feed.entries[0].link.endswith("/newest/")


@pytest.mark.parametrize("kind", ["rss", "atom"])
def test_section_and_topic_feeds(client, site, kind):
    assert titles(parse(client, f"/section/meta/{kind}/")) == ["Behind the scenes"]
    assert titles(parse(client, f"/section/news/{kind}/")) == ["Newest", "Middle", "Oldest"]
    assert titles(parse(client, f"/topic/books/{kind}/")) == ["Newest", "Oldest"]


@pytest.mark.parametrize("kind", ["rss", "atom"])
def test_diary_feed(client, kind):
    author = make_member("Feeder")
    write_diary_entry(author=author, title="First entry", intro="x")
    write_diary_entry(author=make_member(), title="Someone else", intro="x")
    assert titles(parse(client, f"/user/Feeder/diary/{kind}/")) == ["First entry"]


@pytest.mark.parametrize("kind", ["rss", "atom"])
def test_story_comments_feed_leaves_out_hidden_comments(client, kind):
    story = make_story()
    make_comment(story, subject="First")
    hidden = make_comment(story, subject="Hidden one")
    rate_comment(comment=hidden, rater=make_editor(), value=0)
    make_comment(story, subject="Third")
    feed = parse(client, f"/story/{story.pk}/comments/{kind}/")
    assert titles(feed) == ["Third (#3)", "First (#1)"]


def test_feeds_of_unknown_things_are_404(client):
    for url in (
        "/section/nope/rss/",
        "/topic/nope/atom/",
        "/user/Nobody/diary/rss/",
        "/story/999/comments/rss/",
    ):
        assert client.get(url).status_code == 404


def test_pages_announce_their_feeds(client, site):
    front = client.get("/").content.decode()
    assert 'type="application/rss+xml"' in front and 'href="/feeds/atom/"' in front
    section = client.get("/section/meta/").content.decode()
    assert 'href="/section/meta/rss/"' in section
    story = make_story("With comments")
    page = client.get(story.get_absolute_url()).content.decode()
    assert f'href="/story/{story.pk}/comments/atom/"' in page
