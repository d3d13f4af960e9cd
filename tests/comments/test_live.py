"""New comments while reading: the story page's poll for comments posted since it was made
(`comments/live/`). Who may read what is proven with every other read path in
tests/test_visibility.py; here: what it sends, its ETag, and its cost."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from tests.conftest import client_for, make_comment, make_member, make_story

pytestmark = pytest.mark.django_db


def live(client, story, after, **headers):
    return client.get(f"/story/{story.pk}/comments/live/", {"after": after}, headers=headers)


def test_only_comments_after_the_pages_newest_come_whole_marked_new_with_their_parent():
    story = make_story("Alive")
    first = make_comment(story, subject="Already on the page")
    page = Client().get(story.get_absolute_url()).content.decode()
    assert f'data-after="{first.number}"' in page
    reply = make_comment(story, parent=first, subject="Arrived while reading")
    answer = live(Client(), story, first.number).content.decode()
    assert "Already on the page" not in answer
    assert "Arrived while reading" in answer and '<strong class="new">[new]</strong>' in answer
    assert f'data-parent="{first.anchor}"' in answer and f'id="{reply.anchor}"' in answer
    assert f"Replying to {first.author_name}</a>" in answer  # its parent is not in the answer
    assert f'data-last="{reply.number}"' in answer


def test_an_unchanged_thread_answers_304_to_its_etag_and_a_new_comment_changes_it():
    story = make_story("Polled")
    make_comment(story)
    client = client_for(make_member())
    first = live(client, story, 1)
    tag = first["ETag"]
    assert first.status_code == 200 and 'data-count="0"' in first.content.decode()
    with CaptureQueriesContext(connection) as queries:
        again = live(client, story, 1, if_none_match=tag)
    assert again.status_code == 304
    assert len(queries) <= 4  # the session, the member and the story
    make_comment(story, subject="Something new")
    moved = live(client, story, 1, if_none_match=tag)
    assert moved.status_code == 200 and "Something new" in moved.content.decode()


def test_the_cost_is_the_same_for_one_new_comment_or_twenty():
    story = make_story("Busy")
    client = client_for(make_member())

    def cost():
        with CaptureQueriesContext(connection) as queries:
            assert live(client, story, 0).status_code == 200
        return len(queries)

    make_comment(story)
    one = cost()
    parent = make_comment(story)
    for _ in range(19):
        parent = make_comment(story, parent=parent)
    assert cost() == one


@pytest.mark.parametrize("after", ["", "x", "-1", "99999999999999", "1e3"])
def test_any_after_value_gets_an_answer_not_an_error(after):
    story = make_story("Odd input")
    make_comment(story, subject="Still here")
    response = live(Client(), story, after)
    assert response.status_code == 200 and "Still here" in response.content.decode()
