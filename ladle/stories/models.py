"""Sections, topics and stories: what the magazine publishes."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify

from ladle.lib.markup import count_words, render_markdown


class Section(models.Model):
    name = models.CharField(max_length=80, unique=True)
    slug = models.SlugField(max_length=80, unique=True)
    description = models.TextField(blank=True)
    # Front-page sections show their stories on the front page as well as on the section page.
    on_front_page = models.BooleanField(default=True)
    position = models.PositiveIntegerField(default=0, help_text="Sections are listed by this.")

    class Meta:
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("stories:section", args=[self.slug])


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
        return self.filter(section__on_front_page=True)

    def in_section(self, section):
        return self.filter(section=section)

    def by_author(self, author):
        return self.filter(author=author)

    def newest_first(self):
        return self.order_by("-published_at", "-id")

    def with_listing_relations(self):
        """Everything a story listing shows, in a fixed number of queries."""
        return self.select_related("section", "author").prefetch_related("topics")

    def visible_to(self, user):
        """Published stories, plus every story for editors and a member's own drafts."""
        if getattr(user, "is_editor", False):
            return self.all()
        published = Q(status=Story.Status.PUBLISHED, published_at__lte=timezone.now())
        if user.is_authenticated:
            return self.filter(published | Q(author=user))
        return self.filter(published)


class Story(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        PUBLISHED = "published", "Published"

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
    intro = models.TextField(help_text="Shown on the front page. Markdown.")
    body = models.TextField(blank=True, help_text="The rest, shown on the story's page. Markdown.")
    # Sanitized HTML rendered from intro/body at save time, so pages never re-render Markdown.
    intro_html = models.TextField(editable=False, default="")
    body_html = models.TextField(editable=False, default="")
    body_word_count = models.PositiveIntegerField(editable=False, default=0)

    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    # A future time schedules the story: it stays invisible until then.
    published_at = models.DateTimeField(null=True, blank=True, db_index=True)
    comment_status = models.CharField(
        max_length=10, choices=CommentStatus.choices, default=CommentStatus.OPEN
    )

    # The last comment number handed out; incremented under the story's row lock, never reused.
    last_comment_number = models.PositiveIntegerField(default=0, editable=False)
    # Shown comments, recomputed from the comment rows in every transaction that changes them.
    comment_count = models.PositiveIntegerField(default=0, editable=False)

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
        """Refresh the sanitized HTML and word count from the Markdown intro and body."""
        self.intro_html = render_markdown(self.intro, editor=True)
        self.body_html = render_markdown(self.body, editor=True) if self.body.strip() else ""
        self.body_word_count = count_words(self.body_html)

    def is_published(self, now=None) -> bool:
        now = now or timezone.now()
        return (
            self.status == self.Status.PUBLISHED
            and self.published_at is not None
            and self.published_at <= now
        )

    def is_scheduled(self, now=None) -> bool:
        return (
            self.status == self.Status.PUBLISHED
            and self.published_at is not None
            and self.published_at > (now or timezone.now())
        )

    @property
    def accepts_comments(self) -> bool:
        return self.comment_status == self.CommentStatus.OPEN and self.is_published()

    @property
    def shows_comments(self) -> bool:
        return self.comment_status != self.CommentStatus.DISABLED

    def can_be_edited_by(self, user) -> bool:
        return bool(getattr(user, "is_editor", False))
