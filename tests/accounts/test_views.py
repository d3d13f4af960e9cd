import re

import pytest
from django.test import Client

from ladle.accounts.models import User
from tests.conftest import (
    PASSWORD,
    client_for,
    deliver_mail,
    make_comment,
    make_member,
    make_story,
)

pytestmark = pytest.mark.django_db

SIGNUP = {
    "name": "New Reader",
    "email": "new@example.org",
    "password": "a quiet lantern 42",
    "password_again": "a quiet lantern 42",
    "website": "",
}


def _confirmation_link(mailoutbox) -> str:
    deliver_mail()
    return re.search(r"https?://[^/]+(/confirm/\S+)", mailoutbox[-1].body).group(1)


def test_sign_up_confirm_and_log_in_with_name_or_email(client, mailoutbox):
    response = client.post("/signup/", SIGNUP)
    assert response.status_code == 200 and b"Check your e-mail" in response.content
    user = User.objects.get(username="New Reader")
    assert not user.is_member and user.password.startswith("argon2")
    assert (
        client.post(
            "/login/", {"username": "New Reader", "password": SIGNUP["password"]}
        ).status_code
        == 200
    )  # refused: not confirmed yet
    assert client.get(_confirmation_link(mailoutbox)).status_code == 302
    user.refresh_from_db()
    assert user.is_member
    for login in ("new reader", "NEW@example.org"):
        fresh = Client()
        response = fresh.post("/login/", {"username": login, "password": SIGNUP["password"]})
        assert response.status_code == 302, login


def test_unconfirmed_login_says_why(client):
    make_member("Waiting", confirmed=False)
    response = client.post("/login/", {"username": "Waiting", "password": PASSWORD})
    assert b"Confirm your e-mail address first" in response.content


def test_confirmation_link_works_once(client, mailoutbox):
    client.post("/signup/", SIGNUP)
    link = _confirmation_link(mailoutbox)
    assert client.get(link).status_code == 302
    assert client.get(link).status_code == 400
    assert client.get("/confirm/garbage/nonsense/").status_code == 400


def test_session_key_rotates_at_log_in():
    make_member("Rotor")
    client = Client()
    client.get("/login/")
    client.session.save()
    before = client.session.session_key
    client.post("/login/", {"username": "Rotor", "password": PASSWORD})
    assert client.session.session_key != before


@pytest.mark.parametrize("name", ["two  spaces", "under_score", "a-b", "a.b", "x" * 41, ""])
def test_bad_names_are_refused_beside_the_field(client, name):
    response = client.post("/signup/", {**SIGNUP, "name": name})
    assert b'class="errorlist"' in response.content
    assert not User.objects.exists()


@pytest.mark.parametrize(
    ("taken", "wanted"),
    [
        ("Taken Name", "taken name"),  # case
        ("Émile", "éMILE"),  # case beyond ASCII, alike on both databases
        ("Alice", "\u0410lice"),  # a Cyrillic capital A
        ("paypal", "p\u0430yp\u0430l"),  # Cyrillic small a's
        ("fish", "\ufb01sh"),  # the "fi" ligature
    ],
)
def test_names_that_read_like_a_taken_one_are_refused(client, taken, wanted):
    make_member(taken)
    response = client.post("/signup/", {**SIGNUP, "name": wanted})
    assert "That name is taken, or reads like one that is." in response.content.decode()
    assert User.objects.count() == 1


def test_a_display_name_may_not_read_like_another_members_name(client):
    make_member("Night Editor")
    member = make_member()
    response = client_for(member).post(
        "/settings/profile/", {"display_name": "N\u0456ght Editor", "stories_per_page": 8}
    )
    assert "reads like another member" in response.content.decode()
    member.refresh_from_db()
    assert member.display_name == ""


def test_display_names_may_not_read_like_each_other_or_a_new_members_name(client):
    first = make_member()
    profile = {"stories_per_page": 8, "default_markup": "markdown", "digest": "never",
               "comment_display": "threaded", "comment_rating_sort": "highest",
               "comment_age_sort": "oldest", "large_thread_display": "threaded",
               "hidden_comments": "until_rated", "time_zone": ""}  # fmt: skip
    response = client_for(first).post(
        "/settings/profile/", {**profile, "display_name": "The Harbourmaster"}
    )
    assert response.status_code == 302
    second = make_member()
    response = client_for(second).post(
        "/settings/profile/", {**profile, "display_name": "THE HARBOURMASTER"}
    )
    assert "reads like another member" in response.content.decode()
    response = client.post("/signup/", {**SIGNUP, "name": "The Harbourmaster"})
    assert "reads like one that is" in response.content.decode()


def test_log_in_finds_a_name_however_it_is_cased(client):
    make_member("Émile")
    response = client.post("/login/", {"username": "ÉMILE", "password": PASSWORD})
    assert response.status_code == 302


def test_honeypot_field_stops_bots(client):
    response = client.post("/signup/", {**SIGNUP, "website": "http://spam.example"})
    assert b"Leave this field empty." in response.content and not User.objects.exists()


def test_at_most_two_new_accounts_per_address_per_day(client, mailoutbox):
    for i in range(2):
        data = {**SIGNUP, "name": f"Reader {i}", "email": f"r{i}@example.org"}
        assert b"Check your e-mail" in client.post("/signup/", data).content
    third = client.post("/signup/", {**SIGNUP, "name": "Reader 3", "email": "r3@example.org"})
    assert b"Too many new accounts" in third.content
    assert User.objects.count() == 2


def test_password_reset_answers_the_same_whether_or_not_the_address_exists(client, mailoutbox):
    make_member("Forgetful")
    known = client.post("/password-reset/", {"email": "forgetful@example.org"}, follow=True)
    unknown = client.post("/password-reset/", {"email": "nobody@example.org"}, follow=True)
    masked = re.compile(rb'(csrfmiddlewaretoken" value=|X-CSRFToken": )"[^"]+"')
    assert masked.sub(b"", known.content) == masked.sub(b"", unknown.content)
    deliver_mail()
    assert len(mailoutbox) == 1
    link = re.search(r"https?://[^/]+(/password-reset/\S+)", mailoutbox[0].body).group(1)
    form_page = client.get(link, follow=True)
    response = client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": "another fine lantern", "new_password2": "another fine lantern"},
    )
    assert response.status_code == 302
    assert Client().login(username="Forgetful", password="another fine lantern")


def test_password_change_needs_the_old_password():
    member = make_member()
    client = client_for(member)
    response = client.post(
        "/settings/password/",
        {
            "old_password": "wrong",
            "new_password1": "brand new lantern",
            "new_password2": "brand new lantern",
        },
    )
    assert b"errorlist" in response.content


def test_member_page_lists_their_stories_and_comments(client):
    member = make_member("Author Person")
    story = make_story("Their story")
    make_comment(story, author=member, subject="Their comment")
    page = client.get("/user/Author%20Person/").content.decode()
    assert "Their comment" in page
    assert client.get("/user/author%20person/").status_code == 301
    assert client.get("/user/Nobody/").status_code == 404


def test_profile_time_zone_changes_how_times_are_shown():
    member = make_member()
    client = client_for(member)
    response = client.post(
        "/settings/profile/",
        {
            "time_zone": "Asia/Tokyo",
            "bio": "Hi",
            "display_name": "",
            "homepage": "",
            "signature": "",
            "comment_display": "nested",
            "comment_rating_sort": "highest",
            "comment_age_sort": "newest",
            "large_thread_display": "minimal",
            "hidden_comments": "always",
            "stories_per_page": 8,
            "default_markup": "markdown",
            "digest": "never",
        },
    )
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.time_zone == "Asia/Tokyo"
    story = make_story()
    assert "JST" in client.get(story.get_absolute_url()).content.decode()


def test_logout_is_a_post():
    client = client_for(make_member())
    assert client.get("/logout/").status_code == 405
    assert client.post("/logout/").status_code == 302


def test_behind_a_proxy_the_forwarded_address_counts(client, settings):
    settings.LADLE_PROXY_COUNT = 1
    for i in range(3):
        data = {**SIGNUP, "name": f"Proxied {i}", "email": f"p{i}@example.org"}
        # Each reader comes through the same proxy (one REMOTE_ADDR) from a different address;
        # the spoofed left-most entry is ignored.
        response = client.post(
            "/signup/", data, REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR=f"6.6.6.6, 203.0.113.{i}"
        )
        assert b"Check your e-mail" in response.content
    assert set(User.objects.values_list("signup_ip", flat=True)) == {
        "203.0.113.0",
        "203.0.113.1",
        "203.0.113.2",
    }


def test_the_settings_page_saves_every_preference_and_the_comment_form_follows_it():
    member = make_member()
    client = client_for(member)
    page = client.get("/settings/profile/").content.decode()
    for field in ("stories_per_page", "default_markup", "reply_inbox", "reply_email",
                  "queue_email", "digest"):  # fmt: skip
        assert f'name="{field}"' in page, field
    assert 'name="moderator_alerts"' not in page  # staff only
    form = {
        "display_name": "", "stories_per_page": 15, "default_markup": "plain",
        "reply_inbox": "on", "digest": "weekly", "comment_display": "nested",
        "comment_rating_sort": "highest", "comment_age_sort": "newest",
        "large_thread_display": "threaded", "hidden_comments": "until_rated", "time_zone": "",
    }  # fmt: skip
    assert client.post("/settings/profile/", form).status_code == 302
    member.refresh_from_db()
    assert (member.stories_per_page, member.default_markup, member.digest) == (
        15,
        "plain",
        "weekly",
    )
    assert member.reply_inbox and not member.reply_email and not member.queue_email
    story = make_story()
    comment_page = client.get(story.get_absolute_url()).content.decode()
    assert re.search(r'<option value="plain" selected>', comment_page)
