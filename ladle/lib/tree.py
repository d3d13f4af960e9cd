"""Laying out a story's comments as a thread, without the database.

A story's comments arrive as one flat list. `build_thread` orders it depth-first (siblings sorted
by a key at every depth) and annotates each entry with what the template must open or close
before it, so the page renders the nested lists in a single loop with no recursion.
"""

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol


class Node(Protocol):
    id: Any
    parent_id: Any


@dataclass
class ThreadEntry:
    comment: Any
    depth: int  # the depth this entry is drawn at (0 for every entry of a flat display)
    thread_depth: int = 0  # the comment's depth in the thread
    full: bool = True  # the whole comment, or only its one-line header
    # Layout for a nested <ol>/<li> rendering, relative to the previous entry:
    opens_list: bool = False  # open a reply list inside the previous entry
    closes_item: bool = False  # close the previous entry's <li>
    closes: range = field(default_factory=lambda: range(0))  # lists to close (</li></ol>) first


@dataclass
class Thread:
    entries: list[ThreadEntry]
    # Open <li>/<ol> pairs the template must close after the last entry.
    trailing_closes: range


def order_depth_first(
    nodes: Iterable[Node],
    sort_key: Callable[[Any], Any] | None = lambda node: node.id,
    root_id: Any = None,
    include: Callable[[Any], bool] | None = None,
) -> list[tuple[Any, int]]:
    """Return (node, depth) pairs in thread order below `root_id` (siblings sorted by
    `sort_key`, or kept in the order given when it is None).

    Nodes whose parent is not in the list are treated as orphans and left out: a thread only
    shows what hangs from its root. A node for which `include` is false is left out together
    with everything below it.
    """
    children: dict[Any, list[Any]] = defaultdict(list)
    for node in nodes:
        children[node.parent_id].append(node)
    if sort_key is not None:
        for siblings in children.values():
            siblings.sort(key=sort_key)

    ordered: list[tuple[Any, int]] = []
    stack = [(node, 0) for node in reversed(children.get(root_id, []))]
    while stack:
        node, depth = stack.pop()
        if include is not None and not include(node):
            continue
        ordered.append((node, depth))
        stack.extend((child, depth + 1) for child in reversed(children.get(node.id, [])))
    return ordered


def layout(ordered: Sequence[tuple[Any, int]]) -> Thread:
    """Annotate depth-first (node, depth) pairs with the list markup to emit before each."""
    entries = []
    previous = None
    for node, depth in ordered:
        entry = ThreadEntry(comment=node, depth=depth, thread_depth=depth)
        if previous is not None:
            if depth > previous:
                entry.opens_list = True
            else:
                entry.closes = range(previous - depth)
                entry.closes_item = True
        previous = depth
        entries.append(entry)
    trailing = range(previous if previous is not None else 0)
    return Thread(entries=entries, trailing_closes=trailing)


def build_thread(nodes: Iterable[Node], sort_key=lambda node: node.id, root_id=None) -> Thread:
    return layout(order_depth_first(nodes, sort_key=sort_key, root_id=root_id))
