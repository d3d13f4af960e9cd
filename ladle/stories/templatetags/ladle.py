from django import template
from django.utils import timezone

from ladle.lib.timefmt import scoop_datetime

register = template.Library()


@register.filter
def scoop_time(moment):
    """`Sun Jun 28, 2015 at 08:59:41 PM EST` in the reader's time zone."""
    if not moment:
        return ""
    return scoop_datetime(moment, timezone.get_current_timezone())


@register.filter
def can_edit(story, user) -> bool:
    return story.can_be_edited_by(user)


@register.filter
def can_edit_comment(comment, user) -> bool:
    return comment.can_be_edited_by(user, timezone.now())


@register.filter
def can_delete_comment(comment, user) -> bool:
    return comment.can_be_deleted_by(user)


@register.filter
def can_remove_comment(comment, user) -> bool:
    return comment.can_be_removed_by(user)


@register.filter
def get_item(mapping, key):
    return mapping.get(key) if hasattr(mapping, "get") else None
