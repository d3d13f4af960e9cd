"""Hostile input on every form: no request from a browser may end in a server error.

Hypothesis sends every form of the site (and the query strings of the pages that read them)
values a hostile or broken client might: very long text, NUL and control characters, numbers
far too large for the database, malformed dates and `next` addresses, and bytes that are not
UTF-8, as an anonymous reader, a member and an editor. The API has its own fuzz test
(tests/api/test_schema.py, schemathesis over the OpenAPI schema).
"""

import re

import pytest
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ladle.accounts.models import User
from ladle.api.services import create_token
from ladle.comments.services import post_guest_comment
from ladle.polls.services import create_poll
from ladle.site.registry import EDITABLE
from ladle.stories.forms import StoryForm
from ladle.stories.models import Section
from ladle.stories.services import submit_story, write_diary_entry
from tests.conftest import make_comment, make_editor, make_member, make_section, make_story

pytestmark = pytest.mark.django_db

NASTY = st.one_of(
    st.text(max_size=80),
    st.text(alphabet=st.characters(codec="utf-8"), min_size=1, max_size=30),
    st.integers(min_value=-(10**40), max_value=10**40).map(str),
    st.sampled_from(
        [
            "",
            "\x00",
            "a\x00b",
            "x" * 30_000,
            "word " * 60_000,  # 300 KB
            "9" * 40,
            "-1",
            "0",
            "1e309",
            "NaN",
            "2026-13-45",
            "2026-02-30T25:61",
            "//evil.example/",
            "https://evil.example/",
            "javascript:alert(1)",
            "/\\evil.example",
            "\r\nSet-Cookie: x=1",
            "%00%ff",
            "<script>alert(1)</script>",
            '"><img src=x onerror=alert(1)>',
            "𝕏" * 500,
            "\ud800",
        ]
    ),
)

# Every form and the fields it reads (POST), and the query parameters pages read (GET).
FORMS = {
    "/signup/": ["name", "email", "password", "password2", "website"],
    "/login/": ["username", "password", "next"],
    "/password-reset/": ["email"],
    "/settings/profile/": [
        "display_name",
        "email",
        "bio",
        "homepage",
        "signature",
        "time_zone",
        "stories_per_page",
        "comment_display",
        "comment_rating_sort",
        "comment_age_sort",
        "large_thread_display",
        "hidden_comments",
        "rating_control",
        "digest",
    ],
    "/settings/password/": ["old_password", "new_password1", "new_password2"],
    "/settings/site/": [e.name for e in EDITABLE],
    "/settings/tokens/": ["name"],
    "/settings/tokens/{token}/revoke/": [],
    "/story/{story}/comments/new/": ["name", "subject", "body", "markup", "preview", "post"],
    "/story/{story}/comments/1/reply/": ["name", "subject", "body", "markup", "website", "post"],
    "/comments/held/{held}/approve/": [],
    "/comments/held/{held}/reject/": ["reason"],
    "/story/{story}/comments/1/rate/": ["value", "withdraw", "inline"],
    "/story/{story}/comments/rate/": ["r1", "r2", "r3", "next"],
    "/story/{story}/comments/2/edit/": ["subject", "body"],
    "/story/{story}/comments/2/delete/": [],
    "/story/{story}/comments/3/remove/": ["reason"],
    "/story/{story}/comments/3/restore/": ["reason"],
    "/story/{story}/comments/1/flag/": ["reason"],
    "/story/{story}/moderate/": ["reason"],
    "/story/{story}/flag/": ["reason"],
    "/user/{name}/suspend/": ["reason", "days"],
    "/user/{name}/lift/": ["reason"],
    "/user/{name}/note/": ["text"],
    "/moderation/queue/comment/1/dismiss/": ["reason"],
    "/moderation/queue/story/{story}/dismiss/": ["reason"],
    "/comments/display/": ["display", "sort", "age", "next"],
    "/editor/story/new/": list(StoryForm.Meta.fields),
    "/editor/story/{story}/": ["title", "section", "intro", "body", "status", "published_at"],
    "/editor/story/{story}/promote/": [],
    "/user/{name}/diary/new/": ["title", "intro", "body", "topics", "preview"],
    "/user/{name}/diary/{diary}/edit/": ["title", "intro", "body", "topics", "preview"],
    "/submit/": ["title", "section", "intro", "body", "topics", "edit_queue", "preview"],
    "/queue/{queued}/vote/": ["choice"],
    "/queue/{queued}/decide/": ["action"],
    "/queue/{queued}/edit/": ["title", "intro", "body", "preview"],
    "/queue/{queued}/to-voting/": [],
    "/hotlist/{story}/": ["action", "next"],
    "/polls/new/": ["question", "answers", "multiple_choice", "story"],
    "/polls/{poll}/vote/": ["answers", "answer"],
    "/unsubscribe/abc/": [],
    "/password-reset/abc/abc/": ["new_password1", "new_password2"],
}
PAGES = {
    "/": ["page"],
    "/search/": ["q", "kind", "section", "author", "date_from", "date_to", "order", "page"],
    "/story/{story}/{slug}/": ["display", "sort", "age", "editorial"],
    "/story/{story}/comments/1/": ["display", "sort", "age"],
    "/story/{story}/comments/1/rate/": ["value"],
    "/story/{story}/comments/1/ratings/": ["value"],
    "/user/{name}/": ["page"],
    "/section/news/": ["page"],
    "/archive/2026/11/": ["page"],
    "/login/": ["next"],
    "/queue/{queued}/": ["editorial"],
    "/theme/": ["theme", "next"],
    "/story/{story}/comments/live/": ["after"],
    "/story/{story}/comments/stream/": ["after"],  # 204 here (a WSGI client); ASGI: test_stream
}


@pytest.fixture
def site():
    news = make_section("News")
    Section.objects.filter(pk=news.pk).update(guest_comments="held")  # visitors comment too
    news.refresh_from_db()
    editor = make_editor("Fuzz Editor")
    member = make_member("Fuzz Member")
    story = make_story("Fuzzed", section=news, editor=editor)
    first = make_comment(story)
    make_comment(story, author=member, parent=first)  # #2: the member's, editable
    make_comment(story)
    queued = submit_story(author=member, title="Queued", intro="Intro.", section=news)
    poll = create_poll(editor=editor, question="Why?", answers=["Yes", "No"])
    token, _ = create_token(member=member, name="fuzz")
    names = {"story": story.pk, "slug": story.slug, "queued": queued.pk, "poll": poll.pk}
    names["token"] = token.pk
    names["diary"] = write_diary_entry(author=member, title="Dear diary", intro="Today.").pk
    names["held"] = post_guest_comment(
        story=story, name="Guest", subject="Held", body="Waits.", address="192.0.2.1"
    ).pk
    admin = make_member("Fuzz Admin", role=User.Role.ADMIN)
    readers = {"anonymous": None, "member": member, "editor": editor, "admin": admin}
    return names, readers


def _client(member) -> Client:
    client = Client(raise_request_exception=False)
    if member is not None:
        client.force_login(member)
    return client


def _url(template: str, names: dict, member) -> str:
    return template.format(**names, name=getattr(member, "username", "Fuzz Member"))


@pytest.mark.parametrize("reader", ["anonymous", "member", "editor", "admin"])
def test_no_form_or_page_answers_hostile_input_with_a_server_error(site, reader):
    names, readers = site
    client = _client(readers[reader])
    member = readers[reader]
    endpoints = [("post", url, fields) for url, fields in FORMS.items()]
    endpoints += [("get", url, fields) for url, fields in PAGES.items()]

    @settings(
        max_examples=150,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(endpoint=st.sampled_from(endpoints), data=st.data())
    def send(endpoint, data):
        method, template, fields = endpoint
        values = {field: data.draw(NASTY, label=field) for field in fields}
        url = _url(template, names, member)
        # Text the browser could not have encoded is what a hostile client sends as-is.
        values = {
            k: v.encode("utf-8", "surrogatepass").decode("latin-1") for k, v in values.items()
        }
        response = getattr(client, method)(url, values)
        assert response.status_code < 500, (method, url, values)

    send()


@pytest.mark.parametrize("reader", ["anonymous", "member"])
def test_bytes_that_are_not_utf8_are_refused_politely(site, reader):
    names, readers = site
    client = _client(readers[reader])
    raw = b"subject=%FF%FE%00&body=caf\xe9+%C3%28&name=%80&q=%E9t%E9&next=%FF&value=%FF"
    for template in [*FORMS, *PAGES]:
        url = _url(template, names, readers[reader])
        response = client.post(url, raw, content_type="application/x-www-form-urlencoded")
        assert response.status_code < 500, url
        response = client.get(url + "?q=%FF%FE&page=%E9&display=%80")
        assert response.status_code < 500, url


# Routes that read no form and no query parameter (ids in the path are bounded by the URL).
NO_INPUT = {
    "/story/X/", "/story/X/history/", "/story/X/comments/X/full/", "/story/X/comments/X/ratings/",
    "/page/X/", "/topic/X/", "/user/X/diary/", "/queue/", "/hotlist/", "/inbox/", "/polls/X/",
    "/password-reset/sent/", "/password-reset/done/", "/settings/password/done/", "/logout/",
}  # fmt: skip


def _shape(url: str) -> str:
    return re.sub(r"<[^>]+>|\{\w+\}|\d+|\babc\b|\bnews\b", "X", url)


def test_every_route_of_the_site_is_in_the_fuzz_tables():
    """A new form or page must be added to FORMS or PAGES (or NO_INPUT, if it reads none)."""
    from django.urls import get_resolver

    routes = []

    def walk(patterns, prefix=""):
        for pattern in patterns:
            if hasattr(pattern, "url_patterns"):
                walk(pattern.url_patterns, prefix + str(pattern.pattern))
            else:
                routes.append("/" + prefix + str(pattern.pattern))

    walk(get_resolver().url_patterns)
    elsewhere = ("/admin/", "/api/", "/rss/", "/atom/", "/confirm/", "/moderation/")
    covered = {_shape(url) for url in [*FORMS, *PAGES, *NO_INPUT]}
    missing = {
        _shape(route)
        for route in routes
        if not any(route.startswith(e) or e in route for e in elsewhere)
    } - covered
    assert not missing
