"""Each comment's HTML is cached once for every reader and the reader's own parts filled in
(comments.threads.render_comments). The pages must be exactly the pages rendered without the
cache, for every kind of reader, and must change the moment a comment, a rating or a
member's name does."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.core.cache import caches
from django.test import Client
from django.utils import timezone

from ladle.accounts.services import save_member_fields
from ladle.comments import threads
from ladle.comments.services import edit_comment, rate_comment, remove_comment
from ladle.comments.threads import SLOTS, forget_local
from ladle.stories.models import StoryVisit
from tests.conftest import client_for, main_of, make_comment, make_editor, make_member, make_story

MODES = ["threaded", "nested", "minimal", "flat", "flat_unthreaded"]
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')


def trusted(name, choice):
    return make_member(name, mojo=4.5, mojo_comment_count=12, hidden_comments=choice)


@pytest.fixture
def thread():
    """A thread with every state a comment can show: rated, hidden (with a reply), removed,
    edited, the reader's own, a guest's, and a rating by one of the readers."""
    story = make_story("Cached harbour")
    author, rater = make_member("Author"), make_member("Rater")
    hiders = [trusted(f"Hider {n}", "never") for n in range(2)]
    staff = make_editor("Staff")
    first = make_comment(story, author=make_member("Writer"), subject="First", body="«first»")
    make_comment(story, author=author, parent=first, subject="Mine", body="«mine»")
    rate_comment(comment=first, rater=rater, value=4)
    hidden = make_comment(story, subject="Hidden", body="«hidden»")
    make_comment(story, parent=hidden, subject="Under hidden", body="«under»")
    for hider in hiders:
        rate_comment(comment=hidden, rater=hider, value=0)
    removed = make_comment(story, subject="Removed", body="«removed»")
    remove_comment(comment=removed, moderator=staff, reason="off topic")
    readers = {
        "anonymous": None,
        "author": author,
        "rater": rater,
        "trusted_until_rated": trusted("Until", "until_rated"),
        "trusted_always": trusted("Always", "always"),
        "trusted_never": trusted("Never", "never"),
        "staff": staff,
        "menus": make_member("Menus", rating_control="menus"),  # a rating menu on every comment
    }
    return story, readers


def rename(member, name):
    """As the profile page does it."""
    member.display_name = name
    save_member_fields(member=member, fields=["display_name"])


def page(story, member, mode) -> str:
    client = client_for(member) if member else Client()
    html = main_of(client.get(story.get_absolute_url(), {"display": mode}))
    return CSRF.sub('name="csrfmiddlewaretoken" value="…"', html)


def uncached(settings, story, member, mode) -> str:
    settings.LADLE_COMMENT_CACHE = False
    caches["default"].clear()
    forget_local()
    try:
        return page(story, member, mode)
    finally:
        settings.LADLE_COMMENT_CACHE = True
        caches["default"].clear()


@pytest.mark.django_db
@pytest.mark.parametrize("mode", MODES)
def test_every_reader_gets_the_page_the_templates_render_without_the_cache(settings, thread, mode):
    story, readers = thread
    for name, member in readers.items():
        expected = uncached(settings, story, member, mode)
        page(story, member, mode)  # fills the cache
        assert page(story, member, mode) == expected, name  # served from it
        for slot in SLOTS.values():
            assert slot not in expected


@pytest.mark.django_db
def test_the_authors_edit_link_follows_the_edit_window_with_the_cache_warm(settings, thread):
    story, readers = thread
    author = readers["author"]
    assert ">Edit</a>" in page(story, author, "nested")
    later = timezone.now() + timedelta(minutes=settings.LADLE_COMMENT_EDIT_MINUTES + 1)
    with time_machine.travel(later):
        after = page(story, author, "nested")
        assert ">Edit</a>" not in after
        assert after == uncached(settings, story, author, "nested")


@pytest.mark.django_db
def test_a_post_rating_edit_removal_or_rename_shows_at_once_to_every_reader(thread):
    story, readers = thread
    for member in readers.values():  # every kind of reader has the thread cached
        page(story, member, "nested")
    writer = make_member("Late Writer")
    comment = make_comment(story, author=writer, subject="Late", body="«late»")
    changes = [
        lambda: None,  # the post itself
        lambda: rate_comment(comment=comment, rater=readers["rater"], value=5),
        lambda: edit_comment(comment=comment, editor=writer, subject="Late", body="«edited»"),
        lambda: rename(writer, "Renamed"),
        lambda: remove_comment(comment=comment, moderator=readers["staff"], reason="spam"),
    ]
    seen = ["«late»", "5.00", "«edited»", "Renamed", "Removed by a moderator: spam"]
    for change, expected in zip(changes, seen, strict=True):
        change()
        for name, member in readers.items():
            assert expected in page(story, member, "nested"), (expected, name)


@pytest.mark.django_db
def test_a_renamed_member_is_found_under_the_new_name():
    story = make_story()
    writer = make_member("Old Name")
    make_comment(story, author=writer, subject="Harbour", body="«tides»")
    rename(writer, "New Name")
    found = main_of(Client().get("/search/", {"q": "tides"}))
    assert "New Name" in found and "Old Name" not in found


@pytest.mark.django_db
@pytest.mark.parametrize("mode", ["nested", "threaded"])
def test_new_comments_and_an_authors_own_hidden_comment_match_the_uncached_page(
    settings, thread, mode
):
    """A member's page is their kind's page with their own, rated and new comments rendered
    for them; an author whose comment is hidden sees it, so theirs is laid out apart."""
    story, readers = thread
    members = {name: member for name, member in readers.items() if member}
    own_hidden = make_comment(story, author=members["author"], subject="Buried", body="«b»")
    for hider in ("trusted_never", "staff"):
        rate_comment(comment=own_hidden, rater=members[hider], value=0 if hider != "staff" else 1)
    for member in members.values():
        page(story, member, mode)  # a visit: what comes later is new to them
    make_comment(story, author=make_member("Late"), subject="Late", body="«late»")
    for name, member in members.items():
        visit = StoryVisit.objects.get(member=member, story=story)
        expected = uncached(settings, story, member, mode)
        StoryVisit.objects.filter(pk=visit.pk).update(last_visit=visit.last_visit)
        page(story, member, "minimal")  # another display warms the kind's other pages
        StoryVisit.objects.filter(pk=visit.pk).update(last_visit=visit.last_visit)
        assert page(story, member, mode) == expected, name
        assert "[new]" in expected, name
    assert "«b»" in page(story, members["author"], "nested")  # their own, hidden to others


@pytest.mark.django_db
def test_what_a_process_keeps_stays_within_its_size_in_bytes_and_pages_stay_whole(settings):
    """Members reading many long threads: each comment's HTML, the threads' rows and the
    kinds' pages stay within LADLE_COMMENT_CACHE_MB, oldest use dropped first; a page whose
    copies were dropped is made again, whole."""
    settings.LADLE_COMMENT_CACHE_MB = 1
    budget = 1024 * 1024
    forget_local()
    reader = client_for(make_member("Reader"))
    stories = []
    for n in range(4):
        story = make_story(f"Long thread {n}")
        for m in range(30):
            make_comment(story, subject=f"Part {m}", body=f"«{n}-{m}» " + "words " * 700)
        stories.append(story)
    for story in stories:
        for mode in ("threaded", "nested"):
            url = f"{story.get_absolute_url()}?display={mode}"
            assert reader.get(url).status_code == 200
    assert 0 < threads._local_bytes <= budget // 3
    assert sum(rows.size() for rows in threads._rows.values()) <= budget * 2 // 3
    assert 0 < len(threads._rows) < len(stories)  # the oldest were dropped
    page = reader.get(stories[0].get_absolute_url()).content.decode()
    assert all(f"«0-{m}»" in page for m in range(30))
