"""Display and sort modes, without a database (ladle.lib.display)."""

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import pytest

from ladle.lib.display import (
    AgeSort,
    Display,
    RatingSort,
    ViewOptions,
    arrange,
)

T0 = datetime(2026, 1, 1, tzinfo=UTC)


@dataclass(eq=False)
class C:
    id: int
    parent_id: int | None
    score: float | None = None
    rating_count: int = 0
    minutes: int = 0
    hidden: bool = False
    number: int = field(init=False)

    def __post_init__(self):
        self.number = self.id

    @property
    def created_at(self):
        return T0 + timedelta(minutes=self.minutes or self.id)


def ids(result):
    return [e.comment.id for e in result.thread.entries]


def run(
    comments,
    display=Display.NESTED,
    rating=RatingSort.HIGHEST,
    age=AgeSort.OLDEST,
    shows=lambda c: not c.hidden,
    large_at=200,
    large=Display.THREADED,
    forced=False,
):
    return arrange(
        comments,
        options=ViewOptions(display, rating, age),
        shows=shows,
        large_thread_at=large_at,
        large_thread_display=large,
        display_forced=forced,
    )


def siblings(parent_id, depth_offset=0):
    """Four siblings under `parent_id`: rated 2.0, unrated (older), rated 4.5, unrated (newer)."""
    base = 100 * (depth_offset + 1)
    return [
        C(base + 1, parent_id, 2.0, 2, minutes=base + 1),
        C(base + 2, parent_id, None, 0, minutes=base + 2),
        C(base + 3, parent_id, 4.5, 2, minutes=base + 3),
        C(base + 4, parent_id, None, 0, minutes=base + 4),
    ]


SORT_CASES = [
    (RatingSort.HIGHEST, AgeSort.OLDEST, [3, 1, 2, 4]),
    (RatingSort.HIGHEST, AgeSort.NEWEST, [3, 1, 4, 2]),
    (RatingSort.LOWEST, AgeSort.OLDEST, [1, 3, 2, 4]),
    (RatingSort.UNRATED_FIRST, AgeSort.OLDEST, [2, 4, 3, 1]),
    (RatingSort.UNRATED_FIRST, AgeSort.NEWEST, [4, 2, 3, 1]),
    (RatingSort.IGNORE, AgeSort.OLDEST, [1, 2, 3, 4]),
    (RatingSort.IGNORE, AgeSort.NEWEST, [4, 3, 2, 1]),
]


@pytest.mark.parametrize(("rating", "age", "order"), SORT_CASES)
def test_sort_orders_siblings_at_depth_one(rating, age, order):
    root = C(1, None)
    kids = siblings(1)
    result = run([root, *kids], rating=rating, age=age)
    assert ids(result) == [1, *[100 + i for i in order]]


@pytest.mark.parametrize(("rating", "age", "order"), SORT_CASES)
def test_sort_orders_siblings_at_depth_three(rating, age, order):
    chain = [C(1, None), C(2, 1), C(3, 2)]
    kids = siblings(3, depth_offset=2)
    result = run([*chain, *kids], rating=rating, age=age)
    assert ids(result)[:3] == [1, 2, 3]
    assert ids(result)[3:] == [300 + i for i in order]
    assert {e.thread_depth for e in result.thread.entries[3:]} == {3}


def test_ties_fall_back_to_age_then_number():
    a, b, c = C(1, None, 3.0, 1, minutes=5), C(2, None, 3.0, 1, minutes=5), C(3, None, 3.0, 1, 1)
    assert ids(run([a, b, c])) == [3, 1, 2]
    assert ids(run([a, b, c], age=AgeSort.NEWEST)) == [2, 1, 3]


def tree():
    return [C(1, None, 4.0, 1), C(2, 1), C(3, 2), C(4, None, 5.0, 1), C(5, 4, 1.0, 1)]


def test_threaded_shows_top_level_in_full_and_replies_as_headers():
    result = run(tree(), display=Display.THREADED)
    assert [(e.comment.id, e.full) for e in result.thread.entries] == [
        (4, True), (5, False), (1, True), (2, False), (3, False)]  # fmt: skip


def test_nested_shows_everything_in_full_with_depth():
    result = run(tree(), display=Display.NESTED)
    assert all(e.full for e in result.thread.entries)
    assert [e.depth for e in result.thread.entries] == [0, 1, 0, 1, 2]


def test_minimal_shows_only_headers_nested():
    result = run(tree(), display=Display.MINIMAL)
    assert not any(e.full for e in result.thread.entries)
    assert [e.depth for e in result.thread.entries] == [0, 1, 0, 1, 2]


def test_flat_keeps_thread_order_without_indentation():
    result = run(tree(), display=Display.FLAT)
    assert ids(result) == [4, 5, 1, 2, 3]
    assert {e.depth for e in result.thread.entries} == {0}
    assert not any(e.opens_list for e in result.thread.entries)


def test_flat_unthreaded_uses_pure_sort_order():
    result = run(tree(), display=Display.FLAT_UNTHREADED)
    # Highest rated first over all comments: 5.0, 4.0, 1.0, then the unrated by age.
    assert ids(result) == [4, 1, 5, 2, 3]
    assert all(e.full and e.depth == 0 for e in result.thread.entries)


@pytest.mark.parametrize("display", list(Display))
@pytest.mark.parametrize("rating", list(RatingSort))
@pytest.mark.parametrize("age", list(AgeSort))
def test_every_mode_and_sort_shows_the_same_comments(display, rating, age):
    comments = tree() + [C(6, 1, 0.0, 2, hidden=True), C(7, 6)]
    result = run(comments, display=display, rating=rating, age=age)
    assert sorted(ids(result)) == [1, 2, 3, 4, 5]
    assert result.hidden == 2


def test_hidden_comment_takes_its_replies_with_it():
    comments = [C(1, None, hidden=True), C(2, 1), C(3, 2), C(4, None)]
    assert ids(run(comments)) == [4]


def test_large_thread_switches_to_the_large_thread_mode_unless_asked_for():
    comments = [C(i, None) for i in range(1, 6)]
    switched = run(comments, display=Display.NESTED, large_at=4, large=Display.MINIMAL)
    assert switched.display is Display.MINIMAL and not switched.thread.entries[0].full
    kept = run(comments, display=Display.NESTED, large_at=4, large=Display.MINIMAL, forced=True)
    assert kept.display is Display.NESTED
    small = run(comments, display=Display.NESTED, large_at=5, large=Display.MINIMAL)
    assert small.display is Display.NESTED
