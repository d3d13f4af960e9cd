"""The post throttle's arithmetic (docs/rules.md, *Abuse control*). No database here.

A member may post `limit` comments (or stories) within the window; the next one is refused and
locks them out of posting for the first lock's length. Each attempt during a lock doubles the
lock, counted from that attempt. A lock that would reach the suspension length suspends posting
instead, until a moderator lifts it.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta


@dataclass(frozen=True)
class ThrottleRules:
    comments: int = 4  # the 5th comment within the window is refused
    stories: int = 2  # the 3rd story or diary entry
    window_minutes: int = 10
    first_lock_minutes: int = 2
    suspend_at_minutes: int = 300


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    locked_until: datetime | None
    lock_minutes: int
    suspend: bool = False


def judge(
    *,
    recent: list[datetime],
    limit: int,
    locked_until: datetime | None,
    lock_minutes: int,
    now: datetime,
    rules: ThrottleRules = ThrottleRules(),
) -> Verdict:
    """May a member post now, given the times of their posts in the window (`recent`) and
    their current lock; and what is their lock afterwards."""
    if locked_until is not None and now < locked_until:
        doubled = max(lock_minutes, rules.first_lock_minutes) * 2
        if doubled >= rules.suspend_at_minutes:
            return Verdict(False, None, doubled, suspend=True)
        return Verdict(False, now + timedelta(minutes=doubled), doubled)
    since = now - timedelta(minutes=rules.window_minutes)
    if sum(1 for moment in recent if moment > since) >= limit:
        first = rules.first_lock_minutes
        return Verdict(False, now + timedelta(minutes=first), first)
    return Verdict(True, None, 0)
