"""Display and sort modes for a story's comments (docs/rules.md, *Display and sort*). No ORM.

`arrange` takes every comment of a story, decides which the reader sees, orders siblings by the
chosen sort at every depth, and returns the thread laid out for the chosen display mode.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from ladle.lib.ranking import best_bound
from ladle.lib.tree import Thread, layout, order_depth_first


class Display(StrEnum):
    THREADED = "threaded"
    NESTED = "nested"
    MINIMAL = "minimal"
    FLAT = "flat"
    FLAT_UNTHREADED = "flat_unthreaded"

    @property
    def label(self) -> str:
        return DISPLAY_LABELS[self]


DISPLAY_LABELS = {
    Display.THREADED: "Threaded",
    Display.NESTED: "Nested",
    Display.MINIMAL: "Minimal",
    Display.FLAT: "Flat",
    Display.FLAT_UNTHREADED: "Flat unthreaded",
}


class RatingSort(StrEnum):
    HIGHEST = "highest"
    LOWEST = "lowest"
    UNRATED_FIRST = "unrated"
    BEST = "best"
    IGNORE = "ignore"

    @property
    def label(self) -> str:
        return RATING_SORT_LABELS[self]


RATING_SORT_LABELS = {
    RatingSort.HIGHEST: "Highest rated first",
    RatingSort.LOWEST: "Lowest rated first",
    RatingSort.UNRATED_FIRST: "Unrated, then highest",
    RatingSort.BEST: "Best (surest of a high score)",
    RatingSort.IGNORE: "Ignore ratings",
}


class AgeSort(StrEnum):
    OLDEST = "oldest"
    NEWEST = "newest"

    @property
    def label(self) -> str:
        return "Oldest first" if self is AgeSort.OLDEST else "Newest first"


@dataclass(frozen=True)
class ViewOptions:
    display: Display = Display.THREADED
    rating_sort: RatingSort = RatingSort.HIGHEST
    age_sort: AgeSort = AgeSort.OLDEST


def sibling_key(rating_sort: RatingSort, age_sort: AgeSort) -> Callable[[Any], tuple]:
    """Sort key for comments with `score`, `rating_count`, `created_at` and `number`.

    Rated comments come before unrated ones (except for "Unrated, then highest"); ties fall
    back to age, then number, in the chosen age direction.
    """
    newest = age_sort is AgeSort.NEWEST

    def age(c) -> tuple:
        stamp = c.created_at.timestamp()
        return (-stamp, -c.number) if newest else (stamp, c.number)

    def key(c) -> tuple:
        rated = c.rating_count > 0
        score = c.score if rated else 0.0
        if rating_sort is RatingSort.HIGHEST:
            return (not rated, -score, *age(c))
        if rating_sort is RatingSort.LOWEST:
            return (not rated, score, *age(c))
        if rating_sort is RatingSort.UNRATED_FIRST:
            return (rated, -score, *age(c))
        if rating_sort is RatingSort.BEST:
            return (not rated, -best_bound(c.score, c.rating_count), *age(c))
        return age(c)

    return key


@dataclass
class ArrangedThread:
    thread: Thread
    display: Display  # the mode actually used (the large-thread mode may have replaced it)
    visible: int
    hidden: int  # comments hidden from this reader, replies under hidden comments included


def arrange(
    comments: Sequence[Any],
    *,
    options: ViewOptions,
    shows: Callable[[Any], bool],
    large_thread_at: int,
    large_thread_display: Display = Display.THREADED,
    display_forced: bool = False,
    root_id: Any = None,
    in_order: bool = False,
) -> ArrangedThread:
    """Lay out `comments` for one reader.

    `shows(comment)` says whether the reader sees a comment; a comment not shown takes its
    whole subtree with it. Above `large_thread_at` visible comments the reader's large-thread
    mode replaces their display, unless the display was asked for explicitly on this request.
    `in_order`: `comments` are already sorted by the options' `sibling_key` (so siblings are
    too), as a thread kept between requests can be.
    """
    key = sibling_key(options.rating_sort, options.age_sort)
    ordered = order_depth_first(
        comments, sort_key=None if in_order else key, include=shows, root_id=root_id
    )
    display = options.display
    if len(ordered) > large_thread_at and not display_forced:
        display = large_thread_display

    if display is Display.FLAT_UNTHREADED:
        if in_order:
            depths = {id(c): depth for c, depth in ordered}
            ordered = [(c, depths[id(c)]) for c in comments if id(c) in depths]
        else:
            ordered = sorted(ordered, key=lambda pair: key(pair[0]))
    if display in (Display.FLAT, Display.FLAT_UNTHREADED):
        thread = layout([(c, 0) for c, _ in ordered])
    else:
        thread = layout(ordered)
    for entry, (_, depth) in zip(thread.entries, ordered, strict=True):
        entry.full = display is not Display.MINIMAL and (
            display is not Display.THREADED or depth == 0
        )
        entry.thread_depth = depth
    return ArrangedThread(
        thread=thread, display=display, visible=len(ordered), hidden=len(comments) - len(ordered)
    )
