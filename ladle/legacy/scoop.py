"""Importing a Scoop site: its members, sections, topics, stories, comments, ratings, queue
votes, polls, hotlists and visits, as the old site showed them (docs/rules.md, *Moving in*).

The source (a mysqldump file or a live database) is read in two passes. The first reads the
small tables (site settings, sections, topics, members and their preferences, poll questions
and answers) and creates what they describe. The second streams the large ones: stories are
created as they come; comments, ratings, votes, visits and poll voters are decoded, sanitized
and put in staging tables, because a dump lists comments before their stories and in no
useful order. Then every story's thread is placed in one go: numbers kept, parents linked
(orphans made top-level), times converted in posting order, scores recomputed from the
rating rows, counters and the search index written. Everything happens in one transaction:
an import that fails leaves the site as it was.
"""

import bisect
import multiprocessing
import os
import re
from collections import Counter, defaultdict, deque
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import connection, transaction
from django.utils import timezone
from django.utils.text import slugify

from ladle.accounts.hashers import ALGORITHM as SCOOP_CRYPT
from ladle.accounts.models import User, mojo_rules
from ladle.accounts.names import name_key
from ladle.accounts.services import guest_member
from ladle.comments import rules as comment_rules
from ladle.comments.models import Comment, Rating
from ladle.comments.services import refresh_mojo
from ladle.lib.display import AgeSort, Display, RatingSort
from ladle.lib.mysqldump import Row
from ladle.lib.ranking import Trust, mean_score
from ladle.lib.timefmt import utc_in_posting_order
from ladle.polls.models import Answer, Ballot, Poll
from ladle.polls.services import polls_section
from ladle.search import indexing
from ladle.stories.models import Hotlist, QueueVote, Section, Story, StoryVisit, Topic
from ladle.stories.services import diary_section, recount_votes

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
from .bulk import Stage, batched, insert_rows
from .models import OldKey
from .report import Progress, Report
from .sources import Source
from .threads import OldComment, ThreadPlacer
from .transform import decoded, local_time, number, plain, staged_comment, staged_comments

Kind = OldKey.Kind

SMALL_TABLES = (
    "vars", "sections", "topics", "users", "userprefs", "pollquestions", "pollanswers",
    "section_perms",
)  # fmt: skip
LARGE_TABLES = (
    "stories", "storymoderate", "pollvoters", "comments", "commentratings", "viewed_stories",
)  # fmt: skip

# Scoop's time zone names (its `time_zone` var and members' preference) as zones with rules.
SCOOP_ZONES = {
    "EST": "America/New_York", "EDT": "America/New_York", "CST": "America/Chicago",
    "CDT": "America/Chicago", "MST": "America/Denver", "MDT": "America/Denver",
    "PST": "America/Los_Angeles", "PDT": "America/Los_Angeles", "AKST": "America/Anchorage",
    "HST": "Pacific/Honolulu", "AST": "America/Halifax", "NST": "America/St_Johns",
    "GMT": "Europe/London", "BST": "Europe/London", "UTC": "UTC", "UT": "UTC",
    "WET": "Europe/Lisbon", "CET": "Europe/Paris", "MET": "Europe/Paris",
    "EET": "Europe/Helsinki", "MSK": "Europe/Moscow", "IST": "Asia/Kolkata",
    "JST": "Asia/Tokyo", "AEST": "Australia/Sydney", "NZST": "Pacific/Auckland",
}  # fmt: skip
DISPLAY_MODES = {
    "threaded": Display.THREADED, "dthreaded": Display.THREADED, "nested": Display.NESTED,
    "minimal": Display.MINIMAL, "flat": Display.FLAT, "flat_unthread": Display.FLAT_UNTHREADED,
}  # fmt: skip
RATING_SORTS = {
    "highest": RatingSort.HIGHEST, "lowest": RatingSort.LOWEST,
    "unrate_highest": RatingSort.UNRATED_FIRST, "dontcare": RatingSort.IGNORE,
}  # fmt: skip
HIDING_CHOICES = {"no": "never", "untilrating": "until_rated", "yes": "always"}
REMOVED_SUBJECT = "(Comment Deleted)"
_CRYPT = re.compile(r"[./0-9A-Za-z]{11}\Z")
_URL = URLValidator(schemes=["http", "https"])


def scoop_zone(name: str) -> ZoneInfo | None:
    """A zone from Scoop's abbreviation ("EST") or an IANA name; None when unknown."""
    name = name.strip()
    try:
        return ZoneInfo(SCOOP_ZONES.get(name.upper(), name)) if name else None
    except (ZoneInfoNotFoundError, ValueError):
        return None


# --- What the import keeps in memory -------------------------------------------------------------


@dataclass
class StoryPlace:
    """A story of the old site (or a standalone poll's thread) as created here."""

    id: int
    time: datetime | None  # its publication (or submission) time, UTC
    queued: bool = False


@dataclass
class MemberPlace:
    id: int
    name: str


@dataclass
class ScoopImport:
    source: Source
    progress: Progress
    zone_name: str = ""
    merge: bool = False
    # Worker processes for a dump's comments: None chooses (one per core for a dump over
    # 8 MB, none for a small one, whose workers would take longer to start than to work).
    workers: int | None = None
    report: Report = field(default_factory=lambda: Report("Scoop import"))

    def __post_init__(self):
        if self.workers is None:
            big = (self.source.size or 0) > 8_000_000
            self.workers = min(os.cpu_count() or 1, 4) if big else 0
        self.now = timezone.now()
        self.vars: dict[str, str] = {}
        self.members: dict[int, MemberPlace] = {}
        self.nick_ids: dict[str, int] = {}
        self.sections: dict[str, int] = {}
        self.topics: dict[str, int] = {}
        self.stories: dict[str, StoryPlace] = {}
        self.kept: set[str] = set()  # sids of stories a merge found already here
        self.anonymous: MemberPlace | None = None
        self.zone: ZoneInfo = ZoneInfo("America/New_York")
        self.threads = ThreadPlacer(self.report)
        self.counts: Counter[str] = Counter()

    # --- the whole run ---------------------------------------------------------------------------

    def run(self) -> Report:
        started = timezone.now()
        digest = self.source.digest()
        check_site("scoop", digest, merge=self.merge)
        with transaction.atomic():
            small = self._read_small_tables()
            self._settings(small)
            self._sections(small)
            self._topics(small)
            self._members(small)
            stages = self._read_large_tables()
            self._polls(small, stages["voters"])
            self._threads(stages)
            for stage in stages.values():
                stage.drop()
            self._index()
            self.report.note(f"Times were read as local time of {self.zone.key} and stored in UTC.")
            finish("scoop", self.source.name, digest, started, self.report)
        refresh_statistics()
        return self.report

    # --- pass 1: the small tables ------------------------------------------------------------

    def _read_small_tables(self) -> dict[str, list[dict]]:
        tables: dict[str, list[dict]] = defaultdict(list)
        for row in self.source.rows(SMALL_TABLES):
            tables[row.table].append(row.values)
            self.progress.update(self.source.position(), "reading members and settings")
        if not tables["users"]:
            raise ImportRefused("The source has no `users` rows: is this a Scoop database dump?")
        return tables

    def _settings(self, small) -> None:
        self.vars = {decoded(v["name"]): decoded(v["value"]) for v in small["vars"]}
        name = self.zone_name or self.vars.get("time_zone", "") or "EST"
        zone = scoop_zone(name)
        if zone is None:
            raise ImportRefused(
                f"Unknown time zone {name!r}: give the old site's zone with --time-zone, "
                "for example --time-zone America/New_York."
            )
        self.zone = zone

    def _utc(self, local: datetime | None) -> datetime | None:
        return None if local is None else utc_in_posting_order([local], self.zone)[0]

    def _sections(self, small) -> None:
        known = base.known(Kind.SCOOP_SECTION)
        # Scoop's section permissions, per group: {section: {group: "perm,perm,..."}}.
        perms: dict[str, dict[str, str]] = defaultdict(dict)
        for row in small["section_perms"]:
            perms[decoded(row["section"])][decoded(row["group_id"])] = decoded(row["sect_perms"])
        new = []
        for position, row in enumerate(small["sections"]):
            name = decoded(row["section"])
            if name in known:
                self.sections[name] = known[name]
                continue
            rules = self._section_rules(name, perms.get(name, {}))
            if name.lower() == "diary":
                section = diary_section()
            else:
                slug = slugify(name)[:80] or f"section-{position}"
                section, created = Section.objects.get_or_create(
                    slug=slug,
                    defaults={
                        "name": plain(row["title"], 80) or name,
                        "description": plain(row["description"], 2000),
                        "position": 10 + position,
                        **rules,
                    },
                )
                if not created:
                    self.report.note(f"Section {name!r} joined the existing section {slug!r}.")
            self.sections[name] = section.pk
            new.append((name, section.pk))
            self.report.count("sections")
        remember(Kind.SCOOP_SECTION, new)

    def _section_rules(self, name: str, groups: dict[str, str]) -> dict:
        """Scoop's per-group section permissions as the section's settings here: who reads
        its stories and comments (the anonymous group, members, or only staff groups), who
        posts. A section without rows keeps the defaults (everyone reads, members post).
        "autosec" (members' stories go to the section only) keeps it off the front page."""
        if not groups:
            return {}
        visitor, member = groups.get("Anonymous", ""), groups.get("Users", "")

        def who_reads(perm: str) -> str:
            if perm in visitor:
                return "everyone"
            return "members" if perm in member else "editors"

        def who_posts(perms: tuple[str, ...]) -> str:
            if any(p in member for p in perms):
                return "members"
            staff = ("Editors", "Admins", "Superuser")
            return (
                "editors"
                if any(p in groups.get(g, "") for g in staff for p in perms)
                else ("nobody")
            )

        rules = {
            "read_stories": who_reads("norm_read_stories"),
            "read_comments": who_reads("norm_read_comments"),
            "post_stories": who_posts(("norm_post_stories", "autosec_post_stories")),
            "post_comments": who_posts(("norm_post_comments",)),
            "on_front_page": "autosec_post_stories" not in member,
        }
        if "hide_post_stories" in member:
            rules["post_stories"] = "editors"
            self.report.repair(
                "sections whose members' stories Scoop hid on posting: only editors post there",
                name,
            )
        return rules

    def _section_for(self, name: str) -> int:
        if name not in self.sections:
            section, _ = Section.objects.get_or_create(
                slug=slugify(name)[:80] or "imported",
                defaults={"name": name[:80] or "Imported", "on_front_page": False},
            )
            self.sections[name] = section.pk
            remember(Kind.SCOOP_SECTION, [(name, section.pk)])
            self.report.repair("stories named a section the dump does not have: created", name)
        return self.sections[name]

    def _topics(self, small) -> None:
        known = base.known(Kind.SCOOP_TOPIC)
        new = []
        for row in small["topics"]:
            tid = decoded(row["tid"])
            if tid in known:
                self.topics[tid] = known[tid]
                continue
            topic, _ = Topic.objects.get_or_create(
                slug=slugify(tid)[:80] or "topic",
                defaults={"name": plain(row["alttext"], 80) or tid},
            )
            self.topics[tid] = topic.pk
            new.append((tid, topic.pk))
            self.report.count("topics")
        remember(Kind.SCOOP_TOPIC, new)

    # --- members -----------------------------------------------------------------------------

    def _members(self, small) -> None:
        known = base.known(Kind.SCOOP_MEMBER)
        names = dict(User.objects.values_list("pk", "username"))
        for key, pk in known.items():
            if int(key) >= 0:  # -1: the anonymous member, found again when needed
                self.members[int(key)] = MemberPlace(pk, names.get(pk, ""))
        taken = taken_names()
        emails = taken_emails()
        prefs: dict[int, dict[str, str]] = defaultdict(dict)
        for row in small["userprefs"]:
            prefs[row["uid"]][decoded(row["prefname"])] = decoded(row["prefvalue"])
        joined = [t for t in (local_time(r["creation_time"]) for r in small["users"]) if t]
        earliest = self._utc(min(joined)) if joined else self.now
        new: list[tuple[int, str, User]] = []  # (uid, nickname, member)
        for row in small["users"]:
            uid = row["uid"]
            if uid in self.members or uid is None or uid < 0:
                continue
            nick = plain(row["nickname"], 200)
            member = self._member(row, nick, taken, emails, earliest)
            self._preferences(member, prefs.get(uid, {}), nick)
            new.append((uid, nick, member))
        for batch in batched(new, 500):
            User.objects.bulk_create([member for _, _, member in batch])
        for uid, _, member in new:
            self.members[uid] = MemberPlace(member.pk, member.username)
        remember(Kind.SCOOP_MEMBER, [(str(uid), m.pk) for uid, _, m in new])
        remember(Kind.SCOOP_NICK, [(nick.lower(), m.pk) for _, nick, m in new])
        self.report.count("members", len(new))
        self.nick_ids = base.known(Kind.SCOOP_NICK)

    def _member(self, row, nick: str, taken: set[str], emails: set[str], earliest) -> User:
        uid = row["uid"]
        name = fitting_name(nick, f"member {uid}", taken, self.report)
        placeholder = f"scoop-member-{uid}@moved.invalid"
        email = fitting_email(decoded(row["realemail"]), placeholder, emails, self.report, nick)
        group = decoded(row["perm_group"])
        passwd = decoded(row["passwd"])
        unactivated = row.get("is_new_account") == 1 and (
            row.get("creation_passwd") is not None or not _CRYPT.match(passwd)
        )
        joined = self._utc(local_time(row["creation_time"]))
        if joined is None:
            joined = earliest
            self.report.repair("members without a sign-up time: given the earliest one", nick)
        member = User(
            username=name,
            name_key=name_key(name),  # bulk_create does not call save(), which sets it
            email=email,
            date_joined=joined,
            email_confirmed_at=None if unactivated else joined,
            role=User.Role.MEMBER,
        )
        if _CRYPT.match(passwd) and not unactivated:
            # Verified once at log-in, then replaced by an Argon2 hash (accounts.hashers).
            member.password = f"{SCOOP_CRYPT}${passwd}"
        else:
            member.set_unusable_password()
        if unactivated:
            self.report.note(
                f"{nick!r} never activated their account: imported unconfirmed, without a "
                "password (a password reset lets them in)."
            )
        if group == "Superuser":
            member.role, member.is_superuser, member.is_staff = User.Role.ADMIN, True, True
        elif group == "Admins":
            member.role, member.is_staff = User.Role.ADMIN, True
        elif group == "Editors":
            member.role = User.Role.EDITOR
        elif group == "Anonymous":
            member.is_active = False
            self.report.note(
                f"{nick!r} was banned by Scoop's post throttle (group Anonymous): imported "
                "as a deactivated member."
            )
        elif group != "Users":
            self.report.repair(f"members of Scoop group {group!r}: imported as members", nick)
        if row.get("mojo") is not None:
            member.mojo = float(number(row["mojo"], 0))
        trust = {2: Trust.TRUSTED, 0: Trust.UNTRUSTED}.get(row.get("trustlev"))
        member.carried_trust = trust.value if trust else ""
        return member

    def _preferences(self, member: User, prefs: dict[str, str], nick: str) -> None:
        mode = prefs.get("commentmode", "")
        if mode in DISPLAY_MODES:
            member.comment_display = DISPLAY_MODES[mode]
        overflow = prefs.get("commentmode_overflow", "")
        if overflow in DISPLAY_MODES:
            member.large_thread_display = DISPLAY_MODES[overflow]
        if prefs.get("commentrating") in RATING_SORTS:
            member.comment_rating_sort = RATING_SORTS[prefs["commentrating"]]
        if prefs.get("commentorder") in ("oldest", "newest"):
            member.comment_age_sort = AgeSort(prefs["commentorder"])
        if prefs.get("hidingchoice") in HIDING_CHOICES:
            member.hidden_comments = HIDING_CHOICES[prefs["hidingchoice"]]
        if prefs.get("time_zone"):
            zone = scoop_zone(prefs["time_zone"])
            if zone is None:
                self.report.repair("unknown time zone preferences: left unset", nick)
            else:
                member.time_zone = zone.key
        if prefs.get("maxstories", "").isdigit():
            member.stories_per_page = min(max(int(prefs["maxstories"]), 1), 50)
        if prefs.get("sig"):
            member.signature = plain(prefs["sig"], 160)
        if prefs.get("bio"):
            member.bio = plain(prefs["bio"], 4000)
        homepage = prefs.get("homepage", "").strip()
        if homepage:
            try:
                _URL(homepage)
                member.homepage = homepage[:200]
            except ValidationError:
                self.report.repair("homepages that are not web addresses: left out", nick)

    def _author(self, uid, what: str) -> MemberPlace:
        if uid is not None and uid in self.members:
            return self.members[uid]
        if uid is not None and uid >= 0:
            self.report.repair(f"{what} by a member the dump does not have: shown as anonymous")
        return self._anonymous()

    def _anonymous(self) -> MemberPlace:
        """The one member anonymous comments and stories are shown under (Scoop's
        `anon_user_nick`), created when first needed."""
        if self.anonymous is None:
            known = base.known(Kind.SCOOP_MEMBER).get("-1")
            if known is not None:
                self.anonymous = MemberPlace(known, User.objects.get(pk=known).username)
            else:
                nick = plain(self.vars.get("anon_user_nick", ""), 40) or "Anonymous Hero"
                member = guest_member(fitting_name(nick, "Anonymous", taken_names(), self.report))
                remember(Kind.SCOOP_MEMBER, [("-1", member.pk)])
                self.anonymous = MemberPlace(member.pk, member.username)
        return self.anonymous

    # --- pass 2: the large tables ------------------------------------------------------------

    def _read_large_tables(self) -> dict[str, Stage]:
        stages = {
            "comments": Stage(
                "comments",
                [("sid", "TEXT"), ("cid", "INTEGER"), ("pid", "INTEGER"), ("posted", "TEXT"),
                 ("uid", "INTEGER"), ("subject", "TEXT"), ("body", "TEXT"),
                 ("body_html", "TEXT"), ("pending", "INTEGER"), ("points", "DOUBLE PRECISION"),
                 ("lastmod", "INTEGER"), ("plain", "TEXT")],
                key="sid", order="cid",
            ),
            "ratings": Stage(
                "ratings",
                [("sid", "TEXT"), ("cid", "INTEGER"), ("uid", "INTEGER"), ("rating", "INTEGER")],
                key="sid", order="cid",
            ),
            "votes": Stage(
                "votes",
                [("sid", "TEXT"), ("uid", "INTEGER"), ("vote", "INTEGER"), ("kind", "TEXT")],
                key="sid", order="uid",
            ),
            "visits": Stage(
                "visits",
                [("sid", "TEXT"), ("uid", "INTEGER"), ("highest", "INTEGER"),
                 ("hotlisted", "INTEGER")],
                key="sid", order="uid",
            ),
            "voters": Stage(
                "voters", [("qid", "TEXT"), ("uid", "INTEGER"), ("nick", "TEXT")],
                key="qid", order="uid",
            ),
        }  # fmt: skip
        pending: list[tuple[str, Story, str]] = []
        for row in self._large_rows():
            if isinstance(row, list):  # comments, staged (perhaps by a worker process)
                for staged in row:
                    stages["comments"].add(staged)
                self.counts["comments"] += len(row)
                self.progress.update(self.source.position(), "reading", **self.counts)
                continue
            v = row.values
            if row.table == "commentratings":
                stages["ratings"].add((decoded(v["sid"]), v["cid"], v["uid"], v["rating"]))
                self.counts["ratings"] += 1
            elif row.table == "stories":
                story = self._story(v)
                if story is not None:
                    pending.append(story)
                    if len(pending) >= 500:
                        self._create_stories(pending)
                        pending = []
                self.counts["stories"] += 1
            elif row.table == "storymoderate":
                kind = decoded(v["section_only"])
                stages["votes"].add((decoded(v["sid"]), v["uid"], v["vote"], kind))
            elif row.table == "viewed_stories":
                stages["visits"].add(
                    (decoded(v["sid"]), v["uid"], v["highest_idx"] or 0, v["hotlisted"] or 0)
                )
            elif row.table == "pollvoters":
                stages["voters"].add((decoded(v["qid"]), v["uid"], decoded(v["id"])))
        self._create_stories(pending)
        for stage in stages.values():
            stage.finish()
        if not self.stories and not self.kept:
            raise ImportRefused("The source has no `stories` rows: is this a Scoop dump?")
        return stages

    def _large_rows(self) -> Iterator[Row | list[tuple]]:
        """The large tables' rows, with comments already staged (a list of staged rows).
        A big dump's comments are parsed, decoded and sanitized by worker processes (one
        INSERT statement each) while this process writes; results keep the dump's order."""
        inserts = getattr(self.source, "inserts", None)
        if inserts is None or not self.workers:
            for row in self.source.rows(LARGE_TABLES):
                yield [staged_comment(row.values)] if row.table == "comments" else row
            return
        context = multiprocessing.get_context("spawn")  # a fork would share our database socket
        with context.Pool(self.workers) as pool:
            waiting: deque = deque()
            for insert in inserts(LARGE_TABLES):
                if insert.table != "comments":
                    for values in insert.rows():
                        yield Row(insert.table, values)
                    continue
                waiting.append(pool.apply_async(staged_comments, (insert,)))
                while len(waiting) > 2 * self.workers or (waiting and waiting[0].ready()):
                    yield waiting.popleft().get()
            while waiting:
                yield waiting.popleft().get()

    def _story(self, v) -> tuple[str, Story, str] | None:
        sid = decoded(v["sid"])
        if sid in self.stories or sid in self.kept:
            self.report.skip("stories listed twice in the dump: the first kept", sid)
            return None
        status, front_page = {
            0: (Story.Status.PUBLISHED, True),
            1: (Story.Status.PUBLISHED, False),
            -1: (Story.Status.HIDDEN, False),
            -2: (Story.Status.VOTING, False),
            -3: (Story.Status.EDIT_QUEUE, False),
        }.get(v["displaystatus"], (None, False))
        if status is None:
            self.report.repair("stories with an unknown displaystatus: hidden", sid)
            status = Story.Status.HIDDEN
        when = self._utc(local_time(v["time"])) or self.now
        queued = status in (Story.Status.VOTING, Story.Status.EDIT_QUEUE)
        title = plain(v["title"], 200) or "(untitled)"
        section = decoded(v["section"])
        story = Story(
            title=title,
            slug=slugify(title)[:80] or "story",
            section_id=self._section_for(section),
            author_id=self._author(v["aid"], "stories").id,
            intro=decoded(v["introtext"]),
            body=decoded(v["bodytext"]),
            markup=Story.Markup.HTML,
            status=status,
            front_page=front_page,
            published_at=None if queued else when,
            submitted_at=when if queued else None,
            comment_status={
                0: Story.CommentStatus.OPEN,
                1: Story.CommentStatus.READ_ONLY,
                -1: Story.CommentStatus.DISABLED,
            }.get(v["commentstatus"], Story.CommentStatus.OPEN),
        )
        if status == Story.Status.EDIT_QUEUE:
            # Its author gets the edit queue's full time again, from the day it moved in.
            story.edit_queue_until = self.now + timedelta(hours=settings.LADLE_EDIT_QUEUE_HOURS)
        story.render_text()
        return sid, story, decoded(v["tid"])

    def _create_stories(self, pending: list[tuple[str, Story, str]]) -> None:
        if not pending:
            return
        known = dict(
            OldKey.objects.filter(
                kind=Kind.SCOOP_STORY, key__in=[sid[:255] for sid, _, _ in pending]
            ).values_list("key", "target_id")
        )
        fresh = [(sid, story, tid) for sid, story, tid in pending if sid[:255] not in known]
        self.kept.update(sid for sid, _, _ in pending if sid[:255] in known)
        Story.objects.bulk_create([story for _, story, _ in fresh])
        links = []
        for sid, story, tid in fresh:
            queued = story.status in (Story.Status.VOTING, Story.Status.EDIT_QUEUE)
            self.stories[sid] = StoryPlace(
                story.pk, story.published_at or story.submitted_at, queued
            )
            if tid in self.topics:
                links.append(Story.topics.through(story_id=story.pk, topic_id=self.topics[tid]))
            elif tid:
                self.report.repair("stories with a topic the dump does not have: left out", sid)
        Story.topics.through.objects.bulk_create(links)
        remember(Kind.SCOOP_STORY, [(sid, story.pk) for sid, story, _ in fresh])
        self.report.count("stories", len(fresh))

    # --- polls -------------------------------------------------------------------------------

    def _polls(self, small, voters: Stage) -> None:
        known = base.known(Kind.SCOOP_POLL)
        attached = self._attached_polls()
        answers = defaultdict(list)
        for row in small["pollanswers"]:
            answers[decoded(row["qid"])].append(row)
        current = self.vars.get("current_poll", "")
        made = []
        for row in small["pollquestions"]:
            qid = decoded(row["qid"])
            if qid in known:
                continue
            question = plain(row["question"], 200) or "(no question)"
            posted = self._utc(local_time(row["post_date"])) or self.now
            sid = attached.get(qid)
            if sid is not None and sid in self.kept:
                continue
            if sid is not None and sid in self.stories:
                story_id = self.stories[sid].id
            else:
                story = Story(
                    title=question,
                    slug=slugify(question)[:80] or "poll",
                    intro=question,
                    markup=Story.Markup.HTML,
                    section=polls_section(),
                    author_id=self._poll_author(),
                    status=Story.Status.PUBLISHED,
                    front_page=False,
                    published_at=posted,
                )
                story.render_text()
                story.save()
                story_id = story.pk
                # The poll's own comments name its qid where a story's would name a sid.
                self.stories[qid] = StoryPlace(story.pk, posted)
            poll = Poll.objects.create(
                question=question,
                multiple_choice=bool(row.get("is_multiple_choice")),
                story_id=story_id,
                standalone=sid is None,
                is_current=qid == current,
                closed=bool(row.get("archived")),
            )
            Poll.objects.filter(pk=poll.pk).update(created_at=posted)
            rows = sorted(answers.get(qid, []), key=lambda a: a["aid"])
            Answer.objects.bulk_create(
                Answer(
                    poll=poll,
                    text=plain(a["answer"], 200) or "-",
                    position=i,
                    votes=a["votes"] or 0,
                    carried_votes=a["votes"] or 0,
                )
                for i, a in enumerate(rows)
            )
            ballots = self._ballots(poll, voters.rows_for(qid), qid)
            total = row["voters"] or 0
            votes = sum(a["votes"] or 0 for a in rows)
            if total != votes and not row.get("is_multiple_choice"):
                self.report.repair(
                    "polls whose voter count disagrees with their answers' votes: the voter "
                    "count kept",
                    f"{qid}: {total} voters, {votes} votes",
                )
            carried = max(total - ballots, 0)
            Poll.objects.filter(pk=poll.pk).update(
                carried_ballots=carried, ballot_count=carried + ballots
            )
            made.append((qid, poll.pk))
            self.report.count("polls")
        if current and current not in known and current not in dict(made):
            self.report.repair("the current_poll var names no poll: no current poll", current)
        remember(Kind.SCOOP_POLL, made)

    def _attached_polls(self) -> dict[str, str]:
        """qid -> sid of the story the poll is attached to (read back from the stories)."""
        attached = {}
        for row in self.source.rows(["stories"]):
            qid = decoded(row.values.get("attached_poll"))
            if qid:
                attached[qid] = decoded(row.values["sid"])
        return attached

    def _poll_author(self) -> int:
        editor = User.objects.filter(is_superuser=True).order_by("pk").first()
        return editor.pk if editor else self._anonymous().id

    def _ballots(self, poll: Poll, rows, qid: str) -> int:
        """Members' ballots (which answer they chose was never recorded: only that they
        voted, so they cannot vote again). Anonymous voters are in the carried count."""
        voters: set[int] = set()
        for _, uid, nick in rows:
            member = self.members.get(uid) if uid and uid > 0 else None
            if member is None and uid and uid > 0:
                member_id = self.nick_ids.get(nick.lower())
            else:
                member_id = member.id if member else None
            if member_id is None:
                continue
            if member_id in voters:
                self.report.skip("second ballots by the same member in a poll", qid)
                continue
            voters.add(member_id)
        Ballot.objects.bulk_create(Ballot(poll=poll, voter_id=v) for v in sorted(voters))
        return len(voters)

    # --- threads -----------------------------------------------------------------------------

    def _threads(self, stages: dict[str, Stage]) -> None:
        with_comments = set(stages["comments"].keys())
        with_ratings = set(stages["ratings"].keys())
        with_votes = set(stages["votes"].keys())
        with_visits = set(stages["visits"].keys())
        for sid in sorted(with_comments - self.stories.keys() - self.kept):
            self.report.skip("comments on a story the dump does not have", sid)
        for sid in sorted(with_comments & self.kept):
            self.report.skip("comments of stories already here (merge): left as they are", sid)
        done = 0
        for sid, place in self.stories.items():
            comments = stages["comments"].rows_for(sid) if sid in with_comments else []
            ratings = stages["ratings"].rows_for(sid) if sid in with_ratings else []
            thread = self._thread(sid, place, comments, ratings)
            if sid in with_votes:
                self._votes(sid, place, stages["votes"].rows_for(sid))
            if sid in with_visits:
                self._visits(sid, place, thread, stages["visits"].rows_for(sid))
            done += len(comments)
            self.progress.update(self.source.position(), "placing threads", comments_placed=done)
        self.report.count("comments", done - self.counts["skipped_comments"])

    def _thread(self, sid: str, place: StoryPlace, rows, ratings) -> list[tuple[int, datetime]]:
        """Place one story's comments and ratings; returns (number, time) in number order."""
        by_cid: dict[int, tuple] = {}
        for row in rows:
            if row[1] in by_cid:
                self.report.skip("comments listed twice (same sid and cid)", f"{sid} #{row[1]}")
                self.counts["skipped_comments"] += 1
                continue
            by_cid[row[1]] = row
        if not by_cid:
            return []
        numbers = sorted(by_cid)
        times = self._comment_times(sid, place, numbers, [by_cid[c][3] for c in numbers])
        scores, ratings_by_cid = self._scores(sid, by_cid, ratings)
        comments = []
        for cid in numbers:
            row = by_cid[cid]
            author = self._author(row[4], "comments")
            comments.append(
                OldComment(
                    number=cid,
                    parent=row[2],
                    author_id=author.id,
                    author_name=author.name,
                    subject=row[5],
                    body=row[6],
                    body_html=row[7],
                    created_at=times[cid],
                    editorial=bool(row[8]),
                    removed=row[5] == REMOVED_SUBJECT and "has been deleted by" in row[6],
                    score=scores[cid][0],
                    rating_count=scores[cid][1],
                    plain=row[11],
                )
            )
        ids = self.threads.place(place.id, sid, comments)
        self._ratings(ids, ratings_by_cid)
        return [(cid, times[cid]) for cid in numbers]

    def _comment_times(self, sid: str, place: StoryPlace, numbers, posted: list[str]) -> dict:
        """cid -> UTC time. Local times are read in posting (number) order, which decides
        the repeated hour when clocks fall back (lib.timefmt.utc_in_posting_order)."""
        local: list[datetime] = []
        previous = None
        for text in posted:
            moment = local_time(text)
            if moment is None:
                self.report.repair("comments without a readable time: given the one before", sid)
                moment = previous or (
                    place.time.astimezone(self.zone).replace(tzinfo=None)
                    if place.time
                    else datetime(2000, 1, 1)
                )
            local.append(moment)
            previous = moment
        return dict(zip(numbers, utc_in_posting_order(local, self.zone), strict=True))

    def _scores(self, sid: str, by_cid: dict, ratings) -> tuple[dict, dict]:
        """Each comment's mean and count, recomputed from its rating rows (and the rows kept,
        cid -> {uid: value}). An untrusted member's unrated comment keeps its starting score
        (their mojo then), with no ratings."""
        values: dict[int, dict[int, int]] = defaultdict(dict)
        for _, cid, uid, rating in self._usable_ratings(sid, by_cid, ratings):
            values[cid][uid] = rating
        scores = {}
        for cid, row in by_cid.items():
            points, lastmod = row[9], row[10]
            if values.get(cid):
                scores[cid] = mean_score(values[cid].values())
            elif lastmod == -1 and points is not None:
                scores[cid] = (points, 0)
            else:
                if points is not None:
                    self.report.repair(
                        "comments whose stored points had no rating rows behind them: "
                        "recomputed (unrated)",
                        f"{sid} #{cid}",
                    )
                scores[cid] = (None, 0)
        return scores, values

    def _usable_ratings(self, sid: str, by_cid: dict, ratings):
        seen: set[tuple[int, int]] = set()
        highest = max(comment_rules.rating_labels())
        for row in ratings:
            _, cid, uid, rating = row
            if cid not in by_cid:
                self.report.skip("ratings of comments that no longer exist", f"{sid} #{cid}")
                continue
            if uid not in self.members:
                self.report.skip("ratings by members the dump does not have", f"{sid} #{cid}")
                continue
            if rating is None or not 0 <= rating <= highest:
                self.report.skip("ratings outside Ladle's scale", f"{sid} #{cid}: {rating}")
                continue
            if by_cid[cid][4] == uid:
                self.report.skip("ratings of one's own comment", f"{sid} #{cid}")
                continue
            if (cid, uid) in seen:
                self.report.skip("second ratings by the same member: the last kept")
            seen.add((cid, uid))
            yield row

    def _ratings(self, ids: dict[int, int], values: dict) -> None:
        now = connection.ops.adapt_datetimefield_value(self.now)
        rows = [
            (ids[cid], self.members[uid].id, value, now, now)
            for cid, raters in values.items()
            for uid, value in raters.items()
        ]
        insert_rows(Rating, ["comment_id", "rater_id", "value", "created_at", "updated_at"], rows)
        self.report.count("ratings", len(rows))

    def _votes(self, sid: str, place: StoryPlace, rows) -> None:
        """Scoop's storymoderate: +1 with section_only 'N' asked for the front page, 'Y' for
        the section only; 0 abstained; -1 dumped. The tally is recounted from them."""
        choices = {}
        for _, uid, vote, kind in rows:
            member = self.members.get(uid)
            if member is None:
                self.report.skip("queue votes by members the dump does not have", sid)
                continue
            if vote and vote > 0:
                choice = QueueVote.Choice.SECTION if kind == "Y" else QueueVote.Choice.FRONT_PAGE
            elif vote and vote < 0:
                choice = QueueVote.Choice.DUMP
            else:
                choice = QueueVote.Choice.ABSTAIN
            choices[member.id] = choice
        QueueVote.objects.bulk_create(
            QueueVote(story_id=place.id, voter_id=voter, choice=choice)
            for voter, choice in choices.items()
        )
        story = Story.objects.get(pk=place.id)
        recount_votes(story)
        story.save(
            update_fields=[
                "queue_score", "votes_front_page", "votes_section", "votes_abstain", "votes_dump",
            ]
        )  # fmt: skip
        self.report.count("queue votes", len(choices))

    def _visits(self, sid: str, place: StoryPlace, thread, rows) -> None:
        """Scoop kept, per member and story, the highest comment number seen and a hotlist
        flag. Here a visit is a moment: the time of the last comment the member had seen."""
        numbers = [number for number, _ in thread]
        visits, hotlist = {}, []
        for _, uid, highest, hotlisted in rows:
            member = self.members.get(uid)
            if member is None:
                continue
            at = bisect.bisect_right(numbers, highest or 0)
            seen = thread[at - 1][1] if at else place.time
            if seen is not None:
                visits[member.id] = seen
            if hotlisted:
                hotlist.append(Hotlist(member_id=member.id, story_id=place.id))
        StoryVisit.objects.bulk_create(
            StoryVisit(member_id=m, story_id=place.id, last_visit=when)
            for m, when in visits.items()
        )
        Hotlist.objects.bulk_create(hotlist, ignore_conflicts=True)
        self.report.count("last-visit marks", len(visits))
        self.report.count("hotlist entries", len(hotlist))

    # --- after the threads -------------------------------------------------------------------

    def _index(self) -> None:
        """Search entries for the new stories, members and polls (comments have theirs)."""
        story_ids = [place.id for place in self.stories.values()]
        for batch in batched(story_ids, 500):
            for story in Story.objects.filter(pk__in=batch).select_related("section", "author"):
                indexing.index_story(story)
        member_ids = [m.id for m in self.members.values()]
        for batch in batched(member_ids, 500):
            for member in User.objects.filter(pk__in=batch):
                indexing.index_member(member)
        # Mojo counts the last weeks' rated comments: members who wrote some (a live site
        # moving in) get theirs computed now; the others keep the old site's value and
        # standing until they do (docs/rules.md, *Mojo and trust*).
        since = self.now - timedelta(days=mojo_rules().window_days)
        recent = Comment.objects.filter(
            author_id__in=member_ids, created_at__gte=since, rating_count__gt=0
        ).values("author_id")
        for member in User.objects.filter(pk__in=recent):
            refresh_mojo(member=member, now=self.now)
        polls = Poll.objects.filter(story_id__in=story_ids).select_related("story__author")
        for poll in polls.prefetch_related("answers"):
            indexing.index_poll(poll)
