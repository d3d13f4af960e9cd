"""Writes of moderation: the public log, flags and staff notes. Members, comments and stories
come in as plain objects; the services that act on them call these in their transactions."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from .models import Flag, LogEntry, MemberNote

REASON_MAX = 300


def log_action(*, moderator, action: str, target: str, reason: str, url: str = "") -> LogEntry:
    """Record a moderator action on the public log (call inside the action's transaction)."""
    return LogEntry.objects.create(
        moderator=moderator, action=action, target=target[:300], reason=reason, url=url
    )


def checked_reason(reason: str, *, what: str = "the action", missing: str = "") -> str:
    """A reason: required (a moderator's is public) and short."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": missing or f"Say why {what}; the reason is public."})
    if len(reason) > REASON_MAX:
        raise ValidationError({"reason": f"Keep the reason under {REASON_MAX} characters."})
    return reason


def flag(*, flagger, reason: str, comment=None, story=None) -> Flag:
    """A member asks moderators to look at a comment or a story, saying why."""
    if not flagger.is_member:
        raise PermissionDenied("Only members with a confirmed e-mail address flag content.")
    reason = checked_reason(
        reason, missing="Say what is wrong, so a moderator knows where to look."
    )
    try:
        with transaction.atomic():
            return Flag.objects.create(flagger=flagger, reason=reason, comment=comment, story=story)
    except IntegrityError as error:
        raise ValidationError("You have already flagged this; a moderator will look.") from error


def resolve_flags(*, moderator, resolution: str, comment=None, story=None) -> int:
    """Close the open flags on a comment or story (a moderator acted, or dismissed them)."""
    open_flags = Flag.objects.filter(resolved_at__isnull=True)
    open_flags = open_flags.filter(comment=comment) if comment else open_flags.filter(story=story)
    return open_flags.update(
        resolved_at=timezone.now(), resolved_by=moderator, resolution=resolution[:300]
    )


def add_note(*, member, author, text: str) -> MemberNote:
    if not author.is_editor:
        raise PermissionDenied("Only staff keep notes on members.")
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": "Write the note."})
    if len(text) > 2000:
        raise ValidationError({"text": "Keep a note under 2,000 characters."})
    return MemberNote.objects.create(member=member, author=author, text=text)


def dismiss_flags(*, moderator, reason: str, target: str, url: str, comment=None, story=None):
    """A moderator looked and found nothing to act on: the flags close, said on the log."""
    if not moderator.is_editor:
        raise PermissionDenied("Only moderators resolve flags.")
    reason = checked_reason(reason, what="the flags are dismissed")
    with transaction.atomic():
        if resolve_flags(moderator=moderator, resolution=f"dismissed: {reason}",
                         comment=comment, story=story):  # fmt: skip
            log_action(
                moderator=moderator, action="dismiss_flags", target=target, url=url, reason=reason
            )
