"""Placing an old site's thread: comments keep their numbers and parents, in one go.

Both importers hand over a story's comments as `OldComment`s; `place_thread` repairs what a
thread cannot hold (a reply whose parent is gone becomes top-level in place; a reply loop is
broken), works out each comment's depth, path and hidden subtree, and writes the comments,
their search entries and the story's counters.
"""

from collections import Counter
from dataclasses import dataclass
from datetime import datetime

from django.db import connection
from django.urls import reverse

from ladle.comments import rules as comment_rules
from ladle.comments.models import Comment
from ladle.search import indexing
from ladle.search.models import SearchEntry
from ladle.stories.models import Story

from .bulk import IdBlock, insert_rows
from .report import Report

COMMENT_COLUMNS = [
    "id", "story_id", "number", "parent_id", "depth", "path", "author_id", "subject", "body",
    "markup", "editorial", "body_html", "state", "removal_reason", "removed_by_id", "score",
    "rating_count", "reply_count", "created_at", "edited_at",
]  # fmt: skip
SEARCH_COLUMNS = [
    "kind", "object_id", "title", "text", "url", "story_id", "section_id", "author_id",
    "author_name", "date", "visible", "visible_from", "hidden",
]  # fmt: skip
SUBJECT_MAX = Comment._meta.get_field("subject").max_length


@dataclass
class OldComment:
    """A comment of the old site on its way in. `parent` is the parent's number (0: a reply
    to the story); `pk` is given when the thread is placed."""

    number: int
    parent: int
    author_id: int
    author_name: str
    subject: str
    body: str
    body_html: str
    created_at: datetime
    editorial: bool = False
    removed: bool = False
    score: float | None = None
    rating_count: int = 0
    plain: str = ""  # the text for the search index, when the importer has it already
    pk: int = 0


class ThreadPlacer:
    """Places threads for one import (ids come from one block; repairs go to its report)."""

    def __init__(self, report: Report):
        self.report = report
        self.ids = IdBlock(Comment)
        self.hide_below = comment_rules.hide_threshold()

    def place(self, story_id: int, label: str, comments: list[OldComment]) -> dict[int, int]:
        """Write `comments` (of one story, distinct numbers) and return number -> id."""
        if not comments:
            return {}
        by_number = {c.number: c for c in sorted(comments, key=lambda c: c.number)}
        for comment, pk in zip(by_number.values(), self.ids.take(len(by_number)), strict=True):
            comment.pk = pk
        parents = self._parents(label, {n: c.parent for n, c in by_number.items()})
        paths: dict[int, str] = {}
        depths: dict[int, int] = {}
        hidden: dict[int, bool] = {}
        replies: Counter[int] = Counter()
        order = self._parents_first(list(by_number), parents)
        for number in order:
            comment, parent = by_number[number], parents[number]
            paths[number] = (paths[parent] if parent else "") + f"{number}/"
            depths[number] = depths[parent] + 1 if parent else 0
            own = comment.score is not None and comment.score < self.hide_below
            hidden[number] = own or bool(parent and hidden[parent])
            if parent and not comment.removed:
                replies[parent] += 1
        adapt = connection.ops.adapt_datetimefield_value
        insert_rows(
            Comment,
            COMMENT_COLUMNS,
            [
                (c.pk, story_id, n, by_number[parents[n]].pk if parents[n] else None,
                 depths[n], paths[n], c.author_id, (c.subject or "(no subject)")[:SUBJECT_MAX],
                 c.body, Comment.Markup.HTML, c.editorial, c.body_html,
                 Comment.State.REMOVED if c.removed else Comment.State.SHOWN,
                 "Deleted on the old site." if c.removed else "", None, c.score,
                 c.rating_count, replies[n], adapt(c.created_at), None)
                for n, c in ((n, by_number[n]) for n in order)
            ],
        )  # fmt: skip
        self._search_entries(story_id, by_number, hidden)
        Story.objects.filter(pk=story_id).update(
            last_comment_number=max(by_number),
            comment_count=len(by_number),
            hidden_comment_count=sum(hidden.values()),
        )
        return {n: c.pk for n, c in by_number.items()}

    def _parents(self, label: str, pids: dict[int, int]) -> dict[int, int]:
        """number -> parent number (0: top level). A reply whose parent is gone (deleted
        without moving its replies) or that loops back on itself becomes top-level in place."""
        parents = {}
        for number, pid in pids.items():
            if pid and pid not in pids:
                self.report.repair(
                    "comments whose parent no longer exists: made top-level in place",
                    f"{label} #{number} (parent #{pid})",
                )
                pid = 0
            parents[number] = pid
        for number in parents:  # a cycle (never written by Scoop, but possible in a dump)
            seen, at = set(), number
            while parents[at] and at not in seen:
                seen.add(at)
                at = parents[at]
            if parents[at] and at in seen:
                self.report.repair("comments in a reply loop: made top-level", f"{label} #{at}")
                parents[at] = 0
        return parents

    @staticmethod
    def _parents_first(numbers: list[int], parents: dict[int, int]) -> list[int]:
        """The comments in number order, except that a parent always comes before its reply
        (a dump edited by hand may have a reply numbered below its parent)."""
        order, placed = [], set()
        for number in numbers:
            chain = []
            at = number
            while at and at not in placed:
                chain.append(at)
                at = parents[at]
            for n in reversed(chain):
                placed.add(n)
                order.append(n)
        return order

    def _search_entries(self, story_id: int, by_number: dict[int, OldComment], hidden) -> None:
        story = Story.objects.only("status", "published_at", "section_id").get(pk=story_id)
        # A comment's address is its story's comment address with its number at the end.
        base = reverse("comments:permalink", args=[story_id, 1]).removesuffix("1/")
        adapt = connection.ops.adapt_datetimefield_value
        entries = []
        for number, comment in by_number.items():
            if comment.removed:
                continue
            entry = indexing.comment_entry(
                comment, story, author_name=comment.author_name, hidden=hidden[number],
                url=f"{base}{number}/", text=comment.plain,
            )  # fmt: skip
            entry["date"] = adapt(entry["date"])
            entry["visible_from"] = adapt(entry["visible_from"])
            entries.append(tuple(entry[column] for column in SEARCH_COLUMNS))
        insert_rows(SearchEntry, SEARCH_COLUMNS, entries)
