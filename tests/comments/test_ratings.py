"""Rating rules and mojo bookkeeping through the services, on the real database."""

import io
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from ladle.comments.models import Comment, Rating
from ladle.comments.services import rate_comment, withdraw_rating
from ladle.lib.ranking import Trust
from tests.conftest import make_comment, make_editor, make_member, make_story

pytestmark = pytest.mark.django_db


def make_trusted(name=None):
    """A member with mojo 5.0 over 10 rated comments."""
    member = make_member(name)
    story = make_story("Trust builder")
    raters = [make_member() for _ in range(2)]
    for i in range(10):
        comment = make_comment(story, author=member, subject=f"Good {i}")
        rate_comment(comment=comment, rater=raters[i % 2], value=5)
    member.refresh_from_db()
    assert member.trust is Trust.TRUSTED
    return member


def make_untrusted(name=None):
    member = make_member(name)
    story = make_story("Trouble")
    editor = make_editor()
    for i in range(10):
        rate_comment(
            comment=make_comment(story, author=member, subject=f"Bad {i}"), rater=editor, value=0
        )
    member.refresh_from_db()
    assert member.trust is Trust.UNTRUSTED
    return member


def test_rating_sets_mean_and_count_and_rating_again_replaces():
    comment = make_comment(make_story())
    a, b = make_member(), make_member()
    rate_comment(comment=comment, rater=a, value=5)
    rate_comment(comment=comment, rater=b, value=2)
    comment.refresh_from_db()
    assert (comment.score, comment.rating_count, comment.score_display) == (3.5, 2, "(3.50 / 2)")
    rate_comment(comment=comment, rater=b, value=4)
    comment.refresh_from_db()
    assert (comment.score, comment.rating_count) == (4.5, 2)
    assert Rating.objects.filter(comment=comment).count() == 2


def test_withdrawing_a_rating_recomputes_from_the_rest():
    comment = make_comment(make_story())
    a, b = make_member(), make_member()
    rate_comment(comment=comment, rater=a, value=5)
    rate_comment(comment=comment, rater=b, value=1)
    withdraw_rating(comment=comment, rater=b)
    comment.refresh_from_db()
    assert (comment.score, comment.rating_count) == (5.0, 1)
    withdraw_rating(comment=comment, rater=a)
    comment.refresh_from_db()
    assert (comment.score, comment.rating_count, comment.score_display) == (None, 0, "(none / 0)")


def test_nobody_rates_their_own_comment():
    comment = make_comment(make_story())
    with pytest.raises(PermissionDenied):
        rate_comment(comment=comment, rater=comment.author, value=5)


@pytest.mark.parametrize("value", [6, -1, 99])
def test_values_outside_the_scale_are_refused(value):
    with pytest.raises(ValidationError):
        rate_comment(comment=make_comment(make_story()), rater=make_member(), value=value)


def test_only_trusted_members_and_staff_may_hide():
    comment = make_comment(make_story())
    with pytest.raises(PermissionDenied):
        rate_comment(comment=comment, rater=make_member(), value=0)
    rate_comment(comment=comment, rater=make_editor(), value=0)
    rate_comment(comment=comment, rater=make_trusted(), value=0)
    comment.refresh_from_db()
    assert comment.is_hidden and comment.score_display == "(0.00 / 2)"


def test_non_trusted_members_cannot_rate_hidden_comments():
    comment = make_comment(make_story())
    rate_comment(comment=comment, rater=make_editor(), value=0)
    with pytest.raises(PermissionDenied):
        rate_comment(comment=make_comment_ref(comment), rater=make_member(), value=5)
    rate_comment(comment=comment, rater=make_trusted(), value=5)  # trusted may rate it up


def make_comment_ref(comment):
    return Comment.objects.get(pk=comment.pk)


def test_unconfirmed_members_cannot_rate():
    with pytest.raises(PermissionDenied):
        rate_comment(
            comment=make_comment(make_story()), rater=make_member(confirmed=False), value=3
        )


def test_rating_updates_the_authors_mojo_and_unrating_too():
    author = make_member()
    comment = make_comment(make_story(), author=author)
    rater = make_member()
    rate_comment(comment=comment, rater=rater, value=4)
    author.refresh_from_db()
    assert (author.mojo, author.mojo_comment_count) == (4.0, 1)
    withdraw_rating(comment=comment, rater=rater)
    author.refresh_from_db()
    assert (author.mojo, author.mojo_comment_count) == (None, 0)


def test_rating_reads_only_the_authors_comments():
    """The cost of a rating does not grow with the rest of the site's comments."""
    story = make_story()
    comment = make_comment(story)
    rater = make_member()

    def queries():
        with CaptureQueriesContext(connection) as captured:
            rate_comment(comment=comment, rater=rater, value=3)
        return len(captured)

    queries()  # the first rating inserts; the ones measured below replace it
    before = queries()
    others = [make_member() for _ in range(5)]
    for i in range(40):
        rate_comment(comment=make_comment(story, author=others[i % 5]), rater=rater, value=2)
    assert queries() == before


def test_untrusted_members_new_comments_start_hidden():
    member = make_untrusted()
    comment = make_comment(make_story("Elsewhere"), author=member)
    assert comment.is_hidden and comment.rating_count == 0
    assert comment.score == member.mojo
    assert comment.score_display == "(none / 0)"


def test_staff_are_always_trusted():
    assert make_editor().trust is Trust.TRUSTED


def test_daily_refresh_moves_the_window():
    author = make_member()
    comment = make_comment(make_story(), author=author)
    rate_comment(comment=comment, rater=make_member(), value=5)
    Comment.objects.filter(pk=comment.pk).update(created_at=timezone.now() - timedelta(days=61))
    author.refresh_from_db()
    assert author.mojo == 5.0  # still the value from when it was rated
    call_command("refresh_mojo", stdout=io.StringIO())
    author.refresh_from_db()
    assert (author.mojo, author.mojo_comment_count) == (None, 0)
