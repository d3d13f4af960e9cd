"""The submission queue through the services and the pages."""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.utils import timezone

from ladle.comments.models import Comment
from ladle.notifications.models import Notification
from ladle.stories.models import QueueVote, Story
from ladle.stories.services import (
    decide_queued_story,
    edit_queued_story,
    move_to_voting,
    submit_story,
    vote_on_story,
)
from tests.conftest import (
    client_for,
    deliver_mail,
    main_of,
    make_comment,
    make_editor,
    make_member,
    make_section,
    run_at_once,
)

FRONT, SECTION, ABSTAIN, DUMP = (
    QueueVote.Choice.FRONT_PAGE,
    QueueVote.Choice.SECTION,
    QueueVote.Choice.ABSTAIN,
    QueueVote.Choice.DUMP,
)


def submitted(**kwargs) -> Story:
    return submit_story(
        author=kwargs.pop("author", None) or make_member(),
        title=kwargs.pop("title", "A submission"),
        intro="What happened.",
        section=make_section("News"),
        **kwargs,
    )


def votes(story, *choices):
    for choice in choices:
        story = vote_on_story(story=story, voter=make_member(), choice=choice)
    return story


@pytest.mark.django_db
class TestVoting:
    def test_four_front_page_votes_publish_to_the_front_page(self):
        story = votes(submitted(), FRONT, FRONT, FRONT)
        assert story.status == Story.Status.VOTING and story.queue_score == 3
        story = votes(story, FRONT)
        assert story.is_published() and story.front_page

    def test_half_front_half_section_goes_to_the_front_page(self):
        story = votes(submitted(), FRONT, SECTION, FRONT, SECTION)
        assert story.is_published() and story.front_page

    def test_more_section_votes_publish_to_the_section_only(self):
        story = votes(submitted(), SECTION, FRONT, SECTION, SECTION)
        assert story.is_published() and not story.front_page

    def test_abstentions_count_nothing_and_dumps_subtract(self):
        story = votes(submitted(), FRONT, ABSTAIN, ABSTAIN, FRONT, DUMP, FRONT)
        assert story.status == Story.Status.VOTING and story.queue_score == 2

    def test_two_dumps_hide_the_story(self):
        story = votes(submitted(), DUMP)
        assert story.status == Story.Status.VOTING
        story = votes(story, DUMP)
        assert story.status == Story.Status.HIDDEN

    def test_percentage_thresholds_use_active_members(self, settings):
        settings.LADLE_QUEUE_POST_AT = "20%"
        members = [make_member() for _ in range(10)]
        for m in members:
            m.last_login = timezone.now()
            m.save()
        story = submitted(author=members[0])  # 10 active members: 20% is 2 votes
        story = vote_on_story(story=story, voter=members[1], choice=FRONT)
        assert story.status == Story.Status.VOTING
        story = vote_on_story(story=story, voter=members[2], choice=FRONT)
        assert story.is_published()

    def test_author_is_told_by_email_and_inbox_either_way(self):
        author = make_member()
        votes(submitted(author=author, title="Good one"), FRONT, FRONT, FRONT, FRONT)
        votes(submitted(author=author, title="Bad one"), DUMP, DUMP)
        deliver_mail()
        texts = list(Notification.objects.filter(member=author).values_list("text", flat=True))
        assert any("Good one" in t and "published" in t for t in texts)
        assert any("Bad one" in t and "not accepted" in t for t in texts)
        assert {m.subject for m in mail.outbox} >= {"Published: Good one", "Not accepted: Bad one"}

    def test_members_vote_once(self):
        story = submitted()
        voter = make_member()
        vote_on_story(story=story, voter=voter, choice=FRONT)
        with pytest.raises(ValidationError):
            vote_on_story(story=story, voter=voter, choice=DUMP)
        assert QueueVote.objects.filter(story=story).count() == 1

    def test_no_vote_on_ones_own_story(self):
        author = make_member()
        with pytest.raises(PermissionDenied):
            vote_on_story(story=submitted(author=author), voter=author, choice=FRONT)

    def test_no_votes_after_publication_or_in_the_edit_queue(self):
        published = votes(submitted(), FRONT, FRONT, FRONT, FRONT)
        with pytest.raises(PermissionDenied):
            vote_on_story(story=published, voter=make_member(), choice=FRONT)
        with pytest.raises(PermissionDenied):
            vote_on_story(story=submitted(edit_queue=True), voter=make_member(), choice=FRONT)

    def test_unconfirmed_members_cannot_vote(self):
        with pytest.raises(PermissionDenied):
            vote_on_story(story=submitted(), voter=make_member(confirmed=False), choice=FRONT)


@pytest.mark.django_db
class TestEditQueue:
    def test_only_the_author_edits_in_the_edit_queue(self):
        author = make_member()
        story = submitted(author=author, edit_queue=True)
        edit_queued_story(story=story, author=author, title="Better title", intro="Better.")
        with pytest.raises(PermissionDenied):
            edit_queued_story(story=story, author=make_member(), title="Hijack", intro="x")
        with pytest.raises(PermissionDenied):
            edit_queued_story(story=story, author=make_editor(), title="Hijack", intro="x")

    def test_edit_queue_ends_after_two_hours_or_when_moved(self):
        author = make_member()
        story = submitted(author=author, edit_queue=True)
        assert story.is_in_edit_queue() and not story.is_open_for_votes()
        Story.objects.filter(pk=story.pk).update(
            edit_queue_until=timezone.now() - timedelta(minutes=1)
        )
        story.refresh_from_db()
        assert story.is_open_for_votes()
        assert story in Story.objects.in_queue()
        with pytest.raises(PermissionDenied):
            edit_queued_story(story=story, author=author, title="Late", intro="x")
        second = submitted(author=author, edit_queue=True)
        assert move_to_voting(story=second, author=author).status == Story.Status.VOTING

    def test_editors_publish_hide_or_send_back(self):
        editor = make_editor()
        story = decide_queued_story(story=submitted(), editor=editor, action="section")
        assert story.is_published() and not story.front_page
        assert (
            decide_queued_story(story=submitted(), editor=editor, action="hide").status
            == Story.Status.HIDDEN
        )
        back = decide_queued_story(story=submitted(), editor=editor, action="send_back")
        assert back.is_in_edit_queue()
        with pytest.raises(PermissionDenied):
            decide_queued_story(story=submitted(), editor=make_member(), action="front_page")


@pytest.mark.django_db
class TestQueuePages:
    def test_readers_never_see_queued_stories_outside_the_queue(self, client):
        story = submitted(title="Queued secret")
        assert "Queued secret" not in main_of(client.get("/"))
        assert "Queued secret" not in main_of(client.get("/section/news/"))
        response = client.get(f"/story/{story.pk}/x/")
        assert response.status_code == 302 and response["Location"] == f"/queue/{story.pk}/"
        assert "Queued secret" in main_of(client.get("/queue/"))
        assert client.get(f"/queue/{story.pk}/").status_code == 200

    def test_edit_queue_story_is_private_to_its_author(self, client):
        author = make_member()
        story = submitted(author=author, edit_queue=True, title="Polishing")
        assert client.get(f"/queue/{story.pk}/").status_code == 404
        assert "Polishing" not in main_of(client.get("/queue/"))
        assert client_for(author).get(f"/queue/{story.pk}/").status_code == 200

    def test_vote_through_the_page_and_see_the_votes(self):
        story = submitted()
        voter = make_member("Voter One")
        client = client_for(voter)
        response = client.post(f"/queue/{story.pk}/vote/", {"choice": "2"})
        assert response.status_code == 302
        page = main_of(client.get(f"/queue/{story.pk}/"))
        assert "Score <strong>1</strong>" in page
        assert "Voter One</a>: +1 Front page" in page and "You voted" in page

    def test_anonymous_cannot_vote(self):
        story = submitted()
        response = Client().post(f"/queue/{story.pk}/vote/", {"choice": "2"})
        assert response.status_code == 302 and "/login/" in response["Location"]
        assert not QueueVote.objects.exists()

    def test_bad_vote_values_are_refused_clearly(self):
        story = submitted()
        client = client_for(make_member())
        response = client.post(f"/queue/{story.pk}/vote/", {"choice": "7"}, follow=True)
        assert b"Choose one of the votes offered." in response.content
        assert not QueueVote.objects.exists()

    def test_submit_form_errors_keep_the_text(self):
        client = client_for(make_member())
        make_section("News")
        response = client.post("/submit/", {"title": "", "intro": "Kept words"})
        page = response.content.decode()
        assert "Kept words" in page and "Give the story a title." not in page  # section first
        assert "Choose the section the story belongs in." in page

    def test_submit_through_the_page(self):
        client = client_for(make_member())
        section = make_section("News")
        response = client.post(
            "/submit/", {"title": "My scoop", "intro": "It happened.", "section": section.pk}
        )
        story = Story.objects.get(title="My scoop")
        assert response.status_code == 302 and story.status == Story.Status.VOTING

    def test_editorial_comments_disappear_once_published(self, client):
        story = submitted()
        post = client_for(make_member())
        post.post(
            f"/story/{story.pk}/comments/new/",
            {
                "subject": "Typo in para 2",
                "body": "Fix it",
                "markup": "markdown",
                "editorial": "on",
                "post": "1",
            },
        )
        make_comment(Story.objects.get(pk=story.pk), subject="On topic")
        assert Comment.objects.get(subject="Typo in para 2").editorial
        queued_page = main_of(client.get(f"/queue/{story.pk}/"))
        assert "Typo in para 2" in queued_page and "On topic" in queued_page
        story = votes(Story.objects.get(pk=story.pk), FRONT, FRONT, FRONT, FRONT)
        page = main_of(client.get(story.get_absolute_url()))
        assert "On topic" in page and "Typo in para 2" not in page
        assert "1 editorial" in page
        asked = {"editorial": "1"}
        assert "Typo in para 2" not in main_of(client.get(story.get_absolute_url(), asked))
        reader = client_for(make_member())
        assert "Typo in para 2" not in main_of(reader.get(story.get_absolute_url(), asked))
        editor = client_for(make_editor())
        assert "Typo in para 2" in main_of(editor.get(story.get_absolute_url(), asked))


@pytest.mark.django_db(transaction=True)
def test_twenty_concurrent_voters_leave_the_right_tally_and_one_publication():
    story = submitted()
    clients = [client_for(make_member()) for _ in range(20)]

    def voter(client, i):
        # 12 front page, 8 section: the story crosses +4 during the race.
        choice = "2" if i < 12 else "1"
        return lambda: client.post(f"/queue/{story.pk}/vote/", {"choice": choice}).status_code

    statuses = run_at_once([voter(c, i) for i, c in enumerate(clients)])
    assert statuses == [302] * 20
    story.refresh_from_db()
    recorded = QueueVote.objects.filter(story=story).count()
    assert story.is_published()
    # Votes after publication are refused, so the tally equals exactly the votes recorded.
    assert story.votes_front_page + story.votes_section == recorded
    assert 4 <= recorded <= 20
    published = Notification.objects.filter(member=story.author, text__contains="published")
    assert published.count() == 1


@pytest.mark.django_db
def test_the_voter_whose_vote_drops_a_story_returns_to_the_queue():
    story = submitted()
    votes(story, DUMP)
    voter = client_for(make_member())
    response = voter.post(f"/queue/{story.pk}/vote/", {"choice": DUMP}, follow=True)
    assert response.status_code == 200
    assert response.redirect_chain[-1][0] == "/queue/"
    assert "dropped the story" in response.content.decode()
