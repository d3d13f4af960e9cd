"""The search index: one row per findable thing, kept current by the services that write.

The full-text machinery is each database's own, added by migration 0002: an FTS5 table with
triggers on SQLite, a generated tsvector column with a GIN index on PostgreSQL.
"""

from django.db import models


class SearchEntry(models.Model):
    class Kind(models.TextChoices):
        STORY = "story", "Stories"
        DIARY = "diary", "Diaries"
        COMMENT = "comment", "Comments"
        POLL = "poll", "Polls"
        MEMBER = "member", "Members"

    kind = models.CharField(max_length=10, choices=Kind.choices)
    object_id = models.BigIntegerField()
    title = models.CharField(max_length=300)
    text = models.TextField(blank=True)  # plain text, no markup
    url = models.CharField(max_length=300)
    # For filters and ordering, copied so that a search needs no joins.
    story_id = models.BigIntegerField(null=True, blank=True)
    section_id = models.BigIntegerField(null=True, blank=True)
    author_id = models.BigIntegerField(null=True, blank=True)
    author_name = models.CharField(max_length=60, blank=True)
    date = models.DateTimeField(null=True, blank=True)
    # Found only once its story is published and its publication time has come.
    visible = models.BooleanField(default=True)
    visible_from = models.DateTimeField(null=True, blank=True)
    # A comment rated below the hide threshold: found only by trusted readers.
    hidden = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["kind", "object_id"], name="one_entry_per_object"),
        ]
        indexes = [
            models.Index(fields=["story_id"]),
            # The newest matches first: the window a search ranks (`query.WINDOW`).
            models.Index(fields=["date", "id"], name="search_entry_newest"),
        ]
        verbose_name_plural = "search entries"

    def __str__(self) -> str:
        return f"{self.kind} {self.object_id}: {self.title}"
