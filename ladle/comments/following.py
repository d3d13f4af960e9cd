"""Reads for members who follow stories: "M new" counts and the hotlist, in fixed queries."""

from django.db.models import Count, Q

from ladle.stories.models import Hotlist, StoryVisit, readable_q

from .models import Comment


def attach_new_counts(member, stories) -> None:
    """Set `story.new_count` (comments since the member's last visit; None if never visited).

    Two queries for any number of stories.
    """
    stories = list(stories)
    for story in stories:
        story.new_count = None
    if not member.is_authenticated or not stories:
        return
    visits = dict(
        StoryVisit.objects.filter(member=member, story__in=stories).values_list(
            "story_id", "last_visit"
        )
    )
    if not visits:
        return
    since = Q()
    for story_id, last_visit in visits.items():
        since |= Q(story_id=story_id, created_at__gt=last_visit)
    counts = dict(
        Comment.objects.visible_to(member)
        .filter(since)
        .values_list("story_id")
        .annotate(n=Count("id"))
        .values_list("story_id", "n")
    )
    for story in stories:
        if story.pk in visits:
            story.new_count = counts.get(story.pk, 0)


def hotlist_stories(member, limit: int | None = None):
    """The stories of the member's hotlist they may still read, newest first, with the
    comment and new counts."""
    entries = Hotlist.objects.filter(readable_q(member, "story__"), member=member).select_related(
        "story", "story__section"
    )
    if limit:
        entries = entries[:limit]
    stories = [entry.story for entry in entries]
    attach_new_counts(member, stories)
    return stories
