"""Numbers and ratings under real concurrency: many threads, one story, the real database."""

import threading

import pytest
from django.db import connection

from ladle.accounts.models import User
from ladle.comments.models import Comment, Rating
from ladle.comments.services import refresh_mojo
from tests.conftest import client_for, make_comment, make_member, make_story

POSTERS = 20


@pytest.mark.django_db(transaction=True)
def test_twenty_simultaneous_posters_get_numbers_one_to_twenty():
    story = make_story()
    clients = [client_for(make_member()) for _ in range(POSTERS)]
    url = f"/story/{story.pk}/comments/new/"
    start = threading.Barrier(POSTERS)
    statuses: list[int] = []
    errors: list[BaseException] = []

    def post(client, i):
        try:
            start.wait()
            response = client.post(
                url,
                {"subject": f"Poster {i}", "body": "At once!", "markup": "markdown", "post": "1"},
            )
            statuses.append(response.status_code)
        except BaseException as error:  # collected and reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=post, args=(c, i)) for i, c in enumerate(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)

    assert not errors
    assert statuses == [302] * POSTERS
    numbers = sorted(Comment.objects.filter(story=story).values_list("number", flat=True))
    assert numbers == list(range(1, POSTERS + 1))
    story.refresh_from_db()
    assert story.comment_count == POSTERS and story.last_comment_number == POSTERS


RATERS = 20


@pytest.mark.django_db(transaction=True)
def test_twenty_simultaneous_raters_leave_mean_and_count_exact():
    story = make_story()
    comment = make_comment(story)
    # A second comment by the same author, rated at the same time, exercises the author's lock.
    sibling = make_comment(story, author=comment.author)
    raters = [make_member() for _ in range(RATERS)]
    clients = [client_for(r) for r in raters]
    start = threading.Barrier(RATERS)
    statuses: list[int] = []
    errors: list[BaseException] = []

    def rate(client, i):
        try:
            start.wait()
            target = comment if i % 4 else sibling
            response = client.post(
                f"/story/{story.pk}/comments/{target.number}/rate/", {"value": str(1 + i % 5)}
            )
            statuses.append(response.status_code)
        except BaseException as error:  # collected and reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=rate, args=(c, i)) for i, c in enumerate(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)

    assert not errors and statuses == [302] * RATERS
    for target in (comment, sibling):
        target.refresh_from_db()
        values = list(Rating.objects.filter(comment=target).values_list("value", flat=True))
        assert target.rating_count == len(values)
        assert target.score == pytest.approx(sum(values) / len(values))
    assert comment.rating_count + sibling.rating_count == RATERS
    author = User.objects.get(pk=comment.author_id)
    expected = refresh_mojo(member=author)
    assert (author.mojo, author.mojo_comment_count) == (expected.value, expected.rated_comments)
