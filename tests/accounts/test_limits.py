"""Sign-up and log-in limits per address and per name, without telling anyone which names or
addresses have accounts; honeypots on the public forms; new members' link limit."""

import re

import pytest
from django.core import mail
from django.test import Client

from ladle.accounts.forms import TOO_MANY_LOG_INS
from ladle.accounts.models import User
from ladle.comments.models import Comment
from tests.conftest import PASSWORD, client_for, deliver_mail, make_member, make_story, run_at_once


def same_page(one: str, other: str) -> bool:
    """Two pages read the same, their one-time CSRF tokens aside."""
    token = re.compile(r'(csrfmiddlewaretoken" value="|X-CSRFToken": ")[^"]+')
    return token.sub(r"\1", one) == token.sub(r"\1", other)


def sign_up(n: int, client: Client | None = None, **extra):
    data = {
        "name": f"Newcomer {n}",
        "email": f"newcomer{n}@example.org",
        "password": PASSWORD,
        "password_again": PASSWORD,
        **extra,
    }
    return (client or Client()).post("/signup/", data)


@pytest.mark.django_db(transaction=True)
def test_eight_simultaneous_sign_ups_from_one_address_create_exactly_two_accounts(site_limits):
    pages = run_at_once([lambda n=n: sign_up(n).content.decode() for n in range(8)])
    assert User.objects.filter(username__startswith="Newcomer").count() == 2
    assert sum("<h1>Check your e-mail</h1>" in page for page in pages) == 2
    assert sum("Too many new accounts" in page for page in pages) == 6


@pytest.mark.django_db
def test_a_third_sign_up_from_one_address_says_why(site_limits):
    for n in range(2):
        assert "<h1>Check your e-mail</h1>" in sign_up(n).content.decode()
    refused = sign_up(3).content.decode()
    assert "Too many new accounts came from your network today" in refused
    assert 'value="Newcomer 3"' in refused  # the form keeps what was typed


@pytest.mark.django_db
def test_signing_up_with_a_registered_address_looks_the_same_and_mails_its_owner():
    owner = make_member("Owner")  # owner@example.org
    fresh = sign_up(1).content.decode()
    taken = sign_up(2, email="OWNER@example.org").content.decode()
    assert User.objects.filter(email__iexact="owner@example.org").count() == 1
    assert same_page(fresh.replace("newcomer1@example.org", "ADDRESS"),
                     taken.replace("OWNER@example.org", "ADDRESS"))  # fmt: skip
    deliver_mail()
    told = [m for m in mail.outbox if m.to == ["OWNER@example.org"]]
    assert len(told) == 1 and owner.username in told[0].body and "already" in told[0].subject


def log_in(name: str, password: str, client: Client | None = None) -> str:
    response = (client or Client()).post("/login/", {"username": name, "password": password})
    return "ok" if response.status_code == 302 else response.content.decode()


@pytest.mark.django_db
def test_log_in_is_refused_after_the_limit_alike_for_known_and_unknown_names(site_limits):
    make_member("Known One")
    for _ in range(5):
        assert "do not match" in log_in("Known One", "wrong")
        assert "do not match" in log_in("Nobody Here", "wrong")
    known, unknown = log_in("Known One", PASSWORD), log_in("Nobody Here", PASSWORD)
    assert TOO_MANY_LOG_INS in known and TOO_MANY_LOG_INS in unknown  # even the right password
    assert same_page(known.replace("Known One", "NAME"), unknown.replace("Nobody Here", "NAME"))
    assert log_in("Someone Else", "wrong").count(TOO_MANY_LOG_INS) == 0  # other names go on


@pytest.mark.django_db
def test_log_in_is_refused_per_address_after_many_names(site_limits):
    site_limits.LADLE_LOGIN_FAILURES_PER_IP = 6
    for n in range(6):
        log_in(f"Guess {n}", "wrong")
    assert TOO_MANY_LOG_INS in log_in("Guess 99", "wrong")
    other_address = Client(REMOTE_ADDR="198.51.100.9")
    assert TOO_MANY_LOG_INS not in log_in("Guess 99", "wrong", other_address)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("address", "fields"),
    [
        ("/signup/", {"name": "Bot", "email": "bot@example.org", "password": PASSWORD,
                      "password_again": PASSWORD}),
        ("/login/", {"username": "Bot", "password": PASSWORD}),
        ("/password-reset/", {"email": "bot@example.org"}),
    ],
)  # fmt: skip
def test_public_forms_refuse_a_filled_honeypot(address, fields):
    shown = Client().get(address).content.decode()
    assert 'name="website"' in shown
    response = Client().post(address, {**fields, "website": "http://spam.example"})
    assert response.status_code in (200, 400)
    assert "Leave this field empty" in response.content.decode()
    assert not User.objects.filter(username="Bot").exists()


@pytest.mark.django_db
def test_new_members_may_put_two_links_in_a_comment():
    story = make_story()
    newcomer = make_member()
    three = "[a](https://a.example) [b](https://b.example) [c](https://c.example)"
    response = client_for(newcomer).post(
        f"/story/{story.pk}/comments/new/",
        {"subject": "Links", "body": three, "markup": "markdown"},
    )
    assert "at most 2 links" in response.content.decode()
    assert not Comment.objects.filter(author=newcomer).exists()
    two = "[a](https://a.example) [b](https://b.example)"
    client_for(newcomer).post(
        f"/story/{story.pk}/comments/new/", {"subject": "Links", "body": two, "markup": "markdown"}
    )
    assert Comment.objects.filter(author=newcomer).count() == 1
    from datetime import timedelta

    veteran = make_member()
    User.objects.filter(pk=veteran.pk).update(date_joined=veteran.date_joined - timedelta(days=8))
    client_for(User.objects.get(pk=veteran.pk)).post(
        f"/story/{story.pk}/comments/new/",
        {"subject": "Links", "body": three, "markup": "markdown"},
    )
    assert Comment.objects.filter(author=veteran).count() == 1
