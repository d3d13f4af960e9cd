"""The story page (shared with the queue's page) and a story's history."""

import difflib

from django.db.models import Q
from django.http import HttpResponsePermanentRedirect
from django.shortcuts import get_object_or_404, redirect, render

from ladle.comments.forms import comment_form
from ladle.comments.preferences import DISPLAY_CHOICES
from ladle.comments.threads import page_thread, with_thread
from ladle.polls.models import Poll

from .. import services
from ..models import Hotlist, Story


def _story_navigation(story: Story, reader):
    """The nearest older and newer stories: in the same section, or the same author's diary."""
    if not story.is_published():
        return None, None
    neighbours = Story.objects.readable_by(reader).published().in_section(story.section)
    if story.is_diary:
        neighbours = neighbours.filter(author=story.author_id)
    when = story.published_at

    def nearest(newer: bool):
        after = Q(published_at__gt=when) | Q(published_at=when, id__gt=story.pk)
        before = Q(published_at__lt=when) | Q(published_at=when, id__lt=story.pk)
        order = ("published_at", "id") if newer else ("-published_at", "-id")
        return (
            neighbours.filter(after if newer else before)
            .order_by(*order)
            .only("id", "slug", "title")
            .first()
        )

    older, newer = nearest(newer=False), nearest(newer=True)
    return older, newer


def _poll_for(story: Story):
    return Poll.objects.filter(story=story).prefetch_related("answers").first()


def story_context(request, story: Story) -> dict:
    """What the story page and the queue page share: thread, form, poll, hotlist, visit."""
    member = request.user if request.user.is_authenticated else None
    new_since = services.record_visit(member=member, story=story) if member else None
    poll = _poll_for(story)
    shown = story.shows_comments and story.section.comments_readable_by(request.user)
    comments = page_thread(request, story, new_since=new_since) if shown else None
    return {
        "story": story,
        "comments": comments,
        "can_comment": shown and story.comments_open_to(request.user),
        "form": comment_form(story, reader=request.user),
        "poll": poll,
        "poll_can_vote": bool(poll)
        and request.user.is_member
        and not poll.closed
        and not poll.ballots.filter(voter=request.user).exists(),
        "in_hotlist": bool(member) and Hotlist.objects.filter(member=member, story=story).exists(),
        **DISPLAY_CHOICES,
    }


def story(request, pk: int, slug: str = ""):
    story = get_object_or_404(
        Story.objects.readable_by(request.user)
        .select_related("section", "author")
        .prefetch_related("topics"),
        pk=pk,
    )
    if story.is_queued():
        return redirect("stories:queued_story", pk=story.pk)
    if slug != story.slug:  # the address with its current slug, keeping the reader's choices
        query = request.GET.urlencode()
        address = story.get_absolute_url() + (f"?{query}" if query else "")
        return HttpResponsePermanentRedirect(address)
    older, newer = _story_navigation(story, request.user)
    context = story_context(request, story)
    context |= {"older": older, "newer": newer}
    response = render(request, "stories/story_detail.html", context)
    return with_thread(response, context["comments"])


def history(request, pk: int):
    """Earlier versions of a published story, each with a readable diff to what replaced it."""
    story = get_object_or_404(Story.objects.readable_by(request.user), pk=pk)
    versions = list(story.versions.select_related("changed_by"))
    newer_text = (story.title, story.intro, story.body)
    changes = []
    for version in versions:
        old_text = (version.title, version.intro, version.body)
        changes.append({"version": version, "diff": _diff(old_text, newer_text)})
        newer_text = old_text
    return render(request, "stories/story_history.html", {"story": story, "changes": changes})


def _diff(old: tuple[str, str, str], new: tuple[str, str, str]) -> list[tuple[str, str]]:
    """(kind, line) pairs: kind is "+", "-" or " " for added, removed and unchanged lines."""
    lines = []
    for label, before, after in zip(("Title", "Intro", "Body"), old, new, strict=True):
        if before == after:
            continue
        lines.append(("@", label))
        for line in difflib.ndiff(before.splitlines(), after.splitlines()):
            if line[:1] in "+- ":
                lines.append((line[:1], line[2:]))
    return lines
