"""The submission queue: submitting, the queue pages, votes and editors' decisions."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from ladle.comments.threads import with_thread

from .. import services
from ..forms import SubmitForm, VoteForm, WriteForm, written_fields, written_initial
from ..models import QueueVote, Story
from .editing import written_page
from .reading import story_context

# --- The queue ---------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def submit(request):
    post_at, hide_at = services.queue_thresholds()
    return written_page(
        request,
        SubmitForm(request.POST if request.method == "POST" else None),
        lambda data: services.submit_story(
            author=request.user,
            section=data["section"],
            **written_fields(data),
            edit_queue=data["edit_queue"],
        ),
        done=lambda story: reverse("stories:queued_story", args=[story.pk]),
        title="Submit a story",
        button="Submit",
        intro_text="Submitted stories go to the queue, where members vote on them. At a "
        f"score of +{post_at} a story is published; at −{abs(hide_at)} it is dropped.",
    )


def queue(request):
    voting = (
        Story.objects.readable_by(request.user)
        .in_queue()
        .select_related("section", "author")
        .order_by("-submitted_at")
    )
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
        Story.objects.readable_by(request.user)
        .select_related("section", "author")
        .prefetch_related("topics"),
        pk=pk,
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
    context = story_context(request, story)
    response = render(
        request,
        "stories/queue_story.html",
        {
            **context,
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
    return with_thread(response, context["comments"])


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
    if story.status == Story.Status.HIDDEN:
        # Only its author reads a dumped story now; the voter goes back to the queue.
        messages.success(request, "Your vote is counted: the queue has dropped the story.")
        return redirect("stories:queue")
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
    initial = written_initial(story)
    return written_page(
        request,
        WriteForm(request.POST if request.method == "POST" else None, initial=initial),
        lambda data: services.edit_queued_story(
            story=story, author=request.user, **written_fields(data)
        ),
        done=lambda story: reverse("stories:queued_story", args=[story.pk]),
        title=f"Edit “{story.title}”",
        button="Save",
        intro_text="Only you can see and change this story until it moves to voting.",
    )


@require_POST
def to_voting(request, pk: int):
    story = get_object_or_404(Story, pk=pk)
    services.move_to_voting(story=story, author=request.user)
    messages.success(request, "Your story is in the voting queue now.")
    return redirect("stories:queued_story", pk=pk)
