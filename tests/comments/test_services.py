from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from ladle.comments.models import Comment
from ladle.comments.services import (
    delete_comment,
    edit_comment,
    post_comment,
    rate_comment,
    remove_comment,
)
from ladle.moderation.models import LogEntry
from ladle.stories.models import Story
from tests.conftest import make_comment, make_editor, make_member, make_story

pytestmark = pytest.mark.django_db


def test_comments_are_numbered_per_story_in_posting_order():
    first, second = make_story("First"), make_story("Second")
    a = make_comment(first)
    b = make_comment(second)
    c = make_comment(first, parent=a)
    assert (a.number, c.number, b.number) == (1, 2, 1)


def test_reply_sits_one_level_below_its_parent_and_counts():
    story = make_story()
    top = make_comment(story)
    reply = make_comment(story, parent=top)
    deeper = make_comment(story, parent=reply)
    top.refresh_from_db()
    story.refresh_from_db()
    assert (top.depth, reply.depth, deeper.depth) == (0, 1, 2)
    assert top.reply_count == 1 and story.comment_count == 3


def test_subject_over_fifty_characters_is_refused_with_the_reason():
    with pytest.raises(ValidationError) as error:
        make_comment(make_story(), subject="x" * 51)
    assert "at most 50 characters" in str(error.value.message_dict["subject"])


def test_empty_body_is_refused():
    with pytest.raises(ValidationError) as error:
        make_comment(make_story(), body="   ")
    assert "body" in error.value.message_dict


def test_unconfirmed_accounts_cannot_post():
    with pytest.raises(PermissionDenied):
        make_comment(make_story(), author=make_member(confirmed=False))


@pytest.mark.parametrize("status", [Story.CommentStatus.READ_ONLY, Story.CommentStatus.DISABLED])
def test_closed_stories_take_no_comments(status):
    with pytest.raises(PermissionDenied):
        make_comment(make_story(comment_status=status))


def test_scheduled_stories_take_no_comments():
    story = make_story(published_at=timezone.now() + timedelta(days=1))
    with pytest.raises(PermissionDenied):
        make_comment(story)


def test_reply_to_a_comment_of_another_story_is_refused():
    other = make_comment(make_story("Other"))
    with pytest.raises(ValidationError):
        make_comment(make_story("This"), parent=other)


def test_author_edits_within_the_window_and_it_is_marked():
    comment = make_comment(make_story(), body="old")
    edited = edit_comment(comment=comment, editor=comment.author, subject="New", body="*new*")
    assert edited.edited_at is not None and "<em>new</em>" in edited.body_html


def test_editing_after_fifteen_minutes_is_refused():
    comment = make_comment(make_story())
    later = timezone.now() + timedelta(minutes=16)
    with pytest.raises(PermissionDenied):
        edit_comment(comment=comment, editor=comment.author, subject="s", body="b", now=later)


def test_editing_a_replied_comment_is_refused():
    story = make_story()
    comment = make_comment(story)
    make_comment(story, parent=comment)
    with pytest.raises(PermissionDenied):
        edit_comment(comment=comment, editor=comment.author, subject="s", body="b")


def test_others_cannot_edit_or_delete():
    comment = make_comment(make_story())
    stranger = make_member()
    with pytest.raises(PermissionDenied):
        edit_comment(comment=comment, editor=stranger, subject="s", body="b")
    with pytest.raises(PermissionDenied):
        delete_comment(comment=comment, member=stranger)


def test_deleting_keeps_the_number_taken_and_updates_counts():
    story = make_story()
    parent = make_comment(story)
    reply = make_comment(story, parent=parent)
    delete_comment(comment=reply, member=reply.author)
    parent.refresh_from_db()
    story.refresh_from_db()
    assert story.comment_count == 1 and parent.reply_count == 0
    assert make_comment(story).number == 3


def test_removal_keeps_the_comment_with_reason_and_logs_it():
    story = make_story()
    comment = make_comment(story)
    make_comment(story, parent=comment)
    moderator = make_editor()
    removed = remove_comment(comment=comment, moderator=moderator, reason="Personal attack")
    assert removed.state == Comment.State.REMOVED
    entry = LogEntry.objects.get()
    assert entry.moderator == moderator and entry.reason == "Personal attack"


def test_removal_needs_a_reason_and_a_moderator():
    comment = make_comment(make_story())
    with pytest.raises(ValidationError):
        remove_comment(comment=comment, moderator=make_editor(), reason=" ")
    with pytest.raises(PermissionDenied):
        remove_comment(comment=comment, moderator=make_member(), reason="spam")


def test_replying_to_a_removed_comment_is_refused():
    story = make_story()
    comment = make_comment(story)
    remove_comment(comment=comment, moderator=make_editor(), reason="spam")
    with pytest.raises(ValidationError):
        post_comment(story=story, author=make_member(), parent=comment, subject="s", body="b")


def test_a_member_cannot_reply_to_a_comment_hidden_from_them():
    story = make_story()
    hidden = make_comment(story)
    rate_comment(comment=hidden, rater=make_editor(), value=0)
    with pytest.raises(ValidationError):
        make_comment(story, parent=hidden)
    # Its author still sees it, and may answer the replies it gets.
    assert make_comment(story, parent=hidden, author=hidden.author).depth == 1
