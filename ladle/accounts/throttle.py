"""The post throttle: how fast a member may post comments, stories and diary entries
(docs/rules.md, *Abuse control*; the arithmetic is `lib.throttle`).

`take_turn` is called by the posting services before they write. It judges the attempt under
a lock on the member's `PostingRecord` row and commits what it decided (the post counted, or
the lock longer) in its own transaction, so a refused attempt still lengthens the lock and ten
concurrent posts are counted one after another. Staff are not throttled.
"""

import contextlib
import contextvars
from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import formats, timezone

from ladle.lib.throttle import ThrottleRules, judge
from ladle.notifications.services import alert_moderators
from ladle.site.values import value

from .models import PostingRecord, User


class Throttled(ValidationError):
    """A post refused by the throttle; `until` is when posting opens again (None: suspended)."""

    def __init__(self, message: str, until: datetime | None):
        super().__init__(message, code="throttled")
        self.until = until


# Set while the site itself writes on members' behalf (the demo content): nothing is throttled.
_paused = contextvars.ContextVar("ladle_throttle_paused", default=False)


@contextlib.contextmanager
def paused():
    """Posts made inside are not throttled (for content the site makes, never for requests)."""
    token = _paused.set(True)
    try:
        yield
    finally:
        _paused.reset(token)


def throttle_rules() -> ThrottleRules:
    return ThrottleRules(
        comments=value("throttle_comments"),
        stories=value("throttle_stories"),
        window_minutes=value("throttle_window_minutes"),
        first_lock_minutes=value("throttle_first_lock_minutes"),
        suspend_at_minutes=value("throttle_suspend_at_minutes"),
    )


def take_turn(member, kind: str) -> None:
    """Count a post of `kind` ("comment" or "story") by `member`, or raise `Throttled`."""
    if member.is_editor or _paused.get():
        return
    rules = throttle_rules()
    refused: Throttled | None = None
    with transaction.atomic():
        PostingRecord.objects.bulk_create(
            [PostingRecord(member_id=member.pk)], ignore_conflicts=True
        )
        record = PostingRecord.objects.select_for_update().get(member_id=member.pk)
        now = timezone.now()
        field = "comment_times" if kind == "comment" else "story_times"
        since = now - timedelta(minutes=rules.window_minutes)
        recent = [t for t in map(datetime.fromisoformat, getattr(record, field)) if t > since]
        verdict = judge(
            recent=recent,
            limit=rules.comments if kind == "comment" else rules.stories,
            locked_until=record.locked_until,
            lock_minutes=record.lock_minutes,
            now=now,
            rules=rules,
        )
        if verdict.allowed:
            recent.append(now)
        setattr(record, field, [t.isoformat() for t in recent])
        record.locked_until, record.lock_minutes = verdict.locked_until, verdict.lock_minutes
        record.save()
        if verdict.suspend:
            _suspend(member, now)
            refused = Throttled(User.objects.get(pk=member.pk).suspension_refusal(now), None)
        elif not verdict.allowed:
            assert verdict.locked_until is not None
            opens = formats.time_format(timezone.localtime(verdict.locked_until), "TIME_FORMAT")
            refused = Throttled(
                f"You are posting too fast. You can post again at {opens} "
                f"(in {verdict.lock_minutes} minutes); each try before then doubles the wait. "
                "Your text is kept below.",
                verdict.locked_until,
            )
    if refused is not None:
        raise refused


def _suspend(member, now) -> None:
    User.objects.filter(pk=member.pk).update(
        suspended_at=now,
        suspended_until=None,
        suspension_reason="posting too fast, again and again, while locked out",
    )
    alert_moderators(
        text=f"{member.username} was suspended by the post throttle; lift it when appropriate.",
        url=reverse("accounts:member", args=[member.username]),
    )
