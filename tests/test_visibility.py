"""Who reads what, on every read path: one fixture, every reader kind, the same answer.

Each read path below is asked, through HTTP, which stories and comments of one fixture it shows
to each kind of reader. The expected sets are written out by hand from docs/rules.md (*Who
reads what*), not computed by the code under test. A new read path is added to PATHS, or it is
not done.
"""

from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.db import transaction
from django.test import Client
from django.utils import timezone

from ladle.api.services import create_token
from ladle.comments.live import close_stream_connections
from ladle.comments.models import Rating
from ladle.comments.services import post_comment, rate_comment, remove_comment
from ladle.stories.models import Section, Story
from ladle.stories.services import decide_queued_story, submit_story
from tests.conftest import (
    client_for,
    main_of,
    make_editor,
    make_member,
    make_section,
    stream_events,
)
from tests.conftest import make_story as _make_story

pytestmark = pytest.mark.django_db

WORD = "zebra"  # every title, subject and body carries it, for search


def make_story(title, **kwargs):
    return _make_story(title, intro=f"The intro, {WORD}.", **kwargs)


def trusted(name, choice):
    return make_member(name, mojo=4.5, mojo_comment_count=12, hidden_comments=choice)


@dataclass
class Site:
    stories: dict
    comments: dict
    readers: dict


def build() -> Site:
    news = make_section("News")
    editor = make_editor("Ed")
    staff = make_editor("Staff")
    staff.hidden_comments, staff.is_staff, staff.is_superuser = "always", True, True
    staff.save(update_fields=["hidden_comments", "is_staff", "is_superuser"])
    author = make_member("Author")
    other = make_member("Other")
    readers = {
        "anonymous": None,
        "member": make_member("Plain"),
        "author": author,
        "trusted_until_rated": trusted("Until", "until_rated"),
        "trusted_always": trusted("Always", "always"),
        "trusted_never": trusted("Never", "never"),
        "staff": staff,
    }
    now = timezone.now()
    published = make_story("[published]", section=news, editor=editor)
    stories = {
        "published": published,
        "draft": make_story("[draft]", section=news, editor=editor, status=Story.Status.DRAFT),
        "scheduled": make_story(
            "[scheduled]", section=news, editor=editor, published_at=now + timedelta(days=1)
        ),
        "hidden_by_admin": make_story("[hidden_by_admin]", section=news, editor=editor),
    }
    # Sections with their own rules (docs/rules.md, *Sections*).
    members_only = make_section("Members Only")
    editors_only = make_section("Editors Only")
    quiet = make_section("Quiet Comments")
    Section.objects.filter(pk=members_only.pk).update(
        read_stories="members", read_comments="members"
    )
    Section.objects.filter(pk=editors_only.pk).update(
        read_stories="editors", read_comments="editors"
    )
    Section.objects.filter(pk=quiet.pk).update(read_comments="members")
    stories["members_only"] = make_story("[members_only]", section=members_only, editor=editor)
    stories["editors_only"] = make_story("[editors_only]", section=editors_only, editor=editor)
    stories["quiet"] = make_story("[quiet]", section=quiet, editor=editor)
    queued = submit_story(author=author, title="[queued]", intro=WORD, section=news)
    dumped = submit_story(author=author, title="[dumped]", intro=WORD, section=news)
    stories |= {"queued": queued, "dumped": dumped}

    def comment(story, subject, *, by=None, parent=None, editorial=False):
        return post_comment(
            story=story,
            author=by or other,
            parent=parent,
            subject=subject,
            body=f"«{subject}» {WORD}",
            editorial=editorial,
        )

    comments = {}
    comments["plain-one"] = comment(published, "plain-one")
    comments["hidden-one"] = comment(published, "hidden-one", by=author)
    comments["reply-one"] = comment(published, "reply-one", parent=comments["hidden-one"])
    comments["reply-two"] = comment(published, "reply-two", parent=comments["reply-one"])
    comments["hidden-two"] = comment(published, "hidden-two")
    comments["removed-one"] = comment(published, "removed-one")
    comments["queued-one"] = comment(queued, "queued-one")
    comments["adminhidden-one"] = comment(stories["hidden_by_admin"], "adminhidden-one")
    comments["dumped-one"] = comment(dumped, "dumped-one")
    comments["membersonly-one"] = comment(stories["members_only"], "membersonly-one")
    comments["editorsonly-one"] = comment(stories["editors_only"], "editorsonly-one", by=editor)
    comments["quiet-one"] = comment(stories["quiet"], "quiet-one")
    # The community hides two comments; the trusted "until rated" reader rated only the first.
    rate_comment(comment=comments["hidden-one"], rater=editor, value=0)
    rate_comment(comment=comments["hidden-one"], rater=readers["trusted_until_rated"], value=1)
    rate_comment(comment=comments["hidden-two"], rater=editor, value=0)
    remove_comment(comment=comments["removed-one"], moderator=editor, reason="Spam")
    # An editorial comment on a queued story leaves with the queue once it is published.
    later = submit_story(author=other, title="[published_after_queue]", intro=WORD, section=news)
    comments["editorial-one"] = comment(later, "editorial-one", by=author, editorial=True)
    stories["published_after_queue"] = decide_queued_story(
        story=later, editor=editor, action="section"
    )
    # The queue dumps one story; an administrator hides another in the admin.
    decide_queued_story(story=dumped, editor=editor, action="hide")
    admin = client_for(staff)
    story = stories["hidden_by_admin"]
    response = admin.post(
        f"/admin/stories/story/{story.pk}/change/",
        {
            "title": story.title,
            "section": news.pk,
            "intro": story.intro,
            "body": "",
            "status": Story.Status.HIDDEN,
            "front_page": "on",
            "published_at_0": timezone.localtime(story.published_at).strftime("%Y-%m-%d"),
            "published_at_1": timezone.localtime(story.published_at).strftime("%H:%M:%S"),
            "comment_status": story.comment_status,
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    assert response["Location"] == "/admin/stories/story/"
    stories = {name: Story.objects.get(pk=s.pk) for name, s in stories.items()}
    return Site(stories, comments, readers)


# What each reader may read, from docs/rules.md. Staff read every story; a story's author
# reads their own in every state; everyone reads published and voting stories.
# Sections: members read "members_only" (stories and comments) and the comments of "quiet",
# whose stories everyone reads; only staff read "editors_only".
PUBLIC_STORIES = {"published", "queued", "published_after_queue", "quiet"}
MEMBER_STORIES = PUBLIC_STORIES | {"members_only"}
READABLE_STORIES = {
    "anonymous": PUBLIC_STORIES,
    "member": MEMBER_STORIES,
    "author": MEMBER_STORIES | {"dumped"},
    "staff": MEMBER_STORIES | {"draft", "scheduled", "hidden_by_admin", "dumped", "editors_only"},
}
PUBLIC_COMMENTS = {"plain-one", "queued-one"}
MEMBER_COMMENTS = PUBLIC_COMMENTS | {"membersonly-one", "quiet-one"}
VISIBLE_COMMENTS = {
    "anonymous": PUBLIC_COMMENTS,
    "member": MEMBER_COMMENTS,
    # Authors see their own hidden comment, and what hangs below it.
    "author": MEMBER_COMMENTS | {"hidden-one", "reply-one", "reply-two", "dumped-one"},
    # "Until rated": the hidden comment they rated is gone with its replies; the other stays.
    "trusted_until_rated": MEMBER_COMMENTS | {"hidden-two"},
    "trusted_always": MEMBER_COMMENTS | {"hidden-one", "reply-one", "reply-two", "hidden-two"},
    "trusted_never": MEMBER_COMMENTS,
    "staff": MEMBER_COMMENTS
    | {
        "hidden-one",
        "reply-one",
        "reply-two",
        "hidden-two",
        "adminhidden-one",
        "dumped-one",
        "editorsonly-one",
    },
}


def readable_stories(reader: str) -> set[str]:
    return READABLE_STORIES.get(reader, READABLE_STORIES["member"])


def client_of(site: Site, reader: str) -> Client:
    member = site.readers[reader]
    return client_for(member) if member else Client()


def api_headers(site: Site, reader: str) -> dict:
    member = site.readers[reader]
    if member is None:
        return {}
    _, key = create_token(member=member, name="visibility")
    return {"Authorization": f"Bearer {key}"}


def shown_subjects(text: str, site: Site) -> set[str]:
    """Which fixture comments a page or document shows, by their unique body text."""
    return {name for name in site.comments if f"«{name}»" in text}


# --- Read paths for comments: each returns the set of comment names it shows to the reader. ---


def story_pages(site, reader):
    client = client_of(site, reader)
    shown = set()
    for story in site.stories.values():
        response = client.get(story.get_absolute_url(), {"display": "nested"}, follow=True)
        if response.status_code == 200:
            shown |= shown_subjects(response.content.decode(), site)
    return shown


def permalinks(site, reader):
    client = client_of(site, reader)
    shown = set()
    for name, comment in site.comments.items():
        response = client.get(comment.get_absolute_url())
        if response.status_code == 200 and f"«{name}»" in response.content.decode():
            shown.add(name)
    return shown


def comment_fragments(site, reader):
    client = client_of(site, reader)
    shown = set()
    for name, c in site.comments.items():
        response = client.get(
            f"/story/{c.story_id}/comments/{c.number}/full/", HTTP_HX_REQUEST="true"
        )
        if response.status_code == 200 and f"«{name}»" in response.content.decode():
            shown.add(name)
    return shown


def single_comment_pages(suffix: str, ok: tuple[int, ...] = (200,), mark: str = "«{}»"):
    """A read path of one comment's own pages (`suffix` after its address): which comments it
    shows (by `mark`: their bodies, or their subjects), answering one of `ok`."""

    def path(site, reader):
        client = client_of(site, reader)
        return {
            name
            for name, c in site.comments.items()
            if (response := client.get(f"{c.get_absolute_url()}{suffix}")).status_code in ok
            and mark.format(name) in response.content.decode()
        }

    path.__name__ = f"comment_{suffix.strip('/')}_pages"
    return path


# Pages that name a comment by its subject alone (a removed comment's is not shown).
rating_lists = single_comment_pages("ratings/", mark="Ratings of “{}”")
permalink_titles = single_comment_pages("", mark="<title>{} ·")
flag_pages = single_comment_pages("flag/", mark="<p>“{}” by")
# A comment the reader sees but may not rate (their own, say) is shown with the reason: 403.
rate_pages = single_comment_pages("rate/", ok=(200, 403))


def live_updates(site, reader):
    """The thread's "N new comments" answer, asked from before the first comment."""
    client = client_of(site, reader)
    shown = set()
    for story in site.stories.values():
        response = client.get(f"/story/{story.pk}/comments/live/", {"after": 0})
        if response.status_code == 200:
            shown |= shown_subjects(response.content.decode(), site)
    return shown


def live_stream(site, reader):
    """The same answer streamed (server-sent events), opened from before the first comment."""
    client = client_of(site, reader)
    shown = set()
    for story in site.stories.values():
        response, events = stream_events(
            client,
            f"/story/{story.pk}/comments/stream/?after=0",
            until=lambda events: any(e.get("event") == "comments" for e in events),
        )
        if response.status_code == 200:
            for event in events:
                shown |= shown_subjects(event.get("data", ""), site)
    return shown


def comment_feeds(site, reader):
    client = client_of(site, reader)
    shown = set()
    for story in site.stories.values():
        for kind in ("rss", "atom"):
            response = client.get(f"/story/{story.pk}/comments/{kind}/")
            if response.status_code == 200:
                shown |= shown_subjects(response.content.decode(), site)
    return shown


def search(site, reader):
    response = client_of(site, reader).get("/search/", {"q": WORD, "kind": "comment"})
    results = main_of(response)
    return {n for n, c in site.comments.items() if f'href="{c.get_absolute_url()}"' in results}


def recent_comments_box(site, reader):
    response = client_of(site, reader).get("/")
    page = response.content.decode()
    box = page[page.index('class="box box-recent_comments') :]
    box = box[: box.index("</section>")]
    return {name for name, c in site.comments.items() if f">{c.subject}<" in box}


def member_pages(site, reader):
    client = client_of(site, reader)
    shown = set()
    for name in ("Author", "Other"):
        page = client.get(f"/user/{name}/").content.decode()
        shown |= {n for n, c in site.comments.items() if f">{c.subject}<" in page}
    return shown


def api_comments(site, reader):
    client, headers = client_of(site, reader), api_headers(site, reader)
    shown = set()
    for story in site.stories.values():
        response = client.get(f"/api/stories/{story.pk}/comments?format=flat", headers=headers)
        if response.status_code == 200:
            bodies = " ".join(c["body_html"] for c in response.json()["comments"])
            shown |= shown_subjects(bodies, site)
    return shown


COMMENT_PATHS = [
    story_pages,
    permalinks,
    comment_fragments,
    rating_lists,
    permalink_titles,
    rate_pages,
    flag_pages,
    live_updates,
    comment_feeds,
    search,
    recent_comments_box,
    member_pages,
    api_comments,
]
# Paths whose scope is narrower than "every story the reader may read".
PUBLISHED_ONLY = {search}
NEWEST_ONLY = {recent_comments_box: 6}
SIGNED_IN_ONLY = {rate_pages, flag_pages}  # a visitor is sent to log in


def expected_comments(site: Site, reader: str, path) -> set[str]:
    expected = set(VISIBLE_COMMENTS[reader])
    if path in SIGNED_IN_ONLY and site.readers[reader] is None:
        return set()
    if path in PUBLISHED_ONLY:
        published = {
            c for c in expected if site.stories_by_pk[site.comments[c].story_id].is_published()
        }
        expected = published
    if path in NEWEST_ONLY:
        newest = sorted(expected, key=lambda c: site.comments[c].pk, reverse=True)
        expected = set(newest[: NEWEST_ONLY[path]])
    return expected


READERS = list(VISIBLE_COMMENTS)


@pytest.mark.parametrize("path", COMMENT_PATHS, ids=lambda p: p.__name__)
def test_every_comment_read_path_shows_each_reader_exactly_what_the_rules_allow(path):
    site = build()
    site.stories_by_pk = {s.pk: s for s in site.stories.values()}
    for reader in READERS:
        assert path(site, reader) == expected_comments(site, reader, path), reader


# Read paths that answer from a thread of their own: the fixture is committed for them.
COMMITTED_COMMENT_PATHS = [live_stream]


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("path", COMMITTED_COMMENT_PATHS, ids=lambda p: p.__name__)
def test_every_streamed_comment_read_path_shows_each_reader_exactly_what_the_rules_allow(
    path, settings
):
    settings.LADLE_LIVE_STREAM_CHECK = 0.05
    settings.LADLE_LIVE_STREAM_SECONDS = 0.5  # one check at least: a quiet story ends soon
    try:
        test_every_comment_read_path_shows_each_reader_exactly_what_the_rules_allow(path)
    finally:
        close_stream_connections()


# --- Write paths that rate a comment: each rates exactly what the reader sees and may rate. ---


def rate_form(site, reader, comment, headers):
    url = f"/story/{comment.story_id}/comments/{comment.number}/rate/"
    client_of(site, reader).post(url, {"value": "3"})


def rate_in_place(site, reader, comment, headers):
    """The Rate link's form opened in place (htmx)."""
    url = f"/story/{comment.story_id}/comments/{comment.number}/rate/"
    client_of(site, reader).post(url, {"value": "3", "inline": "1"}, HTTP_HX_REQUEST="true")


def rate_menu_button(site, reader, comment, headers):
    """A "Rate all" menu's own button, for members who chose menus (htmx)."""
    url = f"/story/{comment.story_id}/comments/{comment.number}/rate/"
    client_of(site, reader).post(url, {"value": "3"}, HTTP_HX_REQUEST="true")


def rate_all_form(site, reader, comment, headers):
    url = f"/story/{comment.story_id}/comments/rate/"
    client_of(site, reader).post(url, {f"r{comment.number}": "3"})


def rate_api(site, reader, comment, headers):
    url = f"/api/stories/{comment.story_id}/comments/{comment.number}/rating"
    client_of(site, reader).put(url, {"value": 3}, content_type="application/json", **headers)


RATING_PATHS = [rate_form, rate_in_place, rate_menu_button, rate_all_form, rate_api]


@pytest.mark.parametrize("path", RATING_PATHS, ids=lambda p: p.__name__)
def test_every_rating_path_rates_exactly_what_the_reader_sees_and_may_rate(path):
    site = build()
    for reader in READERS:
        member = site.readers[reader]
        headers = {"headers": api_headers(site, reader)}
        for name, comment in site.comments.items():
            comment.refresh_from_db()
            with transaction.atomic():  # each attempt on the fixture as built
                before = Rating.objects.count()
                path(site, reader, comment, headers)
                rated = (
                    Rating.objects.filter(rater=member, comment=comment, value=3).exists()
                    if member
                    else Rating.objects.count() != before
                )
                transaction.set_rollback(True)
            may = bool(member) and not comment.rating_refusal(member, trusted=member.is_trusted)
            assert rated == (name in VISIBLE_COMMENTS[reader] and may), (reader, name)


# --- Read paths for stories. ---


def story_addresses(site, reader):
    client = client_of(site, reader)
    return {
        name
        for name, story in site.stories.items()
        if client.get(story.get_absolute_url(), follow=True).status_code == 200
    }


def story_histories(site, reader):
    client = client_of(site, reader)
    return {
        name
        for name, story in site.stories.items()
        if client.get(f"/story/{story.pk}/history/").status_code == 200
    }


def api_stories(site, reader):
    client, headers = client_of(site, reader), api_headers(site, reader)
    return {
        name
        for name, story in site.stories.items()
        if client.get(f"/api/stories/{story.pk}", headers=headers).status_code == 200
    }


def member_page_stories(site, reader):
    client = client_of(site, reader)
    page = "".join(
        client.get(f"/user/{name}/").content.decode() for name in ("Author", "Ed", "Other")
    )
    return {name for name, story in site.stories.items() if f">{story.title}<" in page}


def story_search(site, reader):
    results = main_of(client_of(site, reader).get("/search/", {"q": WORD}))
    return {n for n, s in site.stories.items() if f'href="{s.get_absolute_url()}"' in results}


def hotlist_pages(site, reader):
    """Every story is on the reader's hotlist (added while it was readable to all): the
    hotlist shows the ones they may still read."""
    from ladle.stories.models import Hotlist

    member = site.readers[reader]
    Hotlist.objects.bulk_create(
        [Hotlist(member=member, story=s) for s in site.stories.values()], ignore_conflicts=True
    )
    page = main_of(client_of(site, reader).get("/hotlist/"))
    return {n for n, s in site.stories.items() if f'href="{s.get_absolute_url()}"' in page}


PUBLISHED = {"published", "published_after_queue", "members_only", "editors_only", "quiet"}


def section_listings(site, reader):
    """Every section's page and the front page (both list published stories)."""
    client = client_of(site, reader)
    pages = [client.get("/").content.decode()]
    pages += [client.get(s.get_absolute_url()).content.decode() for s in Section.objects.all()]
    page = "".join(pages)
    return {n for n, s in site.stories.items() if f'href="{s.get_absolute_url()}"' in page}


def section_feeds(site, reader):
    client = client_of(site, reader)
    feeds = [client.get("/feeds/rss/").content.decode()]
    feeds += [client.get(f"/section/{s.slug}/rss/").content.decode() for s in Section.objects.all()]
    text = "".join(feeds)
    return {n for n, s in site.stories.items() if f"{s.get_absolute_url()}<" in text}


STORY_PATHS = [
    section_listings,
    section_feeds,
    story_addresses,
    story_histories,
    api_stories,
    member_page_stories,
    story_search,
    hotlist_pages,
]


@pytest.mark.parametrize("path", STORY_PATHS, ids=lambda p: p.__name__)
def test_every_story_read_path_shows_each_reader_exactly_the_stories_they_may_read(path):
    site = build()
    for reader in READERS:
        if path is hotlist_pages and reader == "anonymous":
            continue  # visitors keep no hotlist
        expected = readable_stories(reader)
        if path in (story_search, section_listings):  # published stories only
            expected = expected & PUBLISHED
        if path is section_feeds:  # feeds are read by programs that never log in
            expected = READABLE_STORIES["anonymous"] & PUBLISHED
        assert path(site, reader) == expected, reader
