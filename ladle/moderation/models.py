from django.conf import settings
from django.db import models


class LogEntry(models.Model):
    """One moderator action, shown on the public moderation log."""

    moderator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="moderation_actions"
    )
    action = models.CharField(max_length=40)
    target = models.CharField(max_length=300)
    url = models.CharField(max_length=300, blank=True)
    reason = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name_plural = "log entries"

    def __str__(self) -> str:
        return f"{self.moderator}: {self.action} {self.target}"

    ACTION_LABELS = {
        "remove_comment": "removed",
        "restore_comment": "restored",
        "correct_comment": "corrected",
        "hide_story": "hid",
        "restore_story": "restored",
        "suspend_member": "suspended",
        "lift_suspension": "lifted the suspension of",
        "dismiss_flags": "dismissed the flags on",
    }

    @property
    def action_label(self) -> str:
        return self.ACTION_LABELS.get(self.action, self.action.replace("_", " "))


class Flag(models.Model):
    """A member's report that a comment or story needs a moderator's look, with a reason.
    Open until a moderator resolves it (acting on the content resolves its flags too)."""

    comment = models.ForeignKey(
        "comments.Comment", null=True, blank=True, on_delete=models.CASCADE, related_name="flags"
    )
    story = models.ForeignKey(
        "stories.Story", null=True, blank=True, on_delete=models.CASCADE, related_name="flags"
    )
    flagger = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="flags_raised"
    )
    reason = models.CharField(max_length=300)
    created_at = models.DateTimeField(auto_now_add=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="flags_resolved",
    )
    resolution = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(comment__isnull=False) ^ models.Q(story__isnull=False),
                name="flag_names_one_thing",
            ),
            models.UniqueConstraint(
                fields=["flagger", "comment"],
                condition=models.Q(resolved_at__isnull=True, comment__isnull=False),
                name="one_open_flag_per_member_and_comment",
            ),
            models.UniqueConstraint(
                fields=["flagger", "story"],
                condition=models.Q(resolved_at__isnull=True, story__isnull=False),
                name="one_open_flag_per_member_and_story",
            ),
        ]

    def __str__(self) -> str:
        return f"flag by {self.flagger_id}: {self.reason}"


class MemberNote(models.Model):
    """What staff want each other to know about a member; never shown to anyone else."""

    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="staff_notes"
    )
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    text = models.TextField(max_length=2000)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"note on {self.member_id}"
