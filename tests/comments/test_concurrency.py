"""Numbers and ratings under real concurrency: many threads, one story, the real database."""

import pytest

from ladle.accounts.models import User
from ladle.comments.models import Comment, Rating
from ladle.comments.services import refresh_mojo
from tests.conftest import client_for, make_comment, make_member, make_story, run_at_once

POSTERS = RATERS = 20


@pytest.mark.django_db(transaction=True)
def test_twenty_simultaneous_posters_get_numbers_one_to_twenty():
    story = make_story()
    clients = [client_for(make_member()) for _ in range(POSTERS)]
    url = f"/story/{story.pk}/comments/new/"

    def poster(client, i):
        return lambda: (
            client.post(
                url,
                {"subject": f"Poster {i}", "body": "At once!", "markup": "markdown", "post": "1"},
            ).status_code
        )

    statuses = run_at_once([poster(c, i) for i, c in enumerate(clients)])
    assert statuses == [302] * POSTERS
    numbers = sorted(Comment.objects.filter(story=story).values_list("number", flat=True))
    assert numbers == list(range(1, POSTERS + 1))
    story.refresh_from_db()
    assert story.comment_count == POSTERS and story.last_comment_number == POSTERS


@pytest.mark.django_db(transaction=True)
def test_twenty_simultaneous_raters_leave_mean_and_count_exact():
    story = make_story()
    comment = make_comment(story)
    # A second comment by the same author, rated at the same time, exercises the author's lock.
    sibling = make_comment(story, author=comment.author)
    clients = [client_for(make_member()) for _ in range(RATERS)]

    def rater(client, i):
        target = comment if i % 4 else sibling
        url = f"/story/{story.pk}/comments/{target.number}/rate/"
        return lambda: client.post(url, {"value": str(1 + i % 5)}).status_code

    statuses = run_at_once([rater(c, i) for i, c in enumerate(clients)])
    assert statuses == [302] * RATERS
    for target in (comment, sibling):
        target.refresh_from_db()
        values = list(Rating.objects.filter(comment=target).values_list("value", flat=True))
        assert target.rating_count == len(values)
        assert target.score == pytest.approx(sum(values) / len(values))
    assert comment.rating_count + sibling.rating_count == RATERS
    author = User.objects.get(pk=comment.author_id)
    expected = refresh_mojo(member=author)
    assert (author.mojo, author.mojo_comment_count) == (expected.value, expected.rated_comments)


@pytest.mark.django_db(transaction=True)
def test_posting_replies_and_rating_at_once_neither_deadlocks_nor_loses_anything():
    story = make_story()
    author = make_member()
    parents = [make_comment(story, author=author) for _ in range(3)]
    others = [make_member() for _ in range(12)]

    def rate(i):
        client = client_for(others[i])
        url = f"/story/{story.pk}/comments/{parents[i % 3].number}/rate/"
        return lambda: client.post(url, {"value": "4"}).status_code

    def reply(i):
        client = client_for(author)
        url = f"/story/{story.pk}/comments/{parents[i % 3].number}/reply/"
        return lambda: (
            client.post(
                url, {"subject": f"Reply {i}", "body": "Yes.", "markup": "markdown", "post": "1"}
            ).status_code
        )

    statuses = run_at_once([rate(i) for i in range(12)] + [reply(i) for i in range(6)])
    assert statuses == [302] * 18
    story.refresh_from_db()
    assert story.comment_count == 9 and story.last_comment_number == 9
    for parent in parents:
        parent.refresh_from_db()
        assert parent.rating_count == 4 and parent.reply_count == 2
