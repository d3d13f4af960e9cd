"""Moderation in the site: remove and restore comments, hide and restore stories, suspend and
lift, flags and their queue, staff notes. Every action is on the public log and its feed,
with the moderator's name and the reason."""

from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from ladle.accounts.models import User
from ladle.comments.models import Comment
from ladle.moderation.models import Flag
from ladle.stories.models import Story
from tests.conftest import client_for, make_comment, make_editor, make_member, make_story

pytestmark = pytest.mark.django_db


@pytest.fixture
def scene():
    editor = make_editor("Mod Erator")
    member = make_member("Plain Member")
    story = make_story("A story to moderate")
    comment = make_comment(story, subject="Rude words")
    return editor, member, story, comment


ACTIONS = [
    # (what, url from the scene, the form, the log's wording)
    ("remove a comment", lambda s: f"{s[3].get_absolute_url()}remove/", {}, "removed"),
    ("restore it", lambda s: f"{s[3].get_absolute_url()}restore/", {}, "restored"),
    ("hide a story", lambda s: f"/story/{s[2].pk}/moderate/", {}, "hid"),
    ("restore the story", lambda s: f"/story/{s[2].pk}/moderate/", {}, "restored"),
    ("suspend a member", lambda s: "/user/Plain Member/suspend/", {"days": "7"}, "suspended"),
    ("lift the suspension", lambda s: "/user/Plain Member/lift/", {}, "lifted the suspension"),
]


def test_every_moderator_action_is_on_the_log_and_its_feed_with_name_and_reason(scene):
    editor = scene[0]
    client = client_for(editor)
    for n, (what, url, form, wording) in enumerate(ACTIONS):
        reason = f"Reason number {n} for {what}"
        assert client.post(url(scene), {**form, "reason": ""}).status_code == 400  # a reason
        response = client.post(url(scene), {**form, "reason": reason})
        assert response.status_code == 302, what
        log = Client().get("/moderation/").content.decode()
        assert reason in log and "Mod Erator" in log and wording in log, what
        feed = Client().get("/moderation/feed/").content.decode()
        assert reason in feed and "Mod Erator" in feed, what


def test_a_hidden_story_is_gone_for_readers_until_restored(scene):
    editor, _, story, _ = scene
    client_for(editor).post(f"/story/{story.pk}/moderate/", {"reason": "Spam."})
    assert Story.objects.get(pk=story.pk).status == Story.Status.HIDDEN
    assert Client().get(story.get_absolute_url()).status_code == 404
    client_for(editor).post(f"/story/{story.pk}/moderate/", {"reason": "Not spam after all."})
    assert Client().get(story.get_absolute_url()).status_code == 200


def test_a_removed_comment_comes_back_whole_when_restored(scene):
    editor, _, story, comment = scene
    client = client_for(editor)
    client.post(f"{comment.get_absolute_url()}remove/", {"reason": "Rude."})
    assert "Rude words" not in Client().get(story.get_absolute_url()).content.decode()
    client.post(f"{comment.get_absolute_url()}restore/", {"reason": "Misread it."})
    restored = Comment.objects.get(pk=comment.pk)
    assert restored.state == Comment.State.SHOWN and restored.removal_reason == ""
    assert "Rude words" in Client().get(story.get_absolute_url()).content.decode()


def test_a_suspension_for_a_time_ends_by_itself(scene):
    editor, member, story, _ = scene
    client_for(editor).post("/user/Plain Member/suspend/", {"reason": "Cool off.", "days": "1"})
    member.refresh_from_db()
    refusal = member.suspension_refusal()
    assert "suspended until" in refusal and "Cool off." in refusal
    page = client_for(member).get(member.get_absolute_url()).content.decode()
    assert "Cool off." in page  # the member sees why and until when
    with time_machine.travel(timezone.now() + timedelta(days=1, minutes=1)):
        assert not User.objects.get(pk=member.pk).is_suspended()


def test_members_flag_and_moderators_resolve_flags_in_the_queue(scene):
    editor, member, story, comment = scene
    other = make_member("Second Flagger")
    for flagger, reason in ((member, "Insults me"), (other, "Off topic")):
        response = client_for(flagger).post(
            f"{comment.get_absolute_url()}flag/", {"reason": reason}
        )
        assert response.status_code == 302
    again = client_for(member).post(f"{comment.get_absolute_url()}flag/", {"reason": "Again"})
    assert "already flagged" in again.content.decode()
    assert Client().get("/moderation/queue/").status_code == 302  # to log in
    assert client_for(member).get("/moderation/queue/").status_code == 403
    queue = client_for(editor).get("/moderation/queue/").content.decode()
    assert "2 flags" in queue and "Insults me" in queue and "Off topic" in queue
    client_for(editor).post(f"{comment.get_absolute_url()}remove/", {"reason": "Insults."})
    assert not Flag.objects.filter(resolved_at__isnull=True).exists()
    assert "Nothing is flagged" in client_for(editor).get("/moderation/queue/").content.decode()
    # A flagged story, dismissed: the flags close and the log says so.
    client_for(member).post(f"/story/{story.pk}/flag/", {"reason": "Old news"})
    client_for(editor).post(
        f"/moderation/queue/story/{story.pk}/dismiss/", {"reason": "It is news."}
    )
    assert not Flag.objects.filter(resolved_at__isnull=True).exists()
    assert "dismissed the flags on" in Client().get("/moderation/").content.decode()


def test_staff_notes_are_for_staff_only(scene):
    editor, member, _, _ = scene
    client_for(editor).post("/user/Plain Member/note/", {"text": "Warned by mail on Monday."})
    assert "Warned by mail" in client_for(editor).get("/user/Plain Member/").content.decode()
    assert "Warned by mail" not in client_for(member).get("/user/Plain Member/").content.decode()
    assert "Warned by mail" not in Client().get("/user/Plain Member/").content.decode()
    refused = client_for(member).post("/user/Plain Member/note/", {"text": "Sneaky."})
    assert refused.status_code == 403
