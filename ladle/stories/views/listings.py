"""Listings: the front page, sections, topics, month archives and diaries."""

from datetime import datetime

from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from ladle.accounts.models import User
from ladle.accounts.names import name_key
from ladle.comments.following import attach_new_counts
from ladle.lib.paging import page_number, window
from ladle.site.values import value

from ..models import Section, Story, Topic
from .checklist import first_steps


def _page(request, queryset, number):
    per_page = request.user.stories_per_page or value("stories_per_page")
    page = window(queryset, per_page, number)
    if number > 1 and not page:
        raise Http404("No such page.")
    attach_new_counts(request.user, page.object_list)
    return page


def _page_number(request) -> int:
    return page_number(request.GET.get("page"))


def _listing(request, stories, number, **context):
    return render(
        request,
        "stories/story_list.html",
        {
            "page": _page(request, stories.newest_first().with_listing_relations(), number),
            **context,
        },
    )


def front_page(request, page: int = 1):
    return _listing(
        request,
        Story.objects.readable_by(request.user).published().on_front_page(),
        page,
        title=None,
        page_url_name="stories:front_page_paged",
        first_steps=first_steps(request.user) if page == 1 else None,
    )


def section(request, slug: str):
    section = get_object_or_404(Section, slug=slug)
    return _listing(
        request,
        Story.objects.readable_by(request.user).published().in_section(section),
        _page_number(request),
        feed_rss=reverse("stories:section_rss", args=[slug]),
        feed_atom=reverse("stories:section_atom", args=[slug]),
        title=section.name,
        description=section.description,
    )


def topic(request, slug: str):
    topic = get_object_or_404(Topic, slug=slug)
    return _listing(
        request,
        Story.objects.readable_by(request.user).published().filter(topics=topic),
        _page_number(request),
        feed_rss=reverse("stories:topic_rss", args=[slug]),
        feed_atom=reverse("stories:topic_atom", args=[slug]),
        title=f"Topic: {topic.name}",
    )


def archive(request, year: int, month: int):
    """Stories published in one month, in the reader's time zone."""
    zone = timezone.get_current_timezone()
    try:
        start = datetime(year, month, 1, tzinfo=zone)
        end = datetime(year + month // 12, month % 12 + 1, 1, tzinfo=zone)
    except (ValueError, OverflowError) as error:
        raise Http404("No such month.") from error
    stories = (
        Story.objects.readable_by(request.user)
        .published()
        .filter(published_at__gte=start, published_at__lt=end)
    )
    return _listing(
        request, stories, _page_number(request), title=f"Stories of {date_format(start, 'F Y')}"
    )


def diary(request, name: str):
    member = get_object_or_404(User, name_key=name_key(name))
    return _listing(
        request,
        Story.objects.readable_by(request.user).published().diary_of(member),
        _page_number(request),
        feed_rss=reverse("stories:diary_rss", args=[member.username]),
        feed_atom=reverse("stories:diary_atom", args=[member.username]),
        title=f"{member.shown_name}’s diary",
        diary_owner=member,
    )
