from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import EmptyPage, Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from ladle.comments.forms import CommentForm
from ladle.comments.preferences import DISPLAY_CHOICES, reader_choices
from ladle.comments.threads import story_thread

from . import services
from .forms import StoryForm
from .models import Section, Story, Topic


def _page(request, queryset, number):
    paginator = Paginator(queryset, settings.LADLE_STORIES_PER_PAGE)
    try:
        return paginator.page(number)
    except EmptyPage as error:
        raise Http404("No such page.") from error


def front_page(request, page: int = 1):
    stories = Story.objects.published().on_front_page().newest_first().with_listing_relations()
    return render(
        request,
        "stories/story_list.html",
        {
            "page": _page(request, stories, page),
            "title": None,
            "page_url_name": "stories:front_page_paged",
        },
    )


def section(request, slug: str):
    section = get_object_or_404(Section, slug=slug)
    stories = Story.objects.published().in_section(section).newest_first()
    return render(
        request,
        "stories/story_list.html",
        {
            "page": _page(request, stories.with_listing_relations(), request.GET.get("page", 1)),
            "title": section.name,
            "description": section.description,
        },
    )


def topic(request, slug: str):
    topic = get_object_or_404(Topic, slug=slug)
    stories = Story.objects.published().filter(topics=topic).newest_first()
    return render(
        request,
        "stories/story_list.html",
        {
            "page": _page(request, stories.with_listing_relations(), request.GET.get("page", 1)),
            "title": f"Topic: {topic.name}",
        },
    )


def story(request, pk: int, slug: str = ""):
    story = get_object_or_404(
        Story.objects.visible_to(request.user)
        .select_related("section", "author")
        .prefetch_related("topics"),
        pk=pk,
    )
    if slug != story.slug:
        return redirect(story, permanent=True)
    published = Story.objects.published().in_section(story.section)
    older = newer = None
    if story.published_at and story.is_published():
        older = (
            published.filter(published_at__lt=story.published_at)
            .order_by("-published_at", "-id")
            .only("id", "slug", "title")
            .first()
        )
        newer = (
            published.filter(published_at__gt=story.published_at)
            .order_by("published_at", "id")
            .only("id", "slug", "title")
            .first()
        )
    return render(
        request,
        "stories/story_detail.html",
        {
            "story": story,
            "comments": (
                story_thread(story, request.user, reader_choices(request))
                if story.shows_comments
                else None
            ),
            "older": older,
            "newer": newer,
            "form": CommentForm(),
            **DISPLAY_CHOICES,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def edit_story(request, pk: int | None = None):
    story = get_object_or_404(Story, pk=pk) if pk else None
    if not getattr(request.user, "is_editor", False):
        raise PermissionDenied("Only editors may write and edit stories.")
    form = StoryForm(request.POST if request.method == "POST" else None, instance=story)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        story = services.save_story(
            editor=request.user,
            story=story,
            title=data["title"],
            intro=data["intro"],
            body=data["body"],
            section=data["section"],
            topics=list(data["topics"]),
            status=data["status"],
            published_at=data["published_at"],
            comment_status=data["comment_status"],
        )
        return redirect(story)
    return render(request, "stories/story_form.html", {"form": form, "story": story})
