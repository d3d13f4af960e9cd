from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from ladle.stories.models import Story
from tests.conftest import (
    client_for,
    main_of,
    make_comment,
    make_editor,
    make_member,
    make_section,
    make_story,
)

pytestmark = pytest.mark.django_db


def test_front_page_shows_eight_newest_front_page_stories_per_page(client):
    for i in range(10):
        make_story(f"Story {i}", age_hours=i + 1)
    make_story("Section only", section=make_section("Meta", on_front_page=False), age_hours=0.5)
    first = client.get("/").content.decode()
    second = client.get("/page/2/").content.decode()
    assert first.count('class="story-summary"') == 8 and "Story 0" in first
    assert "Story 8" in second and "Story 9" in second and "Section only" not in first + second
    assert client.get("/page/3/").status_code == 404


def test_read_more_line_counts_comments_and_words(client):
    with_body = make_story("Long", body="one two three four")
    make_comment(with_body)
    make_story("Short")
    page = client.get("/").content.decode()
    assert "Read More...</a> (1 comment, 4 words in story)" in page
    assert "Comments &gt;&gt;</a> (0 comments)" in page


def test_section_page_lists_section_only_stories(client):
    meta = make_section("Meta", on_front_page=False)
    make_story("Behind the scenes", section=meta)
    assert "Behind the scenes" in client.get("/section/meta/").content.decode()
    assert client.get("/section/nope/").status_code == 404


def test_topic_page_lists_tagged_stories(client):
    from ladle.stories.models import Topic

    books = Topic.objects.create(name="Books", slug="books")
    make_story("Tagged", topics=[books])
    make_story("Untagged")
    page = client.get("/topic/books/").content.decode()
    assert "Tagged" in page and "Untagged" not in page


def test_readers_never_see_drafts_or_scheduled_stories(client):
    draft = make_story("Secret draft", status=Story.Status.DRAFT)
    scheduled = make_story("Future", published_at=timezone.now() + timedelta(days=1))
    assert client.get(draft.get_absolute_url()).status_code == 404
    assert client.get(scheduled.get_absolute_url()).status_code == 404
    assert "Future" not in client.get("/").content.decode()
    editor = client_for(make_editor())
    assert editor.get(scheduled.get_absolute_url()).status_code == 200


def test_story_page_shows_byline_in_scoop_format_and_body():
    author = make_editor("Writer")
    moment = datetime(2015, 6, 29, 0, 59, 41, tzinfo=UTC)
    story = make_story("Dated", body="The *body*.", editor=author, published_at=moment)
    reader = make_member(time_zone="America/New_York")
    page = client_for(reader).get(story.get_absolute_url()).content.decode()
    assert "Sun Jun 28, 2015 at 08:59:41 PM EDT" in page
    assert "<em>body</em>" in page and ">Writer</a>" in page


def test_story_navigation_links_older_and_newer_in_the_same_section(client):
    older = make_story("Older one", age_hours=3)
    middle = make_story("Middle one", age_hours=2)
    make_story("Elsewhere", section=make_section("Features"), age_hours=1.5)
    newer = make_story("Newer one", age_hours=1)
    page = client.get(middle.get_absolute_url()).content.decode()
    assert f'href="{older.get_absolute_url()}">&lt; Older one' in page
    assert f'href="{newer.get_absolute_url()}">Newer one &gt;' in page
    assert "Elsewhere" not in page.split('class="story-nav"')[1].split("</nav>")[0]


def test_wrong_slug_redirects_to_the_canonical_address(client):
    story = make_story("Right title")
    response = client.get(f"/story/{story.pk}/wrong/")
    assert response.status_code == 301 and response["Location"] == story.get_absolute_url()


def test_the_short_address_keeps_the_readers_display_choice_on_its_way(client):
    story = make_story("Shared link")
    response = client.get(f"/story/{story.pk}/", {"display": "nested", "sort": "best"})
    assert response.status_code == 301
    assert response["Location"] == f"{story.get_absolute_url()}?display=nested&sort=best"


def test_unknown_story_is_a_404_page(client):
    response = client.get("/story/999999/nothing/")
    assert response.status_code == 404 and b"Not found" in response.content


def _story_page_queries(client, comments: int) -> int:
    story = make_story(f"Thread of {comments}")
    parent = None
    members = [make_member() for _ in range(5)]
    for i in range(comments):
        parent = make_comment(story, author=members[i % 5], parent=parent if i % 3 else None)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(story.get_absolute_url()).status_code == 200
    return len(queries)


@pytest.mark.parametrize("as_member", [False, True])
def test_story_page_query_count_does_not_grow_with_comments(
    client, django_assert_num_queries, as_member
):
    if as_member:
        client.force_login(make_member())
    small = _story_page_queries(client, 1)
    story = make_story("Big thread")
    members = [make_member() for _ in range(7)]
    parent = None
    for i in range(200):
        parent = make_comment(story, author=members[i % 7], parent=parent if i % 4 else None)
    with django_assert_num_queries(small):
        assert client.get(story.get_absolute_url()).status_code == 200


def test_story_page_stays_within_its_query_budget(client, django_assert_max_num_queries):
    story = make_story()
    make_comment(story)
    client.force_login(make_member())
    # Session, member, story, topics, navigation (2), visit (2), poll, thread (2), hotlist,
    # inbox count, and the sidebar's boxes (up to 7 with a full hotlist).
    with django_assert_max_num_queries(22):
        client.get(story.get_absolute_url())


def test_editor_writes_and_schedules_a_story_in_the_site():
    editor = client_for(make_editor())
    section = make_section()
    response = editor.post(
        "/editor/story/new/",
        {
            "title": "Fresh news",
            "section": section.pk,
            "intro": "It *happened*.",
            "body": "",
            "status": "published",
            "published_at": "",
            "comment_status": "open",
        },
    )
    story = Story.objects.get(title="Fresh news")
    assert response.status_code == 302 and story.is_published()
    assert "<em>happened</em>" in story.intro_html


def test_members_cannot_write_stories():
    member = client_for(make_member())
    assert member.get("/editor/story/new/").status_code == 403


def test_story_form_errors_keep_the_text():
    editor = client_for(make_editor())
    response = editor.post(
        "/editor/story/new/",
        {"title": "", "intro": "Kept intro text", "status": "published", "comment_status": "open"},
    )
    page = response.content.decode()
    assert response.status_code == 200 and "Kept intro text" in page
    assert "This field is required." in page


def test_anonymous_readers_get_the_cached_thread_and_see_every_change(client):
    from ladle.comments.services import edit_comment, rate_comment

    story = make_story()
    first = make_comment(story, subject="First words")
    with CaptureQueriesContext(connection) as first_view:
        page = client.get(story.get_absolute_url()).content.decode()
    assert "First words" in page
    assert any(
        f'"comments_comment"."story_id" = {story.pk} ' in q["sql"]
        for q in first_view.captured_queries
    )  # the first view reads the thread
    with CaptureQueriesContext(connection) as cached:
        again = client.get(story.get_absolute_url()).content.decode()
    assert "First words" in again
    thread_queries = [
        q
        for q in cached.captured_queries
        if f'"comments_comment"."story_id" = {story.pk} ' in q["sql"]
    ]
    assert thread_queries == []  # served from the cache

    make_comment(story, subject="A newer comment")
    assert "A newer comment" in client.get(story.get_absolute_url()).content.decode()
    rate_comment(comment=first, rater=make_member(), value=5)
    assert "(5.00 / 1)" in client.get(story.get_absolute_url()).content.decode()
    edit_comment(comment=first, editor=first.author, subject="Reworded", body="New text")
    page = client.get(story.get_absolute_url()).content.decode()
    assert "Reworded" in page and "First words" not in page
    # Each display choice is cached on its own.
    nested = client.get(story.get_absolute_url(), {"display": "minimal"}).content.decode()
    assert 'class="comment-header' in nested


def test_month_archive_lists_that_months_stories(client):
    make_story("In March", published_at=datetime(2025, 3, 15, 12, tzinfo=UTC))
    make_story("In April", published_at=datetime(2025, 4, 2, 12, tzinfo=UTC))
    page = client.get("/archive/2025/03/").content.decode()
    assert "In March" in page and "In April" not in page and "Stories of March 2025" in page
    for bad in (
        "/archive/2025/13/",
        "/archive/0/1/",
        "/archive/9999/12/",
        "/archive/99999999999999999999/1/",
    ):
        assert client.get(bad).status_code == 404


def test_members_choose_how_many_stories_a_page_shows():
    for i in range(5):
        make_story(f"Story {i}", age_hours=i + 1)
    member = make_member(stories_per_page=2)
    page = client_for(member).get("/").content.decode()
    assert page.count('class="story-summary"') == 2 and "Page 1" in page
    assert 'href="/page/2/"' in page and 'href="/page/3/"' not in page


def test_a_listing_is_paged_without_ever_counting_it():
    """A count of every story grows with the site; a page costs its rows and one more."""
    for i in range(5):
        make_story(f"Story {i}", age_hours=i + 1)
    reader = client_for(make_member(stories_per_page=2))
    for url, shown in (("/", 2), ("/page/2/", 2), ("/page/3/", 1)):
        with CaptureQueriesContext(connection) as queries:
            page = reader.get(url).content.decode()
        assert page.count('class="story-summary"') == shown
        assert not [q for q in queries if 'COUNT(*) AS "__count" FROM "stories_story"' in q["sql"]]
    assert "Older" not in main_of(reader.get("/page/3/")) and "Newer" in page
    assert reader.get("/page/4/").status_code == 404
    assert reader.get("/page/99999999999999999999/").status_code == 404
    assert reader.get("/moderation/", {"page": "99999999999999999999"}).status_code == 200


@pytest.mark.django_db
def test_pages_forbid_inline_script_and_third_party_loads(client):
    response = client.get("/")
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "default-src 'self'" in policy
    assert "unsafe-inline" not in policy.split("style-src-attr")[0]
    assert "camera=()" in response["Permissions-Policy"]


@pytest.mark.django_db
def test_listings_say_how_many_comments_the_community_hid(client):
    from ladle.comments.services import rate_comment

    story = make_story("Counted")
    hidden = make_comment(story)
    make_comment(story, parent=hidden)
    make_comment(story)
    rate_comment(comment=hidden, rater=make_editor(), value=0)
    assert "(3 comments, 2 hidden)" in client.get("/").content.decode()


@pytest.mark.django_db
def test_signatures_are_shown_under_comments_as_plain_text(client):
    author = make_member(signature="<b>Bold</b> claims")
    story = make_story()
    make_comment(story, author=author)
    page = client.get(story.get_absolute_url(), {"display": "nested"}).content.decode()
    assert "-- &lt;b&gt;Bold&lt;/b&gt; claims" in page
