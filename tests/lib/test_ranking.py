"""The mojo formula against values worked out by hand, including the window's edges."""

from datetime import UTC, datetime, timedelta

import pytest

from ladle.lib.ranking import (
    Mojo,
    RatedComment,
    Trust,
    compute_mojo,
    format_score,
    mean_score,
    trust_level,
)

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)


def rated(score, count=1, days_ago=0.0, minutes=0):
    return RatedComment(score, count, NOW - timedelta(days=days_ago, minutes=minutes))


def test_mean_score_is_the_plain_mean():
    assert mean_score([5, 4, 2]) == (11 / 3, 3)
    assert mean_score([]) == (None, 0)


@pytest.mark.parametrize(
    ("score", "count", "shown"),
    [(5.0, 3, "(5.00 / 3)"), (11 / 3, 3, "(3.67 / 3)"), (None, 0, "(none / 0)"),
     (0.0, 2, "(0.00 / 2)"), (0.4, 0, "(none / 0)"), (29 / 8, 8, "(3.63 / 8)")],
)  # fmt: skip
def test_score_display(score, count, shown):
    assert format_score(score, count) == shown


@pytest.mark.parametrize(
    ("comments", "expected"),
    [
        # One comment: its own score.
        ([rated(4.0)], 4.0),
        # Newest weight 30, next 29; both with one rating: (30*5 + 29*1) / 59.
        ([rated(5.0, 1, 0), rated(1.0, 1, 1)], (30 * 5 + 29 * 1) / 59),
        # Rating counts multiply the weights: newest 30*2, next 29*1.
        ([rated(2.0, 2, 0), rated(5.0, 1, 1)], (60 * 2 + 29 * 5) / 89),
        # Order comes from posting time, not from list order.
        ([rated(1.0, 1, 1), rated(5.0, 1, 0)], (30 * 5 + 29 * 1) / 59),
        # Unrated comments are ignored entirely (they do not take a weight slot).
        ([rated(3.0, 0, 0), rated(5.0, 1, 1), rated(1.0, 1, 2)], (30 * 5 + 29 * 1) / 59),
        # A 61-day-old comment is outside the window; a 59-day-old one is inside.
        ([rated(5.0, 1, 59), rated(0.0, 1, 61)], 5.0),
        # Exactly 60 days old is still inside the window.
        ([rated(4.0, 1, 1), rated(1.0, 1, 60)], (30 * 4 + 29 * 1) / 59),
    ],
)
def test_mojo_weighted_mean(comments, expected):
    assert compute_mojo(comments, now=NOW).value == pytest.approx(expected)


def test_thirty_first_comment_is_ignored():
    comments = [rated(5.0, 1, 0, minutes=i) for i in range(30)] + [rated(0.0, 5, 1)]
    mojo = compute_mojo(comments, now=NOW)
    assert mojo.value == pytest.approx(5.0) and mojo.rated_comments == 30


def test_thirty_comments_weights_run_from_thirty_down_to_one():
    # Scores 1..30 newest first with weights 30..1: sum(w * (31 - w)) / sum(w).
    comments = [rated(float(i + 1), 1, 0, minutes=i) for i in range(30)]
    expected = sum(w * (31 - w) for w in range(1, 31)) / sum(range(1, 31))
    assert compute_mojo(comments, now=NOW).value == pytest.approx(expected)


def test_no_rated_comments_means_no_mojo():
    assert compute_mojo([rated(4.0, 0)], now=NOW) == Mojo(None, 0)
    assert compute_mojo([], now=NOW) == Mojo(None, 0)


@pytest.mark.parametrize(
    ("value", "count", "trust"),
    [
        (3.5, 10, Trust.TRUSTED),
        (3.49, 10, Trust.NORMAL),
        (5.0, 9, Trust.NORMAL),  # too few rated comments to be trusted
        (0.99, 10, Trust.UNTRUSTED),
        (1.0, 10, Trust.NORMAL),
        (0.0, 9, Trust.NORMAL),  # too few to be untrusted
        (None, 0, Trust.NORMAL),
    ],
)
def test_trust_thresholds(value, count, trust):
    assert trust_level(Mojo(value, count)) == trust
