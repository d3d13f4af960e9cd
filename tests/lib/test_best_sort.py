"""The "Best" sort: the lower bound of the Wilson interval of a comment's mean rating, so that
a few high ratings do not outrank many good ones (docs/rules.md, *Display and sort*)."""

import math

import pytest

from ladle.lib.ranking import best_bound


def wilson_lower(ratings: list[int]) -> float:
    """The formula as written in docs/rules.md, worked out from the ratings themselves."""
    n = len(ratings)
    p = (sum(ratings) / n) / 5
    z = 1.959964
    return (
        5
        * (p + z * z / (2 * n) - z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)))
        / (1 + z * z / n)
    )


CASES = [
    # (ratings, expected bound on the 0..5 scale, to two places)
    ([5], 1.03),
    ([4] * 20, 2.92),
    ([5] * 20, 4.19),
    ([5, 5, 5], 2.19),
    ([1], 0.05),
    ([3, 3], 0.66),
    ([0, 0, 0], 0.0),
    ([5] * 200, 4.91),
]


@pytest.mark.parametrize(("ratings", "expected"), CASES)
def test_the_bound_is_the_wilson_lower_bound_of_the_mean_as_a_share(ratings, expected):
    mean = sum(ratings) / len(ratings)
    assert best_bound(mean, len(ratings)) == pytest.approx(wilson_lower(ratings), abs=1e-9)
    assert round(best_bound(mean, len(ratings)), 2) == pytest.approx(expected, abs=0.006)


ORDER = [
    # (name, ratings): listed in the order Best must put them
    ("twenty 5s", [5] * 20),
    ("twenty 4s", [4] * 20),
    ("three 5s", [5, 5, 5]),
    ("one 5", [5]),
    ("two 3s", [3, 3]),
    ("one 1", [1]),
    ("unrated", []),
]


def test_best_orders_the_table_as_the_formula_says_and_one_5_stays_below_twenty_4s():
    def key(case):
        ratings = case[1]
        if not ratings:
            return (1, 0.0)
        return (0, -best_bound(sum(ratings) / len(ratings), len(ratings)))

    shuffled = list(reversed(ORDER))
    assert [name for name, _ in sorted(shuffled, key=key)] == [name for name, _ in ORDER]


@pytest.mark.django_db
def test_a_story_page_sorted_best_puts_twenty_4s_above_one_5():
    from django.test import Client

    from ladle.comments.services import rate_comment
    from tests.conftest import make_comment, make_member, make_story

    story = make_story("Best first")
    lucky = make_comment(story, subject="One lucky five")
    steady = make_comment(story, subject="Twenty steady fours")
    rate_comment(comment=lucky, rater=make_member(), value=5)
    for _ in range(20):
        rate_comment(comment=steady, rater=make_member(), value=4)
    page = Client().get(story.get_absolute_url(), {"sort": "best"}).content.decode()
    assert page.index("Twenty steady fours") < page.index("One lucky five")
    highest = Client().get(story.get_absolute_url(), {"sort": "highest"}).content.decode()
    assert highest.index("One lucky five") < highest.index("Twenty steady fours")
