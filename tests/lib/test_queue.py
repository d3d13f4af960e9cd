"""Queue arithmetic: when a story is posted, where to, and when it is hidden."""

import pytest

from ladle.lib.queue import Outcome, Tally, decide, threshold


@pytest.mark.parametrize(
    ("tally", "outcome"),
    [
        (Tally(front_page=4), Outcome.FRONT_PAGE),
        (Tally(section=4), Outcome.SECTION),
        # Exactly half of the positive votes asked for the front page: front page.
        (Tally(front_page=2, section=2), Outcome.FRONT_PAGE),
        (Tally(front_page=3, section=3, dump=2), Outcome.FRONT_PAGE),
        # Just under half: section only.
        (Tally(front_page=2, section=3), Outcome.SECTION),
        # Dumps and abstentions: abstain counts nothing, dump subtracts.
        (Tally(front_page=4, dump=1), Outcome.WAIT),
        (Tally(front_page=3, abstain=5), Outcome.WAIT),
        (Tally(front_page=5, dump=1), Outcome.FRONT_PAGE),
        # Hiding at the threshold, not before.
        (Tally(dump=2), Outcome.HIDE),
        (Tally(dump=1), Outcome.WAIT),
        (Tally(front_page=1, dump=3), Outcome.HIDE),
        (Tally(), Outcome.WAIT),
    ],
)
def test_decide_with_default_thresholds(tally, outcome):
    assert decide(tally, post_at=4, hide_at=-2) is outcome


def test_score_is_the_sum_of_signs():
    assert Tally(front_page=2, section=1, abstain=4, dump=1).score == 2


@pytest.mark.parametrize(
    ("rule", "active", "votes"),
    [
        ("4", 1000, 4),
        ("-2", 1000, -2),
        (4, 10, 4),
        ("5%", 200, 10),
        ("5%", 210, 11),  # 10.5 rounds up: a percentage is never undercut
        ("-1%", 300, -3),
        ("-1%", 10, -1),  # at least one vote
        ("1%", 0, 1),
    ],
)
def test_thresholds_absolute_or_percentage(rule, active, votes):
    assert threshold(rule, active) == votes


def test_percentage_thresholds_decide_like_absolute_ones():
    post_at, hide_at = threshold("2%", 400), threshold("-1%", 400)
    assert (post_at, hide_at) == (8, -4)
    assert decide(Tally(front_page=8), post_at=post_at, hide_at=hide_at) is Outcome.FRONT_PAGE
    assert decide(Tally(front_page=7), post_at=post_at, hide_at=hide_at) is Outcome.WAIT
    assert decide(Tally(dump=4), post_at=post_at, hide_at=hide_at) is Outcome.HIDE
