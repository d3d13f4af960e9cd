"""Diaries, story versions, the hotlist, [new] markers and listing query counts."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from ladle.comments.models import Comment
from ladle.stories.models import Hotlist, StoryVersion
from ladle.stories.services import (
    add_to_hotlist,
    promote_to_front_page,
    save_story,
    submit_story,
    write_diary_entry,
)
from tests.conftest import (
    client_for,
    main_of,
    make_comment,
    make_editor,
    make_member,
    make_section,
    make_story,
)

pytestmark = pytest.mark.django_db


def diary_entry(author, title="Dear diary", **kwargs):
    return write_diary_entry(author=author, title=title, intro="Today I...", **kwargs)


def test_diary_entry_is_published_in_the_diary_but_not_on_the_front_page(client):
    author = make_member("Diarist")
    entry = diary_entry(author, title="My quiet day")
    assert entry.is_published() and entry.is_diary and not entry.front_page
    assert "My quiet day" in main_of(client.get("/user/Diarist/diary/"))
    assert "My quiet day" in main_of(client.get("/section/diaries/"))
    assert "My quiet day" not in main_of(client.get("/"))
    assert client.get(entry.get_absolute_url()).status_code == 200


def test_diary_navigation_stays_within_the_authors_diary(client):
    author, other = make_member("Writer A"), make_member("Writer B")
    first = diary_entry(author, title="A first")
    diary_entry(other, title="B between")
    second = diary_entry(author, title="A second")
    from ladle.stories.models import Story

    Story.objects.filter(pk=first.pk).update(published_at=timezone.now() - timedelta(hours=2))
    page = main_of(client.get(second.get_absolute_url()))
    nav = page.split('class="story-nav"')[1].split("</nav>")[0]
    assert "A first" in nav and "B between" not in nav


def test_only_the_member_writes_in_their_diary():
    owner, stranger = make_member("Owner"), make_member()
    assert client_for(stranger).get("/user/Owner/diary/new/").status_code == 403
    assert Client().get("/user/Owner/diary/new/").status_code == 302  # to log in
    response = client_for(owner).post(
        "/user/Owner/diary/new/", {"title": "Posted", "intro": "Words"}
    )
    assert response.status_code == 302
    with pytest.raises(PermissionDenied):
        diary_entry(make_member(confirmed=False))


def test_diary_form_errors_keep_the_text():
    owner = make_member("Keeper")
    response = client_for(owner).post("/user/Keeper/diary/new/", {"title": "", "intro": "Kept"})
    page = response.content.decode()
    assert "Give the story a title." in page and "Kept" in page


def test_editor_promotes_a_diary_entry_to_the_front_page(client):
    entry = diary_entry(make_member(), title="Promoted entry")
    with pytest.raises(PermissionDenied):
        promote_to_front_page(story=entry, editor=make_member())
    response = client_for(make_editor()).post(f"/editor/story/{entry.pk}/promote/")
    assert response.status_code == 302
    assert "Promoted entry" in main_of(client.get("/"))


def test_saving_a_published_story_keeps_the_previous_version(client):
    editor = make_editor("Ed")
    story = make_story("Original title", body="Line one\nLine two", editor=editor)
    save_story(
        editor=editor,
        story=story,
        title="New title",
        intro=story.intro,
        body="Line one\nLine 2",
        section=story.section,
        status="published",
    )
    version = StoryVersion.objects.get(story=story)
    assert version.title == "Original title" and version.changed_by == editor
    page = main_of(client.get(f"/story/{story.pk}/history/"))
    assert "Ed</a>" in page
    assert "<del>- Line two</del>" in page and "<ins>+ Line 2</ins>" in page
    assert "<del>- Original title</del>" in page


def test_drafts_keep_no_versions():
    editor = make_editor()
    story = make_story(status="draft", editor=editor)
    save_story(editor=editor, story=story, title="Still a draft", intro="x", section=story.section)
    assert not StoryVersion.objects.exists()


def test_hotlist_shows_comment_and_new_counts():
    member = make_member()
    story = make_story("Followed story")
    make_comment(story)
    client = client_for(member)
    client.post(f"/hotlist/{story.pk}/")
    assert Hotlist.objects.filter(member=member, story=story).exists()
    client.get(story.get_absolute_url())  # a visit
    make_comment(story)
    make_comment(story)
    page = main_of(client.get("/hotlist/"))
    assert "Followed story" in page and "3 comments, 2 new" in page
    client.post(f"/hotlist/{story.pk}/", {"action": "remove"})
    assert not Hotlist.objects.exists()


def test_anonymous_readers_have_no_hotlist():
    story = make_story()
    assert Client().post(f"/hotlist/{story.pk}/").status_code == 302
    assert Client().get("/hotlist/").status_code == 302
    with pytest.raises(PermissionDenied):
        from django.contrib.auth.models import AnonymousUser

        add_to_hotlist(member=AnonymousUser(), story=story)


def test_comments_since_the_previous_visit_are_marked_new():
    story = make_story()
    old = make_comment(story, subject="Seen before")
    member = make_member()
    client = client_for(member)
    first = main_of(client.get(story.get_absolute_url(), {"display": "nested"}))
    assert "[new]" not in first  # a first visit marks nothing
    Comment.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(minutes=5))
    make_comment(story, subject="Posted since")
    page = main_of(client.get(story.get_absolute_url(), {"display": "nested"}))
    since = page.index("Posted since")
    assert "[new]" in page[since : since + 300]
    assert "[new]" not in page[page.index("Seen before") : page.index("Seen before") + 200]


def test_listing_says_how_many_comments_are_new():
    story = make_story("Busy story", body="Some body")
    member = make_member()
    client = client_for(member)
    client.get(story.get_absolute_url())
    make_comment(story)
    assert "(1 comment, 1 new, 2 words in story)" in main_of(client.get("/"))


def _listing_queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize("as_member", [False, True])
def test_listing_pages_cost_the_same_however_many_stories_and_comments(as_member):
    section = make_section("News")
    member = make_member("Lister")
    client = client_for(member) if as_member else Client()
    editor = make_editor()
    submitter = make_member()

    def add(n):
        for i in range(n):
            story = make_story(f"Story {i}", section=section, editor=editor)
            make_comment(story)
            diary_entry(member, title=f"Diary {i}")
            submit_story(author=submitter, title=f"Queued {i}", intro="x", section=section)
            Hotlist.objects.get_or_create(member=member, story=story)
            client.get(story.get_absolute_url())  # visited: the new counts are computed

    urls = ["/", "/section/news/", "/user/Lister/diary/", "/queue/"]
    if as_member:
        urls.append("/hotlist/")
    add(1)
    small = {url: _listing_queries(client, url) for url in urls}
    add(7)
    for url in urls:
        assert _listing_queries(client, url) == small[url], url
