"""Whole pages kept for readers without a session (ladle.site.pages): served before sessions
and views, never to a member, never holding anybody's token, and never stale after a write
through any door a site has (a request, a scheduled job, a `ladle` command)."""

import gzip
from datetime import timedelta

import brotli
import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from ladle.accounts.forms import ProfileForm
from ladle.accounts.models import User
from ladle.jobs.schedule import Job, run_due
from ladle.site.forms import SiteSettingsForm
from ladle.site.pages import kept_for, moved_on
from tests.conftest import (
    client_for,
    make_comment,
    make_editor,
    make_member,
    make_section,
    make_story,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("page_cache")]


def fetch(client, url, **headers):
    """The page and the number of SQL queries it cost."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, headers=headers)
    assert response.status_code == 200
    return response, len(queries)


def test_a_visitor_gets_the_kept_page_for_one_query_and_the_same_bytes():
    story = make_story("Kept harbour")
    make_comment(story, subject="A kept comment")
    first, cost = fetch(Client(), story.get_absolute_url())
    again, kept_cost = fetch(Client(), story.get_absolute_url())
    assert cost > 5
    assert kept_cost == 1  # the page generation; no session, setting or story is read
    assert again.content == first.content
    assert again["Content-Security-Policy"] == first["Content-Security-Policy"]
    assert "A kept comment" in again.content.decode()


def test_each_compression_is_kept_apart_and_replayed_compressed():
    story = make_story("Squeezed")
    plain, _ = fetch(Client(), story.get_absolute_url())
    fetch(Client(), story.get_absolute_url(), accept_encoding="gzip")
    squeezed, cost = fetch(Client(), story.get_absolute_url(), accept_encoding="gzip")
    assert cost == 1
    assert squeezed["Content-Encoding"] == "gzip"
    assert gzip.decompress(squeezed.content) == plain.content
    again, _ = fetch(Client(), story.get_absolute_url())
    assert "Content-Encoding" not in again


def test_a_kept_page_answers_304_to_its_etag():
    story = make_story("Tagged")
    first, _ = fetch(Client(), story.get_absolute_url())
    response = Client().get(story.get_absolute_url(), headers={"if-none-match": first["ETag"]})
    assert response.status_code == 304


def test_a_member_never_gets_a_kept_page():
    story = make_story("Members' own")
    fetch(Client(), story.get_absolute_url())
    member = make_member("Reader")
    page, cost = fetch(client_for(member), story.get_absolute_url())
    assert cost > 1
    assert "Log out" in page.content.decode() or member.username in page.content.decode()


def test_a_page_that_sets_a_cookie_is_never_kept():
    """The log-in page holds a CSRF token of the visitor's own: each visitor gets theirs."""
    one, _ = fetch(Client(), "/login/")
    two, cost = fetch(Client(), "/login/")
    assert one.cookies and two.cookies
    assert cost > 1


def test_a_page_kept_for_https_is_not_served_to_plain_http_when_the_site_redirects(settings):
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.SECURE_SSL_REDIRECT = True
    story = make_story("Secure harbour")
    url = story.get_absolute_url()
    # Behind a proxy both come with the same Host.
    fetch(Client(), url, host="testserver", x_forwarded_proto="https")
    assert fetch(Client(), url, host="testserver", x_forwarded_proto="https")[1] == 1  # kept
    response = Client().get(url, headers={"host": "testserver"})
    assert response.status_code == 301 and response["Location"].startswith("https://")


def profile_data(member, **changes) -> dict:
    """The profile form as its page shows it, with `changes` typed in."""
    form = ProfileForm(instance=member)
    data = {}
    for name in form.fields:
        value = form.initial.get(name)
        if value is True:
            data[name] = "on"
        elif value not in (None, False):
            data[name] = value
    return data | changes


@pytest.fixture
def scene():
    story = make_story("Busy harbour")
    writer = make_member("Writer")
    rater = make_member("Rater")
    editor = make_editor("Editor")
    comment = make_comment(story, author=writer, subject="Tides", body="«first words»")
    return story, writer, rater, editor, comment


def comment_url(story, comment, action):
    return f"/story/{story.pk}/comments/{comment.number}/{action}/"


def settings_form(**changes) -> dict:
    form = SiteSettingsForm()
    return {name: field.initial for name, field in form.fields.items()} | changes


def story_form(story, **changes) -> dict:
    return {
        "title": story.title,
        "section": story.section_id,
        "intro": story.intro,
        "body": story.body,
        "status": story.status,
        "front_page": "on",
        "published_at": "",
        "comment_status": story.comment_status,
    } | changes


def write(kind, story, writer, rater, editor, comment):
    """One write as the site's pages make it: (who, where, what they send, what then shows)."""
    words = {"subject": "Re", "markup": "markdown"}
    if kind == "post":
        return rater, f"/story/{story.pk}/comments/new/", {**words, "body": "«new»"}, "«new»"
    if kind == "reply":
        data = {**words, "subject": "Reply at dawn", "body": "«re»"}  # threaded: a header
        return rater, comment_url(story, comment, "reply"), data, "Reply at dawn"
    if kind == "rate":
        return rater, comment_url(story, comment, "rate"), {"value": "5"}, "(5.00 / 1)"
    if kind == "edit":
        data = {**words, "subject": "Tides", "body": "«second words»"}
        return writer, comment_url(story, comment, "edit"), data, "«second words»"
    if kind == "remove":
        data = {"reason": "off topic"}
        return editor, comment_url(story, comment, "remove"), data, "Removed by a moderator"
    if kind == "rename":
        data = profile_data(writer, display_name="Harbour Master")
        return writer, "/settings/profile/", data, "Harbour Master"
    if kind == "site setting":
        admin = make_member("Site Admin", role=User.Role.ADMIN)
        data = settings_form(tagline="Tides and harbours")
        return admin, "/settings/site/", data, "Tides and harbours"
    assert kind == "story edit"
    data = story_form(story, title="Busy harbour at dawn")
    return editor, f"/editor/story/{story.pk}/", data, "Busy harbour at dawn"


KINDS = ["post", "reply", "rate", "edit", "remove", "rename", "site setting", "story edit"]


@pytest.mark.parametrize("kind", KINDS)
def test_every_kind_of_write_shows_at_once_to_a_visitor(scene, kind, site_limits):
    story, writer, rater, editor, comment = scene
    url = story.get_absolute_url()
    before, _ = fetch(Client(), url)
    assert fetch(Client(), url)[1] == 1  # kept
    who, target, data, seen = write(kind, *scene)
    assert seen not in before.content.decode()
    response = client_for(who).post(target, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    page, cost = fetch(Client(), story.get_absolute_url())
    assert cost > 1
    assert seen in page.content.decode()


def test_a_scheduled_job_retires_the_kept_pages():
    story = make_story("Night shift")
    fetch(Client(), story.get_absolute_url())
    ran = run_due(jobs=[Job("test-noop", "day", lambda: "done")])
    assert ran == ["test-noop"]
    assert fetch(Client(), story.get_absolute_url())[1] > 1


def test_a_page_is_kept_only_until_the_next_story_is_due():
    now = timezone.now()
    assert kept_for(now) == 600
    make_story("Due soon", published_at=now + timedelta(seconds=90))
    assert 85 <= kept_for(now) <= 90


def test_a_story_due_now_appears_on_the_front_page(time_machine):
    section = make_section("Harbour")
    now = timezone.now()
    make_story("Out already", section=section)
    make_story("Due in a minute", section=section, published_at=now + timedelta(minutes=1))
    time_machine.move_to(now, tick=False)
    assert "Due in a minute" not in fetch(Client(), "/")[0].content.decode()
    time_machine.move_to(now + timedelta(minutes=2), tick=False)
    assert "Due in a minute" in fetch(Client(), "/")[0].content.decode()


def test_a_visitors_display_choice_gets_its_own_kept_page():
    story = make_story("Choices")
    make_comment(story, parent=make_comment(story, subject="Top"), subject="Below", body="«b»")
    url = story.get_absolute_url()
    threaded, _ = fetch(Client(), url)
    chooser = Client()
    response = chooser.get("/comments/display/", {"display": "nested", "next": url})
    assert response.status_code == 302
    nested, cost = fetch(chooser, url)
    assert cost > 1  # not the threaded page kept for other visitors
    assert "«b»" in nested.content.decode() and "«b»" not in threaded.content.decode()
    assert fetch(chooser, url)[1] == 1
    assert fetch(Client(), url)[0].content == threaded.content


def test_visitors_get_brotli_and_members_get_padded_gzip():
    """Brotli has no BREACH padding: only pages that hold nobody's token get it."""
    story = make_story("Squeezed harder")
    plain, _ = fetch(Client(), story.get_absolute_url())
    squeezed, _ = fetch(Client(), story.get_absolute_url(), accept_encoding="gzip, br")
    assert squeezed["Content-Encoding"] == "br"
    assert brotli.decompress(squeezed.content) == plain.content
    assert fetch(Client(), story.get_absolute_url(), accept_encoding="br")[1] == 1  # kept
    member = client_for(make_member("Tokened"))
    mine, _ = fetch(member, story.get_absolute_url(), accept_encoding="gzip, br")
    assert mine["Content-Encoding"] == "gzip"
    assert 'name="csrfmiddlewaretoken"' in gzip.decompress(mine.content).decode()


def test_a_members_sidebar_is_kept_until_a_write_and_their_hotlist_stays_fresh(settings):
    from ladle.boxes.models import Box

    Box.objects.create(kind=Box.Kind.RECENT_COMMENTS, title="Recent", position=1, visible=True)
    Box.objects.create(kind=Box.Kind.HOTLIST, title="Hotlist", position=2, visible=True)
    story = make_story("Sidebar harbour")
    reader, writer = make_member("Reader"), make_member("Writer")
    mine = client_for(reader)
    assert mine.post(f"/hotlist/{story.pk}/", {"action": "add"}).status_code == 302
    fetch(mine, story.get_absolute_url())  # read once: later comments count as new
    settings.LADLE_PAGE_CACHE = False
    cost = fetch(mine, "/")[1]
    settings.LADLE_PAGE_CACHE = True
    fetch(mine, "/")
    assert fetch(mine, "/")[1] < cost  # the boxes came from the cache
    data = {"subject": "Sidebar news", "body": "«s»", "markup": "markdown"}
    assert client_for(writer).post(f"/story/{story.pk}/comments/new/", data).status_code == 302
    after, _ = fetch(mine, "/")
    assert "Sidebar news" in after.content.decode()  # the write moved the generation on
    assert "1 new" in after.content.decode()
    fetch(mine, story.get_absolute_url())  # reading the story (a GET) clears its new count
    assert "1 new" not in fetch(mine, "/")[0].content.decode()


# --- The kept pages' own door in `ladle serve` (ladle.asgi) ---------------------------------


@pytest.fixture
def doors(monkeypatch):
    """ladle.asgi's application with one thread behind each door, whose database connections
    are closed afterwards; and a count of the requests Django's own handling saw."""
    from concurrent.futures import ThreadPoolExecutor

    from a2wsgi import WSGIMiddleware
    from django.core.signals import request_started
    from django.db import connections

    from ladle import asgi

    lookups = ThreadPoolExecutor(max_workers=1)
    pages = WSGIMiddleware(asgi.pages_wsgi, workers=1)
    monkeypatch.setattr(asgi, "lookups", lookups)
    monkeypatch.setattr(asgi, "pages", pages)
    handled: list[str] = []

    def seen(**kwargs):
        handled.append("request")

    request_started.connect(seen)
    yield asgi.application, handled
    request_started.disconnect(seen)
    for pool in (lookups, pages.executor):
        pool.submit(connections.close_all).result()
        pool.shutdown()


def asgi_request(application, path, *, method="GET", headers=()):
    """One request through the ASGI application: (status, headers as a dict, body)."""
    from tests.conftest import run_async_on_a_thread_of_its_own

    scope = {
        "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1",
        "method": method, "scheme": "http", "path": path, "raw_path": path.encode(),
        "query_string": b"", "root_path": "",
        "headers": [*headers] if any(n == b"host" for n, _ in headers)
        else [(b"host", b"testserver"), *headers],
        "client": ("127.0.0.1", 40000), "server": ("127.0.0.1", 8000),
    }  # fmt: skip
    sent: list[dict] = []

    async def receive():
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message):
        sent.append(message)

    async def call():
        await application(scope, receive, send)

    run_async_on_a_thread_of_its_own(call)
    start = sent[0]
    heads = {name.decode().lower(): value.decode() for name, value in start["headers"]}
    body = b"".join(m.get("body", b"") for m in sent[1:])
    return start["status"], heads, body


@pytest.mark.django_db(transaction=True)
def test_a_visitors_kept_page_is_answered_at_its_own_door_without_djangos_handling(doors):
    application, handled = doors
    story = make_story("Door harbour")
    make_comment(story, subject="At the door")
    url = story.get_absolute_url()
    status, heads, first = asgi_request(application, url)
    assert status == 200 and handled == ["request"]
    again_status, again_heads, again = asgi_request(application, url)
    assert handled == ["request"]  # answered at the door
    assert (again_status, again) == (200, first)
    assert again_heads["content-security-policy"] == heads["content-security-policy"]
    assert "At the door" in again.decode()
    # HEAD and a conditional GET at the door too.
    status, _, body = asgi_request(application, url, method="HEAD")
    assert (status, body) == (200, b"")
    tag = heads["etag"].encode()
    status, _, body = asgi_request(application, url, headers=[(b"if-none-match", tag)])
    assert (status, body) == (304, b"")
    assert handled == ["request"]


@pytest.mark.django_db(transaction=True)
def test_the_door_lets_members_writes_and_changed_pages_through_to_django(doors):
    application, handled = doors
    story = make_story("Door traffic")
    url = story.get_absolute_url()
    asgi_request(application, url)
    member = client_for(make_member("Member at the door"))
    session = f"sessionid={member.cookies['sessionid'].value}".encode()
    status, _, page = asgi_request(application, url, headers=[(b"cookie", session)])
    assert status == 200 and len(handled) == 2  # a member's page is their own
    assert b"Member at the door" in page
    status, _, _ = asgi_request(application, url, method="POST")
    assert status == 403 and len(handled) == 3  # no CSRF token: refused by Django, not kept
    make_comment(story, subject="Posted since")
    moved_on()  # what every write through the site does
    status, _, page = asgi_request(application, url)
    assert status == 200 and len(handled) == 4
    assert b"Posted since" in page


@pytest.mark.django_db(transaction=True)
def test_a_host_django_refuses_is_refused_by_django_not_answered_at_the_door(doors):
    application, handled = doors
    story = make_story("Odd requests")
    url = story.get_absolute_url()
    asgi_request(application, url)
    status, _, _ = asgi_request(application, url, headers=[(b"host", b"evil.example")])
    assert status == 400 and len(handled) == 2
