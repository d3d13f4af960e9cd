"""What the site tells a member inside the site: their inbox."""

from django.conf import settings
from django.db import models


class Notification(models.Model):
    """A message to a member inside the site (their inbox), such as a queue result."""

    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    text = models.CharField(max_length=300)
    url = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        # The table keeps the name it had when members' accounts held the inbox.
        db_table = "accounts_notification"
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["member", "read_at"], name="accounts_no_member__c43787_idx")
        ]

    def __str__(self) -> str:
        return f"to {self.member}: {self.text}"
