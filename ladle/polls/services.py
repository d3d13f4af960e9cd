"""Writes to polls: creating one, and voting (one ballot per member, enforced by the database)."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count
from django.utils import timezone

from ladle.stories.models import Section, Story

from .models import MAX_ANSWERS, Answer, Ballot, Poll


def polls_section() -> Section:
    section, _ = Section.objects.get_or_create(
        slug="polls", defaults={"name": "Polls", "on_front_page": False, "position": 95}
    )
    return section


def create_poll(
    *,
    editor,
    question: str,
    answers: list[str],
    multiple_choice: bool = False,
    story: Story | None = None,
    current: bool = True,
) -> Poll:
    """An editor creates a poll, attached to `story` or standalone with a story of its own for
    its comments. A current poll replaces the previous one in the sidebar."""
    if not editor.is_editor:
        raise PermissionDenied("Only editors create polls.")
    question = question.strip()
    answers = [a.strip() for a in answers if a.strip()]
    errors = {}
    if not question:
        errors["question"] = "Ask a question."
    if not 2 <= len(answers) <= MAX_ANSWERS:
        errors["answers"] = f"Give between 2 and {MAX_ANSWERS} answers, one per line."
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        standalone = story is None
        if standalone:
            story = Story(
                title=question[:200],
                intro=question,
                section=polls_section(),
                author=editor,
                status=Story.Status.PUBLISHED,
                front_page=False,
                published_at=timezone.now(),
            )
            story.render_text()
            story.save()
        if current:
            Poll.objects.filter(is_current=True).update(is_current=False)
        assert story is not None  # an attached story, or the standalone one made above
        poll = Poll.objects.create(
            question=question,
            multiple_choice=multiple_choice,
            story=story,
            standalone=standalone,
            is_current=current,
        )
        Answer.objects.bulk_create(
            Answer(poll=poll, text=text, position=i) for i, text in enumerate(answers)
        )
    return poll


def vote_in_poll(*, poll: Poll, voter, answer_ids: list[int]) -> Ballot:
    """Cast a member's ballot: one answer, or several in a multiple-choice poll.

    The unique (poll, voter) constraint refuses a second ballot even from concurrent requests;
    the counts are recomputed from the ballots under the poll's row lock.
    """
    if not voter.is_member:
        raise PermissionDenied("Only members with a confirmed e-mail address vote in polls.")
    answer_ids = sorted(set(answer_ids))
    if not answer_ids:
        raise ValidationError({"answers": "Choose an answer."})
    if len(answer_ids) > 1 and not poll.multiple_choice:
        raise ValidationError({"answers": "Choose one answer."})
    with transaction.atomic():
        poll = Poll.objects.select_for_update().get(pk=poll.pk)
        if poll.closed:
            raise PermissionDenied("This poll is closed.")
        answers = list(poll.answers.filter(pk__in=answer_ids))
        if len(answers) != len(answer_ids):
            raise ValidationError({"answers": "Choose among this poll's answers."})
        try:
            with transaction.atomic():
                ballot = Ballot.objects.create(poll=poll, voter=voter)
        except IntegrityError as error:
            raise ValidationError("You have already voted in this poll.") from error
        ballot.answers.set(answers)
        counts = dict(
            Ballot.answers.through.objects.filter(ballot__poll=poll)
            .values_list("answer_id")
            .annotate(n=Count("id"))
        )
        for answer in poll.answers.all():
            answer.votes = answer.carried_votes + counts.get(answer.pk, 0)
            answer.save(update_fields=["votes"])
        poll.ballot_count = poll.carried_ballots + poll.ballots.count()
        poll.save(update_fields=["ballot_count"])
    return ballot
