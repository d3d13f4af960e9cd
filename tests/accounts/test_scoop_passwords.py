"""Members who move in from a Scoop site log in with their old passwords, once re-hashed."""

import csv
from pathlib import Path

import pytest
from django.test import Client
from django.utils import timezone

from ladle.accounts.hashers import scoop_crypt
from ladle.accounts.models import User

pytestmark = pytest.mark.django_db

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


def scoop_members() -> list[dict]:
    with (FIXTURES / "scoop-small.passwords.csv").open(newline="") as rows:
        return list(csv.DictReader(rows))


def imported(nickname: str, stored: str, *, confirmed: bool = True) -> User:
    """A member as the importer stores one: Scoop's 11-character hash, marked as such."""
    return User.objects.create(
        username=nickname,
        email=f"{nickname.replace(' ', '.').lower()}@example.org",
        password=f"scoop_crypt${stored}",
        email_confirmed_at=timezone.now() if confirmed else None,
    )


def log_in(name: str, password: str) -> int:
    return Client().post("/login/", {"username": name, "password": password}).status_code


def test_every_scoop_password_logs_in_once_and_is_then_argon2():
    members = [m for m in scoop_members() if m["status"] != "unactivated"]
    assert len(members) == 40
    for member in members:
        user = imported(member["nickname"], member["expected_passwd"])
        assert log_in(member["nickname"], "not the password") == 200  # the form again
        assert log_in(member["nickname"], member["plaintext"]) == 302, member["nickname"]
        user.refresh_from_db()
        assert user.password.startswith("argon2$"), member["nickname"]
    assert log_in(members[0]["nickname"], members[0]["plaintext"]) == 302  # and keeps working


def test_only_the_first_eight_characters_of_a_scoop_password_count():
    imported("Longword", scoop_crypt("democracy"))
    assert log_in("Longword", "democrac-and-more") == 302


def test_an_account_never_activated_on_scoop_cannot_log_in():
    (member,) = [m for m in scoop_members() if m["status"] == "unactivated"]
    imported(member["nickname"], scoop_crypt(member["plaintext"]), confirmed=False)
    assert log_in(member["nickname"], member["plaintext"]) == 200
