"""Writes to stories: editors create, edit, schedule and publish them."""

from datetime import datetime

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from .models import Section, Story, Topic


def save_story(
    *,
    editor,
    story: Story | None = None,
    title: str,
    intro: str,
    body: str = "",
    section: Section,
    topics: list[Topic] | tuple = (),
    status: str = Story.Status.DRAFT,
    published_at: datetime | None = None,
    comment_status: str = Story.CommentStatus.OPEN,
    author=None,
) -> Story:
    """Create or update a story. Only editors may; the text is rendered and sanitized here.

    Publishing without a time publishes now; a future time schedules the story.
    """
    if not getattr(editor, "is_editor", False):
        raise PermissionDenied("Only editors may write and edit stories.")
    story = story or Story(author=author or editor)
    story.title = title.strip()
    story.intro, story.body = intro, body
    story.render_text()
    story.section = section
    story.status = status
    story.comment_status = comment_status
    if status == Story.Status.PUBLISHED and published_at is None:
        published_at = story.published_at or timezone.now()
    story.published_at = published_at
    with transaction.atomic():
        story.save()
        story.topics.set(topics)
    return story
