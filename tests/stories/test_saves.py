"""A story save writes only what it computed: editors and the admin never break a busy story."""

import pytest
from django.test import Client
from django.utils import timezone

from ladle.comments.models import Comment
from ladle.moderation.models import LogEntry
from ladle.stories.models import Story, StoryVersion
from ladle.stories.services import save_story
from tests.conftest import (
    client_for,
    make_comment,
    make_editor,
    make_member,
    make_story,
    run_at_once,
)

POSTERS = SAVES = 20


def make_admin():
    admin = make_editor()
    admin.is_staff = admin.is_superuser = True
    admin.save(update_fields=["is_staff", "is_superuser"])
    return admin


def editor_form(story: Story, title: str) -> dict:
    return {
        "title": title,
        "section": story.section_id,
        "intro": story.intro,
        "body": story.body,
        "status": Story.Status.PUBLISHED,
        "front_page": "on",
        "published_at": "",
        "comment_status": story.comment_status,
    }


def admin_form(story: Story, title: str) -> dict:
    shown = timezone.localtime(story.published_at)  # the admin reads times in the site's zone
    return {
        **editor_form(story, title),
        "published_at_0": shown.strftime("%Y-%m-%d"),
        "published_at_1": shown.strftime("%H:%M:%S"),
    }


@pytest.mark.django_db(transaction=True)
def test_posts_all_succeed_while_an_editor_and_an_admin_save_the_story():
    story = make_story()
    editor, admin = client_for(make_editor()), client_for(make_admin())
    posters = [client_for(make_member()) for _ in range(POSTERS)]
    url = f"/story/{story.pk}/comments/new/"

    def poster(client, i):
        post = {"subject": f"Poster {i}", "body": "At once!", "markup": "markdown", "post": "1"}
        return lambda: client.post(url, post).status_code

    def editor_saves():
        return [
            editor.post(f"/editor/story/{story.pk}/", editor_form(story, f"Edit {i}")).status_code
            for i in range(SAVES)
        ]

    def admin_saves():
        change = f"/admin/stories/story/{story.pk}/change/"
        return [admin.post(change, admin_form(story, f"Admin {i}")).status_code for i in range(5)]

    results = run_at_once(
        [poster(c, i) for i, c in enumerate(posters)] + [editor_saves, admin_saves]
    )
    assert results[:POSTERS] == [302] * POSTERS
    assert results[POSTERS] == [302] * SAVES and results[POSTERS + 1] == [302] * 5
    numbers = sorted(Comment.objects.filter(story=story).values_list("number", flat=True))
    assert numbers == list(range(1, POSTERS + 1))
    story.refresh_from_db()
    assert story.last_comment_number == story.comment_count == POSTERS
    # Every save of the published story kept the text it replaced.
    assert StoryVersion.objects.filter(story=story).count() == SAVES + 5
    # ... and the story still takes comments.
    assert make_comment(story).number == POSTERS + 1


@pytest.mark.django_db
def test_saving_a_story_read_before_comments_arrived_keeps_the_counters():
    story = make_story()
    stale = Story.objects.get(pk=story.pk)  # as an editor's request read it
    make_comment(story)
    make_comment(story)
    save_story(
        editor=make_editor(),
        story=stale,
        title="New title",
        intro=stale.intro,
        section=stale.section,
        status=stale.status,
    )
    story.refresh_from_db()
    assert story.title == "New title"
    assert story.last_comment_number == story.comment_count == 2
    assert make_comment(story).number == 3


@pytest.mark.django_db
def test_an_admin_edit_of_a_comment_reaches_anonymous_readers_on_the_next_request():
    story = make_story()
    comment = make_comment(story, subject="Before", body="The old text.")
    anonymous = Client()
    assert "The old text." in anonymous.get(story.get_absolute_url()).content.decode()
    response = client_for(make_admin()).post(
        f"/admin/comments/comment/{comment.pk}/change/",
        {"subject": "After", "body": "The corrected text."},
    )
    assert response.status_code == 302 and response["Location"] == "/admin/comments/comment/"
    page = anonymous.get(story.get_absolute_url()).content.decode()
    assert "The corrected text." in page and "The old text." not in page
    # The correction is on the public moderation log, and search finds the new text.
    assert LogEntry.objects.filter(action="correct_comment").count() == 1
    results = anonymous.get("/search/", {"q": "corrected"}).content.decode()
    assert comment.get_absolute_url() in results


@pytest.mark.django_db
def test_an_admin_edit_of_a_story_keeps_a_version_and_updates_search():
    story = make_story("Original title")
    admin = client_for(make_admin())
    response = admin.post(
        f"/admin/stories/story/{story.pk}/change/", admin_form(story, "Renamed by admin")
    )
    assert response.status_code == 302
    assert StoryVersion.objects.get(story=story).title == "Original title"
    results = Client().get("/search/", {"q": "Renamed"}).content.decode()
    assert f'href="{story.get_absolute_url()}"' in results


@pytest.mark.django_db
def test_the_repair_migration_puts_broken_counters_right():
    import importlib

    from django.apps import apps

    from ladle.comments.services import rate_comment

    repair = importlib.import_module("ladle.stories.migrations.0005_counters").repair_counters
    story = make_story()
    hidden = make_comment(story)
    make_comment(story, parent=hidden)
    make_comment(story)
    rate_comment(comment=hidden, rater=make_editor(), value=0)
    # What a whole-row save of a stale story used to leave behind.
    Story.objects.filter(pk=story.pk).update(
        last_comment_number=1, comment_count=0, hidden_comment_count=0
    )
    repair(apps, None)
    story.refresh_from_db()
    assert (story.last_comment_number, story.comment_count, story.hidden_comment_count) == (3, 3, 2)
    assert make_comment(story).number == 4
