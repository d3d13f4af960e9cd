"""The JSON API under /api/, documented by the OpenAPI schema at /api/openapi.json.

Reading needs no key; posting, rating and voting need a member's personal token
(`Authorization: Bearer <token>`). Writes go through the same services as the HTML site, so
the same permission rules apply. Errors are JSON: `{"detail": "...", "errors": ...}`.
"""

import base64
import binascii
from datetime import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.html import format_html
from ninja import NinjaAPI, Query, Status
from ninja.errors import AuthenticationError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.security import HttpBearer

from ladle.accounts.models import User
from ladle.accounts.names import name_key
from ladle.accounts.throttle import Throttled
from ladle.comments import services as comment_services
from ladle.comments.models import Comment
from ladle.comments.preferences import ReaderChoices
from ladle.comments.threads import story_thread
from ladle.lib.display import Display, ViewOptions
from ladle.polls import services as poll_services
from ladle.polls.models import Poll
from ladle.stories.models import Story

from . import schemas
from .services import member_for_key


class MemberToken(HttpBearer):
    def authenticate(self, request, token):
        return member_for_key(token)


api = NinjaAPI(
    title="Ladle API",
    version="1",
    description=__doc__,
    urls_namespace="api",
    openapi_url="/openapi.json",
    docs_url="/docs",
)

ERRORS = {400: schemas.Problem, 403: schemas.Problem, 404: schemas.Problem, 422: schemas.Problem}
WRITE_ERRORS = {**ERRORS, 401: schemas.Problem, 429: schemas.Problem}


@api.exception_handler(Throttled)
def _throttled(request, error: Throttled):
    response = api.create_response(request, {"detail": " ".join(error.messages)}, status=429)
    if error.until is not None:
        seconds = max(int((error.until - timezone.now()).total_seconds()), 1)
        response["Retry-After"] = str(seconds)
    return response


@api.exception_handler(ValidationError)
def _invalid(request, error: ValidationError):
    errors = error.message_dict if hasattr(error, "error_dict") else None
    return api.create_response(
        request, {"detail": " ".join(error.messages), "errors": errors}, status=400
    )


@api.exception_handler(PermissionDenied)
def _forbidden(request, error):
    return api.create_response(request, {"detail": str(error) or "Not allowed."}, status=403)


@api.exception_handler(Http404)
def _not_found(request, error):
    return api.create_response(request, {"detail": "Not found."}, status=404)


@api.exception_handler(NinjaValidationError)
def _unprocessable(request, error: NinjaValidationError):
    return api.create_response(
        request, {"detail": "The request is not valid.", "errors": error.errors}, status=422
    )


@api.exception_handler(AuthenticationError)
def _unauthorized(request, error):
    return api.create_response(
        request, {"detail": "A valid, unrevoked token is needed."}, status=401
    )


def _reader(request):
    """Who is reading: the token's member if a valid one is sent, else an anonymous reader."""
    header = request.headers.get("Authorization", "")
    if header.startswith("Bearer "):
        member = member_for_key(header[7:].strip())
        if member is not None:
            return member
    return request.user


def _member(member, *, full: bool = False) -> dict:
    data = {
        "name": member.username,
        "display_name": member.shown_name,
        "url": member.get_absolute_url(),
    }
    if full:
        data |= {
            "joined": member.date_joined,
            "bio": member.bio,
            "homepage": member.homepage,
            "mojo": member.mojo,
            "trust": str(member.trust),
        }
    return data


def _story(story, *, detail: bool = False) -> dict:
    data = {
        "id": story.pk,
        "title": story.title,
        "url": story.get_absolute_url(),
        "section": {"name": story.section.name, "slug": story.section.slug},
        "topics": [t.name for t in story.topics.all()],
        "author": _member(story.author),
        "published_at": story.published_at,
        "front_page": story.front_page,
        "comment_count": story.comment_count,
        "word_count": story.body_word_count,
        "intro_html": story.intro_html,
    }
    if detail:
        data |= {"body_html": story.body_html, "comment_status": story.comment_status}
    return data


def _comment(comment, parent_number: int | None) -> dict:
    removed = comment.is_removed
    return {
        "number": comment.number,
        "parent": parent_number,
        "depth": comment.depth,
        "subject": comment.shown_subject,
        "body_html": (
            format_html("<p>Removed by a moderator: {}</p>", comment.removal_reason)
            if removed
            else comment.body_html
        ),
        "author": (
            {"name": comment.guest_name, "display_name": comment.guest_name, "url": ""}
            if comment.guest_name
            else _member(comment.author)
        ),
        "created_at": comment.created_at,
        "edited": comment.edited_at is not None,
        "score": comment.score if comment.rating_count else None,
        "rating_count": comment.rating_count,
        "hidden": comment.is_hidden,
        "removed": removed,
        "url": comment.get_absolute_url(),
        "replies": [],
    }


def _encode_cursor(story) -> str:
    raw = f"{story.published_at.isoformat()}|{story.pk}".encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _decode_cursor(cursor: str) -> tuple[datetime, int]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        moment, pk = raw.split("|")
        parsed = datetime.fromisoformat(moment)
        if parsed.tzinfo is None:
            raise ValueError
        return parsed, int(pk)
    except (ValueError, binascii.Error, UnicodeDecodeError) as error:
        raise ValidationError({"cursor": "This cursor is not valid."}) from error


@api.get("/stories", response={200: schemas.StoryPage, **ERRORS}, tags=["stories"])
def list_stories(
    request,
    section: str | None = None,
    topic: str | None = None,
    author: str | None = None,
    cursor: str | None = None,
    limit: int = Query(20, ge=1, le=100),
):
    """Published stories, newest first, a page at a time (pass `next_cursor` on)."""
    stories = (
        Story.objects.readable_by(_reader(request))
        .published()
        .select_related("section", "author")
        .prefetch_related("topics")
        .order_by("-published_at", "-id")
    )
    if section:
        stories = stories.filter(section__slug=section)
    if topic:
        stories = stories.filter(topics__slug=topic)
    if author:
        stories = stories.filter(author__name_key=name_key(author))
    if cursor:
        moment, pk = _decode_cursor(cursor)
        stories = stories.filter(Q(published_at__lt=moment) | Q(published_at=moment, id__lt=pk))
    page = list(stories[: limit + 1])
    more = len(page) > limit
    page = page[:limit]
    return {
        "items": [_story(s) for s in page],
        "next_cursor": _encode_cursor(page[-1]) if more and page else None,
    }


@api.get("/stories/{story_id}", response={200: schemas.StoryDetail, **ERRORS}, tags=["stories"])
def get_story(request, story_id: schemas.Id):
    story = get_object_or_404(
        Story.objects.readable_by(_reader(request))
        .select_related("section", "author")
        .prefetch_related("topics"),
        pk=story_id,
    )
    return _story(story, detail=True)


@api.get(
    "/stories/{story_id}/comments", response={200: schemas.CommentList, **ERRORS}, tags=["comments"]
)
def list_comments(
    request, story_id: schemas.Id, format: str = Query("tree", pattern="^(tree|flat)$")
):
    """A story's comments as the reader sees them (hidden ones only for trusted readers), as a
    tree of replies or a flat list in thread order."""
    reader = _reader(request)
    story = get_object_or_404(Story.objects.readable_by(reader), pk=story_id)
    if not (story.shows_comments and story.section.comments_readable_by(reader)):
        return {"story": story.pk, "format": format, "count": 0, "comments": []}
    choices = ReaderChoices(
        options=ViewOptions(display=Display.NESTED),
        display_forced=True,
        large_thread_display=Display.NESTED,
    )
    thread = story_thread(story, reader, choices).thread
    flat = [(_comment(e.comment, e.comment.parent_number), e.thread_depth) for e in thread.entries]
    if format == "flat":
        return {
            "story": story.pk,
            "format": "flat",
            "count": len(flat),
            "comments": [c for c, _ in flat],
        }
    roots: list[dict] = []
    stack: list[dict] = []
    for data, depth in flat:
        del stack[depth:]
        (stack[-1]["replies"] if stack else roots).append(data)
        stack.append(data)
    return {"story": story.pk, "format": "tree", "count": len(flat), "comments": roots}


@api.post(
    "/stories/{story_id}/comments",
    response={201: schemas.CommentOut, **WRITE_ERRORS},
    auth=MemberToken(),
    tags=["comments"],
)
def post_comment(request, story_id: schemas.Id, payload: schemas.CommentIn):
    """Post a comment, or a reply when `parent` names a comment number."""
    story = get_object_or_404(Story.objects.readable_by(request.auth), pk=story_id)
    parent = None
    if payload.parent is not None:
        parent = get_object_or_404(
            Comment.objects.for_story(story).visible_to(request.auth), number=payload.parent
        )
    comment = comment_services.post_comment(
        story=story,
        author=request.auth,
        parent=parent,
        subject=payload.subject,
        body=payload.body,
        markup=payload.markup,
    )
    return Status(201, _comment(comment, parent.number if parent else None))


def _rated_comment(request, story_id: int, number: int):
    story = get_object_or_404(Story.objects.readable_by(request.auth), pk=story_id)
    return get_object_or_404(
        Comment.objects.for_story(story).visible_to(request.auth).with_authors(), number=number
    )


@api.put(
    "/stories/{story_id}/comments/{number}/rating",
    response={200: schemas.CommentOut, **WRITE_ERRORS},
    auth=MemberToken(),
    tags=["comments"],
)
def rate(request, story_id: schemas.Id, number: schemas.Id, payload: schemas.RatingIn):
    """Rate a comment (rating again replaces the rating)."""
    comment = _rated_comment(request, story_id, number)
    comment = comment_services.rate_comment(
        comment=comment, rater=request.auth, value=payload.value
    )
    return _comment(comment, _parent_number(comment))


@api.delete(
    "/stories/{story_id}/comments/{number}/rating",
    response={200: schemas.CommentOut, **WRITE_ERRORS},
    auth=MemberToken(),
    tags=["comments"],
)
def withdraw(request, story_id: schemas.Id, number: schemas.Id):
    """Withdraw your rating of a comment."""
    comment = _rated_comment(request, story_id, number)
    comment = comment_services.withdraw_rating(comment=comment, rater=request.auth)
    return _comment(comment, _parent_number(comment))


def _parent_number(comment) -> int | None:
    return comment.parent.number if comment.parent_id else None


@api.get("/members/{name}", response={200: schemas.MemberOut, **ERRORS}, tags=["members"])
def get_member(request, name: str):
    member = get_object_or_404(
        User, name_key=name_key(name), is_active=True, email_confirmed_at__isnull=False
    )
    return _member(member, full=True)


def _poll(poll) -> dict:
    return {
        "id": poll.pk,
        "question": poll.question,
        "multiple_choice": poll.multiple_choice,
        "closed": poll.closed,
        "voters": poll.ballot_count,
        "story": poll.story_id,
        "url": poll.get_absolute_url(),
        "answers": [{"id": a.pk, "text": a.text, "votes": a.votes} for a in poll.answers.all()],
    }


def _readable_poll(request, poll_id: int):
    return get_object_or_404(
        Poll.objects.filter(story__in=Story.objects.readable_by(_reader(request))).prefetch_related(
            "answers"
        ),
        pk=poll_id,
    )


@api.get("/polls/{poll_id}", response={200: schemas.PollOut, **ERRORS}, tags=["polls"])
def get_poll(request, poll_id: schemas.Id):
    return _poll(_readable_poll(request, poll_id))


@api.post(
    "/polls/{poll_id}/ballot",
    response={201: schemas.PollOut, **WRITE_ERRORS},
    auth=MemberToken(),
    tags=["polls"],
)
def vote(request, poll_id: schemas.Id, payload: schemas.BallotIn):
    """Vote in a poll: one answer id, or several in a multiple-choice poll. Once only."""
    poll = _readable_poll(request, poll_id)
    poll_services.vote_in_poll(poll=poll, voter=request.auth, answer_ids=payload.answers)
    return Status(201, _poll(_readable_poll(request, poll_id)))
