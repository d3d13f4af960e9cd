"""Reading a story's thread for one reader: a fixed number of queries, the layout in memory."""

import hashlib
import threading
import zlib
from collections import OrderedDict
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache, caches
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from ladle.accounts.models import Visitor
from ladle.lib.display import ArrangedThread, Display, ViewOptions, arrange
from ladle.lib.timefmt import scoop_datetime
from ladle.lib.tree import Thread

from .models import Comment, Rating
from .preferences import ReaderChoices, reader_choices
from .rules import large_thread, may_hide, rating_choices


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

    @property
    def topical(self) -> int:
        return self.total - self.editorial


def page_thread(request, story, *, new_since=None) -> RenderedThread:
    """The thread of a story page, rendered, for whoever reads it: the one result type of the
    story page. Visitors share a cached rendering; a member's is rendered for them (their
    ratings, links and `[new]` markers differ)."""
    choices = reader_choices(request)
    if not request.user.is_authenticated:
        return anonymous_story_thread(story, choices)
    editorial = request.GET.get("editorial") == "1"
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
_URL, _ANCHOR = "\x01url\x01", "\x01anchor\x01"
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


def _shared_key(c: ReaderComment, variant: str, context: tuple) -> str:
    comment, author = c.comment, c.comment.author
    shown = (
        variant, comment.pk, comment.number, comment.state, comment.score, comment.rating_count,
        comment.edited_at, comment.subject, comment.body_html, comment.removal_reason,
        comment.editorial, comment.guest_name, comment.is_hidden, author.username,
        author.display_name, author.signature, c.url, c.author_url, c.parent_url, c.shown_time,
        context,
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
    keys = [_shared_key(c, "full" if full else "header", context) for c, full in items]
    found = _shared_html(keys)
    missing: dict[str, str] = {}
    for (c, full), key in zip(items, keys, strict=True):
        if key not in found:
            template = "comments/_comment.html" if full else "comments/_comment_header.html"
            html = render_to_string(template, {"comment": c, "story": story, **SLOTS})
            found[key] = missing[key] = html
    if missing:
        _keep(missing)
    tools: dict[tuple, tuple[str, str]] = {}
    for (c, _), key in zip(items, keys, strict=True):
        state = (c.can_edit, c.can_delete, c.can_remove, c.can_restore, c.can_flag, c.can_rate,
                 c.my_rating, c.rating_menu)  # fmt: skip
        if state not in tools:
            stand_in = {"comment": _StandIn(*state), "story": story}
            tools[state] = (
                render_to_string("comments/_comment_tools.html", stand_in, request=request),
                render_to_string("comments/_rate_form.html", stand_in, request=request),
            )
        links, form = tools[state]
        if links.strip() or form.strip():
            links = links.replace(_URL, c.url).replace(_ANCHOR, c.anchor)
            form = form.replace(_URL, c.url).replace(_ANCHOR, c.anchor)
        c.html = mark_safe(
            found[key]
            .replace(SLOTS["new_slot"], NEW_MARKER if c.is_new else "")
            .replace(SLOTS["tools_slot"], links)
            .replace(SLOTS["form_slot"], form)
        )


def thread_markup(thread: Thread) -> SafeString:
    """The thread as nested lists around each comment's `html` (see `lib.tree.layout`)."""
    if not thread.entries:
        return mark_safe("")
    parts = ['<ol class="thread">']
    for entry in thread.entries:
        if entry.opens_list:
            parts.append('<ol class="replies">')
        if entry.closes_item:
            parts.append("</li></ol>" * len(entry.closes) + "</li>")
        parts.append(f'\n<li class="comment-item depth-{entry.thread_depth}">')
        parts.append(entry.comment.html)
    parts.append("</li></ol>" * len(thread.trailing_closes) + "</li>\n</ol>")
    return mark_safe("".join(parts))


def rendered_thread(thread: Thread, *, story, request=None) -> SafeString:
    """Every comment of an arranged thread rendered (`render_comments`), in its lists."""
    render_comments(
        [(entry.comment, entry.full) for entry in thread.entries], story=story, request=request
    )
    return thread_markup(thread)


# The keys name their content, so a copy kept in this process is never wrong: it spares the
# shared cache (Redis) a round trip and the transfer for the comments a process serves most.
_local: "OrderedDict[str, str]" = OrderedDict()
_local_lock = threading.Lock()


def _shared_html(keys: list[str]) -> dict[str, str]:
    found = {}
    with _local_lock:
        for key in keys:
            html = _local.get(key)
            if html is not None:
                found[key] = html
                _local.move_to_end(key)
    if len(found) < len(keys) and settings.REDIS_URL:
        shared = caches["default"].get_many([k for k in keys if k not in found])
        found |= shared
        _keep(shared, share=False)
    return found


def forget_local() -> None:
    """Empty this process's copy (tests start each from nothing)."""
    with _local_lock:
        _local.clear()


def _keep(rendered: dict[str, str], *, share: bool = True) -> None:
    with _local_lock:
        _local.update(rendered)
        while len(_local) > settings.LADLE_COMMENT_CACHE_ENTRIES:
            _local.popitem(last=False)
    if share and settings.REDIS_URL:
        caches["default"].set_many(rendered, timeout=60 * 60 * 24 * 7)


def annotate(
    comments: list[Comment],
    reader,
    ratings: dict[int, int] | None = None,
    new_since=None,
    outside_parents: dict[int, int] | None = None,
) -> list[ReaderComment]:
    """Each comment with what `reader` sees of it. `outside_parents` gives the numbers of
    parents that are not in `comments` (the root of a subthread has one)."""
    reader = _unwrapped(reader)
    ratings = ratings or {}
    numbers = {**(outside_parents or {}), **{c.pk: c.number for c in comments}}
    trusted = reader.is_trusted
    zone = timezone.get_current_timezone()
    now = timezone.now()
    menus = _rating_menus(rating_choices(may_hide=may_hide(reader)))
    author_urls: dict[int, str] = {}
    story_prefix: dict[int, str] = {}
    shown = []
    for c in comments:
        if c.story_id not in story_prefix:
            story_prefix[c.story_id] = reverse("comments:permalink", args=[c.story_id, 0])[:-2]
        prefix = story_prefix[c.story_id]
        if c.author_id not in author_urls:
            author_urls[c.author_id] = "" if c.guest_name else c.author.get_absolute_url()
        parent_number = numbers.get(c.parent_id) if c.parent_id is not None else None
        my_rating = ratings.get(c.pk)
        can_rate = c.can_be_rated_by(reader, trusted=trusted)
        shown.append(
            ReaderComment(
                comment=c,
                url=f"{prefix}{c.number}/",
                number_text=str(c.number),
                author_url="" if c.guest_name else author_urls[c.author_id],
                parent_number=parent_number,
                parent_url=f"{prefix}{parent_number}/" if parent_number else "",
                shown_time=scoop_datetime(c.created_at, zone),
                is_new=new_since is not None and c.created_at > new_since,
                my_rating=my_rating,
                can_edit=c.can_be_edited_by(reader, now),
                can_delete=c.can_be_deleted_by(reader),
                can_remove=c.can_be_removed_by(reader),
                can_restore=c.can_be_restored_by(reader),
                can_flag=c.can_be_flagged_by(reader),
                can_rate=can_rate,
                rating_menu=menus[my_rating] if can_rate else "",
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
        options = ['<option value="">—</option>'] if current is None else []
        options += [
            format_html(
                '<option value="{}"{}>{}: {}</option>',
                value,
                mark_safe(" selected") if value == current else "",
                value,
                label,
            )
            for value, label in choices
        ]
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
    """The whole thread of `story` as `reader` sees it: two queries whatever its size.

    Editorial comments are shown while the story is queued and left out once it is published,
    unless `editorial` asks for them. Comments after `new_since` are marked new.
    """
    everything = list(Comment.objects.for_story(story).shown().for_display())
    # Editorial comments leave a story once it is published (`in_thread_for`); editors may
    # still ask to see them.
    editorial = story.is_queued() or (bool(editorial) and reader.is_editor)
    comments = [c for c in everything if editorial or not c.editorial]
    ratings = _reader_ratings(reader, Q(comment__story=story))
    arranged = arrange(
        annotate(comments, reader, ratings, new_since=new_since),
        options=choices.options,
        shows=shows_for(reader, ratings),
        large_thread_at=large_thread(),
        large_thread_display=choices.large_thread_display,
        display_forced=choices.display_forced,
    )
    return StoryThread(
        arranged=arranged,
        options=choices.options,
        total=len(everything),
        editorial=sum(1 for c in everything if c.editorial),
        hidden_total=sum(1 for c in comments if c.is_hidden),
    )


def subthread(
    story, comment: Comment, reader, choices: ReaderChoices, *, always_root: bool = False
) -> StoryThread:
    """`comment` and every reply below it that the reader sees, in full, nested.

    A comment hidden from the reader gives an empty thread, unless `always_root` (the reader
    just rated it and gets it back to see the new score).
    """
    rows = list(Comment.objects.subtree_of(comment).shown().for_display())
    ratings = _reader_ratings(reader, Q(comment__in=[r.pk for r in rows]))
    # The root's parent is outside the subtree: its number makes the Parent link.
    outside: dict[int, int] = {}
    if comment.parent_id is not None:
        number = Comment.objects.filter(pk=comment.parent_id).values_list("number", flat=True)
        outside = {comment.parent_id: number.get()}
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
