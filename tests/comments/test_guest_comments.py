"""Comments without an account (docs/rules.md, *Anonymous posting*): off unless a section
takes them; a name that is not a member's; a few per address an hour; held comments wait for
a moderator, who approves or rejects them on the moderation queue, on the public log."""

import pytest
from django.test import Client

from ladle.comments.models import Comment, HeldComment
from ladle.moderation.models import LogEntry
from ladle.stories.models import Section, Story
from tests.conftest import client_for, main_of, make_editor, make_member, make_section, make_story

ADDRESS = "203.0.113.9"


def guest_story(mode: str) -> Story:
    section = make_section("Open Thread")
    Section.objects.filter(pk=section.pk).update(guest_comments=mode)
    return make_story("Open mic", section=Section.objects.get(pk=section.pk))


def guest_post(story: Story, *, name="Passer By", address=ADDRESS, **fields):
    data = {"name": name, "subject": "Hello there", "body": "A word from outside.",
            "markup": "markdown", "post": "1", **fields}  # fmt: skip
    return Client(REMOTE_ADDR=address).post(f"/story/{story.pk}/comments/new/", data)


@pytest.mark.django_db
def test_sections_take_no_comments_without_an_account_by_default():
    story = make_story()
    page = Client().get(story.get_absolute_url()).content.decode()
    assert 'name="name"' not in page and "to post a comment" in page
    response = guest_post(story)
    assert response.status_code == 302 and "/login/" in response["Location"]
    assert not Comment.objects.exists() and not HeldComment.objects.exists()


@pytest.mark.django_db
def test_an_open_section_shows_a_guest_comment_at_once_under_the_given_name():
    story = guest_story("open")
    page = Client().get(story.get_absolute_url()).content.decode()
    assert 'name="name"' in page and "without an account" in page
    response = guest_post(story)
    assert response.status_code == 302
    comment = Comment.objects.get()
    assert comment.guest_name == "Passer By" and comment.author.is_guest
    assert not comment.author.is_active  # the guest account never logs in
    page = main_of(Client().get(story.get_absolute_url()))
    assert "Passer By" in page and "(no account)" in page
    assert Story.objects.get(pk=story.pk).comment_count == 1
    found = main_of(Client().get("/search/", {"q": "outside"}))
    assert "Hello there" in found and "Passer By" in found


@pytest.mark.django_db
def test_a_guest_may_not_take_a_members_name_and_keeps_their_text():
    story = guest_story("open")
    make_member("Marguerite")
    response = guest_post(story, name="MARGUERITE", body="My careful words.")
    page = response.content.decode()
    assert response.status_code == 400
    assert "That name belongs to a member" in page and "My careful words." in page
    assert not Comment.objects.exists()


@pytest.mark.django_db
def test_a_filled_honeypot_posts_nothing():
    story = guest_story("open")
    response = guest_post(story, website="http://spam.example")
    assert response.status_code == 400 and not Comment.objects.exists()


@pytest.mark.django_db
def test_each_address_posts_only_a_few_comments_an_hour(settings):
    settings.LADLE_GUEST_COMMENTS_PER_HOUR = 2
    story = guest_story("open")
    assert guest_post(story).status_code == 302
    assert guest_post(story).status_code == 302
    refused = guest_post(story, body="Third time lucky?")
    page = refused.content.decode()
    assert refused.status_code == 400
    assert "the most it may" in page and "Third time lucky?" in page
    assert guest_post(story, address="198.51.100.4").status_code == 302  # another address
    assert Comment.objects.count() == 3


@pytest.mark.django_db
def test_a_held_comment_waits_unseen_until_a_moderator_approves_it():
    story = guest_story("held")
    response = guest_post(story, body="Please let me in.")
    assert response.status_code == 200 and "waits for a moderator" in response.content.decode()
    held = HeldComment.objects.get()
    # Nobody sees it yet: not on the page, not counted, not found.
    assert "Please let me in." not in main_of(Client().get(story.get_absolute_url()))
    assert Story.objects.get(pk=story.pk).comment_count == 0
    assert "Hello there" not in main_of(Client().get("/search/", {"q": "let me in"}))
    assert Client().get("/moderation/queue/").status_code == 302
    moderator = make_editor("Moderator Mo")
    client = client_for(moderator)
    queue = client.get("/moderation/queue/").content.decode()
    assert "Please let me in." in queue and f"/comments/held/{held.pk}/approve/" in queue
    assert client.post(f"/comments/held/{held.pk}/approve/").status_code == 302
    comment = Comment.objects.get()
    assert comment.guest_name == "Passer By" and comment.number == 1
    assert "Please let me in." in main_of(Client().get(story.get_absolute_url()))
    assert Story.objects.get(pk=story.pk).comment_count == 1
    entry = LogEntry.objects.get()
    assert entry.moderator == moderator and entry.action == "approved a held comment"
    log = Client().get("/moderation/").content.decode()
    assert "Moderator Mo" in log and "approved a held comment" in log
    # Decided once: a second approval finds nothing to decide.
    assert client.post(f"/comments/held/{held.pk}/approve/").status_code == 404


@pytest.mark.django_db
def test_a_rejected_comment_is_never_shown_and_the_reason_is_logged():
    story = guest_story("held")
    guest_post(story, body="Buy cheap watches.")
    held = HeldComment.objects.get()
    client = client_for(make_editor("Moderator Mo"))
    refused = client.post(f"/comments/held/{held.pk}/reject/", {"reason": ""})
    assert refused.status_code == 400 and "reason is public" in refused.content.decode()
    assert client.post(f"/comments/held/{held.pk}/reject/", {"reason": "spam"}).status_code == 302
    assert HeldComment.objects.get().state == HeldComment.State.REJECTED
    assert not Comment.objects.exists()
    feed = Client().get("/moderation/feed/").content.decode()
    assert "rejected a held comment" in feed and "spam" in feed
    assert client_for(make_member()).post(f"/comments/held/{held.pk}/approve/").status_code == 403


@pytest.mark.django_db
def test_guests_reply_only_to_what_a_visitor_sees_and_members_see_the_reply():
    story = guest_story("open")
    member = make_member("Host")
    parent = client_for(member).post(
        f"/story/{story.pk}/comments/new/",
        {"subject": "Welcome", "body": "Say hello.", "markup": "markdown", "post": "1"},
    )
    assert parent.status_code == 302
    response = Client(REMOTE_ADDR=ADDRESS).post(
        f"/story/{story.pk}/comments/1/reply/",
        {"name": "Visitor V", "subject": "Hello", "body": "Hi host.", "markup": "markdown",
         "post": "1"},
    )  # fmt: skip
    assert response.status_code == 302
    reply = Comment.objects.get(number=2)
    assert reply.parent.number == 1 and reply.guest_name == "Visitor V"
    assert "Visitor V" in main_of(client_for(member).get(story.get_absolute_url()))


@pytest.mark.django_db
def test_new_sections_start_with_the_sites_choice(settings):
    settings.LADLE_GUEST_COMMENTS = "held"
    assert Section.objects.create(name="Letters", slug="letters").guest_comments == "held"
    assert make_section().guest_comments == "held"
