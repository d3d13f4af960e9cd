from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from ladle.form_actions import run_form

from . import services
from .forms import PollForm
from .models import Poll


def poll(request, pk: int):
    """A poll's page: the question, results or the ballot, and its story for discussion."""
    poll = get_object_or_404(Poll.objects.select_related("story"), pk=pk)
    if not poll.story.is_readable_by(request.user):
        return render(request, "404.html", status=404)
    return redirect(poll.story.get_absolute_url() + "#poll")


@require_POST
def vote(request, pk: int):
    poll = get_object_or_404(Poll.objects.select_related("story"), pk=pk)
    back = poll.story.get_absolute_url() + "#poll"
    if not request.user.is_authenticated:
        return redirect_to_login(back)
    # Ids no row can have (too long for the database's integers) are no answer at all.
    ids = [int(v) for v in request.POST.getlist("answer") if v.isdigit() and len(v) <= 9]
    try:
        services.vote_in_poll(poll=poll, voter=request.user, answer_ids=ids)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, "Your vote is counted.")
    return redirect(back)


@login_required
@require_http_methods(["GET", "POST"])
def new_poll(request):
    if not request.user.is_editor:
        raise PermissionDenied("Only editors create polls.")
    form = PollForm(request.POST if request.method == "POST" else None)
    poll = run_form(
        request,
        form,
        lambda data: services.create_poll(
            editor=request.user,
            question=data["question"],
            answers=data["answers"].splitlines(),
            multiple_choice=data["multiple_choice"],
            story=data["story"],
        ),
    )
    if poll:
        return redirect(poll.story.get_absolute_url() + "#poll")
    return render(
        request,
        "stories/write_form.html",
        {
            "form": form,
            "title": "New poll",
            "intro_text": "The new poll becomes the current poll in the sidebar.",
        },
    )
