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

    ACTION_LABELS = {"remove_comment": "removed", "correct_comment": "corrected"}

    @property
    def action_label(self) -> str:
        return self.ACTION_LABELS.get(self.action, self.action.replace("_", " "))
