"""Light and dark: a page follows the reader's system until they pick a theme in the footer;
the pick is remembered (a cookie), works without JavaScript, and the page cache keeps each
theme's copy apart."""

import pytest
from django.test import Client

from tests.conftest import client_for, make_member, make_story

pytestmark = pytest.mark.django_db


def test_a_page_follows_the_system_until_the_reader_picks_a_theme():
    story = make_story("Themed")
    client = Client()
    assert "data-theme" not in client.get("/").content.decode()  # prefers-color-scheme decides
    response = client.get("/theme/", {"theme": "dark", "next": story.get_absolute_url()})
    assert response.status_code == 302 and response["Location"] == story.get_absolute_url()
    assert '<html lang="en" data-theme="dark">' in client.get("/").content.decode()
    client.get("/theme/", {"theme": "", "next": "/"})  # back to the system's choice
    assert "data-theme" not in client.get("/").content.decode()


def test_a_member_picks_a_theme_the_same_way_and_a_foreign_next_goes_home():
    client = client_for(make_member())
    response = client.get("/theme/", {"theme": "light", "next": "https://evil.example/"})
    assert response["Location"] == "/"
    assert 'data-theme="light"' in client.get("/").content.decode()


def test_an_unknown_theme_is_ignored():
    client = Client()
    client.get("/theme/", {"theme": "<script>", "next": "/"})
    assert "data-theme" not in client.get("/").content.decode()


@pytest.mark.usefixtures("page_cache")
def test_the_page_cache_keeps_each_theme_apart():
    make_story("Cached")
    light, dark = Client(), Client()
    dark.get("/theme/", {"theme": "dark", "next": "/"})
    assert "data-theme" not in light.get("/").content.decode()
    assert 'data-theme="dark"' in dark.get("/").content.decode()
    assert "data-theme" not in light.get("/").content.decode()
