"""The community's arithmetic: comment scores, mojo and trust. No database here.

docs/rules.md, *Mojo and trust*: a member's mojo is the weighted mean score of their most recent
30 rated comments from the last 60 days, newest first; the newest has weight 30, the next 29 and
so on, and each comment's weight is also multiplied by its number of ratings.
"""

import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum


@dataclass(frozen=True)
class MojoRules:
    window_days: int = 60
    window_comments: int = 30
    trusted_at: float = 3.5
    untrusted_below: float = 1.0
    min_rated_comments: int = 10


class Trust(StrEnum):
    TRUSTED = "trusted"
    NORMAL = "normal"
    UNTRUSTED = "untrusted"


@dataclass(frozen=True)
class RatedComment:
    score: float  # the mean of its ratings
    rating_count: int
    posted_at: datetime


@dataclass(frozen=True)
class Mojo:
    value: float | None  # None: no rated comments in the window
    rated_comments: int  # how many comments went into it


def mean_score(values: Iterable[int]) -> tuple[float | None, int]:
    """The plain mean of the ratings and their number; (None, 0) when there are none."""
    values = list(values)
    if not values:
        return None, 0
    return sum(values) / len(values), len(values)


def compute_mojo(
    comments: Iterable[RatedComment], *, now: datetime, rules: MojoRules = MojoRules()
) -> Mojo:
    since = now - timedelta(days=rules.window_days)
    recent = sorted(
        (c for c in comments if c.rating_count > 0 and c.posted_at >= since),
        key=lambda c: c.posted_at,
        reverse=True,
    )[: rules.window_comments]
    if not recent:
        return Mojo(None, 0)
    total = weights = 0.0
    for position, comment in enumerate(recent):
        weight = (rules.window_comments - position) * comment.rating_count
        total += weight * comment.score
        weights += weight
    return Mojo(total / weights, len(recent))


def trust_level(mojo: Mojo, rules: MojoRules = MojoRules()) -> Trust:
    if mojo.value is None or mojo.rated_comments < rules.min_rated_comments:
        return Trust.NORMAL
    if mojo.value >= rules.trusted_at:
        return Trust.TRUSTED
    if mojo.value < rules.untrusted_below:
        return Trust.UNTRUSTED
    return Trust.NORMAL


def format_score(score: float | None, rating_count: int) -> str:
    """`(3.67 / 3)`, or `(none / 0)` for a comment nobody has rated."""
    if not rating_count or score is None:
        return "(none / 0)"
    # Half away from zero, as Scoop showed it: 29/8 is 3.63, not the float formatter's 3.62.
    shown = Decimal(score).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    return f"({shown} / {rating_count})"


def best_bound(score: float | None, count: int, *, low: float = 0.0, high: float = 5.0) -> float:
    """The "Best" sort's key (docs/rules.md, *Display and sort*): the lower bound of the 95%
    Wilson score interval of a comment's mean rating, read as the share of the scale it
    reached ((mean - low) / (high - low)) over `count` ratings, and put back on the scale.
    Few ratings give a wide interval and so a low bound: one 5 ranks below twenty 4s. An
    unrated comment has no bound at all (its key is `low`)."""
    if not count or score is None:
        return low
    z = 1.959964  # the standard normal's 97.5th percentile
    share = min(max((score - low) / (high - low), 0.0), 1.0)
    z2n = z * z / count
    centre = share + z2n / 2
    margin = z * math.sqrt(share * (1 - share) / count + z2n / (4 * count))
    return low + (high - low) * (centre - margin) / (1 + z2n)
