"""The JSON API through HTTP: reading, and writing with a member's token."""

import pytest
from django.test import Client

from ladle.api.services import create_token, revoke_token
from ladle.comments.models import Comment
from ladle.comments.services import rate_comment
from ladle.polls.services import create_poll
from tests.conftest import client_for, make_comment, make_editor, make_member, make_story

pytestmark = pytest.mark.django_db


def bearer(key):
    return {"Authorization": f"Bearer {key}"}


@pytest.fixture
def member_key():
    member = make_member("Api User")
    token, key = create_token(member=member, name="tests")
    return member, token, key


def test_openapi_schema_and_docs_are_served(client):
    schema = client.get("/api/openapi.json").json()
    assert schema["info"]["title"] == "Ladle API"
    assert "/api/stories/{story_id}/comments" in schema["paths"]
    assert client.get("/api/docs").status_code == 200


def test_stories_list_with_filters_and_cursor_pagination(client):
    for i in range(5):
        make_story(f"Story {i}", age_hours=i + 1)
    first = client.get("/api/stories", {"limit": 2}).json()
    assert [s["title"] for s in first["items"]] == ["Story 0", "Story 1"]
    second = client.get("/api/stories", {"limit": 2, "cursor": first["next_cursor"]}).json()
    assert [s["title"] for s in second["items"]] == ["Story 2", "Story 3"]
    last = client.get("/api/stories", {"limit": 2, "cursor": second["next_cursor"]}).json()
    assert [s["title"] for s in last["items"]] == ["Story 4"] and last["next_cursor"] is None
    bad = client.get("/api/stories", {"cursor": "not-a-cursor"})
    assert bad.status_code == 400 and bad.json()["errors"]["cursor"]


def test_drafts_are_not_in_the_api(client):
    draft = make_story("Secret", status="draft")
    assert client.get(f"/api/stories/{draft.pk}").status_code == 404
    assert "Secret" not in client.get("/api/stories").content.decode()


def test_story_detail_has_intro_and_body_html(client):
    story = make_story("Detailed", body="The *body*.")
    data = client.get(f"/api/stories/{story.pk}").json()
    assert data["body_html"] == "<p>The <em>body</em>.</p>" and data["intro_html"]


def test_comments_as_tree_or_flat_with_ratings(client):
    story = make_story()
    top = make_comment(story, subject="Top")
    make_comment(story, parent=top, subject="Reply")
    rate_comment(comment=top, rater=make_member(), value=4)
    tree = client.get(f"/api/stories/{story.pk}/comments").json()
    assert tree["count"] == 2 and tree["comments"][0]["replies"][0]["subject"] == "Reply"
    assert tree["comments"][0]["score"] == 4.0 and tree["comments"][0]["rating_count"] == 1
    flat = client.get(f"/api/stories/{story.pk}/comments", {"format": "flat"}).json()
    assert [c["number"] for c in flat["comments"]] == [1, 2] and flat["comments"][1]["parent"] == 1


def test_hidden_comments_only_for_trusted_readers(client):
    story = make_story()
    hidden = make_comment(story, subject="Hidden")
    rate_comment(comment=hidden, rater=make_editor(), value=0)
    assert client.get(f"/api/stories/{story.pk}/comments").json()["count"] == 0
    editor = make_editor()
    _, key = create_token(member=editor, name="x")
    shown = Client().get(f"/api/stories/{story.pk}/comments", headers=bearer(key)).json()
    assert shown["count"] == 1


def test_post_a_comment_and_a_reply_with_a_token(member_key):
    member, _, key = member_key
    story = make_story()
    client = Client()
    response = client.post(
        f"/api/stories/{story.pk}/comments",
        {"subject": "Via API", "body": "Hello *there*"},
        content_type="application/json",
        headers=bearer(key),
    )
    assert response.status_code == 201 and response.json()["number"] == 1
    reply = client.post(
        f"/api/stories/{story.pk}/comments",
        {"subject": "Reply", "body": "Again", "parent": 1},
        content_type="application/json",
        headers=bearer(key),
    )
    assert reply.status_code == 201 and reply.json()["parent"] == 1
    assert Comment.objects.filter(author=member).count() == 2


def test_writes_need_a_valid_unrevoked_token(member_key):
    member, token, key = member_key
    story = make_story()
    payload = {"subject": "x", "body": "y"}
    url = f"/api/stories/{story.pk}/comments"
    assert Client().post(url, payload, content_type="application/json").status_code == 401
    assert (
        Client()
        .post(url, payload, content_type="application/json", headers=bearer("ladle_wrong"))
        .status_code
        == 401
    )
    revoke_token(token=token, member=member)
    assert (
        Client()
        .post(url, payload, content_type="application/json", headers=bearer(key))
        .status_code
        == 401
    )
    assert not Comment.objects.exists()


def test_a_token_acts_only_as_its_member(member_key):
    member, _, key = member_key
    story = make_story()
    own = make_comment(story, author=member)
    other = make_comment(story)
    url = f"/api/stories/{story.pk}/comments/{{}}/rating"
    own_rating = Client().put(
        url.format(own.number), {"value": 5}, content_type="application/json", headers=bearer(key)
    )
    assert own_rating.status_code == 403  # nobody rates their own comment
    response = Client().put(
        url.format(other.number), {"value": 5}, content_type="application/json", headers=bearer(key)
    )
    assert response.status_code == 200 and response.json()["score"] == 5.0
    assert other.ratings.get().rater == member
    withdrawn = Client().delete(url.format(other.number), headers=bearer(key))
    assert withdrawn.json()["rating_count"] == 0


def test_clear_json_errors(member_key):
    _, _, key = member_key
    story = make_story()
    long_subject = Client().post(
        f"/api/stories/{story.pk}/comments",
        {"subject": "x" * 60, "body": "b"},
        content_type="application/json",
        headers=bearer(key),
    )
    assert long_subject.status_code == 400
    assert "at most 50 characters" in long_subject.json()["errors"]["subject"][0]
    garbage = Client().post(
        f"/api/stories/{story.pk}/comments",
        "{not json",
        content_type="application/json",
        headers=bearer(key),
    )
    assert garbage.status_code in (400, 422) and "detail" in garbage.json()
    assert Client().get("/api/stories/999999").json() == {"detail": "Not found."}


def test_vote_in_a_poll_once(member_key):
    _, _, key = member_key
    poll = create_poll(editor=make_editor(), question="Q?", answers=["A", "B"])
    answer = poll.answers.first().pk
    url = f"/api/polls/{poll.pk}/ballot"
    first = Client().post(
        url, {"answers": [answer]}, content_type="application/json", headers=bearer(key)
    )
    assert first.status_code == 201 and first.json()["voters"] == 1
    again = Client().post(
        url, {"answers": [answer]}, content_type="application/json", headers=bearer(key)
    )
    assert again.status_code == 400
    assert Client().get(f"/api/polls/{poll.pk}").json()["answers"][0]["votes"] == 1


def test_member_public_fields(client):
    make_member("Public Person")
    data = client.get("/api/members/public%20person").json()
    assert data["name"] == "Public Person" and "email" not in data
    assert client.get("/api/members/nobody").status_code == 404


def test_tokens_are_made_and_revoked_on_the_settings_page():
    member = make_member()
    client = client_for(member)
    page = client.post("/settings/tokens/", {"name": "my script"}).content.decode()
    assert "copy it now" in page
    token = member.api_tokens.get()
    client.post(f"/settings/tokens/{token.pk}/revoke/")
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert client_for(make_member()).post(f"/settings/tokens/{token.pk}/revoke/").status_code == 404


def test_a_removal_reason_is_escaped_in_the_sanitized_body_html(client):
    story = make_story()
    comment = make_comment(story)
    from ladle.comments.services import remove_comment

    remove_comment(
        comment=comment, moderator=make_editor(), reason='<img src=x onerror="alert(1)">'
    )
    data = client.get(f"/api/stories/{story.pk}/comments?format=flat").json()
    body = data["comments"][0]["body_html"]
    assert "<img" not in body and "&lt;img src=x" in body


def test_ids_too_large_for_the_database_are_refused_not_errors(client, member_key):
    _, _, key = member_key
    huge = 10**30
    assert client.get(f"/api/stories/{huge}").status_code == 422
    story = make_story()
    response = client.post(
        f"/api/stories/{story.pk}/comments",
        {"subject": "Hi", "body": "There", "parent": huge},
        content_type="application/json",
        headers=bearer(key),
    )
    assert response.status_code == 422
    assert client.get(f"/story/{huge}/x/").status_code == 404
