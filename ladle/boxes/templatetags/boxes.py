"""The sidebar: the operator's boxes in their order, each filled in a fixed number of queries."""

from django import template

from ladle.accounts.models import Visitor
from ladle.boxes.models import Box
from ladle.comments.following import hotlist_stories
from ladle.comments.models import Comment
from ladle.polls.models import Poll
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
            Poll.objects.filter(
                is_current=True,
                story__in=Story.objects.readable_by(user or Visitor()).published(),
            )
            .prefetch_related("answers")
            .select_related("story")
            .first()
        )
    if Box.Kind.RECENT_COMMENTS in kinds:
        filled["recent_comments"] = recent_comments(user)
    if Box.Kind.SECTIONS in kinds:
        filled["sections"] = list(Section.objects.all())
    return {"boxes": boxes, "filled": filled, "user": user, "request": request}


def recent_comments(reader, count: int = 6) -> list[Comment]:
    """The newest comments `reader` may read (`Comment.objects.visible_to`).

    The rule is applied to the newest few hundred comments by primary key (an index walk, so
    a site with millions of comments pays for a handful of rows): asking the database to
    filter the whole table first made it sort everything.
    """
    newest = Comment.objects.order_by("-id").values("id")[:RECENT_WINDOW]
    return list(
        Comment.objects.visible_to(reader)
        .filter(id__in=newest)
        .select_related("author", "story")
        .order_by("-id")[:count]
    )


RECENT_WINDOW = 300
