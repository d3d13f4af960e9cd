"""What an import leaves behind: where each old thing went, and a record of every run."""

from django.db import models


class OldKey(models.Model):
    """One thing of the old site (a Scoop story's sid, a member's uid, a WordPress post's
    permalink) and the row it became here. Old links are answered from these, and an import
    run again recognises what it already brought in."""

    class Kind(models.TextChoices):
        SCOOP_MEMBER = "scoop_member", "Scoop member (uid)"
        SCOOP_NICK = "scoop_nick", "Scoop member (nickname, lower case)"
        SCOOP_SECTION = "scoop_section", "Scoop section"
        SCOOP_TOPIC = "scoop_topic", "Scoop topic"
        SCOOP_STORY = "scoop_story", "Scoop story (sid)"
        SCOOP_POLL = "scoop_poll", "Scoop poll (qid)"
        WP_MEMBER = "wp_member", "WordPress author (login)"
        WP_POST = "wp_post", "WordPress post or page (id)"
        WP_PATH = "wp_path", "WordPress permalink (path)"
        WP_SECTION = "wp_section", "WordPress category (slug)"
        WP_TOPIC = "wp_topic", "WordPress tag (slug)"

    kind = models.CharField(max_length=20, choices=Kind.choices)
    key = models.CharField(max_length=255)
    # The id of the row it became (a member, section, topic, story or poll, by kind).
    target_id = models.BigIntegerField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["kind", "key"], name="one_old_key")]

    def __str__(self) -> str:
        return f"{self.kind} {self.key} -> {self.target_id}"


class ImportRun(models.Model):
    """One run of an importer: which file (by its digest), when, and what it reported."""

    source = models.CharField(max_length=20)  # "scoop" or "wordpress"
    file_name = models.CharField(max_length=500)
    digest = models.CharField(max_length=64, db_index=True)  # sha256 of the file's bytes
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField()
    report = models.TextField()

    class Meta:
        ordering = ["-finished_at"]

    def __str__(self) -> str:
        return f"{self.source} {self.file_name} ({self.finished_at:%Y-%m-%d %H:%M})"
