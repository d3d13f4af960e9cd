"""Comments: a story's discussion, stored as rows with a parent link and a per-story number."""

from django.conf import settings
from django.db import models
from django.db.models import Exists, ExpressionWrapper, F, OuterRef, Q
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

    def for_display(self):
        """With their authors, reading only what a thread shows: not the comments' source
        text (their HTML is kept) nor most of each author's row."""
        fields = [f.name for f in Comment._meta.concrete_fields if f.name != "body"]
        shown = [
            f"author__{name}" for name in ("username", "display_name", "signature", "is_guest")
        ]
        return self.select_related("author").only(*fields, *shown)

    def in_thread_for(self, reader):
        """Comments that have a place in the thread `reader` sees, removed placeholders
        included: the one rule every read path asks (docs/rules.md, *Who reads what*).

        The story must be readable by the reader, its section's comments readable by them,
        and it must show its comments; editorial comments
        leave a story once it is published; a hidden comment that hides from this reader takes
        itself and every reply below it out (see `hides_q` and its twin
        `Comment.hides_from`).
        """
        from ladle.stories.models import Story, access_levels, readable_q

        queued = [Story.Status.EDIT_QUEUE, Story.Status.VOTING]
        rows = (
            self.shown()
            .filter(readable_q(reader, "story__"))
            .filter(story__section__read_comments__in=access_levels(reader))
            .exclude(story__comment_status=Story.CommentStatus.DISABLED)
            .filter(Q(editorial=False) | Q(story__status__in=queued))
        )
        return rows.not_hidden_from(reader)

    def not_hidden_from(self, reader):
        """Comments outside every hidden subtree that hides from `reader`."""
        hiders = hides_q(reader)
        if hiders is None:
            return self
        return self.exclude(Exists(_ancestors_or_self().filter(hiders)))

    def visible_to(self, reader):
        """What `reader` may read of comments in lists (feeds, search, boxes, member pages):
        the thread's comments without removed placeholders."""
        return self.in_thread_for(reader).exclude(state=Comment.State.REMOVED)

    def subtree_of(self, comment):
        """`comment` and every reply below it, at any depth."""
        return self.filter(story_id=comment.story_id, path__startswith=comment.path)


def _subtrees_q(roots) -> Q:
    """Every comment in the subtrees of `roots` (comments with story_id and path)."""
    q = Q(pk__in=[])
    for root in roots:
        q |= Q(story_id=root.story_id, path__startswith=root.path)
    return q


def hidden_search_exceptions(reader) -> tuple[str, list[int]]:
    """How the search index's `hidden` flag (hidden from an ordinary reader) applies to
    `reader`, so search shows exactly `Comment.objects.visible_to(reader)`:

    - ("all", []): the reader sees hidden comments too;
    - ("include", ids): hidden-flagged comments the reader may still see (their own hidden
      comments and the replies below them);
    - ("exclude", ids): hidden-flagged comments hidden from this reader (for "until rated": the
      subtrees of hidden comments they rated); the other flagged ones they see.
    """
    choice = reader.hidden_comment_choice
    if choice == "always":
        return "all", []
    if not reader.is_authenticated:
        return "include", []
    hidden = Comment.objects.filter(score__lt=rules.hide_threshold()).only("story_id", "path")
    if choice == "until_rated":
        rated = hidden.filter(ratings__rater=reader).exclude(author=reader)
        ids = Comment.objects.filter(_subtrees_q(rated)).values_list("pk", flat=True)
        return "exclude", list(ids)
    own = hidden.filter(author=reader)
    ids = Comment.objects.visible_to(reader).filter(_subtrees_q(own)).values_list("pk", flat=True)
    return "include", list(ids)


def _ancestors_or_self():
    """Comments of the outer comment's story whose path starts the outer comment's path."""
    return (
        Comment.objects.filter(story_id=OuterRef("story_id"))
        .annotate(below=ExpressionWrapper(OuterRef("path"), output_field=models.TextField()))
        .filter(below__startswith=F("path"))
    )


def hides_q(reader) -> Q | None:
    """Hidden comments that take themselves and their replies out of `reader`'s view (None:
    none do). Twin of `Comment.hides_from`; tests hold the two to the same answers.

    A hidden comment hides from everyone but its author, except from trusted readers who
    chose to see hidden comments always, or until they have rated them.
    """
    choice = reader.hidden_comment_choice
    if choice == "always":
        return None
    hiders = Q(score__lt=rules.hide_threshold())
    if reader.is_authenticated:
        hiders &= ~Q(author_id=reader.pk)
        if choice == "until_rated":
            rated = Exists(Rating.objects.filter(comment=OuterRef("pk"), rater_id=reader.pk))
            hiders &= Q(rated)
    return hiders


class Comment(models.Model):
    class State(models.TextChoices):
        SHOWN = "shown", "Shown"
        DELETED = "deleted", "Deleted by its author"
        REMOVED = "removed", "Removed by a moderator"

    class Markup(models.TextChoices):
        MARKDOWN = "markdown", "Markdown"
        PLAIN = "plain", "Plain text"
        # Brought from an old site as the HTML it stored; sanitized like everything else.
        HTML = "html", "HTML (imported)"

    story = models.ForeignKey("stories.Story", on_delete=models.CASCADE, related_name="comments")
    # 1, 2, 3, ... per story in posting order; handed out under the story's row lock.
    number = models.PositiveIntegerField()
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="replies"
    )
    # 0 for a reply to the story; stored so a thread can be laid out without walking parents.
    depth = models.PositiveSmallIntegerField(default=0)
    # The numbers from the top-level comment down to this one, each followed by "/" ("3/17/"):
    # a subtree is every comment whose path starts with its root's, so "is this comment under
    # a hidden one?" is a question the database can answer.
    path = models.TextField(default="", editable=False)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="comments"
    )
    # Set when the comment was posted without an account (the author is then the guest
    # member): the name its poster gave, shown instead of a member's.
    guest_name = models.CharField(max_length=40, blank=True, default="", db_default="")
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
        indexes = [
            models.Index(fields=["author", "-id"]),
            # "Is this comment under a hidden one?" reads only a story's hidden comments.
            models.Index(fields=["story", "score"], name="comment_story_score"),
            # A member's own hidden comments (search's hidden-comment rule) read only those.
            models.Index(fields=["author", "score"], name="comment_author_score"),
        ]

    def __str__(self) -> str:
        return f"#{self.number} {self.subject}"

    def get_absolute_url(self) -> str:
        return reverse("comments:permalink", args=[self.story_id, self.number])

    @property
    def anchor(self) -> str:
        return f"c{self.number}"

    @property
    def author_name(self) -> str:
        """The name the comment is shown under: its guest's, or its member's."""
        return self.guest_name or self.author.shown_name

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

    @property
    def shown_subject(self) -> str:
        """The subject as every page shows it: a removed comment's is not shown to anyone."""
        return "(Comment removed)" if self.is_removed else self.subject

    def can_be_edited_by(self, user, now) -> bool:
        """The author may edit within the edit window while nobody has replied."""
        window = rules.edit_window()
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
        return user.is_editor and self.state == self.State.SHOWN

    def can_be_restored_by(self, user) -> bool:
        return user.is_editor and self.state == self.State.REMOVED

    def can_be_flagged_by(self, user) -> bool:
        """Members flag others' shown comments for a moderator (staff act instead)."""
        return (
            user.is_member
            and not user.is_editor
            and user.pk != self.author_id
            and self.state == self.State.SHOWN
        )

    def hides_from(self, reader, rated_by_reader) -> bool:
        """Whether this comment takes itself and its replies out of `reader`'s view; the twin
        of `hides_q` for comments already in memory (`rated_by_reader`: ids of comments the
        reader rated)."""
        if not self.is_hidden:
            return False
        choice = reader.hidden_comment_choice
        if choice == "always" or (reader.is_authenticated and self.author_id == reader.pk):
            return False
        if choice == "until_rated":
            return self.pk in rated_by_reader
        return True

    def path_below(self, parent: "Comment | None") -> str:
        return (parent.path if parent is not None else "") + f"{self.number}/"

    def rating_refusal(self, user, *, trusted: bool) -> str:
        """Why `user` may not rate this comment, or "" if they may. A confirmed member may rate
        someone else's shown comment; hidden ones only if trusted. (Which values they may give
        is the rating service's business.)"""
        if not user.is_member:
            return "Only members with a confirmed e-mail address may rate comments."
        if refusal := user.suspension_refusal():
            return refusal
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


class HeldComment(models.Model):
    """A comment posted without an account in a section that holds such comments for a
    moderator (docs/rules.md, *Anonymous posting*). It is not a comment until approved: no
    reader, count, feed or search sees it. Approving posts it as a guest comment; rejecting
    keeps it here, marked, for the record."""

    class State(models.TextChoices):
        WAITING = "waiting", "Waiting for a moderator"
        APPROVED = "approved", "Approved"
        REJECTED = "rejected", "Rejected"

    story = models.ForeignKey("stories.Story", on_delete=models.CASCADE, related_name="+")
    parent = models.ForeignKey(
        Comment, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    name = models.CharField(max_length=40)
    subject = models.CharField(max_length=50)
    body = models.TextField()
    markup = models.CharField(max_length=10, choices=Comment.Markup.choices)
    body_html = models.TextField()
    address = models.GenericIPAddressField(null=True, blank=True)
    created_at = models.DateTimeField(db_index=True)
    state = models.CharField(max_length=10, choices=State.choices, default=State.WAITING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    comment = models.OneToOneField(
        Comment, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        indexes = [models.Index(fields=["state", "created_at"])]

    def __str__(self) -> str:
        return f"{self.subject} by {self.name} (held, {self.state})"
