"""Reading a story's thread for one reader: a fixed number of queries, the layout in memory."""

import hashlib
import re
import threading
import zlib
from collections import OrderedDict
from dataclasses import dataclass, field
from datetime import timedelta
from functools import cache as cache_once
from functools import cached_property
from pathlib import Path

from django.conf import settings
from django.core.cache import cache, caches
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from ladle.accounts.models import Visitor
from ladle.lib.display import ArrangedThread, Display, ViewOptions, arrange, sibling_key
from ladle.lib.timefmt import scoop_datetime
from ladle.lib.tree import Thread

from .models import Comment, Rating
from .preferences import ReaderChoices, reader_choices
from .rules import (
    WITHDRAW,
    edit_window,
    hide_threshold,
    large_thread,
    may_hide,
    rating_choices,
    rating_labels,
)


@dataclass
class StoryThread:
    arranged: ArrangedThread
    options: ViewOptions
    total: int  # comments that have a place in the thread (removed placeholders included)
    editorial: int  # editorial comments (left out of the thread once the story is published)
    hidden_total: int  # comments below the hide threshold, whoever reads

    html = None  # rendered lazily by the template (see RenderedThread for the cached form)

    @property
    def topical(self) -> int:
        return self.total - self.editorial

    @property
    def display(self) -> Display:
        return self.arranged.display

    @property
    def thread(self) -> Thread:
        return self.arranged.thread


@dataclass
class RenderedThread:
    """A thread already rendered to HTML, as kept in the cache for anonymous readers."""

    html: SafeString
    options: ViewOptions
    display: Display
    total: int
    editorial: int
    hidden_total: int
    # A big member's thread as encoded pieces, put into the response in place of `html` (a
    # marker) by `with_thread`: copied once, not once per template that includes it.
    chunks: list[bytes] | None = None

    @property
    def topical(self) -> int:
        return self.total - self.editorial


THREAD_MARK = "\x02thread\x02"
# What htmx swaps when something inside a comment asks (the rating form, a header's expand
# link): the comment itself, so the comments need not each say so.
THREAD_LIST = '<ol class="thread" data-hx-target="closest [id]" data-hx-swap="outerHTML">'


def with_thread(response, thread: "RenderedThread | None"):
    """`response` with the thread's pieces in place of its marker (see `chunks`)."""
    if thread is None or thread.chunks is None:
        return response
    before, _, after = response.content.partition(THREAD_MARK.encode())
    response.content = [before, *thread.chunks, after]
    return response


def page_thread(request, story, *, new_since=None) -> RenderedThread:
    """The thread of a story page, rendered, for whoever reads it: the one result type of the
    story page. Visitors share a cached rendering; a member's is rendered for them (their
    ratings, links and `[new]` markers differ)."""
    choices = reader_choices(request)
    if not request.user.is_authenticated:
        return anonymous_story_thread(story, choices)
    editorial = request.GET.get("editorial") == "1"
    if settings.LADLE_COMMENT_CACHE:
        found = _member_thread(story, request, choices, new_since, editorial)
        if found is not None:
            return found
    thread = story_thread(story, request.user, choices, new_since=new_since, editorial=editorial)
    return RenderedThread(
        html=rendered_thread(thread.thread, story=story, request=request),
        options=thread.options,
        display=thread.display,
        total=thread.total,
        editorial=thread.editorial,
        hidden_total=thread.hidden_total,
    )


def anonymous_story_thread(story, choices: ReaderChoices) -> RenderedThread:
    """The thread as every anonymous reader sees it, rendered once per version of the thread.

    Anonymous readers all see the same thing for the same display choice, so the HTML is
    cached under the story's thread revision (bumped by every comment or rating change) and
    its last save; any server process computes the same key, so no change is ever missed.
    """
    zone = timezone.get_current_timezone_name()
    key = ":".join(
        str(part)
        for part in (
            "thread",
            story.pk,
            story.updated_at.timestamp(),
            story.thread_revision,
            choices.options.display,
            choices.options.rating_sort,
            choices.options.age_sort,
            choices.display_forced,
            zone,
        )
    )
    cached = cache.get(key)
    if cached is None:
        thread = story_thread(story, Visitor(), choices)
        html = rendered_thread(thread.thread, story=story)
        cached = {
            "html": zlib.compress(html.encode(), 6),
            "display": str(thread.display),
            "total": thread.total,
            "editorial": thread.editorial,
            "hidden_total": thread.hidden_total,
        }
        cache.set(key, cached, timeout=60 * 60 * 24)
    return RenderedThread(
        html=mark_safe(zlib.decompress(cached["html"]).decode()),
        options=choices.options,
        display=Display(cached["display"]),
        total=cached["total"],
        editorial=cached["editorial"],
        hidden_total=cached["hidden_total"],
    )


def _reader_ratings(reader, comments_filter: Q) -> dict[int, int]:
    if not reader.is_authenticated:
        return {}
    return dict(
        Rating.objects.filter(comments_filter, rater=reader).values_list("comment_id", "value")
    )


@dataclass(eq=False)
class ReaderComment:
    """One comment as one reader sees it: the comment, and the per-reader state its template
    needs (links, permissions, the time in the reader's zone, their rating and menu), worked
    out once in Python rather than by template tags, which keeps a 2,000-comment page cheap.

    Everything else is the comment's own: `reader_comment.subject` reads the comment's.
    """

    comment: Comment
    url: str
    number_text: str  # a string: Django localizes every number it prints, which adds up
    author_url: str
    parent_number: int | None
    parent_url: str
    parent_name: str  # who it replies to ("" when its parent is not on the page)
    shown_time: str
    is_new: bool
    my_rating: int | None
    can_edit: bool
    can_delete: bool
    can_remove: bool
    can_restore: bool
    can_flag: bool
    can_rate: bool
    rating_menu: str
    html: str = ""  # the comment rendered for this reader, when `render_comments` filled it
    level: int = 3  # its heading's level: follows its depth in the thread (`heading_level`)
    keys: dict | None = None  # the shared row's memo of cache keys (`SharedComment.keys`)

    def __getattr__(self, name: str):
        return getattr(self.comment, name)


# --- Rendering many comments fast -------------------------------------------------------------
#
# A comment's HTML is the same for every reader but for a few parts: the "[new]" marker, the
# reader's own links (edit, delete, remove, restore, flag) and the rating form. So the rest is
# rendered once by the comment templates, with a slot for each of those parts, and kept in the
# cache under a key made from everything it shows (text, score, author's names, state, time
# zone...): a change to any of them is a new key, so nothing needs invalidating and no reader
# ever gets a stale comment. The reader's parts are rendered once per combination of their
# permissions (a handful per page) with stand-ins for the comment's address, and filled in.

SLOTS = {"new_slot": "\x00new\x00", "tools_slot": "\x00tools\x00", "form_slot": "\x00form\x00"}
_URL, _ANCHOR, _NUMBER = "\x01url\x01", "\x01anchor\x01", "\x01number\x01"
NEW_MARKER = ' <strong class="new">[new]</strong>'


@dataclass
class _StandIn:
    """The reader's state for the tools templates, with markers for the comment's address."""

    can_edit: bool
    can_delete: bool
    can_remove: bool
    can_restore: bool
    can_flag: bool
    can_rate: bool
    my_rating: int | None
    rating_menu: str
    url: str = _URL
    anchor: str = _ANCHOR
    number_text: str = _NUMBER


def _shared_key(c: ReaderComment, variant: str, context: tuple) -> str:
    if c.keys is None:
        return _content_key(c, variant, context)
    key = c.keys.get((variant, context))
    if key is None:
        key = c.keys[(variant, context)] = _content_key(c, variant, context)
    return key


@cache_once
def _markup_version() -> str:
    """A digest of the templates a comment's shared HTML comes from: HTML kept in Redis by an
    older release (for a week) is not served by one whose markup changed."""
    folder = Path(settings.PACKAGE_DIR) / "templates" / "comments"
    sources = b"".join(path.read_bytes() for path in sorted(folder.glob("_*.html")))
    return hashlib.blake2b(sources, digest_size=6).hexdigest()


def _content_key(c: ReaderComment, variant: str, context: tuple) -> str:
    comment, author = c.comment, c.comment.author
    shown = (
        _markup_version(), variant, comment.pk, comment.number, comment.state, comment.score,
        comment.rating_count, comment.edited_at, comment.subject, comment.body_html,
        comment.removal_reason, comment.editorial, comment.guest_name, comment.is_hidden,
        author.username,
        author.display_name, author.signature, c.url, c.author_url, c.parent_url, c.parent_name,
        c.shown_time, context,
    )  # fmt: skip
    return (
        f"comment:{comment.pk}:{hashlib.blake2b(repr(shown).encode(), digest_size=12).hexdigest()}"
    )


def render_comments(items: list[tuple[ReaderComment, bool]], *, story, request=None) -> None:
    """Set `html` on each (comment, full) pair: its full form or its one-line header, as the
    comment templates render it for this reader. Two cache round trips for any number; with
    the cache switched off (LADLE_COMMENT_CACHE), each is rendered whole, the reference the
    cached pages are tested against."""
    if not settings.LADLE_COMMENT_CACHE:
        for c, full in items:
            template = "comments/_comment.html" if full else "comments/_comment_header.html"
            c.html = render_to_string(template, {"comment": c, "story": story}, request=request)
        return
    context = (story.accepts_comments, timezone.get_current_timezone_name())
    variants = [f"{'full' if full else 'header'}{c.level}" for c, full in items]
    keys = [_shared_key(c, v, context) for (c, _), v in zip(items, variants, strict=True)]
    found = _shared_html(keys)
    missing: dict[str, str] = {}
    for (c, full), key in zip(items, keys, strict=True):
        if key not in found:
            template = "comments/_comment.html" if full else "comments/_comment_header.html"
            html = render_to_string(template, {"comment": c, "story": story, **SLOTS})
            missing[key] = html
            found[key] = _pieces(html)
    if missing:
        _keep({key: found[key] for key in missing}, share=missing)
    tools: dict[tuple, tuple[tuple[str, ...], tuple[str, ...]]] = {}
    for (c, _), key in zip(items, keys, strict=True):
        state = (c.can_edit, c.can_delete, c.can_remove, c.can_restore, c.can_flag, c.can_rate,
                 c.my_rating, c.rating_menu)  # fmt: skip
        if state not in tools:
            stand_in = {"comment": _StandIn(*state), "story": story}
            tools[state] = (
                _pieces(render_to_string("comments/_comment_tools.html", stand_in)),
                _pieces(render_to_string("comments/_rate_form.html", stand_in)),
            )
        links, form = tools[state]
        own = {_URL: c.url, _ANCHOR: c.anchor, _NUMBER: c.number_text}
        slots = {
            SLOTS["new_slot"]: NEW_MARKER if c.is_new else "",
            SLOTS["tools_slot"]: "".join([own.get(part, part) for part in links]),
            SLOTS["form_slot"]: "".join([own.get(part, part) for part in form]),
        }
        c.html = "".join([slots.get(part, part) for part in found[key]])  # safe: template output


_MARKS = re.compile(
    "(" + "|".join(re.escape(m) for m in (*SLOTS.values(), _URL, _ANCHOR, _NUMBER)) + ")"
)


def _pieces(html: str) -> tuple[str, ...]:
    """`html` cut at the markers, each marker a piece of its own (filled by a lookup)."""
    return tuple(_MARKS.split(html))


def _list_markup(thread: Thread) -> tuple[list[str], str]:
    """The nested-list markup that goes before each entry of `thread`, and after the last
    (see `lib.tree.layout`)."""
    if not thread.entries:
        return [], ""
    prefixes = []
    for number, entry in enumerate(thread.entries):
        parts = [THREAD_LIST] if number == 0 else []
        if entry.opens_list:
            parts.append('<ol class="replies">')
        if entry.closes_item:
            parts.append("</li></ol>" * len(entry.closes) + "</li>")
        parts.append("\n<li>")
        prefixes.append("".join(parts))
    return prefixes, "</li></ol>" * len(thread.trailing_closes) + "</li>\n</ol>"


def thread_markup(thread: Thread) -> SafeString:
    """The thread as nested lists around each comment's `html`."""
    prefixes, trailing = _list_markup(thread)
    entries = zip(prefixes, thread.entries, strict=True)
    return mark_safe(
        "".join([f"{prefix}{entry.comment.html}" for prefix, entry in entries]) + trailing
    )


def heading_level(depth: int) -> int:
    """A comment's heading under the page's "Comments" (h2): h3 for the top level, one level
    deeper for each level of replies, down to h6, the deepest HTML has."""
    return min(3 + depth, 6)


def _rendering(entries) -> list[tuple[ReaderComment, bool]]:
    """The (comment, full) pairs `render_comments` takes, each heading at its depth's level."""
    for entry in entries:
        entry.comment.level = heading_level(entry.depth)
    return [(entry.comment, entry.full) for entry in entries]


def rendered_thread(thread: Thread, *, story, request=None) -> SafeString:
    """Every comment of an arranged thread rendered (`render_comments`), in its lists."""
    render_comments(_rendering(thread.entries), story=story, request=request)
    return thread_markup(thread)


# The keys name their content, so a copy kept in this process is never wrong: it spares the
# shared cache (Redis) a round trip and the transfer for the comments a process serves most.
_local: "OrderedDict[str, tuple[str, ...]]" = OrderedDict()
_local_lock = threading.Lock()
_local_bytes = 0


def _budget() -> int:
    """This process's comment caches, in bytes (LADLE_COMMENT_CACHE_MB): a third for each
    comment's HTML (`_local`), the rest for threads' rows and their kinds' pages (`_rows`)."""
    return settings.LADLE_COMMENT_CACHE_MB * 1024 * 1024


def _pieces_size(pieces) -> int:
    return sum(len(piece) for piece in pieces) + 64  # the tuple and its key, roughly


def _shared_html(keys: list[str]) -> dict[str, tuple[str, ...]]:
    found = {}
    with _local_lock:
        for key in keys:
            html = _local.get(key)
            if html is not None:
                found[key] = html
                _local.move_to_end(key)
    if len(found) < len(keys) and settings.REDIS_URL:
        shared = caches["default"].get_many([k for k in keys if k not in found])
        pieces = {key: _pieces(html) for key, html in shared.items()}
        found |= pieces
        _keep(pieces)
    return found


def forget_local() -> None:
    """Empty this process's copy (tests start each from nothing)."""
    global _local_bytes
    with _local_lock:
        _local.clear()
        _local_bytes = 0
        _rows.clear()


def _keep(cut: dict[str, tuple[str, ...]], *, share: dict[str, str] | None = None) -> None:
    """Keep comments' HTML, cut into pieces, in this process; and `share`, the same HTML
    whole, in Redis when there is one."""
    global _local_bytes
    limit = _budget() // 3
    with _local_lock:
        for key, pieces in cut.items():
            if (old := _local.pop(key, None)) is not None:
                _local_bytes -= _pieces_size(old)
            _local[key] = pieces
            _local_bytes += _pieces_size(pieces)
        while _local_bytes > limit and _local:
            _local_bytes -= _pieces_size(_local.popitem(last=False)[1])
    if share and settings.REDIS_URL:
        caches["default"].set_many(share, timeout=60 * 60 * 24 * 7)


@dataclass(eq=False)
class SharedComment:
    """What every reader is shown of one comment, worked out once per version of a thread
    (see `_thread_rows`): its addresses, its parent's number and its time in the zone."""

    comment: Comment
    url: str
    number_text: str
    author_url: str
    parent_number: int | None
    parent_url: str
    parent_name: str
    shown_time: str
    hidden: bool  # below the hide threshold (`Comment.is_hidden`)
    keys: dict  # (variant, context) -> the cache key of its shared HTML (`_shared_key`)


def _shared(comments: list[Comment], outside_parents: list[Comment] | None = None):
    """The reader-independent part of `annotate`."""
    known = [*(outside_parents or []), *comments]
    numbers = {c.pk: c.number for c in known}
    names = {c.pk: c.author_name for c in known}
    # A parent among `comments` is on the same page (a reply shows only under a shown parent):
    # its link is its anchor there. An outside parent's is its permalink.
    on_page = {c.pk for c in comments}
    zone = timezone.get_current_timezone()
    author_urls: dict[int, str] = {}
    story_prefix: dict[int, str] = {}
    rows = []
    for c in comments:
        if c.story_id not in story_prefix:
            story_prefix[c.story_id] = reverse("comments:permalink", args=[c.story_id, 0])[:-2]
        prefix = story_prefix[c.story_id]
        if c.author_id not in author_urls:
            author_urls[c.author_id] = "" if c.guest_name else c.author.get_absolute_url()
        parent_number = numbers.get(c.parent_id) if c.parent_id is not None else None
        rows.append(
            SharedComment(
                comment=c,
                url=f"{prefix}{c.number}/",
                number_text=str(c.number),
                author_url="" if c.guest_name else author_urls[c.author_id],
                parent_number=parent_number,
                parent_url=(
                    ""
                    if not parent_number
                    else f"#c{parent_number}"
                    if c.parent_id in on_page
                    else f"{prefix}{parent_number}/"
                ),
                parent_name=names.get(c.parent_id, "") if c.parent_id is not None else "",
                shown_time=scoop_datetime(c.created_at, zone),
                hidden=c.is_hidden,
                keys={},
            )
        )
    return rows


def annotate(
    comments: list[Comment],
    reader,
    ratings: dict[int, int] | None = None,
    new_since=None,
    outside_parents: list[Comment] | None = None,
) -> list[ReaderComment]:
    """Each comment with what `reader` sees of it. `outside_parents` are parents that are
    not in `comments` (the root of a subthread has one), for the "Replying to" links."""
    return _for_reader(_shared(comments, outside_parents), reader, ratings, new_since)


def _for_reader(
    rows: list[SharedComment], reader, ratings: dict[int, int] | None, new_since
) -> list[ReaderComment]:
    """The shared rows with `reader`'s own state: their rating, permissions and `[new]`."""
    reader = _unwrapped(reader)
    ratings = ratings or {}
    trusted = reader.is_trusted
    now = timezone.now()
    window = edit_window()
    # A Rate link on each comment, or (their choice or the site's) a menu of the page's "Rate all".
    menus = (
        _rating_menus(rating_choices(may_hide=may_hide(reader))) if reader.rating_menus else None
    )
    # A reader's permissions on a comment depend only on these facts about it (see the
    # `can_be_*_by` methods), and a page has a handful of combinations: each is asked once.
    permissions: dict[tuple, tuple[bool, bool, bool, bool, bool, bool]] = {}
    shown = []
    for row in rows:
        c = row.comment
        own = c.author_id == reader.pk
        facts = (
            own,
            c.state,
            row.hidden,
            own and c.reply_count == 0,
            own and now - c.created_at <= window,
        )
        allowed = permissions.get(facts)
        if allowed is None:
            allowed = permissions[facts] = (
                c.can_be_edited_by(reader, now),
                c.can_be_deleted_by(reader),
                c.can_be_removed_by(reader),
                c.can_be_restored_by(reader),
                c.can_be_flagged_by(reader),
                c.can_be_rated_by(reader, trusted=trusted),
            )
        my_rating = ratings.get(c.pk)
        can_edit, can_delete, can_remove, can_restore, can_flag, can_rate = allowed
        shown.append(
            ReaderComment(
                comment=c,
                url=row.url,
                number_text=row.number_text,
                author_url=row.author_url,
                parent_number=row.parent_number,
                parent_url=row.parent_url,
                parent_name=row.parent_name,
                shown_time=row.shown_time,
                is_new=new_since is not None and c.created_at > new_since,
                my_rating=my_rating,
                can_edit=can_edit,
                can_delete=can_delete,
                can_remove=can_remove,
                can_restore=can_restore,
                can_flag=can_flag,
                can_rate=can_rate,
                rating_menu=menus[my_rating] if can_rate and menus else "",
                keys=row.keys,
            )
        )
    return shown


def _unwrapped(reader):
    """The member behind `request.user`'s lazy wrapper: asked a dozen times per comment, the
    wrapper's indirection alone cost more than the checks."""
    reader.is_authenticated  # noqa: B018 -- makes the lazy object load its member
    return getattr(reader, "_wrapped", reader) or reader


def _rating_menus(choices: list[tuple[int, str]]) -> dict[int | None, str]:
    """The <option>s of the rating menu, once per possible current rating of the reader."""
    menus: dict[int | None, str] = {}
    for current in [None, *(value for value, _ in choices)]:
        # End tags and quotes the HTML needs no more of: these repeat for every comment. An
        # unrated comment's menu starts empty; a rated one's can take the rating back.
        options = ['<option value="">Rate'] if current is None else []
        options += [
            format_html(
                "<option value={}{}>{}: {}",
                value,
                mark_safe(" selected") if value == current else "",
                value,
                label,
            )
            for value, label in choices
        ]
        if current is not None:
            options.append(f"<option value={WITHDRAW}>Withdraw rating")
        menus[current] = mark_safe("".join(options))
    return menus


def shows_for(reader, rated_by_reader):
    """Whether `reader` sees a comment, given that they see its parent: the in-memory twin of
    `Comment.objects.in_thread_for` for one story's comments (a comment that hides from the
    reader takes its replies with it)."""

    def shows(comment: Comment) -> bool:
        return not comment.hides_from(reader, rated_by_reader)

    return shows


def story_thread(
    story, reader, choices: ReaderChoices, *, new_since=None, editorial: bool | None = None
) -> StoryThread:
    """The whole thread of `story` as `reader` sees it: two queries whatever its size (one
    when this process has the thread's current version, `_thread_rows`).

    Editorial comments are shown while the story is queued and left out once it is published,
    unless `editorial` asks for them. Comments after `new_since` are marked new.
    """
    editorial = _with_editorial(story, reader, asked=bool(editorial))
    rows = _thread_rows(story, editorial)
    ratings = _reader_ratings(reader, Q(comment__story=story))
    arranged = arrange(
        _for_reader(rows.sorted_for(choices.options), reader, ratings, new_since),
        options=choices.options,
        shows=shows_for(reader, ratings),
        large_thread_at=large_thread(),
        large_thread_display=choices.large_thread_display,
        display_forced=choices.display_forced,
        in_order=True,
    )
    return StoryThread(
        arranged=arranged,
        options=choices.options,
        total=rows.total,
        editorial=rows.editorial,
        hidden_total=rows.hidden,
    )


def _with_editorial(story, reader, *, asked: bool) -> bool:
    """Whether the thread holds editorial comments: they leave a story once it is published
    (`in_thread_for`); editors may still ask to see them."""
    return story.is_queued() or (asked and reader.is_editor)


@dataclass
class _ThreadRows:
    shown: list[SharedComment]  # the comments in the thread (editorial ones if asked for)
    total: int
    editorial: int
    hidden: int
    in_order: dict = field(default_factory=dict)  # (rating sort, age sort) -> `shown` sorted
    # A member kind's thread, rendered (`_member_thread`), for a few recent kinds and choices.
    rendered: "OrderedDict[tuple, _KindThread]" = field(default_factory=OrderedDict)

    @cached_property
    def rows_size(self) -> int:
        """Bytes the rows take, roughly: about 2 KB a comment (its model instance and shared
        fields, measured with tracemalloc) and its HTML."""
        return sum(ROW_BYTES + len(row.comment.body_html) for row in self.shown)

    def size(self) -> int:
        return self.rows_size + sum(kind.size for kind in self.rendered.values())

    @cached_property
    def by_pk(self) -> dict[int, SharedComment]:
        return {row.comment.pk: row for row in self.shown}

    @cached_property
    def by_author(self) -> dict[int, list[SharedComment]]:
        found: dict[int, list[SharedComment]] = {}
        for row in self.shown:
            found.setdefault(row.comment.author_id, []).append(row)
        return found

    @cached_property
    def newest_first(self) -> list[SharedComment]:
        return sorted(self.shown, key=lambda row: row.comment.created_at, reverse=True)

    def sorted_for(self, options: ViewOptions) -> list[SharedComment]:
        """`shown` in the options' sibling order (`lib.display.sibling_key`), sorted once."""
        sort = (options.rating_sort, options.age_sort)
        found = self.in_order.get(sort)
        if found is None:
            key = sibling_key(*sort)
            found = self.in_order[sort] = sorted(self.shown, key=lambda row: key(row.comment))
        return found


ROW_BYTES = 2000


def _trim_rows() -> None:
    """Within two thirds of the budget, oldest use first; the newest thread is always kept
    (a thread bigger than the budget is still served from one copy, not rebuilt)."""
    limit = _budget() * 2 // 3
    kept = sum(rows.size() for rows in _rows.values())
    while len(_rows) > 1 and kept > limit:
        kept -= _rows.popitem(last=False)[1].size()


# A story's thread rows, kept per version of the thread: every change to a comment moves the
# story's thread revision (as for the anonymous page), so a copy kept in this process under a
# key holding that revision is never stale, and a member's page skips reading the comments.
_rows: "OrderedDict[tuple, _ThreadRows]" = OrderedDict()


def _thread_rows(story, editorial: bool) -> _ThreadRows:
    key = (
        story.pk,
        story.thread_revision,
        story.updated_at,
        editorial,
        timezone.get_current_timezone_name(),
        hide_threshold(),
    )
    if settings.LADLE_COMMENT_CACHE:
        with _local_lock:
            found = _rows.get(key)
            if found is not None:
                _rows.move_to_end(key)
                return found
    everything = list(Comment.objects.for_story(story).shown().for_display())
    comments = [c for c in everything if editorial or not c.editorial]
    found = _ThreadRows(
        shown=_shared(comments),
        total=len(everything),
        editorial=sum(1 for c in everything if c.editorial),
        hidden=sum(1 for c in comments if c.is_hidden),
    )
    if settings.LADLE_COMMENT_CACHE:
        with _local_lock:
            _rows[key] = found
            _trim_rows()
    return found


def subthread(
    story, comment: Comment, reader, choices: ReaderChoices, *, always_root: bool = False
) -> StoryThread:
    """`comment` and every reply below it that the reader sees, in full, nested.

    A comment hidden from the reader gives an empty thread, unless `always_root` (the reader
    just rated it and gets it back to see the new score).
    """
    rows = list(Comment.objects.subtree_of(comment).shown().for_display())
    ratings = _reader_ratings(reader, Q(comment__in=[r.pk for r in rows]))
    # The root's parent is outside the subtree: its number and author make the link to it.
    outside = list(_parents_named(pk=comment.parent_id)) if comment.parent_id else []
    shows = shows_for(reader, ratings)
    options = ViewOptions(Display.NESTED, choices.options.rating_sort, choices.options.age_sort)
    arranged = arrange(
        annotate(rows, reader, ratings, outside_parents=outside),
        options=options,
        shows=lambda c: (always_root and c.pk == comment.pk) or shows(c),
        large_thread_at=len(rows) + 1,
        display_forced=True,
        root_id=comment.parent_id,
    )
    return StoryThread(
        arranged=arranged,
        options=options,
        total=len(rows),
        editorial=sum(1 for c in rows if c.editorial),
        hidden_total=sum(1 for c in rows if c.is_hidden),
    )


def _parents_named(**where):
    """Comments with only what a "Replying to <name>" link to them needs (one query)."""
    fields = ("number", "guest_name", "author__username", "author__display_name")
    return Comment.objects.filter(**where).select_related("author").only(*fields)


def posted_after(story, request, after: int, *, most: int) -> list[ReaderComment]:
    """The first `most` comments numbered above `after` in the reader's thread (the one rule,
    `in_thread_for`), each rendered whole for them and marked [new]: what a page made before
    they were posted is missing. Three queries however many."""
    rows = list(
        Comment.objects.for_story(story)
        .in_thread_for(request.user)
        .for_display()
        .filter(number__gt=after)
        .order_by("number")[:most]
    )
    outside_ids = {c.parent_id for c in rows} - {c.pk for c in rows} - {None}
    outside = list(_parents_named(pk__in=outside_ids)) if outside_ids else []
    since = min((c.created_at for c in rows), default=timezone.now()) - timedelta(seconds=1)
    comments = annotate(rows, request.user, new_since=since, outside_parents=outside)
    for c in comments:
        c.level = heading_level(c.depth)
    render_comments([(c, True) for c in comments], story=story, request=request)
    return comments


# --- A member's page from their kind's page -------------------------------------------------
#
# What a member is shown of a comment they did not write, have not rated and that is not new
# to them depends only on their kind: member or not, staff or not, trusted or not, suspended or
# not, and their choices for hidden comments and rating menus. So a kind's thread is rendered
# once per version of the thread (kept with its rows) and each member's page is that thread
# with their own comments, their rated ones and the new ones rendered for them and put in
# place. When their own or rated comments change which comments they see at all (a hidden
# comment of theirs), the page is laid out for them alone (`story_thread`).

KIND_THREADS = 4  # per version of a thread: display choices times kinds of member in use


@dataclass(frozen=True)
class _Kind:
    """A member of a kind, with no comment, rating or visit of their own."""

    is_member: bool
    is_editor: bool
    is_trusted: bool
    suspended: bool
    hidden_comment_choice: str
    rating_menus: bool
    pk = None
    is_authenticated = True

    @classmethod
    def of(cls, reader) -> "_Kind":
        return cls(
            is_member=reader.is_member,
            is_editor=reader.is_editor,
            is_trusted=reader.is_trusted,
            suspended=bool(reader.suspension_refusal()),
            hidden_comment_choice=reader.hidden_comment_choice,
            rating_menus=reader.rating_menus,
        )

    def suspension_refusal(self, now=None) -> str:
        return "suspended" if self.suspended else ""


@dataclass
class _KindThread:
    """A kind's thread as kept: only what a member's page is made from (kept small: a few of
    these per thread stay in each process)."""

    display: Display  # the display used (the large-thread mode may have replaced the choice)
    full: list[bool]  # per entry: the whole comment, or its one-line header
    levels: list[int]  # per entry: its heading's level
    prefixes: list[str]
    pieces: list[bytes]  # each entry, encoded
    trailing: str
    place: dict[int, int]  # comment id -> its entry

    @cached_property
    def size(self) -> int:
        """Bytes it takes, roughly: its HTML and a little for each entry's bookkeeping."""
        return sum(len(piece) + 80 for piece in self.pieces)


def _kind_thread(rows: _ThreadRows, kind: _Kind, choices: ReaderChoices, story) -> _KindThread:
    key = (
        kind, choices.options, choices.large_thread_display, choices.display_forced,
        story.accepts_comments, large_thread(), tuple(rating_labels().items()),
        may_hide(kind),
    )  # fmt: skip
    with _local_lock:
        found = rows.rendered.get(key)
    if found is not None:
        return found
    arranged = arrange(
        _for_reader(rows.sorted_for(choices.options), kind, {}, None),
        options=choices.options,
        shows=shows_for(kind, {}),
        large_thread_at=large_thread(),
        large_thread_display=choices.large_thread_display,
        display_forced=choices.display_forced,
        in_order=True,
    )
    entries = arranged.thread.entries
    render_comments(_rendering(entries), story=story)
    prefixes, trailing = _list_markup(arranged.thread)
    found = _KindThread(
        display=arranged.display,
        full=[e.full for e in entries],
        levels=[e.comment.level for e in entries],
        prefixes=prefixes,
        pieces=[(p + e.comment.html).encode() for p, e in zip(prefixes, entries, strict=True)],
        trailing=trailing,
        place={e.comment.comment.pk: number for number, e in enumerate(entries)},
    )
    with _local_lock:
        rows.rendered[key] = found
        while len(rows.rendered) > KIND_THREADS:
            rows.rendered.popitem(last=False)
        _trim_rows()
    return found


def _member_thread(story, request, choices, new_since, editorial) -> RenderedThread | None:
    """The member's page from their kind's (above), or None when theirs is laid out apart."""
    reader = _unwrapped(request.user)
    editorial = _with_editorial(story, reader, asked=editorial)
    rows = _thread_rows(story, editorial)
    ratings = _reader_ratings(reader, Q(comment__story=story))
    own = rows.by_author.get(reader.pk, [])
    rated = [rows.by_pk[pk] for pk in ratings if pk in rows.by_pk]
    choice = reader.hidden_comment_choice
    if choice != "always" and (
        any(row.hidden for row in own)
        or (choice == "until_rated" and any(row.hidden for row in rated))
    ):
        return None  # they see comments their kind does not
    new = []
    if new_since is not None:
        for row in rows.newest_first:
            if row.comment.created_at <= new_since:
                break
            new.append(row)
    kind = _kind_thread(rows, _Kind.of(reader), choices, story)
    theirs = {row.comment.pk: row for row in (*own, *rated, *new)}
    placed = [(kind.place[pk], row) for pk, row in theirs.items() if pk in kind.place]
    pieces = kind.pieces
    if placed:
        pieces = list(pieces)
        mine = _for_reader([row for _, row in placed], reader, ratings, new_since)
        items = []
        for (number, _), c in zip(placed, mine, strict=True):
            c.level = kind.levels[number]
            items.append((c, kind.full[number]))
        render_comments(items, story=story)
        for (number, _), (c, _) in zip(placed, items, strict=True):
            pieces[number] = (kind.prefixes[number] + c.html).encode()
    chunks = [*pieces, kind.trailing.encode()]
    return RenderedThread(
        html=mark_safe(THREAD_MARK),
        chunks=chunks,
        options=choices.options,
        display=kind.display,
        total=rows.total,
        editorial=rows.editorial,
        hidden_total=rows.hidden,
    )
