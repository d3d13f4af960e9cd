"""Importing a WordPress export (WXR 1.0 to 1.2): posts and pages, categories, tags, authors,
and threaded approved comments, with the old permalinks kept (docs/rules.md, *Moving in*).

The export is read as a stream (one item in memory at a time). Categories become sections
(a post's first category; the others become topics beside its tags), pages go to a Pages
section off the front page. Authors become members without a password: they set one with a
password reset. A commenter without an account becomes a deactivated member under the name
they gave, so their comments keep it. Pingbacks, trackbacks and comments WordPress never
approved are counted and left out.
"""

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from datetime import UTC, datetime
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from ladle.accounts.models import User
from ladle.lib.markup import render
from ladle.search import indexing
from ladle.stories.models import Section, Story, Topic

from . import base
from .base import (
    ImportRefused,
    check_site,
    finish,
    fitting_email,
    fitting_name,
    refresh_statistics,
    remember,
    taken_emails,
    taken_names,
)
from .models import OldKey
from .report import Progress, Report
from .threads import OldComment, ThreadPlacer
from .transform import plain

Kind = OldKey.Kind
_BLOCK = re.compile(
    r"^\s*<(p|div|ul|ol|li|blockquote|h[1-6]|table|pre|hr|dl|figure|!--)\b", re.IGNORECASE
)
_MORE = re.compile(r"<!--more(?:.*?)-->", re.IGNORECASE)
STATUSES = {
    "publish": Story.Status.PUBLISHED,
    "future": Story.Status.PUBLISHED,  # scheduled: its time is still to come
    "private": Story.Status.HIDDEN,
    "draft": Story.Status.DRAFT,
    "pending": Story.Status.DRAFT,
}


def paragraphs(text: str) -> str:
    """WordPress stores posts and comments as typed, and adds paragraphs when it shows them
    (its `wpautop`): blank lines make paragraphs, single line breaks make `<br>`. Blocks that
    already are HTML blocks stay as they are."""
    chunks = re.split(r"\n\s*\n", text.replace("\r\n", "\n").strip())
    out = []
    for chunk in chunks:
        if not chunk.strip():
            continue
        if _BLOCK.match(chunk):
            out.append(chunk)
        else:
            out.append("<p>" + chunk.strip().replace("\n", "<br>\n") + "</p>")
    return "\n".join(out)


def _gmt(value: str | None) -> datetime | None:
    try:
        moment = datetime.strptime((value or "").strip(), "%Y-%m-%d %H:%M:%S")
    except ValueError:
        return None
    return moment.replace(tzinfo=UTC) if moment.year > 1970 else None


@dataclass
class WordPressImport:
    path: str
    progress: Progress
    zone_name: str = ""
    merge: bool = False
    report: Report = field(default_factory=lambda: Report("WordPress import"))

    def __post_init__(self):
        self.now = timezone.now()
        self.authors: dict[str, tuple[int, str]] = {}  # login -> (member id, name)
        self.author_ids: dict[str, str] = {}  # WordPress user id -> login
        self.guests: dict[tuple[str, str], tuple[int, str]] = {}
        self.sections: dict[str, int] = base.known(Kind.WP_SECTION)
        self.topics: dict[str, int] = base.known(Kind.WP_TOPIC)
        self.posts = base.known(Kind.WP_POST)
        self.threads = ThreadPlacer(self.report)
        self.taken = taken_names()
        self.emails = taken_emails()
        self.new_stories: list[int] = []
        self.new_members: list[int] = []
        try:
            self.zone = ZoneInfo(self.zone_name or settings.TIME_ZONE)
        except (ZoneInfoNotFoundError, ValueError) as error:
            raise ImportRefused(f"Unknown time zone {self.zone_name!r}.") from error

    def run(self, digest: str | None) -> Report:
        started = timezone.now()
        check_site("wordpress", digest, merge=self.merge)
        with transaction.atomic():
            self._read()
            for batch in range(0, len(self.new_stories), 500):
                ids = self.new_stories[batch : batch + 500]
                for story in Story.objects.filter(pk__in=ids).select_related("section", "author"):
                    indexing.index_story(story)
            for member in User.objects.filter(pk__in=self.new_members):
                indexing.index_member(member)
            finish("wordpress", self.path, digest, started, self.report)
        refresh_statistics()
        return self.report

    def _read(self) -> None:
        prefixes: dict[str, str] = {}
        items = 0
        try:
            for event, element in ET.iterparse(self.path, events=("start-ns", "end")):
                if event == "start-ns":
                    prefix, uri = element  # type: ignore[misc]
                    prefixes[uri] = self._prefix(prefix, uri)
                    continue
                name = self._name(element.tag, prefixes)
                if name == "wp:author":
                    self._author(self._fields(element, prefixes))
                elif name == "wp:category":
                    self._category(self._fields(element, prefixes))
                elif name == "wp:tag":
                    self._tag(self._fields(element, prefixes))
                elif name == "item":
                    self._item(element, prefixes)
                    items += 1
                    self.progress.update(items, "reading posts", posts=items)
                    element.clear()
        except ET.ParseError as error:
            raise ImportRefused(f"This is not a readable WordPress export: {error}") from error
        if not items and not self.authors:
            raise ImportRefused("The file has no items or authors: is it a WordPress export?")

    @staticmethod
    def _prefix(prefix: str, uri: str) -> str:
        """The conventional prefix for a WXR namespace, whatever the file calls it."""
        if uri.startswith("http://wordpress.org/export/") and uri.rstrip("/").endswith(
            ("excerpt", "excerpt/")
        ):
            return "excerpt"
        if uri.startswith("http://wordpress.org/export/"):
            return "wp"
        if uri == "http://purl.org/rss/1.0/modules/content/":
            return "content"
        if uri == "http://purl.org/dc/elements/1.1/":
            return "dc"
        return prefix

    @staticmethod
    def _name(tag: str, prefixes: dict[str, str]) -> str:
        if tag.startswith("{"):
            uri, _, local = tag[1:].partition("}")
            return f"{prefixes.get(uri, uri)}:{local}"
        return tag

    def _fields(self, element, prefixes) -> dict[str, str]:
        return {self._name(child.tag, prefixes): (child.text or "") for child in element}

    # --- members, sections, topics -------------------------------------------------------------

    def _author(self, f: dict[str, str]) -> None:
        login = f.get("wp:author_login", "").strip()
        if f.get("wp:author_id", "").strip():
            self.author_ids[f["wp:author_id"].strip()] = login
        if not login or login in self.authors:
            return
        old = base.known(Kind.WP_MEMBER).get(login.lower())
        if old is not None:
            self.authors[login] = (old, User.objects.get(pk=old).username)
            return
        member = self._member(
            login, f.get("wp:author_email", ""), f.get("wp:author_display_name", "")
        )
        member.email_confirmed_at = self.now
        member.save()
        # WordPress's author pages are /author/<nicename>/: the login, dots made dashes.
        nicename = login.lower().replace(".", "-").replace(" ", "-")
        remember(Kind.WP_MEMBER, [(login.lower(), member.pk), (nicename, member.pk)])
        self.authors[login] = (member.pk, member.username)
        self.new_members.append(member.pk)
        self.report.count("members (authors; they set a password by e-mail reset)")

    def _member(self, wanted: str, email: str, display_name: str) -> User:
        name = fitting_name(plain(wanted, 200), "member", self.taken, self.report)
        placeholder = f"wp-{len(self.emails)}-{slugify(name) or 'member'}@moved.invalid"
        email = fitting_email(email, placeholder, self.emails, self.report, name)
        member = User(username=name, email=email, display_name=plain(display_name, 60))
        member.set_unusable_password()
        return member

    def _guest(self, name: str, email: str) -> tuple[int, str]:
        """A commenter without an account: one deactivated member per name and address."""
        key = (name.strip().lower(), email.strip().lower())
        if key not in self.guests:
            member = self._member(name.strip() or "Anonymous", "", "")
            member.is_active = False
            member.save()
            self.guests[key] = (member.pk, member.username)
            self.report.count("commenters without an account (deactivated members)")
        return self.guests[key]

    def _category(self, f: dict[str, str]) -> None:
        slug = (f.get("wp:category_nicename") or slugify(f.get("wp:cat_name", ""))).strip()
        if not slug or slug in self.sections:
            return
        section, created = Section.objects.get_or_create(
            slug=slugify(slug)[:80] or "category",
            defaults={
                "name": plain(f.get("wp:cat_name"), 80) or slug,
                "description": plain(f.get("wp:category_description"), 2000),
            },
        )
        self.sections[slug] = section.pk
        remember(Kind.WP_SECTION, [(slug, section.pk)])
        if created:
            self.report.count("sections (categories)")

    def _section(self, slug: str, name: str, *, on_front_page: bool = True) -> int:
        if slug not in self.sections:
            self._category({"wp:category_nicename": slug, "wp:cat_name": name})
            Section.objects.filter(pk=self.sections[slug]).update(on_front_page=on_front_page)
        return self.sections[slug]

    def _tag(self, f: dict[str, str]) -> None:
        slug = (f.get("wp:tag_slug") or slugify(f.get("wp:tag_name", ""))).strip()
        self._topic(slug, f.get("wp:tag_name", ""))

    def _topic(self, slug: str, name: str) -> int | None:
        if not slug:
            return None
        if slug not in self.topics:
            topic, created = Topic.objects.get_or_create(
                slug=slugify(slug)[:80] or "tag", defaults={"name": plain(name, 80) or slug}
            )
            self.topics[slug] = topic.pk
            remember(Kind.WP_TOPIC, [(slug, topic.pk)])
            if created:
                self.report.count("topics (tags)")
        return self.topics[slug]

    # --- posts and their comments ----------------------------------------------------------------

    def _item(self, element, prefixes) -> None:
        f = self._fields(element, prefixes)
        kind = f.get("wp:post_type", "post")
        post_id = f.get("wp:post_id", "").strip()
        if kind not in ("post", "page"):
            self.report.skip(f"items of type {kind!r} (not posts or pages)")
            return
        status = STATUSES.get(f.get("wp:status", ""))
        if status is None:
            self.report.skip(f"posts with status {f.get('wp:status')!r}", f.get("title", ""))
            return
        if post_id in self.posts:
            self.report.skip("posts already here (merge): left as they are", post_id)
            return
        categories: list[tuple[str, str]] = []
        tags: list[tuple[str, str]] = []
        for child in element:
            if self._name(child.tag, prefixes) == "category":
                pair = (child.get("nicename", ""), child.text or "")
                (categories if child.get("domain") == "category" else tags).append(pair)
        if kind == "page":
            section_id = self._section("pages", "Pages", on_front_page=False)
        elif categories:
            section_id = self._section(*categories[0])
        else:
            section_id = self._section("uncategorized", "Uncategorized")
        login = f.get("dc:creator", "").strip()
        if login not in self.authors:
            self._author({"wp:author_login": login or "wordpress"})
        author_id, _ = self.authors[login or "wordpress"]
        when = _gmt(f.get("wp:post_date_gmt")) or self._local(f.get("wp:post_date"))
        content = paragraphs(f.get("content:encoded", ""))
        intro, body = self._split(content)
        title = plain(f.get("title"), 200) or "(untitled)"
        story = Story(
            title=title,
            slug=slugify(f.get("wp:post_name") or title)[:80] or "post",
            section_id=section_id,
            author_id=author_id,
            intro=intro,
            body=body,
            markup=Story.Markup.HTML,
            status=status,
            front_page=kind == "post" and status == Story.Status.PUBLISHED,
            published_at=when if status == Story.Status.PUBLISHED else None,
            comment_status=(
                Story.CommentStatus.OPEN
                if f.get("wp:comment_status", "open") == "open"
                else Story.CommentStatus.READ_ONLY
            ),
        )
        story.render_text()
        story.save()
        Story.objects.filter(pk=story.pk).update(created_at=when or self.now)
        topic_ids = {self._topic(slug, name) for slug, name in tags + categories[1:]}
        story.topics.set([t for t in topic_ids if t])
        keys = [(post_id, story.pk)] if post_id else []
        remember(Kind.WP_POST, keys)
        path = urlsplit(f.get("link", "")).path
        if path and path != "/":
            remember(Kind.WP_PATH, [(path.rstrip("/") + "/", story.pk)])
        self.posts[post_id] = story.pk
        self.new_stories.append(story.pk)
        self.report.count("pages" if kind == "page" else "posts")
        self._comments(story, element, prefixes)

    @staticmethod
    def _split(content: str) -> tuple[str, str]:
        """Intro and body: what comes before WordPress's `<!--more-->` and what after."""
        parts = _MORE.split(content, maxsplit=1)
        if len(parts) == 1:
            return content, ""
        return parts[0].strip(), parts[-1].strip()

    def _local(self, value: str | None) -> datetime | None:
        moment = _gmt(value)
        if moment is None:
            return None
        return moment.replace(tzinfo=self.zone).astimezone(UTC)

    def _comments(self, story: Story, element, prefixes) -> None:
        kept = []
        for child in element:
            if self._name(child.tag, prefixes) != "wp:comment":
                continue
            f = self._fields(child, prefixes)
            kind = f.get("wp:comment_type", "").strip() or "comment"
            approved = f.get("wp:comment_approved", "").strip()
            if kind in ("pingback", "trackback"):
                self.report.skip("pingbacks and trackbacks")
                continue
            if approved != "1":
                why = {"spam": "spam", "trash": "in the trash"}.get(approved, "never approved")
                self.report.skip(f"comments WordPress held as {why}")
                continue
            kept.append(f)
        kept.sort(
            key=lambda f: (
                _gmt(f.get("wp:comment_date_gmt")) or self._local(f.get("wp:comment_date"))
                or self.now,
                int(f.get("wp:comment_id", "0") or 0),
            )
        )  # fmt: skip
        numbers = {f.get("wp:comment_id", "").strip(): n for n, f in enumerate(kept, start=1)}
        comments = []
        for n, f in enumerate(kept, start=1):
            author_id, author_name = self._commenter(f)
            parent = f.get("wp:comment_parent", "0").strip()
            if parent not in ("", "0") and parent not in numbers:
                self.report.repair(
                    "comments replying to a comment that was left out: made top-level",
                    f"post {story.pk}, comment {f.get('wp:comment_id')}",
                )
            text = paragraphs(f.get("wp:comment_content", ""))
            words = plain(text, 300).split()
            subject = " ".join(words[:7]) + ("…" if len(words) > 7 else "")
            comments.append(
                OldComment(
                    number=n,
                    parent=numbers.get(parent, 0),
                    author_id=author_id,
                    author_name=author_name,
                    subject=subject[:50] or "(no subject)",
                    body=text,
                    body_html=render(text, markup="html"),
                    created_at=_gmt(f.get("wp:comment_date_gmt"))
                    or self._local(f.get("wp:comment_date"))
                    or story.published_at
                    or self.now,
                )
            )
        self.threads.place(story.pk, f"post {story.pk}", comments)
        self.report.count("comments", len(comments))

    def _commenter(self, f: dict[str, str]) -> tuple[int, str]:
        user_id = f.get("wp:comment_user_id", "0").strip()
        if user_id in self.author_ids:
            return self.authors[self.author_ids[user_id]]
        return self._guest(f.get("wp:comment_author", ""), f.get("wp:comment_author_email", ""))
