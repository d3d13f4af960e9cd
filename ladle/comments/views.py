"""Comment pages: permalink, posting (top level and replies), editing, deleting, removing.

Views parse the form, call a service and redirect after a successful POST. Errors from the
service land on the form beside their field, with the text the member wrote kept.
"""

from django import forms
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.handlers.asgi import ASGIRequest
from django.http import (
    Http404,
    HttpResponse,
    HttpResponseBadRequest,
    HttpResponseNotAllowed,
    HttpResponseNotFound,
    HttpResponseNotModified,
    StreamingHttpResponse,
)
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from ladle.accounts.middleware import client_ip
from ladle.accounts.services import save_display_choice
from ladle.form_actions import MAX_ID, add_service_errors, redirect_back, run_form
from ladle.moderation import services as moderation
from ladle.moderation.forms import FlagForm, ReasonForm
from ladle.moderation.pages import act
from ladle.stories.models import Story

from . import live as live_comments
from . import rules, services
from .forms import CommentForm, GuestCommentForm, RateForm, RemoveForm, comment_form
from .models import Comment, HeldComment, Rating
from .preferences import COOKIE, COOKIE_MAX_AGE, cookie_value, parse_options, reader_choices
from .threads import (
    ReaderComment,
    annotate,
    heading_level,
    rendered_thread,
    subthread,
)


def is_htmx(request) -> bool:
    """True when htmx asked for a fragment to swap into the page (and it is not a boost)."""
    return request.headers.get("HX-Request") == "true" and "HX-Boosted" not in request.headers


def _story(request, story_pk: int) -> Story:
    return get_object_or_404(
        Story.objects.readable_by(request.user).select_related("section", "author"), pk=story_pk
    )


def _comment(story: Story, number: int, reader) -> Comment:
    """A comment of `story` that has a place in `reader`'s thread (404 for anyone else)."""
    return get_object_or_404(
        Comment.objects.for_story(story).in_thread_for(reader).with_authors(), number=number
    )


def _as_seen(comment: Comment, reader) -> ReaderComment:
    """The comment with the reader's links and permissions, for a page showing it alone."""
    return annotate([comment], reader)[0]


def permalink(request, story_pk: int, number: int):
    story = _story(request, story_pk)
    if not (story.shows_comments and story.section.comments_readable_by(request.user)):
        return redirect(story)
    comment, comments = _single(request, story, number)
    thread_html = rendered_thread(comments.thread, story=story, request=request)
    return render(
        request,
        "comments/comment_permalink.html",
        {"story": story, "comment": comment, "comments": comments, "thread_html": thread_html},
    )


def _open_thread(request, story_pk: int) -> Story:
    story = _story(request, story_pk)
    if not (story.shows_comments and story.section.comments_readable_by(request.user)):
        raise Http404("This story shows no comments.")
    return story


def _number(text: str) -> int:
    return int(text) if text.isascii() and text.isdigit() and int(text) <= MAX_ID else 0


def live(request, story_pk: int):
    """The comments posted since the reader's page was made (numbers above `after`), for the
    thread's "N new comments" bar, asked every few seconds by pages that cannot stream. While
    the thread has not moved, the answer is a 304 for one query."""
    story = _open_thread(request, story_pk)
    after = _number(request.GET.get("after", ""))
    tag = f'W/"live-{story.thread_revision}-{after}-{request.user.pk or 0}"'
    if tag in request.headers.get("If-None-Match", ""):
        unchanged = HttpResponseNotModified()
        unchanged["ETag"] = tag
        return unchanged
    response = HttpResponse(live_comments.news(story, request, after).html)
    response["ETag"] = tag
    response["Cache-Control"] = "private, no-cache"
    return response


def _stream_start(request, story_pk: int) -> tuple[Story | None, int]:
    try:
        story = _open_thread(request, story_pk)
    except Http404:
        return None, 0
    finally:
        # This request's own thread holds no connection while its stream waits: the
        # stream reads on a thread shared by every stream (comments.live).
        live_comments.let_go_of_connections()
    # The browser says the last comment it got when it opens the stream again.
    after = max(
        _number(request.GET.get("after", "")),
        _number(request.headers.get("Last-Event-ID", "")),
    )
    return story, after


def stream(request, story_pk: int):
    """The same comments as server-sent events, within a moment of their posting, for as
    long as the page is open. Only an ASGI server can hold a stream open for free (the view
    returns at once; the server runs the stream, a coroutine, on its event loop); under a
    WSGI server the answer is 204, and the page polls `live` instead."""
    if not isinstance(request, ASGIRequest):
        return HttpResponse(status=204)
    story, after = _stream_start(request, story_pk)
    if story is None:
        # Plain, not the site's 404 page: that would take a database connection again.
        return HttpResponseNotFound("No such story, or it shows no comments.")
    response = StreamingHttpResponse(
        live_comments.events(request, story, after, timezone.get_current_timezone()),
        content_type="text/event-stream",
    )
    response["Cache-Control"] = "private, no-cache"
    response["X-Accel-Buffering"] = "no"  # nginx passes each event on as it comes
    return response


@require_http_methods(["GET", "POST"])
def post(request, story_pk: int, number: int | None = None):
    """The reply form: under a comment (number given) or to the story itself."""
    story = _story(request, story_pk)
    parent = _comment(story, number, request.user) if number is not None else None
    # A reply form opens inside the story page, beside the page's own comment form: its
    # fields get ids of their own, so no label points at the other form's field.
    form = comment_form(
        story,
        request.POST if request.method == "POST" else None,
        reader=request.user,
        auto_id=f"reply-{number}-%s" if parent else "id_%s",
    )
    preview_html = None
    guest = isinstance(form, GuestCommentForm)
    if request.method == "POST" and not request.user.is_authenticated and not guest:
        return redirect_to_login(request.get_full_path())
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if "preview" in request.POST:
            try:
                services.check_text(data["subject"], data["body"])
            except ValidationError as error:
                add_service_errors(form, error)
            preview_html = services.preview(body=data["body"], markup=data["markup"])
        else:
            try:
                if guest:
                    posted = services.post_guest_comment(
                        story=story,
                        name=data["name"],
                        parent=parent,
                        subject=data["subject"],
                        body=data["body"],
                        markup=data["markup"],
                        address=client_ip(request),
                    )
                else:
                    posted = services.post_comment(
                        story=story,
                        author=request.user,
                        parent=parent,
                        subject=data["subject"],
                        body=data["body"],
                        markup=data["markup"],
                        editorial=data.get("editorial", False),
                    )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                if isinstance(posted, HeldComment):
                    return render(request, "comments/comment_held.html", {"story": story})
                return redirect(f"{story.get_absolute_url()}#{posted.anchor}")
    template = "comments/_reply_form.html" if is_htmx(request) else "comments/comment_form.html"
    return render(
        request,
        template,
        {
            "story": story,
            "parent": parent and _as_seen(parent, request.user),
            "form": form,
            "preview_html": preview_html,
            # inside the comment it answers: one level below that comment's heading
            "reply_level": min(heading_level(parent.depth) + 1, 6) if parent else 2,
        },
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def edit(request, story_pk: int, number: int):
    story = _story(request, story_pk)
    comment = _comment(story, number, request.user)
    if not comment.can_be_edited_by(request.user, timezone.now()):
        raise PermissionDenied("You can no longer edit this comment.")
    form = CommentForm(
        request.POST if request.method == "POST" else None,
        initial={"subject": comment.subject, "body": comment.body, "markup": comment.markup},
    )
    if run_form(
        request,
        form,
        lambda data: services.edit_comment(
            comment=comment, editor=request.user, subject=data["subject"], body=data["body"]
        ),
    ):
        return redirect(f"{story.get_absolute_url()}#{comment.anchor}")
    return render(
        request,
        "comments/comment_edit.html",
        {"story": story, "comment": _as_seen(comment, request.user), "form": form},
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def delete(request, story_pk: int, number: int):
    story = _story(request, story_pk)
    comment = _comment(story, number, request.user)
    if not comment.can_be_deleted_by(request.user):
        raise PermissionDenied("You cannot delete this comment.")
    if request.method == "POST":
        services.delete_comment(comment=comment, member=request.user)
        return redirect(story)
    return render(
        request,
        "comments/comment_delete.html",
        {"story": story, "comment": _as_seen(comment, request.user)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def remove(request, story_pk: int, number: int):
    story = _story(request, story_pk)
    comment = _comment(story, number, request.user)
    if not comment.can_be_removed_by(request.user):
        raise PermissionDenied("Only moderators may remove comments.")
    form = RemoveForm(request.POST if request.method == "POST" else None)
    if run_form(
        request,
        form,
        lambda data: services.remove_comment(
            comment=comment, moderator=request.user, reason=data["reason"]
        ),
    ):
        return redirect(f"{story.get_absolute_url()}#{comment.anchor}")
    return render(
        request,
        "comments/comment_remove.html",
        {"story": story, "comment": _as_seen(comment, request.user), "form": form},
        status=400 if form.errors else 200,
    )


def _single(request, story: Story, number: int, *, always: bool = False):
    """One comment as the reader sees it in a thread, for htmx swaps; 404 if hidden from them."""
    if always:  # the reader just acted on it (a rating may have hidden it from them)
        root = get_object_or_404(Comment.objects.for_story(story).shown(), number=number)
    else:
        root = _comment(story, number, request.user)
    comments = subthread(story, root, request.user, reader_choices(request), always_root=always)
    entries = comments.thread.entries
    if not entries:
        raise Http404("This comment is hidden.")
    comment = entries[0].comment
    comment.level = heading_level(comment.depth)  # as it stands in the story's thread
    return comment, comments


def fragment(request, story_pk: int, number: int):
    """The whole comment, to replace its one-line header in place (htmx); else its permalink."""
    story = _story(request, story_pk)
    if not is_htmx(request):
        return redirect("comments:permalink", story_pk=story.pk, number=number)
    comment, comments = _single(request, story, number)
    return render(
        request,
        "comments/_comment.html",
        {"story": story, "comment": comment, "comments": comments},
    )


def _rating_choice(text: str) -> int | str | None:
    """A rating menu's value: a rating, WITHDRAW, or None for anything else."""
    if text == rules.WITHDRAW:
        return rules.WITHDRAW
    return int(text) if text.isascii() and text.isdigit() and len(text) < 4 else None


@require_http_methods(["GET", "POST"])
def rate(request, story_pk: int, number: int):
    """A comment's Rate page (the form alone, for htmx to open in place), and the rating or
    its withdrawal: back to the comment, or the comment itself for htmx. A refusal or a bad
    choice shows the form again with the reason next to it."""
    story = _story(request, story_pk)
    if not request.user.is_authenticated:
        return redirect_to_login(
            request.get_full_path() if request.method == "GET" else story.get_absolute_url()
        )
    comment = _comment(story, number, request.user)
    choices = rules.rating_choices(may_hide=rules.may_hide(request.user))
    menu = is_htmx(request) and "inline" not in request.POST  # a "Rate all" menu's own button
    if request.method == "GET":
        return _rate_page(request, story, comment, _rate_form(request, number, choices))
    form = _rate_form(request, number, choices, request.POST)
    if "withdraw" in request.POST:
        choice: int | str | None = rules.WITHDRAW
    elif menu:
        choice = _rating_choice(request.POST.get("value", ""))
    elif form.is_valid():
        choice = form.cleaned_data["value"]
    elif (posted := _rating_choice(request.POST.get("value", ""))) in rules.rating_labels():
        choice = posted  # a rating this rater may not give (not offered): the rules say why
    else:
        return _rate_page(request, story, comment, form, status=400)
    try:
        if choice is None:
            raise ValidationError({"value": "Choose a rating."})
        services.rate_chosen(comments=[comment], rater=request.user, chosen={number: choice})
    except (ValidationError, PermissionDenied) as error:
        if menu:
            return _rating_refused(request, story, [(comment.number, error)])
        form.errors.pop("value", None)  # a withdrawal sends no choice: only the refusal counts
        if isinstance(error, PermissionDenied):
            form.add_error(None, str(error))
            return _rate_page(request, story, comment, form, status=403)
        add_service_errors(form, error)
        return _rate_page(request, story, comment, form, status=400)
    if is_htmx(request):
        comment, comments = _single(request, story, number, always=True)
        return render(
            request,
            "comments/_comment.html",
            {"story": story, "comment": comment, "comments": comments},
        )
    return redirect(f"{story.get_absolute_url()}#{comment.anchor}")


def _rate_form(request, number: int, choices, data=None) -> RateForm:
    # Opened in place, several may be on one page at once: each has its own ids.
    auto_id = f"rate{number}-%s" if is_htmx(request) else "id_%s"
    return RateForm(data, choices=choices, auto_id=auto_id)


def _rate_page(request, story: Story, comment: Comment, form, *, status: int = 200):
    """The rating form of one comment: a page of its own, or (htmx) the form alone, which
    opens in place of the comment's Rate link. The reader's own rating is chosen in it."""
    mine = Rating.objects.filter(comment=comment, rater=request.user)
    seen = annotate([comment], request.user, dict(mine.values_list("comment_id", "value")))[0]
    if not form.is_bound:
        form.initial["value"] = seen.my_rating
    refusal = comment.rating_refusal(request.user, trusted=request.user.is_trusted)
    context = {"story": story, "comment": seen, "form": form, "refusal": refusal}
    if is_htmx(request):
        # htmx swaps only what succeeded: a refusal comes back as a 200 that replaces the form
        # (not the comment, which a saved rating replaces).
        response = render(request, "comments/_rate_inline.html", context)
        if form.is_bound:
            response["HX-Retarget"] = "this"
            response["HX-Reswap"] = "outerHTML"
        return response
    if refusal and not form.is_bound:
        status = 403
    return render(request, "comments/comment_rate.html", context, status=status)


RATE_ALL_MOST = 2000  # menus one "Rate all" may send: more than any page shows


@require_http_methods(["POST"])
def rate_all(request, story_pk: int):
    """The page's "Rate all" form: every rating chosen in its menus at once (the way to rate
    without JavaScript). Menus left at the reader's own rating change nothing; each refusal
    is listed with its comment, and the other ratings are kept."""
    story = _story(request, story_pk)
    if not request.user.is_authenticated:
        return redirect_to_login(story.get_absolute_url())
    chosen: dict[int, int | str | None] = {}
    for key, value in request.POST.items():
        number = key[1:] if key.startswith("r") else ""
        if value and number.isascii() and number.isdigit() and int(number) <= MAX_ID:
            chosen[int(number)] = _rating_choice(value)
    if len(chosen) > RATE_ALL_MOST:
        return HttpResponseBadRequest(f"At most {RATE_ALL_MOST:,} ratings at a time.")
    found = {
        c.number: c
        for c in Comment.objects.for_story(story)
        .in_thread_for(request.user)
        .with_authors()
        .filter(number__in=list(chosen))
    }
    refused: list[tuple[int, Exception]] = [
        (number, ValidationError("This comment is not in the thread any more."))
        for number in chosen
        if number not in found
    ]
    refused += [
        (number, ValidationError("Choose one of the ratings offered."))
        for number, choice in chosen.items()
        if number in found and choice is None
    ]
    valid = {n: c for n, c in chosen.items() if n in found and c is not None}
    refused += [
        (comment.number, error)
        for comment, error in services.rate_chosen(
            comments=[found[n] for n in valid], rater=request.user, chosen=valid, keep_going=True
        )
    ]
    if refused:
        return _rating_refused(request, story, refused)
    back = redirect_back(request, request.POST.get("next"), story.get_absolute_url())
    if valid and "#" not in back.url:
        back["Location"] = f"{back.url}#c{min(valid)}"
    return back


def _rating_refused(request, story, refused: list[tuple[int, Exception]]):
    """Which ratings (by comment number) were not saved, and why; the others were."""
    rows = []
    for number, error in sorted(refused, key=lambda pair: pair[0]):
        messages = error.messages if isinstance(error, ValidationError) else [str(error)]
        rows.append({"number": number, "anchor": f"c{number}", "message": " ".join(messages)})
    # Refused by the rules (own comment, hide rating without trust...): 403; else bad input.
    forbidden = all(isinstance(error, PermissionDenied) for _, error in refused)
    return render(
        request,
        "comments/rating_error.html",
        {"story": story, "refused": rows},
        status=403 if forbidden else 400,
    )


def ratings(request, story_pk: int, number: int):
    """Who rated a comment what. Hide ratings show only as a count to non-trusted readers."""
    story = _story(request, story_pk)
    comment, _ = _single(request, story, number)
    rows = list(comment.ratings.select_related("rater").order_by("-value", "created_at"))
    trusted = request.user.is_trusted
    shown = [r for r in rows if trusted or r.value > 0]
    return render(
        request,
        "comments/comment_ratings.html",
        {
            "story": story,
            "comment": comment,
            "ratings": shown,
            "hidden_ratings": len(rows) - len(shown),
            "labels": rules.rating_labels(),
        },
    )


@require_http_methods(["GET", "POST"])
def set_display(request):
    """The Display/Sort bar's [Set]: into the member's profile (a POST), or a cookie for a
    visitor (a GET is enough: the cookie only changes how their own pages look)."""
    data = request.POST if request.method == "POST" else request.GET
    options = parse_options(data)
    response = redirect_back(request, data.get("next"))
    if request.user.is_authenticated:
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        save_display_choice(member=request.user, options=options)
    else:
        response.set_cookie(
            COOKIE,
            cookie_value(options),
            max_age=COOKIE_MAX_AGE,
            samesite="Lax",
            httponly=True,
            secure=request.is_secure(),
        )
    return response


@login_required
@require_http_methods(["GET", "POST"])
def restore(request, story_pk: int, number: int):
    story = _story(request, story_pk)
    comment = get_object_or_404(Comment.objects.for_story(story), number=number)
    if not (request.user.is_editor and comment.is_removed):
        raise PermissionDenied("Only moderators restore removed comments.")
    return act(
        request,
        ReasonForm(request.POST if request.method == "POST" else None),
        lambda data: services.restore_comment(
            comment=comment, moderator=request.user, reason=data["reason"]
        ),
        heading=f"Restore comment #{comment.number}",
        about=f"Removed: {comment.removal_reason}",
        button="Restore",
        back=f"{story.get_absolute_url()}#{comment.anchor}",
    )


@login_required
@require_http_methods(["GET", "POST"])
def flag(request, story_pk: int, number: int):
    story = _story(request, story_pk)
    comment = _comment(story, number, request.user)
    return act(
        request,
        FlagForm(request.POST if request.method == "POST" else None),
        lambda data: moderation.flag(flagger=request.user, reason=data["reason"], comment=comment),
        heading=f"Flag comment #{comment.number} for a moderator",
        about=f"“{comment.shown_subject}”"
        + ("" if comment.is_removed else f" by {comment.author_name}"),
        button="Flag",
        back=f"{story.get_absolute_url()}#{comment.anchor}",
    )


@login_required
@require_http_methods(["GET", "POST"])
def held(request, pk: int, decision: str):
    """A moderator approves or rejects a comment held for them (from the moderation queue)."""
    if not request.user.is_editor:
        raise PermissionDenied("Only moderators decide on held comments.")
    held = get_object_or_404(
        HeldComment.objects.select_related("story"), pk=pk, state=HeldComment.State.WAITING
    )
    about = f"“{held.subject}” by {held.name} (no account) on “{held.story.title}”"
    data = request.POST if request.method == "POST" else None
    if decision == "approve":
        return act(
            request,
            forms.Form(data),
            lambda _: services.approve_held(held=held, moderator=request.user),
            heading="Approve a held comment",
            about=about,
            button="Approve and show it",
            back=reverse("moderation_queue"),
        )
    return act(
        request,
        ReasonForm(data),
        lambda data: services.reject_held(held=held, moderator=request.user, reason=data["reason"]),
        heading="Reject a held comment",
        about=about,
        button="Reject",
        back=reverse("moderation_queue"),
        danger=True,
    )
