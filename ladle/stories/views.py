"""Story pages: listings, the story page, editors' form, diaries, the queue, hotlist, history.

Views are thin: they read through querysets, write through `services`, and redirect after a
successful POST. Service errors land on the form beside their field, with the text kept.
"""

import difflib
from datetime import datetime

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import EmptyPage, Paginator
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.views.decorators.http import require_http_methods, require_POST

from ladle.accounts.models import User
from ladle.comments.forms import comment_form
from ladle.comments.preferences import DISPLAY_CHOICES, reader_choices
from ladle.comments.threads import anonymous_story_thread, story_thread
from ladle.form_actions import run_form
from ladle.polls.models import Poll

from . import services
from .following import attach_new_counts, hotlist_stories
from .forms import StoryForm, SubmitForm, VoteForm, WriteForm
from .models import Hotlist, QueueVote, Section, Story, Topic


def _page(request, queryset, number):
    per_page = request.user.stories_per_page or settings.LADLE_STORIES_PER_PAGE
    paginator = Paginator(queryset, per_page)
    try:
        page = paginator.page(number)
    except EmptyPage as error:
        raise Http404("No such page.") from error
    attach_new_counts(request.user, page.object_list)
    return page


def _page_number(request) -> int:
    try:
        return max(1, int(request.GET.get("page", 1)))
    except ValueError:
        return 1


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
        Story.objects.published().on_front_page(),
        page,
        title=None,
        page_url_name="stories:front_page_paged",
    )


def section(request, slug: str):
    section = get_object_or_404(Section, slug=slug)
    return _listing(
        request,
        Story.objects.published().in_section(section),
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
        Story.objects.published().filter(topics=topic),
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
    stories = Story.objects.published().filter(published_at__gte=start, published_at__lt=end)
    return _listing(
        request, stories, _page_number(request), title=f"Stories of {date_format(start, 'F Y')}"
    )


def diary(request, name: str):
    member = get_object_or_404(User, username__iexact=name)
    return _listing(
        request,
        Story.objects.published().diary_of(member),
        _page_number(request),
        feed_rss=reverse("stories:diary_rss", args=[member.username]),
        feed_atom=reverse("stories:diary_atom", args=[member.username]),
        title=f"{member.shown_name}’s diary",
        diary_owner=member,
    )


def _story_navigation(story: Story):
    """The nearest older and newer stories: in the same section, or the same author's diary."""
    if not story.is_published():
        return None, None
    neighbours = Story.objects.published().in_section(story.section)
    if story.is_diary:
        neighbours = neighbours.filter(author=story.author_id)
    fields = ("id", "slug", "title")
    older = (
        neighbours.filter(
            Q(published_at__lt=story.published_at)
            | Q(published_at=story.published_at, id__lt=story.pk)
        )
        .order_by("-published_at", "-id")
        .only(*fields)
        .first()
    )
    newer = (
        neighbours.filter(
            Q(published_at__gt=story.published_at)
            | Q(published_at=story.published_at, id__gt=story.pk)
        )
        .order_by("published_at", "id")
        .only(*fields)
        .first()
    )
    return older, newer


def _poll_for(story: Story):
    return Poll.objects.filter(story=story).prefetch_related("answers").first()


def _story_context(request, story: Story) -> dict:
    """What the story page and the queue page share: thread, form, poll, hotlist, visit."""
    member = request.user if request.user.is_authenticated else None
    new_since = services.record_visit(member=member, story=story) if member else None
    show_editorial = request.GET.get("editorial") == "1" or None
    poll = _poll_for(story)
    comments = None
    if story.shows_comments and member is None:
        comments = anonymous_story_thread(story, reader_choices(request), editorial=show_editorial)
    elif story.shows_comments:
        comments = story_thread(
            story,
            request.user,
            reader_choices(request),
            new_since=new_since,
            editorial=show_editorial,
        )
    return {
        "story": story,
        "comments": comments,
        "form": comment_form(story),
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
    if slug != story.slug:
        return redirect(story, permanent=True)
    older, newer = _story_navigation(story)
    return render(
        request,
        "stories/story_detail.html",
        {**_story_context(request, story), "older": older, "newer": newer},
    )


@login_required
@require_http_methods(["GET", "POST"])
def edit_story(request, pk: int | None = None):
    story = get_object_or_404(Story, pk=pk) if pk else None
    if not request.user.is_editor:
        raise PermissionDenied("Only editors may write and edit stories.")
    form = StoryForm(request.POST if request.method == "POST" else None, instance=story)
    saved = run_form(
        request,
        form,
        lambda data: services.save_story(
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
            front_page=data["front_page"],
        ),
    )
    if saved:
        return redirect(saved)
    return render(request, "stories/story_form.html", {"form": form, "story": story})


@require_POST
def promote(request, pk: int):
    story = get_object_or_404(Story, pk=pk)
    services.promote_to_front_page(story=story, editor=request.user)
    messages.success(request, "The story is on the front page now.")
    return redirect(story)


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


# --- Diaries -----------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def write_diary(request, name: str):
    if request.user.username.lower() != name.lower():
        raise PermissionDenied("You can only write in your own diary.")
    form = WriteForm(request.POST if request.method == "POST" else None)
    story = run_form(
        request,
        form,
        lambda data: services.write_diary_entry(
            author=request.user,
            title=data["title"],
            intro=data["intro"],
            body=data["body"],
            topics=list(data["topics"]),
        ),
    )
    if story:
        return redirect(story)
    return render(
        request,
        "stories/write_form.html",
        {
            "form": form,
            "title": "Write in your diary",
            "intro_text": "Diary entries are published at once in the Diaries section and in your "
            "diary. They do not appear on the front page.",
        },
    )


# --- The queue ---------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def submit(request):
    form = SubmitForm(request.POST if request.method == "POST" else None)
    story = run_form(
        request,
        form,
        lambda data: services.submit_story(
            author=request.user,
            title=data["title"],
            intro=data["intro"],
            body=data["body"],
            section=data["section"],
            topics=list(data["topics"]),
            edit_queue=data["edit_queue"],
        ),
    )
    if story:
        return redirect("stories:queued_story", pk=story.pk)
    return render(
        request,
        "stories/write_form.html",
        {
            "form": form,
            "title": "Submit a story",
            "intro_text": "Submitted stories go to the queue, where members vote on them. At a "
            "score of +4 a story is published; at −2 it is dropped.",
        },
    )


def queue(request):
    voting = Story.objects.in_queue().select_related("section", "author").order_by("-submitted_at")
    own_editing = []
    if request.user.is_authenticated:
        own_editing = list(
            Story.objects.filter(
                author=request.user, status=Story.Status.EDIT_QUEUE
            ).select_related("section")
        )
    voted = set()
    if request.user.is_authenticated:
        voted = set(
            QueueVote.objects.filter(voter=request.user, story__in=voting).values_list(
                "story_id", flat=True
            )
        )
    return render(
        request,
        "stories/queue.html",
        {"voting": voting, "own_editing": own_editing, "voted": voted},
    )


def queued_story(request, pk: int):
    story = get_object_or_404(
        Story.objects.select_related("section", "author").prefetch_related("topics"), pk=pk
    )
    if not story.is_queued():
        if story.is_published():
            return redirect(story)  # the queue decided; the story lives at its address now
        raise Http404("This story is not in the queue.")
    editor = request.user.is_editor
    if story.is_in_edit_queue() and story.author_id != request.user.pk and not editor:
        raise Http404("This story is still being edited by its author.")
    votes = list(story.queue_votes.select_related("voter").order_by("created_at"))
    my_vote = next((v for v in votes if v.voter_id == request.user.pk), None)
    post_at, hide_at = services.queue_thresholds()
    return render(
        request,
        "stories/queue_story.html",
        {
            **_story_context(request, story),
            "votes": votes,
            "my_vote": my_vote,
            "vote_form": VoteForm(),
            "post_at": post_at,
            "hide_at": hide_at,
            "can_vote": (
                request.user.is_member
                and my_vote is None
                and story.author_id != request.user.pk
                and story.is_open_for_votes()
            ),
        },
    )


@require_POST
def vote(request, pk: int):
    story = get_object_or_404(Story, pk=pk)
    if not request.user.is_authenticated:
        return redirect_to_login(f"/queue/{pk}/")
    form = VoteForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose one of the votes offered.")
        return redirect("stories:queued_story", pk=pk)
    try:
        story = services.vote_on_story(
            story=story, voter=request.user, choice=form.cleaned_data["choice"]
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("stories:queued_story", pk=pk)
    except PermissionDenied as error:
        if story.author_id == request.user.pk or not request.user.is_member:
            raise
        # Voting closed while the voter was reading: the queue page says where it went.
        messages.error(request, f"{error} The queue has already decided.")
        return redirect("stories:queued_story", pk=pk)
    if story.status == Story.Status.PUBLISHED:
        messages.success(request, "Your vote published the story.")
        return redirect(story)
    messages.success(request, "Your vote is counted.")
    return redirect("stories:queued_story", pk=pk)


@require_POST
def decide(request, pk: int):
    story = get_object_or_404(Story, pk=pk)
    try:
        story = services.decide_queued_story(
            story=story, editor=request.user, action=request.POST.get("action", "")
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    if story.is_published():
        return redirect(story)
    return redirect("stories:queue")


@login_required
@require_http_methods(["GET", "POST"])
def edit_queued(request, pk: int):
    story = get_object_or_404(Story, pk=pk)
    if story.author_id != request.user.pk or not story.is_in_edit_queue():
        raise PermissionDenied("Only the author may edit a story, and only in the edit queue.")
    initial = {
        "title": story.title,
        "intro": story.intro,
        "body": story.body,
        "topics": list(story.topics.all()),
    }
    form = WriteForm(request.POST if request.method == "POST" else None, initial=initial)
    if run_form(
        request,
        form,
        lambda data: services.edit_queued_story(
            story=story,
            author=request.user,
            title=data["title"],
            intro=data["intro"],
            body=data["body"],
            topics=list(data["topics"]),
        ),
    ):
        return redirect("stories:queued_story", pk=pk)
    return render(
        request,
        "stories/write_form.html",
        {
            "form": form,
            "title": f"Edit “{story.title}”",
            "intro_text": "Only you can see and change this story until it moves to voting.",
        },
    )


@require_POST
def to_voting(request, pk: int):
    story = get_object_or_404(Story, pk=pk)
    services.move_to_voting(story=story, author=request.user)
    messages.success(request, "Your story is in the voting queue now.")
    return redirect("stories:queued_story", pk=pk)


# --- Hotlist -----------------------------------------------------------------------------------


@login_required
def hotlist(request):
    return render(request, "stories/hotlist.html", {"stories": hotlist_stories(request.user)})


@require_POST
def toggle_hotlist(request, pk: int):
    story = get_object_or_404(Story.objects.readable_by(request.user), pk=pk)
    if not request.user.is_authenticated:
        return redirect_to_login(story.get_absolute_url())
    if request.POST.get("action") == "remove":
        services.remove_from_hotlist(member=request.user, story=story)
    else:
        services.add_to_hotlist(member=request.user, story=story)
    return redirect(
        request.POST.get("next")
        if request.POST.get("next") == "/hotlist/"
        else story.get_absolute_url()
    )
