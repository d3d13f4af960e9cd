"""Polls: a question with up to 10 answers, one ballot per member."""

from django.conf import settings
from django.db import models
from django.urls import reverse

MAX_ANSWERS = 10


class Poll(models.Model):
    question = models.CharField(max_length=200)
    multiple_choice = models.BooleanField(default=False)
    # Every poll has a story for its discussion: the story it is attached to, or a story of its
    # own in the Polls section for a standalone poll. So poll comments are ordinary comments.
    story = models.OneToOneField("stories.Story", on_delete=models.CASCADE, related_name="poll")
    standalone = models.BooleanField(default=False)
    # The poll shown in the sidebar box.
    is_current = models.BooleanField(default=False)
    closed = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    # Ballots cast, recomputed from the ballot rows with every vote, plus the ballots brought
    # from an old site that left no row (Scoop counted anonymous voters without one).
    ballot_count = models.PositiveIntegerField(default=0, editable=False)
    carried_ballots = models.PositiveIntegerField(default=0, editable=False)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.question

    def get_absolute_url(self) -> str:
        return reverse("polls:poll", args=[self.pk])


class Answer(models.Model):
    poll = models.ForeignKey(Poll, on_delete=models.CASCADE, related_name="answers")
    text = models.CharField(max_length=200)
    position = models.PositiveSmallIntegerField(default=0)
    # Ballots that chose this answer, recomputed with every vote, plus the votes brought from
    # an old site, whose ballots never said which answer they chose.
    votes = models.PositiveIntegerField(default=0, editable=False)
    carried_votes = models.PositiveIntegerField(default=0, editable=False)

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.text


class Ballot(models.Model):
    """One member's vote in one poll: the database allows a single ballot per member."""

    poll = models.ForeignKey(Poll, on_delete=models.CASCADE, related_name="ballots")
    voter = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    answers = models.ManyToManyField(Answer, related_name="ballots")
    cast_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["poll", "voter"], name="one_ballot_per_member"),
        ]

    def __str__(self) -> str:
        return f"{self.voter} in {self.poll_id}"
