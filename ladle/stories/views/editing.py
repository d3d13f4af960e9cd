"""Writing: editors' story form and promotion, members' diary entries."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from ladle.form_actions import run_form

from .. import services
from ..forms import StoryForm, WriteForm, story_fields, written_fields
from ..models import Story


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
        lambda data: services.save_story(editor=request.user, story=story, **story_fields(data)),
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
            **written_fields(data),
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
