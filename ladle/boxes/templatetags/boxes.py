"""The sidebar: the operator's boxes in their order, each filled in a fixed number of queries."""

from django import template
from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

from ladle.accounts.models import Visitor
from ladle.boxes.models import Box
from ladle.comments.following import hotlist_stories
from ladle.comments.models import Comment
from ladle.polls.models import Poll
from ladle.site.pages import generation, kept_for
from ladle.stories.models import Section, Story

register = template.Library()


@register.inclusion_tag("boxes/_sidebar.html", takes_context=True)
def sidebar_boxes(context):
    request = context.get("request")
    user = getattr(request, "user", None) or Visitor()
    boxes, filled = _boxes_for(request, user)
    if any(box.kind == Box.Kind.HOTLIST for box in boxes) and user.is_authenticated:
        # New-comment counts move when the member reads a story (a GET): always fresh.
        filled = {**filled, "hotlist": hotlist_stories(user, limit=8)}
    return {"boxes": boxes, "filled": filled, "user": user, "request": request}


@register.inclusion_tag("boxes/_site_nav.html", takes_context=True)
def site_nav(context):
    """The header's way to every section, the diaries and the queue (kept with the boxes)."""
    request = context.get("request")
    user = getattr(request, "user", None) or Visitor()
    _, filled = _boxes_for(request, user)
    return {"sections": filled["nav_sections"], "user": user}


def _boxes_for(request, user) -> tuple[list[Box], dict]:
    """`_shared_boxes`, once per request (the header and the sidebar both show them)."""
    if request is None:
        return _shared_boxes(user)
    found = getattr(request, "_ladle_boxes", None)
    if found is None:
        found = request._ladle_boxes = _shared_boxes(user)
    return found


def _shared_boxes(user) -> tuple[list[Box], dict]:
    """The boxes and what fills them (but the hotlist), kept per page generation and reader:
    every write that could change them moves the generation on (`ladle.site.pages`), and
    the clock is minded as for kept pages."""
    if not settings.LADLE_PAGE_CACHE:
        return _fill(user)
    key = f"sidebar:{generation()}:{user.pk if user.is_authenticated else 'visitor'}"
    found = cache.get(key)
    if found is None:
        found = _fill(user)
        if (seconds := int(kept_for(timezone.now()))) > 0:
            cache.set(key, found, timeout=seconds)
    return found


def _fill(user) -> tuple[list[Box], dict]:
    boxes = list(Box.objects.filter(visible=True))
    kinds = {box.kind for box in boxes}
    filled: dict = {}
    if Box.Kind.POLL in kinds:
        filled["poll"] = (
            Poll.objects.filter(
                is_current=True,
                story__in=Story.objects.readable_by(user).published(),
            )
            .prefetch_related("answers")
            .select_related("story")
            .first()
        )
    if Box.Kind.RECENT_COMMENTS in kinds:
        filled["recent_comments"] = recent_comments(user)
    sections = list(Section.objects.all())
    filled["nav_sections"] = sections
    if Box.Kind.SECTIONS in kinds:
        filled["sections"] = sections
    return boxes, filled


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
