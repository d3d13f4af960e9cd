"""Sidebar boxes: data an operator edits (text, order, visibility), never code."""

from django.db import models

from ladle.lib.markup import render_markdown


class Box(models.Model):
    class Kind(models.TextChoices):
        TEXT = "text", "Text (site description or anything else)"
        CONTRIBUTE = "contribute", "Contribute: a link and text"
        HOTLIST = "hotlist", "The reader's hotlist"
        POLL = "poll", "The current poll"
        RECENT_COMMENTS = "recent_comments", "Recent comments"
        SECTIONS = "sections", "Sections"

    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.TEXT)
    title = models.CharField(max_length=80)
    text = models.TextField(blank=True, help_text="Markdown, shown in the box.")
    text_html = models.TextField(editable=False, default="")
    link_url = models.URLField(blank=True, help_text="For the Contribute box: where it leads.")
    link_text = models.CharField(max_length=80, blank=True)
    position = models.PositiveSmallIntegerField(default=0)
    visible = models.BooleanField(default=True)

    class Meta:
        ordering = ["position", "id"]
        verbose_name_plural = "boxes"

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs):
        self.text_html = render_markdown(self.text, editor=True) if self.text.strip() else ""
        super().save(*args, **kwargs)
