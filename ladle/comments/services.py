"""Writes to comments and ratings. Each function is one transaction and checks its permissions.

Locking rules (PostgreSQL row locks via `select_for_update`; on SQLite the IMMEDIATE transaction
already holds the database's write lock from its first statement):
- Every write that changes a story's comments first locks the story's row. That serializes the
  comment-number counter, so numbers are 1, 2, 3, ... with no gap or duplicate however many
  people post at once, and the story's counters are recomputed under the same lock.
- Every rating write locks the comment author's row, then the story's, then the comment's,
  always in that order (so raters and posters never deadlock). The comment's mean and count,
  and the author's mojo, are then recomputed from their source rows under those locks, so they
  stay exact under any number of concurrent raters.
"""

from datetime import timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from ladle.accounts import limits
from ladle.accounts.models import User, Visitor, mojo_rules
from ladle.accounts.services import guest_member
from ladle.accounts.throttle import Throttled, take_turn
from ladle.lib.markup import render
from ladle.lib.ranking import Mojo, RatedComment, Trust, compute_mojo, mean_score
from ladle.moderation.services import checked_reason, log_action, resolve_flags
from ladle.notifications.services import alert_moderators, notify_reply
from ladle.search.indexing import index_comment, mark_hidden, rename_author
from ladle.site.values import value
from ladle.stories.models import Story

from . import rules
from .models import Comment, HeldComment, Rating

# Whom the search index and the counters are kept for: a reader who is not logged in.
PUBLIC = Visitor()
SUBJECT_MAX = 50
BODY_MAX = rules.COMMENT_BODY_MAX


def check_text(subject: str, body: str) -> tuple[str, str]:
    """The subject and body as they will be stored, or a ValidationError per field."""
    subject, body = subject.strip(), body.strip()
    errors = {}
    if not subject:
        errors["subject"] = "Give your comment a subject."
    elif len(subject) > SUBJECT_MAX:
        errors["subject"] = (
            f"The subject may be at most {SUBJECT_MAX} characters (it has {len(subject)})."
        )
    if "\x00" in subject + body:
        errors.setdefault("body", "The text contains a NUL character; remove it and try again.")
    if not body:
        errors["body"] = "Write something in the comment."
    elif len(body) > BODY_MAX:
        errors["body"] = (
            f"A comment may be at most {BODY_MAX:,} characters long (this one has {len(body):,})."
        )
    if errors:
        raise ValidationError(errors)
    return subject, body


def _count_comments(story: Story) -> None:
    """The story's shown comments, and how many of them the community's ratings hide from an
    ordinary reader (hidden comments and the replies below them)."""
    shown = Comment.objects.for_story(story).shown()
    story.comment_count = shown.count()
    story.hidden_comment_count = story.comment_count - shown.not_hidden_from(PUBLIC).count()


def _index(comment: Comment, story: Story | None = None) -> None:
    """Keep the comment's search entry current (in the caller's transaction)."""
    public = Comment.objects.filter(pk=comment.pk).not_hidden_from(PUBLIC).exists()
    index_comment(comment, story, hidden=not public)


def _touch_thread(story_id: int) -> None:
    """The story's rendered thread is out of date: move its cache key on."""
    Story.objects.filter(pk=story_id).update(thread_revision=F("thread_revision") + 1)


def member_renamed(member) -> None:
    """A member's name or signature changed: every thread they wrote in shows it from the next
    request (their stories' rendered threads move on; each comment's cached HTML is keyed by
    the names it shows). Their comments' search entries carry the new name too."""
    stories = Comment.objects.filter(author=member).values("story_id")
    Story.objects.filter(pk__in=stories).update(thread_revision=F("thread_revision") + 1)
    rename_author(member)


def _lock_story(story_id: int) -> Story:
    return Story.objects.select_for_update().get(pk=story_id)


def _recount(story: Story, *parents: Comment | None) -> None:
    """Recompute cached counters from the comment rows (call with the story locked)."""
    _count_comments(story)
    story.thread_revision += 1
    story.save(
        update_fields=[
            "comment_count",
            "hidden_comment_count",
            "last_comment_number",
            "thread_revision",
        ]
    )
    for parent in parents:
        if parent is not None:
            parent.reply_count = parent.replies.shown().count()
            parent.save(update_fields=["reply_count"])


def _check_links(author, body_html: str) -> None:
    """A member in their first days may put only a few links in a comment (docs/rules.md,
    *Abuse control*): spammers sign up to post links."""
    if author.is_editor:
        return
    new_until = author.date_joined + timedelta(days=value("new_member_days"))
    allowed = value("new_member_links")
    if timezone.now() < new_until and body_html.count("<a ") > allowed:
        raise ValidationError(
            {
                "body": f"New members may put at most {allowed} links in a comment, for their "
                f"first {value('new_member_days')} days."
            }
        )


def post_comment(
    *,
    story: Story,
    author,
    subject: str,
    body: str,
    parent: Comment | None = None,
    markup: str = Comment.Markup.MARKDOWN,
    editorial: bool = False,
) -> Comment:
    """Add a comment to `story` (a reply when `parent` is given) and give it the next number.

    Only confirmed members may post, only to published or queued stories whose comments are
    open, and a reply's parent must be a shown comment of the same story. Editorial comments
    (about a submission rather than its topic) exist only on queued stories; a reply to an
    editorial comment is editorial too.
    """
    if not author.is_member:
        raise PermissionDenied("Only members with a confirmed e-mail address may post comments.")
    if refusal := author.suspension_refusal():
        raise PermissionDenied(refusal)
    subject, body = check_text(subject, body)
    body_html = render(body, markup=markup)
    _check_links(author, body_html)
    take_turn(author, "comment")  # the post throttle; commits on its own, may refuse
    with transaction.atomic():
        return _add(
            story=story,
            author=author,
            subject=subject,
            body=body,
            markup=markup,
            body_html=body_html,
            parent=parent,
            editorial=editorial,
        )


def _add(
    *,
    story: Story,
    author,
    subject: str,
    body: str,
    markup: str,
    body_html: str,
    parent: Comment | None,
    editorial: bool = False,
    guest_name: str = "",
    reader=None,
) -> Comment:
    """Number and insert a checked comment, then its counters, notification and search entry
    (in the caller's transaction). `reader` is whose view the story and the parent must be in:
    the author, or the public for a guest's comment."""
    reader = reader or author
    story = _lock_story(story.pk)
    if not story.accepts_comments:
        raise PermissionDenied("This story does not take new comments.")
    section = story.section
    if not section.comments_readable_by(reader):
        raise PermissionDenied("You cannot read this story's comments.")
    if not guest_name and (refusal := section.posting_refusal(author, "comments")):
        raise PermissionDenied(refusal)
    if parent is not None:
        parent = Comment.objects.select_for_update().get(pk=parent.pk)
        replyable = Comment.objects.visible_to(reader).filter(pk=parent.pk, story=story)
        if not replyable.exists():
            raise ValidationError("You can only reply to a comment that is shown to you.")
    # An untrusted member's comment starts hidden: their mojo as its score (the lowest
    # score when a carried-over standing left them untrusted without one), no ratings.
    author_row = User.objects.get(pk=author.pk)
    start_score = None
    if not guest_name and author_row.trust is Trust.UNTRUSTED:
        start_score = author_row.mojo if author_row.mojo is not None else 0.0
    editorial = story.is_queued() and (editorial or bool(parent and parent.editorial))
    story.last_comment_number += 1
    comment = Comment(
        editorial=editorial,
        score=start_score,
        story=story,
        number=story.last_comment_number,
        parent=parent,
        depth=0 if parent is None else parent.depth + 1,
        author=author,
        guest_name=guest_name,
        subject=subject,
        body=body,
        markup=markup,
        body_html=body_html,
        created_at=timezone.now(),
    )
    comment.path = comment.path_below(parent)
    comment.save(force_insert=True)
    _recount(story, parent)
    if parent is not None and Comment.objects.visible_to(parent.author).filter(pk=comment.pk):
        notify_reply(comment)
    _index(comment, story)
    return comment


# --- Comments without an account (docs/rules.md, *Anonymous posting*) -----------------------


def check_guest_name(name: str) -> str:
    """The name a guest gives: required, short, and not one that reads like a member's."""
    name = " ".join((name or "").split())
    if not name:
        raise ValidationError({"name": "Give a name to post under."})
    if len(name) > 40:
        raise ValidationError(
            {"name": f"A name may be at most 40 characters (it has {len(name)})."}
        )
    if User.objects.reads_like(name).exists():
        raise ValidationError(
            {"name": "That name belongs to a member. Log in to post as them, or choose another."}
        )
    return name


def post_guest_comment(
    *,
    story: Story,
    name: str,
    subject: str,
    body: str,
    address: str | None,
    parent: Comment | None = None,
    markup: str = Comment.Markup.MARKDOWN,
) -> "Comment | HeldComment":
    """A reader without an account comments where the story's section takes such comments:
    shown at once (a `Comment` under the guest member, with the given name) or held for a
    moderator (a `HeldComment`). Each address may post only a few an hour."""
    if not story.takes_guest_comments():
        raise PermissionDenied("Log in to comment here.")
    errors: dict[str, list[str]] = {}
    try:
        name = check_guest_name(name)
    except ValidationError as error:
        errors |= error.message_dict
    try:
        subject, body = check_text(subject, body)
    except ValidationError as error:
        errors |= error.message_dict
    if errors:  # every field's problem at once, as a member's form shows them
        raise ValidationError(errors)
    body_html = render(body, markup=markup)
    allowed = value("guest_links")
    if body_html.count("<a ") > allowed:
        raise ValidationError(
            {"body": f"A comment without an account may hold at most {allowed} links."}
        )
    held = story.section.guest_comments == "held"
    if parent is not None and not Comment.objects.visible_to(PUBLIC).filter(
        pk=parent.pk, story=story
    ):
        raise ValidationError("You can only reply to a comment that is shown to you.")
    per_hour = value("guest_comments_per_hour")
    if limits.hit(f"guest-comment:{address}", window=timedelta(hours=1)) > per_hour:
        raise Throttled(
            f"This address has posted {per_hour} comments without an account in the last hour, "
            "the most it may. Try again later, or sign up. Your text is kept below.",
            until=None,
        )
    if held:
        waiting = HeldComment.objects.create(
            story=story,
            parent=parent,
            name=name,
            subject=subject,
            body=body,
            markup=markup,
            body_html=body_html,
            address=address,
            created_at=timezone.now(),
        )
        alert_moderators(
            text=f"A comment by {name} (no account) on “{story.title}” waits for approval.",
            url=reverse("moderation_queue"),
        )
        return waiting
    with transaction.atomic():
        return _add(
            story=story,
            author=guest_member(),
            guest_name=name,
            subject=subject,
            body=body,
            markup=markup,
            body_html=body_html,
            parent=parent,
            reader=PUBLIC,
        )


def approve_held(*, held: HeldComment, moderator) -> Comment:
    """A moderator lets a held comment in: it becomes a guest comment, numbered now."""
    if not moderator.is_editor:
        raise PermissionDenied("Only moderators approve held comments.")
    with transaction.atomic():
        held = HeldComment.objects.select_for_update().get(pk=held.pk)
        if held.state != HeldComment.State.WAITING:
            raise ValidationError("A moderator has already decided on this comment.")
        comment = _add(
            story=held.story,
            author=guest_member(),
            guest_name=held.name,
            subject=held.subject,
            body=held.body,
            markup=held.markup,
            body_html=held.body_html,
            parent=held.parent,
            reader=PUBLIC,
        )
        held.state, held.decided_by, held.decided_at = (
            HeldComment.State.APPROVED, moderator, timezone.now()
        )  # fmt: skip
        held.comment = comment
        held.save(update_fields=["state", "decided_by", "decided_at", "comment"])
        log_action(
            moderator=moderator,
            action="approved a held comment",
            target=f"“{held.subject}” by {held.name} (no account) on “{held.story.title}”",
            reason="approved",
            url=comment.get_absolute_url(),
        )
    return comment


def reject_held(*, held: HeldComment, moderator, reason: str) -> HeldComment:
    """A moderator keeps a held comment out, saying why on the moderation log."""
    if not moderator.is_editor:
        raise PermissionDenied("Only moderators reject held comments.")
    reason = checked_reason(reason, what="the comment is rejected")
    with transaction.atomic():
        held = HeldComment.objects.select_for_update().get(pk=held.pk)
        if held.state != HeldComment.State.WAITING:
            raise ValidationError("A moderator has already decided on this comment.")
        held.state, held.decided_by, held.decided_at = (
            HeldComment.State.REJECTED, moderator, timezone.now()
        )  # fmt: skip
        held.save(update_fields=["state", "decided_by", "decided_at"])
        log_action(
            moderator=moderator,
            action="rejected a held comment",
            target=f"“{held.subject}” by {held.name} (no account) on “{held.story.title}”",
            reason=reason,
        )
    return held


def edit_comment(*, comment: Comment, editor, subject: str, body: str, now=None) -> Comment:
    """The author rewrites their comment within the edit window and while it has no replies."""
    subject, body = check_text(subject, body)
    with transaction.atomic():
        _lock_story(comment.story_id)
        comment = Comment.objects.select_for_update().get(pk=comment.pk)
        if not comment.can_be_edited_by(editor, now or timezone.now()):
            raise PermissionDenied("You can no longer edit this comment.")
        comment.subject, comment.body = subject, body
        comment.body_html = render(body, markup=comment.markup)
        comment.edited_at = timezone.now()
        comment.save(update_fields=["subject", "body", "body_html", "edited_at"])
        _index(comment)
        _touch_thread(comment.story_id)
    return comment


def correct_comment(*, comment: Comment, moderator, subject: str, body: str) -> Comment:
    """A moderator corrects a comment's subject and body (from the admin). Logged publicly."""
    if not moderator.is_editor:
        raise PermissionDenied("Only moderators may correct comments.")
    subject, body = check_text(subject, body)
    with transaction.atomic():
        story = _lock_story(comment.story_id)
        comment = Comment.objects.select_for_update().get(pk=comment.pk)
        comment.subject, comment.body = subject, body
        comment.body_html = render(body, markup=comment.markup)
        comment.edited_at = timezone.now()
        comment.save(update_fields=["subject", "body", "body_html", "edited_at"])
        _index(comment, story)
        _touch_thread(story.pk)
        log_action(
            moderator=moderator,
            action="correct_comment",
            reason="Corrected by a moderator.",
            target=f"comment #{comment.number} on “{story.title}”",
            url=comment.get_absolute_url(),
        )
    return comment


def delete_comment(*, comment: Comment, member) -> None:
    """The author takes back a comment nobody has replied to. The row stays, unshown, so its
    number is never handed out again."""
    with transaction.atomic():
        story = _lock_story(comment.story_id)
        comment = Comment.objects.select_for_update().get(pk=comment.pk)
        if not comment.can_be_deleted_by(member):
            raise PermissionDenied("You cannot delete this comment.")
        comment.state = Comment.State.DELETED
        comment.save(update_fields=["state"])
        _index(comment, story)
        _recount(story, comment.parent)


def remove_comment(*, comment: Comment, moderator, reason: str) -> Comment:
    """A moderator removes a comment, leaving a placeholder so the thread keeps its shape.
    The action and its reason go on the public moderation log."""
    reason = checked_reason(reason, what="the comment is removed")
    with transaction.atomic():
        story = _lock_story(comment.story_id)
        comment = Comment.objects.select_for_update().get(pk=comment.pk)
        if not comment.can_be_removed_by(moderator):
            raise PermissionDenied("You cannot remove this comment.")
        comment.state = Comment.State.REMOVED
        comment.removal_reason = reason
        comment.removed_by = moderator
        comment.save(update_fields=["state", "removal_reason", "removed_by"])
        _after_moderation(comment, story, moderator, "remove_comment", reason)
    return comment


def restore_comment(*, comment: Comment, moderator, reason: str) -> Comment:
    """A moderator puts a removed comment back, saying why on the public log."""
    reason = checked_reason(reason, what="the comment is restored")
    with transaction.atomic():
        story = _lock_story(comment.story_id)
        comment = Comment.objects.select_for_update().get(pk=comment.pk)
        if not (moderator.is_editor and comment.state == Comment.State.REMOVED):
            raise PermissionDenied("Only moderators restore removed comments.")
        comment.state = Comment.State.SHOWN
        comment.removal_reason = ""
        comment.removed_by = None
        comment.save(update_fields=["state", "removal_reason", "removed_by"])
        _after_moderation(comment, story, moderator, "restore_comment", reason)
    return comment


def _after_moderation(comment: Comment, story: Story, moderator, action: str, reason: str):
    _index(comment, story)
    _touch_thread(story.pk)  # counts stay: a removed comment keeps its place in the thread
    resolve_flags(moderator=moderator, resolution=f"{action}: {reason}", comment=comment)
    log_action(
        moderator=moderator,
        action=action,
        reason=reason,
        target=f"comment #{comment.number} on “{story.title}”",
        url=comment.get_absolute_url(),
    )


def preview(*, body: str, markup: str = Comment.Markup.MARKDOWN) -> str:
    return render(body, markup=markup)


def _check_rating(*, comment: Comment, rater, trusted: bool, value: int | None = None) -> None:
    if refusal := comment.rating_refusal(rater, trusted=trusted):
        raise PermissionDenied(refusal)
    if value is not None:
        allowed = dict(rules.rating_choices(may_hide=rules.may_hide(rater)))
        if value not in allowed:
            if value in dict(rules.rating_choices(may_hide=True)):
                raise PermissionDenied("You may not give the hide rating.")
            raise ValidationError({"value": "Choose one of the ratings offered."})


def _mark_subtree(comment: Comment) -> None:
    """A comment crossed the hide threshold: tell the search index which comments of its
    subtree an ordinary reader can now find."""
    subtree = Comment.objects.subtree_of(comment)
    public = set(subtree.not_hidden_from(PUBLIC).values_list("pk", flat=True))
    mark_hidden(
        hidden=[pk for pk in subtree.values_list("pk", flat=True) if pk not in public],
        public=list(public),
    )


def _lock_for_rating(comment: Comment) -> tuple[User, Story, Comment]:
    """Author, then story (its thread revision moves), then comment: the story-before-comment
    order every comment write uses, so raters and posters never deadlock."""
    # NO KEY UPDATE: rows that merely reference the member (a new comment, a notification)
    # need only a key-share lock, which this one does not block.
    author = User.objects.select_for_update(no_key=True).get(pk=comment.author_id)
    story = _lock_story(comment.story_id)
    return author, story, Comment.objects.select_for_update().get(pk=comment.pk)


def _rescore(comment: Comment, author: User, story: Story) -> None:
    """Recompute the comment's mean and count from its rating rows, then its author's mojo.

    When the community's ratings hide a comment, the moderators hear of it."""
    was_hidden = comment.is_hidden
    values = Rating.objects.filter(comment=comment).values_list("value", flat=True)
    score, count = mean_score(values)
    if count == 0 and comment.score is not None and comment.rating_count == 0:
        score = comment.score  # an untrusted start score stays until someone rates
    comment.score, comment.rating_count = score, count
    comment.save(update_fields=["score", "rating_count"])
    if comment.is_hidden != was_hidden:
        _mark_subtree(comment)
        _count_comments(story)
    story.thread_revision += 1
    story.save(update_fields=["comment_count", "hidden_comment_count", "thread_revision"])
    refresh_mojo(member=author)
    if comment.is_hidden and not was_hidden:
        alert_moderators(
            text=f"Ratings hid comment #{comment.number} “{comment.subject}” by {author.username}.",
            url=comment.get_absolute_url(),
        )


def rate_comment(*, comment: Comment, rater, value: int) -> Comment:
    """Rate `comment` with `value`; rating again replaces the rater's earlier rating.

    Nobody rates their own comment; only trusted members (staff included) may give 0 ("hide")
    and rate hidden comments. Locks the author's row, then the comment's row.
    """
    trusted = rater.is_trusted
    with transaction.atomic():
        author, story, comment = _lock_for_rating(comment)
        _check_rating(comment=comment, rater=rater, trusted=trusted, value=value)
        Rating.objects.update_or_create(comment=comment, rater=rater, defaults={"value": value})
        _rescore(comment, author, story)
    return comment


def rate_chosen(
    *, comments: list[Comment], rater, chosen: dict[int, int | str], keep_going: bool = False
) -> list[tuple[Comment, Exception]]:
    """Rate each of `comments` as `chosen[its number]` says (a value, or rules.WITHDRAW),
    skipping those the rater already rated so. Each rating is a transaction of its own: with
    `keep_going`, a refused one is returned with its reason and the others are still saved;
    without, the refusal is raised."""
    mine = dict(
        Rating.objects.filter(rater=rater, comment__in=comments).values_list("comment_id", "value")
    )
    refused: list[tuple[Comment, Exception]] = []
    for comment in comments:
        choice = chosen[comment.number]
        if choice == mine.get(comment.pk) or (choice == rules.WITHDRAW and comment.pk not in mine):
            continue
        try:
            if choice == rules.WITHDRAW:
                withdraw_rating(comment=comment, rater=rater)
            else:
                rate_comment(comment=comment, rater=rater, value=int(choice))
        except (ValidationError, PermissionDenied) as error:
            if not keep_going:
                raise
            refused.append((comment, error))
    return refused


def withdraw_rating(*, comment: Comment, rater) -> Comment:
    """Take back the rater's rating of `comment` (nothing happens if there is none)."""
    with transaction.atomic():
        author, story, comment = _lock_for_rating(comment)
        if Rating.objects.filter(comment=comment, rater=rater).delete()[0]:
            _rescore(comment, author, story)
    return comment


def refresh_mojo(*, member: User, now=None) -> Mojo:
    """Recompute `member`'s mojo from their own rated comments in the window (and only theirs).

    Called under the member's row lock by the rating services, and by the daily refresh so the
    60-day window moves.
    """
    rules_ = mojo_rules()
    now = now or timezone.now()
    since = now - timedelta(days=rules_.window_days)
    rows = (
        Comment.objects.filter(author_id=member.pk, rating_count__gt=0, created_at__gte=since)
        .exclude(state=Comment.State.DELETED)
        .order_by("-created_at")
        .values_list("score", "rating_count", "created_at")[: rules_.window_comments]
    )
    rated = [RatedComment(score or 0.0, count, when) for score, count, when in rows]
    mojo = compute_mojo(rated, now=now, rules=rules_)
    User.objects.filter(pk=member.pk).update(
        mojo=mojo.value, mojo_comment_count=mojo.rated_comments
    )
    member.mojo, member.mojo_comment_count = mojo.value, mojo.rated_comments
    return mojo


def refresh_all_mojo(*, now=None) -> int:
    """The daily refresh: every member whose mojo may have moved with the window (they have a
    mojo, which may expire, or a comment inside the window). Returns how many changed."""
    from django.db.models import Q

    now = now or timezone.now()
    since = now - timedelta(days=mojo_rules().window_days + 1)
    members = User.objects.filter(Q(mojo__isnull=False) | Q(comments__created_at__gte=since))
    changed = 0
    for member_id in members.distinct().values_list("pk", flat=True).iterator():
        with transaction.atomic():
            member = User.objects.select_for_update().get(pk=member_id)
            before = (member.mojo, member.mojo_comment_count)
            mojo = refresh_mojo(member=member, now=now)
            changed += before != (mojo.value, mojo.rated_comments)
    return changed


def rehide_all() -> None:
    """The hide threshold changed: every story's hidden count, its rendered thread and the
    search index's hidden flags follow it (an administrator's rare change; it reads every
    comment once)."""
    from ladle.search.indexing import set_hidden_comments

    for story in Story.objects.filter(comments__isnull=False).distinct().iterator():
        with transaction.atomic():
            story = _lock_story(story.pk)
            _recount(story)
    shown = Comment.objects.shown().exclude(state=Comment.State.REMOVED)
    public = shown.not_hidden_from(PUBLIC).values("pk")
    set_hidden_comments(shown.exclude(pk__in=public).values_list("pk", flat=True))
