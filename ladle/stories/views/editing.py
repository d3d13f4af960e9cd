"""Writing: editors' story form and promotion, members' diary entries."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from ladle.form_actions import add_service_errors, run_form
from ladle.moderation import services as moderation
from ladle.moderation.forms import FlagForm, ReasonForm
from ladle.moderation.pages import act

from .. import services
from ..forms import StoryForm, WriteForm, story_fields, written_fields, written_initial
from ..models import DIARY_SECTION_SLUG, Story


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


def written_page(request, form, save, *, done, **context):
    """A member's writing form (diary entry, submission, queue edit): "Preview" shows the
    text as it will be published, with the form still filled in; the other button saves
    through `save(cleaned_data)` and `done(saved)` is where the member goes next."""
    preview = None
    if request.method == "POST" and "preview" in request.POST:
        if form.is_valid():
            try:
                preview = services.preview_text(**written_fields(form.cleaned_data))
            except ValidationError as error:
                add_service_errors(form, error)
    elif saved := run_form(request, form, save):
        return redirect(done(saved))
    return render(
        request,
        "stories/write_form.html",
        {"form": form, "preview": preview, **context},
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def write_diary(request, name: str):
    if request.user.username.lower() != name.lower():
        raise PermissionDenied("You can only write in your own diary.")
    return written_page(
        request,
        WriteForm(request.POST if request.method == "POST" else None),
        lambda data: services.write_diary_entry(author=request.user, **written_fields(data)),
        done=lambda story: story.get_absolute_url(),
        title="Write in your diary",
        button="Publish",
        intro_text="Diary entries are published at once in the Diaries section and in your "
        "diary. They do not appear on the front page.",
    )


@login_required
@require_http_methods(["GET", "POST"])
def edit_diary(request, name: str, pk: int):
    """The author rewrites a diary entry; the text it had is kept as a version (its
    history page shows the changes)."""
    story = get_object_or_404(Story, pk=pk, section__slug=DIARY_SECTION_SLUG)
    if story.author_id != request.user.pk or request.user.username.lower() != name.lower():
        raise PermissionDenied("You can only edit your own diary entries.")
    initial = written_initial(story)
    return written_page(
        request,
        WriteForm(request.POST if request.method == "POST" else None, initial=initial),
        lambda data: services.write_diary_entry(
            author=request.user, story=story, **written_fields(data)
        ),
        done=lambda story: story.get_absolute_url(),
        title=f"Edit “{story.title}”",
        button="Save the entry",
        intro_text="Readers see the new text at once; the entry's history keeps the old one.",
    )


# --- Moderation --------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def moderate(request, pk: int):
    """Hide a published story, or restore a hidden one, with a public reason."""
    story = get_object_or_404(Story, pk=pk)
    if not request.user.is_editor:
        raise PermissionDenied("Only moderators hide and restore stories.")
    hide = story.status != Story.Status.HIDDEN
    change = services.hide_story if hide else services.restore_story
    return act(
        request,
        ReasonForm(request.POST if request.method == "POST" else None),
        lambda data: change(story=story, editor=request.user, reason=data["reason"]),
        heading=f"{'Hide' if hide else 'Restore'} “{story.title}”",
        button="Hide the story" if hide else "Restore the story",
        danger=hide,
        back=story.get_absolute_url(),
    )


@login_required
@require_http_methods(["GET", "POST"])
def flag(request, pk: int):
    story = get_object_or_404(Story.objects.readable_by(request.user), pk=pk)
    return act(
        request,
        FlagForm(request.POST if request.method == "POST" else None),
        lambda data: moderation.flag(flagger=request.user, reason=data["reason"], story=story),
        heading=f"Flag “{story.title}” for a moderator",
        button="Flag",
        back=story.get_absolute_url(),
    )
