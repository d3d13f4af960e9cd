"""Pages of a long listing that cost the same however long it grows.

A page is one query for its rows plus one more row, which says whether an older page exists;
the listing is never counted, so the front page of a site with 50,000 stories costs what it
costs with 50. Pages are numbered from 1; the pager shows "Page N" and the links on either
side (as Scoop's "Older stories"), not the number of pages.
"""

from dataclasses import dataclass

MOST_PAGES = 10_000_000  # beyond this, a page is empty without asking (offsets stay in 64 bits)


@dataclass
class Window:
    object_list: list
    number: int
    more: bool  # an older page exists

    def __iter__(self):
        return iter(self.object_list)

    def __len__(self) -> int:
        return len(self.object_list)

    def has_next(self) -> bool:
        return self.more

    def has_previous(self) -> bool:
        return self.number > 1

    def has_other_pages(self) -> bool:
        return self.more or self.number > 1

    def next_page_number(self) -> int:
        return self.number + 1

    def previous_page_number(self) -> int:
        return self.number - 1


def page_number(text) -> int:
    """The page a request asks for (`?page=`): 1 unless it is a whole number above 1."""
    try:
        return max(1, int(text or 1))
    except (TypeError, ValueError):
        return 1


def window(rows, per_page: int, number: int) -> Window:
    """Page `number` of `rows` (a queryset in its listing's order), `per_page` to a page."""
    if number > MOST_PAGES:
        return Window([], number, False)
    start = (number - 1) * per_page
    found = list(rows[start : start + per_page + 1])
    return Window(found[:per_page], number, len(found) > per_page)
