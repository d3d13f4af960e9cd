from collections import defaultdict

from django.contrib.auth.decorators import login_required
from django.contrib.syndication.views import Feed
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.feedgenerator import Rss201rev2Feed
from django.views.decorators.http import require_http_methods

from ladle.accounts.models import User
from ladle.comments.models import Comment, HeldComment
from ladle.lib.paging import page_number, window
from ladle.stories.models import Story

from . import services
from .forms import ReasonForm
from .models import Flag, LogEntry
from .pages import act


def moderation_log(request):
    entries = window(
        LogEntry.objects.select_related("moderator"), 50, page_number(request.GET.get("page"))
    )
    return render(request, "moderation/log.html", {"entries": entries})


class LogFeed(Feed):
    """The public moderation log as RSS: every action, its moderator and reason."""

    feed_type = Rss201rev2Feed
    title = "Moderation log"
    description = "Every action a moderator takes, with the reason given."

    def link(self):
        return reverse("moderation_log")

    def items(self):
        return LogEntry.objects.select_related("moderator")[:50]

    def item_title(self, entry):
        return f"{entry.moderator.username} {entry.action_label} {entry.target}"

    def item_description(self, entry):
        return entry.reason

    def item_link(self, entry):
        return entry.url or f"{reverse('moderation_log')}#entry-{entry.pk}"

    def item_guid(self, entry):
        return f"moderation-{entry.pk}"

    item_guid_is_permalink = False

    def item_pubdate(self, entry):
        return entry.created_at

    def item_author_name(self, entry):
        return entry.moderator.username


@login_required
def queue(request):
    """Open flags, one line per flagged comment or story, most flagged first."""
    if not request.user.is_editor:
        raise PermissionDenied("Only moderators see the moderation queue.")
    flags = Flag.objects.filter(resolved_at__isnull=True).select_related(
        "flagger", "comment__story", "comment__author", "story"
    )
    grouped: dict[tuple[str, int], list[Flag]] = defaultdict(list)
    for flag in flags:
        key = ("comment", flag.comment_id) if flag.comment_id else ("story", flag.story_id)
        grouped[key].append(flag)  # type: ignore[index]
    items = sorted(grouped.items(), key=lambda item: (-len(item[1]), item[1][0].created_at))
    # Members suspended until a moderator lifts it (the post throttle does that) wait here too.
    suspended = User.objects.filter(suspended_at__isnull=False, suspended_until__isnull=True)
    # And comments posted without an account where the section holds them for a moderator.
    held = HeldComment.objects.filter(state=HeldComment.State.WAITING).select_related(
        "story", "parent"
    )
    return render(
        request,
        "moderation/queue.html",
        {
            "items": items,
            "suspended": suspended.order_by("-suspended_at"),
            "held": held.order_by("created_at")[:200],
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def dismiss(request, kind: str, pk: int):
    if not request.user.is_editor:
        raise PermissionDenied("Only moderators resolve flags.")
    comment = story = None
    if kind == "comment":
        comment = get_object_or_404(Comment.objects.select_related("story"), pk=pk)
        target, url = f"comment #{comment.number} on “{comment.story}”", comment.get_absolute_url()
    else:
        story = get_object_or_404(Story, pk=pk)
        target, url = f"“{story.title}”", story.get_absolute_url()
    return act(
        request,
        ReasonForm(request.POST if request.method == "POST" else None),
        lambda data: services.dismiss_flags(
            moderator=request.user,
            reason=data["reason"],
            target=target,
            url=url,
            comment=comment,
            story=story,
        ),  # fmt: skip
        heading=f"Dismiss the flags on {target}",
        button="Dismiss the flags",
        back=reverse("moderation_queue"),
    )
