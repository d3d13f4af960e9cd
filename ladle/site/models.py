from django.conf import settings
from django.db import models


class SiteSetting(models.Model):
    """An administrator's value for one editable setting (ladle.site.registry); a setting
    without a row has the default from the environment and ladle/settings.py."""

    name = models.CharField(max_length=60, primary_key=True)
    value = models.JSONField()

    def __str__(self) -> str:
        return f"{self.name} = {self.value!r}"


class SettingChange(models.Model):
    """Who changed which setting when, from what to what."""

    name = models.CharField(max_length=60)
    old = models.JSONField(null=True)
    new = models.JSONField(null=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    changed_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-changed_at", "-id"]

    def __str__(self) -> str:
        return f"{self.name}: {self.old!r} -> {self.new!r}"


class PageGeneration(models.Model):
    """One row: a number that moves on after every write that may change a page (a form or
    API call that is not a read, a scheduled job, a command). Pages kept for anonymous
    readers are filed under it (`ladle.site.pages`), so a new number retires them all at once,
    in every server process, on every machine sharing the database."""

    number = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"page generation {self.number}"
