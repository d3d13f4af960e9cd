import pytest
from django.test import Client

from ladle.comments.models import Comment
from ladle.stories.models import Story
from tests.conftest import (
    client_for,
    main_of,
    make_comment,
    make_editor,
    make_member,
    make_story,
)

pytestmark = pytest.mark.django_db


def _post(client, story, data=None, parent=None):
    url = (
        f"/story/{story.pk}/comments/{parent.number}/reply/"
        if parent
        else f"/story/{story.pk}/comments/new/"
    )
    payload = {"subject": "Hello", "body": "A *thought*.", "markup": "markdown", "post": "1"}
    payload.update(data or {})
    return client.post(url, payload)


def test_member_posts_a_comment_and_lands_on_its_anchor():
    story = make_story()
    response = _post(client_for(make_member()), story)
    comment = Comment.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"{story.get_absolute_url()}#c1"
    assert comment.body_html == "<p>A <em>thought</em>.</p>"


def test_reply_is_shown_nested_under_its_parent(client):
    story = make_story()
    parent = make_comment(story, subject="Parent here")
    _post(client_for(make_member()), story, {"subject": "Child here"}, parent=parent)
    page = client.get(story.get_absolute_url() + "?display=nested").content.decode()
    parent_at, child_at = page.index("Parent here"), page.index("Child here")
    between = page[parent_at:child_at]
    assert parent_at < child_at and '<ol class="replies">' in between
    parent_link = f'<a href="#c1">Replying to {parent.author.shown_name}</a>'
    assert "(#2)" in page and parent_link in page


def test_comment_shows_subject_number_author_and_links(client):
    story = make_story()
    make_comment(story, author=make_member("Quinn"), subject="My point")
    page = client.get(story.get_absolute_url()).content.decode()
    assert "My point" in page and "(#1)" in page and ">Quinn</a> on " in page
    assert ">Permalink</a>" in page and ">Reply</a>" in page


def test_over_long_subject_is_shown_beside_the_field_with_text_kept():
    story = make_story()
    response = _post(
        client_for(make_member()), story, {"subject": "s" * 60, "body": "My careful words"}
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert "at most 50 characters" in page and "My careful words" in page and "s" * 60 in page
    assert page.index("at most 50 characters") < page.index('name="subject"')
    assert not Comment.objects.exists()


def test_empty_body_error_is_shown_beside_the_field():
    response = _post(client_for(make_member()), make_story(), {"body": "", "subject": "Kept"})
    page = response.content.decode()
    assert response.status_code == 400 and "Write something in the comment." in page
    assert 'value="Kept"' in page


def test_preview_shows_the_rendered_comment_and_posts_nothing():
    story = make_story()
    response = _post(
        client_for(make_member()),
        story,
        {"body": "**bold** <script>x()</script>", "post": "", "preview": "1"},
    )
    page = response.content.decode()
    assert "<strong>bold</strong>" in page and "<script>x()" not in page
    assert not Comment.objects.exists()


def test_anonymous_post_is_sent_to_log_in():
    response = _post(Client(), make_story())
    assert response.status_code == 302 and response["Location"].startswith("/login/")
    assert not Comment.objects.exists()


def test_unconfirmed_member_is_refused():
    response = _post(client_for(make_member(confirmed=False)), make_story())
    assert response.status_code == 403


def test_every_post_requires_a_csrf_token():
    story = make_story()
    client = Client(enforce_csrf_checks=True)
    client.force_login(make_member())
    assert _post(client, story).status_code == 403
    for action in ("edit", "delete", "remove"):
        comment = make_comment(story)
        response = client.post(f"/story/{story.pk}/comments/{comment.number}/{action}/", {})
        assert response.status_code == 403
    assert client.post("/logout/").status_code == 403
    assert Client(enforce_csrf_checks=True).post("/signup/", {}).status_code == 403


def test_members_cannot_edit_or_delete_others_comments():
    story = make_story()
    comment = make_comment(story, body="original")
    stranger = client_for(make_member())
    for action in ("edit", "delete"):
        url = f"/story/{story.pk}/comments/{comment.number}/{action}/"
        assert stranger.get(url).status_code == 403
        assert stranger.post(url, {"subject": "x", "body": "hijacked"}).status_code == 403
    comment.refresh_from_db()
    assert comment.body == "original" and comment.state == Comment.State.SHOWN


def test_author_edits_and_sees_edited_marker(client):
    story = make_story()
    comment = make_comment(story)
    author = client_for(comment.author)
    response = author.post(
        f"/story/{story.pk}/comments/1/edit/",
        {"subject": "Better", "body": "Improved", "markup": "markdown"},
    )
    assert response.status_code == 302
    page = client.get(story.get_absolute_url()).content.decode()
    assert "Better" in page and "(edited)" in page


def test_author_deletes_an_unreplied_comment(client):
    story = make_story()
    comment = make_comment(story, subject="Regrettable")
    response = client_for(comment.author).post(f"/story/{story.pk}/comments/1/delete/")
    assert response.status_code == 302
    assert "Regrettable" not in client.get(story.get_absolute_url()).content.decode()


def test_removed_comment_keeps_its_place_and_its_replies(client):
    story = make_story()
    comment = make_comment(story, subject="Rude", body="rude words")
    make_comment(story, parent=comment, subject="A calm reply")
    editor = client_for(make_editor())
    response = editor.post(f"/story/{story.pk}/comments/1/remove/", {"reason": "Insults"})
    assert response.status_code == 302
    page = client.get(story.get_absolute_url() + "?display=nested").content.decode()
    assert "(Comment removed)" in page and "Removed by a moderator: Insults" in page
    assert "rude words" not in page and "A calm reply" in page
    assert "Insults" in client.get("/moderation/").content.decode()


def test_removal_without_reason_shows_the_error():
    story = make_story()
    make_comment(story)
    response = client_for(make_editor()).post(
        f"/story/{story.pk}/comments/1/remove/", {"reason": ""}
    )
    assert response.status_code == 400 and b"Say why the comment is removed" in response.content


def test_members_cannot_remove_comments():
    story = make_story()
    make_comment(story)
    member = client_for(make_member())
    assert member.post(f"/story/{story.pk}/comments/1/remove/", {"reason": "x"}).status_code == 403


def test_unknown_comment_and_story_are_404(client):
    story = make_story()
    assert client.get(f"/story/{story.pk}/comments/7/").status_code == 404
    assert client.get("/story/424242/comments/1/").status_code == 404
    assert client.get(f"/story/{story.pk}/comments/7/reply/").status_code == 404


def test_permalink_shows_the_comment_with_its_replies_only(client):
    story = make_story()
    first = make_comment(story, subject="First top")
    reply = make_comment(story, parent=first, subject="Reply to first")
    make_comment(story, parent=reply, subject="Deeper reply")
    make_comment(story, subject="Second top")
    page = main_of(client.get(f"/story/{story.pk}/comments/2/"))
    assert "Reply to first" in page and "Deeper reply" in page
    assert "Second top" not in page and "First top" not in page.split("Parent comment")[1]
    assert f'href="/story/{story.pk}/comments/1/">Parent comment</a>' in page


def test_read_only_story_shows_comments_but_no_form(client):
    story = make_story()
    make_comment(story, subject="Before closing")
    Story.objects.filter(pk=story.pk).update(comment_status=Story.CommentStatus.READ_ONLY)
    page = client_for(make_member()).get(story.get_absolute_url()).content.decode()
    assert "Before closing" in page and "Post a comment" not in page
    response = _post(client_for(make_member()), story)
    assert response.status_code == 403


def test_disabled_comments_are_not_shown(client):
    story = make_story()
    make_comment(story, subject="Hidden away")
    Story.objects.filter(pk=story.pk).update(comment_status=Story.CommentStatus.DISABLED)
    assert "Hidden away" not in main_of(client.get(story.get_absolute_url()))


def test_htmx_reply_request_returns_only_the_form():
    story = make_story()
    make_comment(story)
    member = client_for(make_member())
    response = member.get(f"/story/{story.pk}/comments/1/reply/", headers={"HX-Request": "true"})
    page = response.content.decode()
    assert response.status_code == 200 and "<html" not in page and 'name="body"' in page


def test_hostile_form_values_never_cause_a_server_error():
    story = make_story()
    member = client_for(make_member())
    url = f"/story/{story.pk}/comments/new/"
    for data in (
        {"markup": "nonsense"},
        {"subject": "\x00", "body": "nul \x00"},
        {"subject": ["a", "b"]},
        {},
    ):
        assert member.post(url, data).status_code == 400
    raw = member.post(
        url, b"subject=%FF%FE&body=%C3%28&post=1", content_type="application/x-www-form-urlencoded"
    )
    assert raw.status_code in (302, 400)
    assert member.get(f"/story/{story.pk}/comments/99999999999999999999/").status_code == 404
