"""Writes to comments. Each function is one transaction and checks its own permissions.

Locking rule: every write that changes a story's comments first locks the story's row
(`select_for_update`; on SQLite the IMMEDIATE transaction already holds the database's write lock).
That serializes the comment-number counter, so numbers are 1, 2, 3, ... with no gap or duplicate
however many people post at once, and the cached counters are recomputed under the same lock.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from ladle.lib.markup import render
from ladle.moderation.services import log_action
from ladle.stories.models import Story

from .models import Comment

SUBJECT_MAX = 50


def _check_text(subject: str, body: str) -> tuple[str, str]:
    subject, body = subject.strip(), body.strip()
    errors = {}
    if not subject:
        errors["subject"] = "Give your comment a subject."
    elif len(subject) > SUBJECT_MAX:
        errors["subject"] = (
            f"The subject may be at most {SUBJECT_MAX} characters (it has {len(subject)})."
        )
    if not body:
        errors["body"] = "Write something in the comment."
    if errors:
        raise ValidationError(errors)
    return subject, body


def _lock_story(story_id: int) -> Story:
    return Story.objects.select_for_update().get(pk=story_id)


def _recount(story: Story, *parents: Comment | None) -> None:
    """Recompute cached counters from the comment rows (call with the story locked)."""
    story.comment_count = Comment.objects.for_story(story).shown().count()
    story.save(update_fields=["comment_count", "last_comment_number"])
    for parent in parents:
        if parent is not None:
            parent.reply_count = parent.replies.shown().count()
            parent.save(update_fields=["reply_count"])


def post_comment(
    *,
    story: Story,
    author,
    subject: str,
    body: str,
    parent: Comment | None = None,
    markup: str = Comment.Markup.MARKDOWN,
) -> Comment:
    """Add a comment to `story` (a reply when `parent` is given) and give it the next number.

    Only confirmed members may post, only to published stories whose comments are open, and a
    reply's parent must be a shown comment of the same story.
    """
    if not getattr(author, "is_member", False):
        raise PermissionDenied("Only members with a confirmed e-mail address may post comments.")
    subject, body = _check_text(subject, body)
    body_html = render(body, markup=markup)
    with transaction.atomic():
        story = _lock_story(story.pk)
        if not story.accepts_comments:
            raise PermissionDenied("This story does not take new comments.")
        if parent is not None:
            parent = Comment.objects.select_for_update().get(pk=parent.pk)
            if parent.story_id != story.pk or parent.state != Comment.State.SHOWN:
                raise ValidationError("You can only reply to a comment that is shown.")
        story.last_comment_number += 1
        comment = Comment.objects.create(
            story=story,
            number=story.last_comment_number,
            parent=parent,
            depth=0 if parent is None else parent.depth + 1,
            author=author,
            subject=subject,
            body=body,
            markup=markup,
            body_html=body_html,
            created_at=timezone.now(),
        )
        _recount(story, parent)
    return comment


def edit_comment(*, comment: Comment, editor, subject: str, body: str, now=None) -> Comment:
    """The author rewrites their comment within the edit window and while it has no replies."""
    subject, body = _check_text(subject, body)
    with transaction.atomic():
        _lock_story(comment.story_id)
        comment = Comment.objects.select_for_update().get(pk=comment.pk)
        if not comment.can_be_edited_by(editor, now or timezone.now()):
            raise PermissionDenied("You can no longer edit this comment.")
        comment.subject, comment.body = subject, body
        comment.body_html = render(body, markup=comment.markup)
        comment.edited_at = timezone.now()
        comment.save(update_fields=["subject", "body", "body_html", "edited_at"])
    return comment


def delete_comment(*, comment: Comment, member) -> None:
    """The author takes back a comment nobody has replied to. The row stays, unshown, so its
    number is never handed out again."""
    with transaction.atomic():
        story = _lock_story(comment.story_id)
        comment = Comment.objects.select_for_update().get(pk=comment.pk)
        if not comment.can_be_deleted_by(member):
            raise PermissionDenied("You cannot delete this comment.")
        comment.state = Comment.State.DELETED
        comment.save(update_fields=["state"])
        _recount(story, comment.parent)


def remove_comment(*, comment: Comment, moderator, reason: str) -> Comment:
    """A moderator removes a comment, leaving a placeholder so the thread keeps its shape.
    The action and its reason go on the public moderation log."""
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": "Say why the comment is removed; the reason is public."})
    if len(reason) > 300:
        raise ValidationError({"reason": "Keep the reason under 300 characters."})
    with transaction.atomic():
        story = _lock_story(comment.story_id)
        comment = Comment.objects.select_for_update().get(pk=comment.pk)
        if not comment.can_be_removed_by(moderator):
            raise PermissionDenied("You cannot remove this comment.")
        comment.state = Comment.State.REMOVED
        comment.removal_reason = reason
        comment.removed_by = moderator
        comment.save(update_fields=["state", "removal_reason", "removed_by"])
        log_action(
            moderator=moderator,
            action="remove_comment",
            reason=reason,
            target=f"comment #{comment.number} on “{story.title}”",
            url=comment.get_absolute_url(),
        )
    return comment


def preview(*, body: str, markup: str = Comment.Markup.MARKDOWN) -> str:
    return render(body, markup=markup)
