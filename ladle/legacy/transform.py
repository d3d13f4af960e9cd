"""Reading a Scoop row's values, free of Django: this runs in the import's worker processes
too, which parse and decode a dump's comments while the main process writes."""

import html
import re
from datetime import datetime
from decimal import Decimal

import nh3

from ladle.lib.legacy_text import decode_scoop_text
from ladle.lib.markup import plain_text, render
from ladle.lib.mysqldump import Insert

_SPACES = re.compile(r"\s+")


def decoded(value) -> str:
    """A latin1 column's text as its readers saw it (still HTML where Scoop stored HTML)."""
    if value is None:
        return ""
    if isinstance(value, bytes):
        return decode_scoop_text(value)
    return str(value)


def plain(value, limit: int) -> str:
    """A title, subject or name: no markup, entities decoded, spaces collapsed."""
    result = decoded(value)
    if "<" in result:
        result = nh3.clean(result, tags=set())
    if "&" in result:
        result = html.unescape(result)
    return _SPACES.sub(" ", result).strip()[:limit]


def number(value, default=None):
    if value is None:
        return default
    if isinstance(value, bytes):
        try:
            return Decimal(value.decode())
        except ArithmeticError:
            return default
    return value


def local_time(value) -> datetime | None:
    """A naive DATETIME as Scoop stored it; None for MySQL's zero date or anything unreadable."""
    text = value.decode("ascii", "replace") if isinstance(value, bytes) else str(value or "")
    try:  # "2004-03-12 22:21:15", read by hand: strptime was a tenth of an import's time
        moment = datetime(
            int(text[0:4]), int(text[5:7]), int(text[8:10]),
            int(text[11:13]), int(text[14:16]), int(text[17:19]),
        )  # fmt: skip
    except ValueError:
        return None
    return moment if moment.year > 1970 else None


def staged_comment(v: dict) -> tuple:
    """A `comments` row as the importer stages it: (sid, cid, pid, posted, uid, subject,
    body, body_html, pending, points, lastmod, plain text for the search index)."""
    body = decoded(v["comment"])
    body_html = render(body, markup="html")
    return (
        decoded(v["sid"]),
        v["cid"],
        v["pid"] or 0,
        decoded(v["date"]),
        v["uid"],
        plain(v["subject"], 300),
        body,
        body_html,
        v.get("pending") or 0,
        None if v["points"] is None else float(number(v["points"])),
        v["lastmod"] if v["lastmod"] is not None else -1,
        plain_text(body_html),
    )


def staged_comments(insert: Insert) -> list[tuple]:
    """Every row of one `comments` INSERT, staged (the work a worker process is given)."""
    return [staged_comment(values) for values in insert.rows()]
