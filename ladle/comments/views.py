"""Comment pages: permalink, posting (top level and replies), editing, deleting, removing.

Views parse the form, call a service and redirect after a successful POST. Errors from the
service land on the form beside their field, with the text the member wrote kept.
"""

from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from ladle.stories.models import Story

from . import services
from .forms import CommentForm, RemoveForm
from .models import Comment
from .threads import subthread


def is_htmx(request) -> bool:
    """True when htmx asked for a fragment to swap into the page (and it is not a boost)."""
    return request.headers.get("HX-Request") == "true" and "HX-Boosted" not in request.headers


def _story(request, story_pk: int) -> Story:
    return get_object_or_404(
        Story.objects.visible_to(request.user).select_related("section", "author"), pk=story_pk
    )


def _comment(story: Story, number: int) -> Comment:
    return get_object_or_404(Comment.objects.for_story(story).shown().with_authors(), number=number)


def _add_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, messages in error.message_dict.items():
            form.add_error(field if field in form.fields else None, messages)
    else:
        form.add_error(None, error)


def permalink(request, story_pk: int, number: int):
    story = _story(request, story_pk)
    if not story.shows_comments:
        return redirect(story)
    comment = _comment(story, number)
    thread = subthread(story, comment)
    return render(
        request,
        "comments/comment_permalink.html",
        {"story": story, "comment": comment, "thread": thread},
    )


@require_http_methods(["GET", "POST"])
def post(request, story_pk: int, number: int | None = None):
    """The reply form: under a comment (number given) or to the story itself."""
    story = _story(request, story_pk)
    parent = _comment(story, number) if number is not None else None
    form = CommentForm(request.POST if request.method == "POST" else None)
    preview_html = None
    if request.method == "POST" and not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if "preview" in request.POST:
            try:
                services._check_text(data["subject"], data["body"])
            except ValidationError as error:
                _add_errors(form, error)
            preview_html = services.preview(body=data["body"], markup=data["markup"])
        else:
            try:
                comment = services.post_comment(
                    story=story,
                    author=request.user,
                    parent=parent,
                    subject=data["subject"],
                    body=data["body"],
                    markup=data["markup"],
                )
            except ValidationError as error:
                _add_errors(form, error)
            else:
                return redirect(f"{story.get_absolute_url()}#{comment.anchor}")
    template = "comments/_reply_form.html" if is_htmx(request) else "comments/comment_form.html"
    return render(
        request,
        template,
        {"story": story, "parent": parent, "form": form, "preview_html": preview_html},
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def edit(request, story_pk: int, number: int):
    story = _story(request, story_pk)
    comment = _comment(story, number)
    if not comment.can_be_edited_by(request.user, timezone.now()):
        raise PermissionDenied("You can no longer edit this comment.")
    form = CommentForm(
        request.POST if request.method == "POST" else None,
        initial={"subject": comment.subject, "body": comment.body, "markup": comment.markup},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.edit_comment(
                comment=comment,
                editor=request.user,
                subject=form.cleaned_data["subject"],
                body=form.cleaned_data["body"],
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            return redirect(f"{story.get_absolute_url()}#{comment.anchor}")
    return render(
        request,
        "comments/comment_edit.html",
        {"story": story, "comment": comment, "form": form},
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def delete(request, story_pk: int, number: int):
    story = _story(request, story_pk)
    comment = _comment(story, number)
    if not comment.can_be_deleted_by(request.user):
        raise PermissionDenied("You cannot delete this comment.")
    if request.method == "POST":
        services.delete_comment(comment=comment, member=request.user)
        return redirect(story)
    return render(request, "comments/comment_delete.html", {"story": story, "comment": comment})


@login_required
@require_http_methods(["GET", "POST"])
def remove(request, story_pk: int, number: int):
    story = _story(request, story_pk)
    comment = _comment(story, number)
    if not comment.can_be_removed_by(request.user):
        raise PermissionDenied("Only moderators may remove comments.")
    form = RemoveForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.remove_comment(
                comment=comment, moderator=request.user, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            return redirect(f"{story.get_absolute_url()}#{comment.anchor}")
    return render(
        request,
        "comments/comment_remove.html",
        {"story": story, "comment": comment, "form": form},
        status=400 if form.errors else 200,
    )
