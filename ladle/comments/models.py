"""Comments: a story's discussion, stored as rows with a parent link and a per-story number."""

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.urls import reverse

from ladle.lib.ranking import format_score

from . import rules


class CommentQuerySet(models.QuerySet):
    def for_story(self, story):
        return self.filter(story=story)

    def shown(self):
        """Comments that have a place in the thread: everything but author-deleted ones.

        Removed comments stay: their placeholder keeps the thread's shape.
        """
        return self.exclude(state=Comment.State.DELETED)

    def with_authors(self):
        return self.select_related("author")


class Comment(models.Model):
    class State(models.TextChoices):
        SHOWN = "shown", "Shown"
        DELETED = "deleted", "Deleted by its author"
        REMOVED = "removed", "Removed by a moderator"

    class Markup(models.TextChoices):
        MARKDOWN = "markdown", "Markdown"
        PLAIN = "plain", "Plain text"

    story = models.ForeignKey("stories.Story", on_delete=models.CASCADE, related_name="comments")
    # 1, 2, 3, ... per story in posting order; handed out under the story's row lock.
    number = models.PositiveIntegerField()
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="replies"
    )
    # 0 for a reply to the story; stored so a thread can be laid out without walking parents.
    depth = models.PositiveSmallIntegerField(default=0)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="comments"
    )
    subject = models.CharField(max_length=50)
    body = models.TextField()
    markup = models.CharField(max_length=10, choices=Markup.choices, default=Markup.MARKDOWN)
    # On a queued story: about the story as a submission, not about its topic. Not shown once
    # the story is published (unless asked for).
    editorial = models.BooleanField(default=False)
    # Sanitized HTML rendered from body when it is written; templates show only this.
    body_html = models.TextField(default="")

    state = models.CharField(max_length=10, choices=State.choices, default=State.SHOWN)
    removal_reason = models.CharField(max_length=300, blank=True)
    removed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    # The plain mean of the ratings and their number, recomputed from the rating rows in every
    # transaction that changes them. An untrusted member's new comment starts with their mojo as
    # its score and no ratings, so it starts hidden. None: no score at all.
    score = models.FloatField(null=True, blank=True)
    rating_count = models.PositiveIntegerField(default=0)

    # Replies that are shown; kept so "may the author still edit/delete?" needs no query.
    reply_count = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(db_index=True)
    edited_at = models.DateTimeField(null=True, blank=True)

    objects = CommentQuerySet.as_manager()

    class Meta:
        ordering = ["story", "number"]
        constraints = [
            models.UniqueConstraint(fields=["story", "number"], name="unique_comment_number"),
        ]
        indexes = [models.Index(fields=["author", "-id"])]

    def __str__(self) -> str:
        return f"#{self.number} {self.subject}"

    def get_absolute_url(self) -> str:
        return reverse("comments:permalink", args=[self.story_id, self.number])

    @property
    def anchor(self) -> str:
        return f"c{self.number}"

    @property
    def is_hidden(self) -> bool:
        """Below the hide threshold: not shown to ordinary readers (with its replies)."""
        return self.score is not None and self.score < rules.hide_threshold()

    @property
    def score_display(self) -> str:
        return format_score(self.score, self.rating_count)

    @property
    def is_removed(self) -> bool:
        return self.state == self.State.REMOVED

    def can_be_edited_by(self, user, now) -> bool:
        """The author may edit within the edit window while nobody has replied."""
        window = timedelta(minutes=settings.LADLE_COMMENT_EDIT_MINUTES)
        return (
            user.is_authenticated
            and user.pk == self.author_id
            and self.state == self.State.SHOWN
            and self.reply_count == 0
            and now - self.created_at <= window
        )

    def can_be_deleted_by(self, user) -> bool:
        return (
            user.is_authenticated
            and user.pk == self.author_id
            and self.state == self.State.SHOWN
            and self.reply_count == 0
        )

    def can_be_removed_by(self, user) -> bool:
        return getattr(user, "is_editor", False) and self.state == self.State.SHOWN

    def rating_refusal(self, user, *, trusted: bool) -> str:
        """Why `user` may not rate this comment, or "" if they may. A confirmed member may rate
        someone else's shown comment; hidden ones only if trusted. (Which values they may give
        is the rating service's business.)"""
        if not getattr(user, "is_member", False):
            return "Only members with a confirmed e-mail address may rate comments."
        if user.pk == self.author_id:
            return "You cannot rate your own comment."
        if self.state != self.State.SHOWN:
            return "This comment cannot be rated."
        if self.is_hidden and not trusted:
            return "Only trusted members may rate hidden comments."
        return ""

    def can_be_rated_by(self, user, *, trusted: bool) -> bool:
        return not self.rating_refusal(user, trusted=trusted)


class Rating(models.Model):
    """One member's score for someone else's comment. Rating again replaces it."""

    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="ratings")
    rater = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="ratings"
    )
    value = models.PositiveSmallIntegerField()  # 0 is "hide", for trusted raters only
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["comment", "rater"], name="one_rating_per_member"),
        ]
        indexes = [models.Index(fields=["rater", "comment"])]

    def __str__(self) -> str:
        return f"{self.rater} rated #{self.comment_id}: {self.value}"
