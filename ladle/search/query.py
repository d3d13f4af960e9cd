"""Full-text search with each database's own engine: SQLite FTS5, PostgreSQL tsvector.

At most two queries per search whatever the index size: one page of results with the count
(a count of its own on SQLite, and on PostgreSQL only for a page past the end), with the
highlighted snippets computed by the database for that page only. Any text a reader types is
made safe for the engine here, so no search string can cause an error.

A search works on at most the newest `WINDOW` entries that match it: those are counted and
ranked (docs/rules.md, *Search*). A search that matches more says so ("2,000+ results"), and
its cost stays the same however large the site grows.
"""

import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time

from django.db import connections, router
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from .models import SearchEntry

MAX_QUERY = 300  # characters of a search that are used
WINDOW = 2000  # the newest matching entries a search counts and ranks
MAX_TERMS = 32
START, STOP = "\x02", "\x03"  # highlight markers; indexed text never contains them
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_PHRASE_OR_WORD = re.compile(r'"([^"]*)"|(\w+)')
_WORD = re.compile(r"\w+")


@dataclass
class Search:
    text: str
    kinds: list[str] = field(default_factory=list)
    section_id: int | None = None
    author_id: int | None = None
    date_from: date | None = None
    date_to: date | None = None
    newest_first: bool = False
    # How hidden comments apply to the reader (`comments.models.hidden_search_exceptions`):
    # "all" finds them all; "include" finds only those in `hidden_ids`; "exclude" finds all
    # but those in `hidden_ids`.
    hidden_mode: str = "include"
    hidden_ids: list[int] = field(default_factory=list)
    # Sections whose stories (and polls), or whose comments, the reader may not read.
    closed_story_sections: list[int] = field(default_factory=list)
    closed_comment_sections: list[int] = field(default_factory=list)


@dataclass
class Hit:
    kind: str
    title_html: SafeString
    snippet_html: SafeString
    url: str
    author_name: str
    date: datetime | None


def clean_text(text: str) -> tuple[str, bool]:
    """The search text as used: control characters out, at most MAX_QUERY characters.
    The flag says whether it was shortened."""
    text = _CONTROL.sub(" ", text).strip()
    return text[:MAX_QUERY], len(text) > MAX_QUERY


def fts5_expression(text: str) -> str:
    """An FTS5 query from free text: "quoted phrases" stay phrases, other words are ANDed.
    Every term is a quoted string, so FTS5 operators and syntax in the input mean nothing."""
    terms = []
    for phrase, word in _PHRASE_OR_WORD.findall(text):
        words = _WORD.findall(phrase) if phrase else [word]
        if words:
            terms.append('"' + " ".join(words) + '"')
    return " ".join(terms[:MAX_TERMS])


def has_terms(text: str) -> bool:
    return bool(_WORD.search(text))


def _highlight(text: str | None) -> SafeString:
    return mark_safe(escape(text or "").replace(START, "<mark>").replace(STOP, "</mark>"))


def _connection():
    """Where reads of the index go: the primary, or a read replica where the router says so
    (`ladle.replica`)."""
    return connections[router.db_for_read(SearchEntry)]


def _moment(value: datetime):
    """A datetime as this database compares it in raw SQL (SQLite stores naive UTC text, and
    text with an offset would compare wrongly)."""
    return _connection().ops.adapt_datetimefield_value(value)


def _filters(search: Search) -> tuple[list[str], list]:
    now = timezone.now()
    where = ["e.visible = %s", "(e.visible_from IS NULL OR e.visible_from <= %s)"]
    params: list = [True, _moment(now)]
    # Only comments carry the hidden flag, so the id lists need no kind.
    ids = ", ".join(str(int(i)) for i in search.hidden_ids)
    if search.hidden_mode == "include":
        where.append("(e.hidden = %s" + (f" OR e.object_id IN ({ids}))" if ids else ")"))
        params.append(False)
    elif search.hidden_mode == "exclude" and ids:
        where.append(f"(e.hidden = %s OR e.object_id NOT IN ({ids}))")
        params.append(False)
    if search.closed_story_sections:
        closed = ", ".join(str(int(i)) for i in search.closed_story_sections)
        where.append(f"NOT (e.kind IN ('story', 'diary', 'poll') AND e.section_id IN ({closed}))")
    if search.closed_comment_sections:
        closed = ", ".join(str(int(i)) for i in search.closed_comment_sections)
        where.append(f"NOT (e.kind = 'comment' AND e.section_id IN ({closed}))")
    if search.kinds:
        where.append("e.kind IN (" + ", ".join(["%s"] * len(search.kinds)) + ")")
        params.extend(search.kinds)
    if search.section_id is not None:
        where.append("e.section_id = %s")
        params.append(search.section_id)
    if search.author_id is not None:
        where.append("e.author_id = %s")
        params.append(search.author_id)
    zone = timezone.get_current_timezone()
    if search.date_from:
        where.append("e.date >= %s")
        params.append(_moment(datetime.combine(search.date_from, time.min, zone)))
    if search.date_to:
        where.append("e.date <= %s")
        params.append(_moment(datetime.combine(search.date_to, time.max, zone)))
    return where, params


def run(search: Search, *, offset: int, limit: int) -> tuple[list[Hit], int]:
    """One page of hits and the total number of hits."""
    if _connection().vendor == "postgresql":
        return _run_postgresql(search, offset=offset, limit=limit)
    return _run_sqlite(search, offset=offset, limit=limit)


def _run_sqlite(search: Search, *, offset: int, limit: int) -> tuple[list[Hit], int]:
    expression = fts5_expression(search.text)
    if not expression:
        return [], 0
    where, params = _filters(search)
    where_sql = " AND ".join(["search_fts MATCH %s", *where])
    base = "FROM search_fts JOIN search_searchentry e ON e.id = search_fts.rowid"
    # The window: the newest matches, by row id (FTS5 hands out its matches in that order).
    window = f"""e.id IN (SELECT e.id {base} WHERE {where_sql}
                          ORDER BY e.date DESC, e.id DESC LIMIT {WINDOW})"""
    order = "e.date DESC, e.id DESC" if search.newest_first else "rank, e.date DESC"
    with _connection().cursor() as cursor:
        cursor.execute(
            f"SELECT count(*) FROM (SELECT 1 {base} WHERE {where_sql} LIMIT {WINDOW})",
            [expression, *params],
        )
        total = cursor.fetchone()[0]
        cursor.execute(
            f"""SELECT e.kind, highlight(search_fts, 0, %s, %s),
                       snippet(search_fts, 1, %s, %s, ' … ', 24), e.url, e.author_name, e.date,
                       bm25(search_fts, 10.0, 1.0) AS rank
                {base} WHERE search_fts MATCH %s AND {window}
                ORDER BY {order} LIMIT %s OFFSET %s""",
            [START, STOP, START, STOP, expression, expression, *params, limit, offset],
        )
        rows = cursor.fetchall()
    return [_hit(row) for row in rows], total


def _run_postgresql(search: Search, *, offset: int, limit: int) -> tuple[list[Hit], int]:
    if not has_terms(search.text):
        return [], 0
    where, params = _filters(search)
    where_sql = " AND ".join(["e.document @@ q.query", *where])
    source = "FROM search_searchentry e, websearch_to_tsquery('english', %s) AS q(query)"
    # The window: the newest matches (walked down the date index while matches are many).
    window = f"""(SELECT e.kind, e.title, e.text, e.url, e.author_name, e.date, e.id,
                         e.document, q.query
                  {source} WHERE {where_sql} ORDER BY e.date DESC, e.id DESC LIMIT {WINDOW})"""
    order = "e.date DESC, e.id DESC" if search.newest_first else "rank DESC, e.date DESC"
    options = f"StartSel={START}, StopSel={STOP}, MaxWords=35, MinWords=15"
    with _connection().cursor() as cursor:
        # Rank, count and page the window in one pass; the (costly) headlines are made for
        # the page only.
        cursor.execute(
            f"""SELECT page.kind,
                       ts_headline('english', page.title, page.query, %s),
                       ts_headline('english', page.text, page.query, %s),
                       page.url, page.author_name, page.date, page.rank, page.total
                FROM (SELECT e.kind, e.title, e.text, e.url, e.author_name, e.date, e.id,
                             e.query, ts_rank_cd(e.document, e.query) AS rank,
                             count(*) OVER () AS total
                      FROM {window} AS e ORDER BY {order} LIMIT %s OFFSET %s) AS page
                ORDER BY {order.replace("e.", "page.")}""",
            [
                f"StartSel={START}, StopSel={STOP}, HighlightAll=true",
                options,
                search.text,
                *params,
                limit,
                offset,
            ],
        )
        rows = cursor.fetchall()
        if rows:
            total = rows[0][-1]
        elif offset:  # a page past the end: count what there is
            cursor.execute(f"SELECT count(*) FROM {window} AS e", [search.text, *params])
            total = cursor.fetchone()[0]
        else:
            total = 0
    return [_hit(row[:-1]) for row in rows], total


def _hit(row) -> Hit:
    kind, title, snippet, url, author_name, when, _rank = row
    if isinstance(when, str):  # SQLite may return text for raw date columns
        when = datetime.fromisoformat(when)
    if when is not None and timezone.is_naive(when):  # stored in UTC, without a zone
        when = timezone.make_aware(when, UTC)
    return Hit(
        kind=kind,
        title_html=_highlight(title),
        snippet_html=_highlight(snippet),
        url=url,
        author_name=author_name,
        date=when,
    )
