"""Polls: creating, voting once per member (even all at once), results."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client

from ladle.polls.models import Ballot, Poll
from ladle.polls.services import create_poll, vote_in_poll
from tests.conftest import (
    client_for,
    main_of,
    make_editor,
    make_member,
    make_story,
    run_at_once,
)


def poll_on(story=None, multiple=False):
    return create_poll(
        editor=make_editor(),
        question="Tea or coffee?",
        story=story,
        answers=["Tea", "Coffee", "Neither"],
        multiple_choice=multiple,
    )


@pytest.mark.django_db
def test_standalone_poll_gets_its_own_discussion_story(client):
    poll = poll_on()
    assert poll.standalone and poll.story.is_published() and not poll.story.front_page
    response = client.get(f"/polls/{poll.pk}/")
    assert response.status_code == 302
    page = main_of(client.get(response["Location"]))
    assert "Poll: Tea or coffee?" in page and 'id="comments"' in page


@pytest.mark.django_db
def test_poll_attached_to_a_story_shows_on_its_page(client):
    story = make_story("With a poll")
    poll_on(story)
    assert "Poll: Tea or coffee?" in main_of(client.get(story.get_absolute_url()))


@pytest.mark.django_db
def test_votes_and_percentages():
    poll = poll_on()
    tea, coffee, _ = poll.answers.all()
    for answer in (tea, tea, tea, coffee):
        vote_in_poll(poll=poll, voter=make_member(), answer_ids=[answer.pk])
    page = main_of(Client().get(poll.story.get_absolute_url()))
    assert "3 votes (75%)" in page and "1 vote (25%)" in page and "4 voters" in page


@pytest.mark.django_db
def test_a_member_votes_once():
    poll = poll_on()
    voter = make_member()
    answer = poll.answers.first()
    vote_in_poll(poll=poll, voter=voter, answer_ids=[answer.pk])
    with pytest.raises(ValidationError):
        vote_in_poll(poll=poll, voter=voter, answer_ids=[answer.pk])
    assert Ballot.objects.count() == 1


@pytest.mark.django_db
def test_single_choice_takes_one_answer_multiple_choice_several():
    single, multiple = poll_on(), poll_on(multiple=True)
    with pytest.raises(ValidationError):
        vote_in_poll(
            poll=single, voter=make_member(), answer_ids=[a.pk for a in single.answers.all()[:2]]
        )
    vote_in_poll(
        poll=multiple, voter=make_member(), answer_ids=[a.pk for a in multiple.answers.all()[:2]]
    )
    multiple.refresh_from_db()
    assert multiple.ballot_count == 1
    assert [a.votes for a in multiple.answers.all()] == [1, 1, 0]


@pytest.mark.django_db
def test_answers_of_another_poll_and_anonymous_votes_are_refused():
    poll, other = poll_on(), poll_on()
    with pytest.raises(ValidationError):
        vote_in_poll(poll=poll, voter=make_member(), answer_ids=[other.answers.first().pk])
    response = Client().post(f"/polls/{poll.pk}/vote/", {"answer": poll.answers.first().pk})
    assert response.status_code == 302 and "/login/" in response["Location"]
    with pytest.raises(PermissionDenied):
        create_poll(editor=make_member(), question="q", answers=["a", "b"])


@pytest.mark.django_db
def test_poll_needs_a_question_and_two_to_ten_answers():
    with pytest.raises(ValidationError) as error:
        create_poll(editor=make_editor(), question=" ", answers=["only one"])
    assert set(error.value.message_dict) == {"question", "answers"}
    with pytest.raises(ValidationError):
        create_poll(editor=make_editor(), question="Many?", answers=[str(i) for i in range(11)])


@pytest.mark.django_db
def test_voting_through_the_page_with_bad_values_never_fails():
    poll = poll_on()
    client = client_for(make_member())
    for data in ({}, {"answer": "x"}, {"answer": "999999"}):
        response = client.post(f"/polls/{poll.pk}/vote/", data, follow=True)
        assert response.status_code == 200
    assert not Ballot.objects.exists()
    client.post(f"/polls/{poll.pk}/vote/", {"answer": poll.answers.first().pk})
    assert Ballot.objects.count() == 1


@pytest.mark.django_db
def test_the_current_poll_is_in_the_sidebar(client):
    poll_on()
    newer = create_poll(editor=make_editor(), question="Rain or shine?", answers=["Rain", "Sun"])
    page = client.get("/").content.decode()
    sidebar = page[page.index("<aside") :]
    assert "Rain or shine?" in sidebar and "Tea or coffee?" not in sidebar
    assert Poll.objects.get(is_current=True) == newer


@pytest.mark.django_db(transaction=True)
def test_concurrent_double_votes_by_one_member_count_once():
    poll = poll_on()
    voter = make_member()
    answer = poll.answers.first().pk
    clients = [client_for(voter) for _ in range(10)]
    run_at_once(
        [
            (lambda c=c: c.post(f"/polls/{poll.pk}/vote/", {"answer": answer}).status_code)
            for c in clients
        ]
    )
    poll.refresh_from_db()
    assert Ballot.objects.filter(poll=poll).count() == 1 and poll.ballot_count == 1
    assert poll.answers.get(pk=answer).votes == 1
