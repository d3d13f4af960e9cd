"""Sections, topics and stories: what the magazine publishes."""

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify

from ladle.lib.markup import count_words, render
from ladle.site.values import value

ACCESS = [("everyone", "Everyone"), ("members", "Members"), ("editors", "Editors only")]
POSTERS = [("members", "Members"), ("editors", "Editors only"), ("nobody", "Nobody (read-only)")]
# Comments from readers without an account (docs/rules.md, *Anonymous posting*).
GUEST_COMMENTS = [
    ("off", "Not taken"),
    ("held", "Taken, held for a moderator"),
    ("open", "Taken and shown at once"),
]


def default_guest_comments() -> str:
    """New sections take comments without an account as the site's settings say."""
    return value("guest_comments")


def access_levels(reader) -> list[str]:
    """The section access levels `reader` has (docs/rules.md, *Sections*)."""
    if reader.is_editor:
        return ["everyone", "members", "editors"]
    return ["everyone", "members"] if reader.is_member else ["everyone"]


class Section(models.Model):
    name = models.CharField(max_length=80, unique=True)
    slug = models.SlugField(max_length=80, unique=True)
    description = models.TextField(blank=True)
    # Front-page sections show their stories on the front page as well as on the section page.
    on_front_page = models.BooleanField(default=True)
    # Who reads its stories and their comments, and who posts them (docs/rules.md, *Sections*):
    # a members-only section, an editors-only one, a read-only archive.
    read_stories = models.CharField(max_length=10, choices=ACCESS, default="everyone")
    read_comments = models.CharField(max_length=10, choices=ACCESS, default="everyone")
    post_stories = models.CharField(max_length=10, choices=POSTERS, default="members")
    post_comments = models.CharField(max_length=10, choices=POSTERS, default="members")
    guest_comments = models.CharField(
        "comments without an account",
        max_length=10,
        choices=GUEST_COMMENTS,
        default=default_guest_comments,
        help_text="Readers who are not logged in may comment (giving a name), throttled per "
        "address; held comments wait in the moderation queue.",
    )
    position = models.PositiveIntegerField(default=0, help_text="Sections are listed by this.")

    class Meta:
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("stories:section", args=[self.slug])

    def stories_readable_by(self, reader) -> bool:
        return self.read_stories in access_levels(reader)

    def comments_readable_by(self, reader) -> bool:
        return self.read_comments in access_levels(reader)

    def posting_refusal(self, member, what: str) -> str:
        """Why `member` may not post `what` ("stories" or "comments") here ("" if they may)."""
        who = self.post_stories if what == "stories" else self.post_comments
        if who == "nobody":
            return f"{self.name} is read-only: it takes no new {what}."
        if who == "editors" and not member.is_editor:
            return f"Only editors post {what} in {self.name}."
        return ""


class Topic(models.Model):
    name = models.CharField(max_length=80, unique=True)
    slug = models.SlugField(max_length=80, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("stories:topic", args=[self.slug])


class StoryQuerySet(models.QuerySet):
    def published(self, now=None):
        """Stories a reader may see: published, and their publication time has come."""
        return self.filter(status=Story.Status.PUBLISHED, published_at__lte=now or timezone.now())

    def on_front_page(self):
        return self.filter(front_page=True)

    def in_queue(self, now=None):
        """Stories the community is voting on (an expired edit queue counts as voting)."""
        now = now or timezone.now()
        return self.filter(
            Q(status=Story.Status.VOTING)
            | Q(status=Story.Status.EDIT_QUEUE, edit_queue_until__lte=now)
        )

    def diary_of(self, member):
        return self.filter(author=member, section__slug=DIARY_SECTION_SLUG)

    def in_section(self, section):
        return self.filter(section=section)

    def by_author(self, author):
        return self.filter(author=author)

    def newest_first(self):
        return self.order_by("-published_at", "-id")

    def with_listing_relations(self):
        """Everything a story listing shows, in a fixed number of queries."""
        return self.select_related("section", "author").prefetch_related("topics")

    def readable_by(self, reader):
        """What `reader` may open by address (see `readable_q`)."""
        return self.filter(readable_q(reader))


def readable_q(reader, prefix: str = "") -> Q:
    """The one rule for who may read a story (docs/rules.md, *Who reads what*).

    Everyone reads published stories whose time has come and stories the community is voting
    on, in sections whose stories they may read; a story's author reads it in every state;
    editors read everything. `prefix` applies
    the rule through a relation (`"story__"` from comments).
    """
    if reader.is_editor:
        return Q()
    now = timezone.now()

    def q(**lookups) -> Q:
        return Q(**{prefix + name: value for name, value in lookups.items()})

    readable = (
        q(status=Story.Status.PUBLISHED, published_at__lte=now)
        | q(status=Story.Status.VOTING)
        | q(status=Story.Status.EDIT_QUEUE, edit_queue_until__lte=now)
    ) & q(section__read_stories__in=access_levels(reader))
    if reader.is_authenticated:
        readable |= q(author=reader.pk)
    return readable


DIARY_SECTION_SLUG = "diaries"


class Story(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        EDIT_QUEUE = "edit_queue", "In the edit queue"
        VOTING = "voting", "In the voting queue"
        PUBLISHED = "published", "Published"
        HIDDEN = "hidden", "Hidden"

    class CommentStatus(models.TextChoices):
        OPEN = "open", "Open"
        READ_ONLY = "read_only", "Read-only"
        DISABLED = "disabled", "Disabled"

    title = models.CharField(max_length=200)
    slug = models.SlugField(max_length=80, allow_unicode=False)
    section = models.ForeignKey(Section, on_delete=models.PROTECT, related_name="stories")
    topics = models.ManyToManyField(Topic, blank=True, related_name="stories")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="stories"
    )

    class Markup(models.TextChoices):
        MARKDOWN = "markdown", "Markdown"
        # Brought from an old site as the HTML it stored; sanitized like everything else.
        HTML = "html", "HTML (imported)"

    intro = models.TextField(help_text="Shown on the front page. Markdown.")
    body = models.TextField(blank=True, help_text="The rest, shown on the story's page. Markdown.")
    markup = models.CharField(max_length=10, choices=Markup.choices, default=Markup.MARKDOWN)
    # Sanitized HTML rendered from intro/body at save time, so pages never re-render Markdown.
    intro_html = models.TextField(editable=False, default="")
    body_html = models.TextField(editable=False, default="")
    body_word_count = models.PositiveIntegerField(editable=False, default=0)

    status = models.CharField(max_length=12, choices=Status.choices, default=Status.DRAFT)
    # Shown on the front page as well as on its section page. Editors choose; the section gives
    # the default; the queue's votes decide for submitted stories; diaries never (unless an
    # editor promotes the entry).
    front_page = models.BooleanField(default=True)
    # Until then only the author may change a story in the edit queue; after it, it is voting.
    edit_queue_until = models.DateTimeField(null=True, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    # The queue's tally, recomputed from the vote rows under the story's lock with every vote.
    queue_score = models.IntegerField(default=0, editable=False)
    votes_front_page = models.PositiveIntegerField(default=0, editable=False)
    votes_section = models.PositiveIntegerField(default=0, editable=False)
    votes_abstain = models.PositiveIntegerField(default=0, editable=False)
    votes_dump = models.PositiveIntegerField(default=0, editable=False)
    # A future time schedules the story: it stays invisible until then.
    published_at = models.DateTimeField(null=True, blank=True, db_index=True)
    comment_status = models.CharField(
        max_length=10, choices=CommentStatus.choices, default=CommentStatus.OPEN
    )

    # The last comment number handed out; incremented under the story's row lock, never reused.
    last_comment_number = models.PositiveIntegerField(default=0, editable=False)
    # Shown comments, recomputed from the comment rows in every transaction that changes them.
    comment_count = models.PositiveIntegerField(default=0, editable=False)
    # Of those, the ones the community's ratings hide from an ordinary reader (hidden comments
    # and every reply below them), recomputed with comment_count and whenever a rating moves a
    # comment across the hide threshold.
    hidden_comment_count = models.PositiveIntegerField(default=0, editable=False)
    # Bumped by every change to the story's comments or their ratings: part of the cache key
    # of the rendered thread, so a change is seen at once by every server process.
    thread_revision = models.PositiveIntegerField(default=0, editable=False)

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = StoryQuerySet.as_manager()

    class Meta:
        verbose_name_plural = "stories"
        indexes = [models.Index(fields=["section", "status", "published_at"])]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = slugify(self.title)[:80] or "story"
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("stories:story", args=[self.pk, self.slug or "-"])

    def render_text(self) -> None:
        """Refresh the sanitized HTML and word count from the intro and body."""
        self.intro_html = render(self.intro, markup=self.markup, editor=True)
        self.body_html = (
            render(self.body, markup=self.markup, editor=True) if self.body.strip() else ""
        )
        self.body_word_count = count_words(self.body_html)

    def is_published(self, now=None) -> bool:
        now = now or timezone.now()
        return (
            self.status == self.Status.PUBLISHED
            and self.published_at is not None
            and self.published_at <= now
        )

    @property
    def is_diary(self) -> bool:
        return self.section.slug == DIARY_SECTION_SLUG

    def is_queued(self, now=None) -> bool:
        return self.status in (self.Status.EDIT_QUEUE, self.Status.VOTING)

    def is_in_edit_queue(self, now=None) -> bool:
        return (
            self.status == self.Status.EDIT_QUEUE
            and self.edit_queue_until is not None
            and self.edit_queue_until > (now or timezone.now())
        )

    def is_open_for_votes(self, now=None) -> bool:
        return self.status == self.Status.VOTING or (
            self.status == self.Status.EDIT_QUEUE and not self.is_in_edit_queue(now)
        )

    def is_scheduled(self, now=None) -> bool:
        return (
            self.status == self.Status.PUBLISHED
            and self.published_at is not None
            and self.published_at > (now or timezone.now())
        )

    @property
    def accepts_comments(self) -> bool:
        return (
            self.comment_status == self.CommentStatus.OPEN
            and (self.is_published() or self.is_queued())
            and not self.is_archived()
            and self.section.post_comments != "nobody"
        )

    def comments_open_to(self, reader) -> bool:
        """Whether `reader` finds a comment form here (visitors see one that asks them to log
        in): the story takes comments and its section lets them post."""
        if not self.accepts_comments:
            return False
        return not reader.is_authenticated or not self.section.posting_refusal(reader, "comments")

    def takes_guest_comments(self) -> bool:
        """Readers without an account may comment here (giving a name)."""
        return (
            self.accepts_comments
            and self.section.guest_comments != "off"
            and self.section.read_comments == "everyone"
            and self.section.post_comments == "members"
        )

    def is_archived(self, now=None) -> bool:
        """Older than the site's archive age (docs/rules.md): read-only from then on."""
        days = value("archive_days")
        if not days or self.published_at is None or self.status != self.Status.PUBLISHED:
            return False
        return self.published_at < (now or timezone.now()) - timedelta(days=days)

    @property
    def shows_comments(self) -> bool:
        return self.comment_status != self.CommentStatus.DISABLED

    def is_readable_by(self, reader, now=None) -> bool:
        """`readable_q` for one story already in memory."""
        now = now or timezone.now()
        return (
            reader.is_editor
            or (reader.is_authenticated and self.author_id == reader.pk)
            or (
                (self.is_published(now) or self.is_open_for_votes(now))
                and self.section.stories_readable_by(reader)
            )
        )

    def can_be_edited_by(self, user) -> bool:
        return user.is_editor


class QueueVote(models.Model):
    """A member's vote on a story in the voting queue: one per member per story."""

    class Choice(models.IntegerChoices):
        FRONT_PAGE = 2, "+1 Front page"
        SECTION = 1, "+1 Section only"
        ABSTAIN = 0, "0 Abstain"
        DUMP = -1, "-1 Dump"

    story = models.ForeignKey(Story, on_delete=models.CASCADE, related_name="queue_votes")
    voter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="queue_votes"
    )
    choice = models.SmallIntegerField(choices=Choice.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["story", "voter"], name="one_queue_vote_per_member"),
        ]

    def __str__(self) -> str:
        return f"{self.voter} on {self.story_id}: {self.get_choice_display()}"

    @property
    def sign(self) -> int:
        """+1, 0 or -1: what the vote adds to the story's score."""
        return (self.choice > 0) - (self.choice < 0)


class StoryVersion(models.Model):
    """The text of a published story as it was before one of its saves."""

    story = models.ForeignKey(Story, on_delete=models.CASCADE, related_name="versions")
    # Who made the change that replaced this version, and when.
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    changed_at = models.DateTimeField(auto_now_add=True)
    title = models.CharField(max_length=200)
    intro = models.TextField()
    body = models.TextField(blank=True)
    section_name = models.CharField(max_length=80)

    class Meta:
        ordering = ["-changed_at", "-id"]

    def __str__(self) -> str:
        return f"{self.title} (before {self.changed_at:%Y-%m-%d %H:%M})"


class Hotlist(models.Model):
    """A member's bookmark of a story, to follow its discussion."""

    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="hotlist"
    )
    story = models.ForeignKey(Story, on_delete=models.CASCADE, related_name="+")
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["member", "story"], name="one_hotlist_entry"),
        ]
        ordering = ["-added_at"]

    def __str__(self) -> str:
        return f"{self.member} follows {self.story_id}"


class StoryVisit(models.Model):
    """When a member last read a story, for the `[new]` markers and "M new" counts."""

    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    story = models.ForeignKey(Story, on_delete=models.CASCADE, related_name="+")
    last_visit = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["member", "story"], name="one_visit_row"),
        ]

    def __str__(self) -> str:
        return f"{self.member} read {self.story_id} at {self.last_visit}"


def next_publication(now):
    """When the next story scheduled for later is due to appear (pages change then), or None."""
    return (
        Story.objects.filter(status=Story.Status.PUBLISHED, published_at__gt=now)
        .order_by("published_at")
        .values_list("published_at", flat=True)
        .first()
    )
