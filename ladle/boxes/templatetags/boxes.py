"""The sidebar: the operator's boxes in their order, each filled in a fixed number of queries."""

from django import template

from ladle.boxes.models import Box
from ladle.comments.models import Comment
from ladle.comments.rules import hide_threshold
from ladle.polls.models import Poll
from ladle.stories.following import hotlist_stories
from ladle.stories.models import Section, Story

register = template.Library()


@register.inclusion_tag("boxes/_sidebar.html", takes_context=True)
def sidebar_boxes(context):
    request = context.get("request")
    user = getattr(request, "user", None)
    boxes = list(Box.objects.filter(visible=True))
    kinds = {box.kind for box in boxes}
    filled = {}
    if Box.Kind.HOTLIST in kinds and user is not None and user.is_authenticated:
        filled["hotlist"] = hotlist_stories(user, limit=8)
    if Box.Kind.POLL in kinds:
        filled["poll"] = (
            Poll.objects.filter(is_current=True, story__in=Story.objects.published())
            .prefetch_related("answers")
            .select_related("story")
            .first()
        )
    if Box.Kind.RECENT_COMMENTS in kinds:
        filled["recent_comments"] = list(
            Comment.objects.shown()
            .filter(editorial=False, story__in=Story.objects.published(), state=Comment.State.SHOWN)
            .exclude(score__lt=hide_threshold())
            .select_related("author", "story")
            .order_by("-created_at")[:6]
        )
    if Box.Kind.SECTIONS in kinds:
        filled["sections"] = list(Section.objects.all())
    return {"boxes": boxes, "filled": filled, "user": user, "request": request}
