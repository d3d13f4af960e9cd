"""Comment numbers under real concurrency: many threads, one story, the real database."""

import threading

import pytest
from django.db import connection

from ladle.comments.models import Comment
from tests.conftest import client_for, make_member, make_story

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
