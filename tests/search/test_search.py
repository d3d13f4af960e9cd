"""Search over stories, diaries, comments, polls and members, on either database's engine."""

import io
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ladle.comments.services import delete_comment, edit_comment, rate_comment, remove_comment
from ladle.polls.services import create_poll
from ladle.search.models import SearchEntry
from ladle.search.query import fts5_expression
from ladle.stories.services import submit_story, vote_on_story, write_diary_entry
from tests.comments.test_ratings import make_trusted
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


def raw_results(client, q, **params):
    return main_of(client.get("/search/", {"q": q, **params}))


def results(client, q, **params):
    """The results as text a reader sees, without the highlight marks."""
    return raw_results(client, q, **params).replace("<mark>", "").replace("</mark>", "")


def test_finds_words_in_a_story_body_a_comment_and_a_diary(client):
    story = make_story("Harbour news", body="The lighthouse keeper retired.")
    make_comment(story, subject="Memories", body="I remember the zeppelin over the bay.")
    write_diary_entry(
        author=make_member("Diarist"), title="Sunday", intro="Baked a quince tart today."
    )
    assert "Harbour news" in results(client, "lighthouse")
    assert "Memories" in results(client, "zeppelin")
    assert "Sunday" in results(client, "quince")


def test_snippets_highlight_the_match_and_escape_the_rest(client):
    story = make_story("Escapes")
    make_comment(story, subject="Code", body="The platypus &amp; the `<b>` tag.")
    page = raw_results(client, "platypus")
    assert "<mark>platypus</mark>" in page
    found = page.split("search-results")[1]
    assert "<b>" not in found and "platypus</mark> &amp; the" in found  # escaped text


def test_drafts_queued_and_scheduled_stories_are_never_found(client):
    make_story("Draft about walruses", status="draft")
    make_story("Future walruses", published_at=timezone.now() + timedelta(days=1))
    submit_story(
        author=make_member(), title="Queued walruses", intro="walruses", section=make_section()
    )
    page = results(client, "walruses")
    assert "0 results" in page


def test_a_story_becomes_findable_when_the_queue_publishes_it(client):
    story = submit_story(
        author=make_member(), title="Ocelot sighting", intro="An ocelot.", section=make_section()
    )
    make_comment(story, subject="On topic", body="Ocelot facts")
    assert "0 results" in results(client, "ocelot")
    for _ in range(4):
        story = vote_on_story(story=story, voter=make_member(), choice=2)
    page = results(client, "ocelot")
    assert "Ocelot sighting" in page and "On topic" in page


def test_hidden_comments_are_found_by_trusted_readers_only():
    story = make_story()
    comment = make_comment(story, subject="Buried", body="The marmalade conspiracy.")
    rate_comment(comment=comment, rater=make_editor(), value=0)
    assert "Buried" not in results(Client(), "marmalade")
    assert "Buried" not in results(client_for(make_member()), "marmalade")
    assert "Buried" in results(client_for(make_trusted()), "marmalade")


def test_edits_removals_and_deletions_keep_the_index_current(client):
    story = make_story()
    comment = make_comment(story, subject="Typo", body="teh aardvark")
    edit_comment(comment=comment, editor=comment.author, subject="Fixed", body="the armadillo")
    assert "0 results" in results(client, "aardvark")
    assert "Fixed" in results(client, "armadillo")
    remove_comment(comment=comment, moderator=make_editor(), reason="spam")
    assert "0 results" in results(client, "armadillo")
    other = make_comment(story, body="a narwhal")
    delete_comment(comment=other, member=other.author)
    assert "0 results" in results(client, "narwhal")


def test_polls_and_members_are_found(client):
    create_poll(editor=make_editor(), question="Favourite cheese?", answers=["Brie", "Gouda"])
    member = make_member("Pemberton")
    member.bio = "Collector of antique barometers"
    member.save()
    call_command("rebuild_search_index", stdout=io.StringIO())
    assert "Favourite cheese?" in results(client, "gouda")
    assert "Pemberton" in results(client, "barometers", kind="member")


def test_filters_by_kind_section_author_and_date(client):
    news, arts = make_section("News"), make_section("Arts")
    author = make_member("Filterer")
    story = make_story("Badger in news", section=news)
    make_story("Badger in arts", section=arts)
    make_comment(story, author=author, subject="Badger comment", body="badger")
    assert "Badger in news" not in results(client, "badger", kind="comment")
    assert "Badger in arts" not in results(client, "badger", section=news.pk)
    only_author = results(client, "badger", author="Filterer")
    assert "Badger comment" in only_author and "Badger in news" not in only_author
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    assert "0 results" in results(client, "badger", date_from=tomorrow)
    assert "No member has that name." in results(client, "badger", author="Nobody here")
    assert "The end date is before" in results(
        client, "badger", date_from=tomorrow, date_to="2020-01-01"
    )


def test_best_match_first_or_newest_first(client):
    make_story("Kestrel", intro="Kestrel kestrel kestrel.", age_hours=5)
    make_story("Birds", intro="A kestrel once.", age_hours=1)
    best = results(client, "kestrel")
    assert best.index(">Kestrel</a>") < best.index(">Birds</a>")
    newest = results(client, "kestrel", order="newest")
    assert newest.index(">Birds</a>") < newest.index(">Kestrel</a>")


def test_results_are_paged_in_a_constant_number_of_queries(client):
    story = make_story("Paged")
    authors = [make_member() for _ in range(3)]

    def queries(q):
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/search/", {"q": q}).status_code == 200
        return len(captured)

    make_comment(story, author=authors[0], body="wombat")
    few = queries("wombat")
    for i in range(45):
        make_comment(story, author=authors[i % 3], body=f"wombat number {i}")
    assert queries("wombat") == few
    page_two = main_of(client.get("/search/", {"q": "wombat", "page": 2}))
    assert "46 results" in page_two and "Page 2 of 3" in page_two
    page_three = main_of(client.get("/search/", {"q": "wombat", "page": 3}))
    assert "46 results" in page_three and page_three.count('<li class="hit ') == 6
    past_the_end = main_of(client.get("/search/", {"q": "wombat", "page": 9}))
    assert "46 results" in past_the_end and '<li class="hit ' not in past_the_end


def test_empty_or_wordless_searches_get_a_clear_message(client):
    assert "Type one or more words" in results(client, '"" ** -- ()')
    assert "only its first 300 characters" in results(client, "word " * 2000)


def test_fts5_expression_neutralises_syntax():
    assert fts5_expression('cats AND "big dogs" NEAR(x') == '"cats" "AND" "big dogs" "NEAR" "x"'
    assert fts5_expression('"unterminated phrase') == '"unterminated" "phrase"'
    assert fts5_expression("^*:-") == ""


@settings(
    max_examples=200,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    q=st.one_of(
        st.text(max_size=200),
        st.text(alphabet="\"*()-+:^~NEARANDORNOT{}[]\\'<>&;%_ \x00\t", max_size=60),
        st.from_regex(r'[A-Za-z"()*: -]{0,40}', fullmatch=True),
    )
)
def test_hostile_search_strings_never_cause_an_error(client, q):
    if not SearchEntry.objects.exists():
        make_story("Anything", intro="Some text to search through.")
    response = client.get("/search/", {"q": q, "kind": "comment", "order": "newest"})
    assert response.status_code == 200


def _search_work(client, query: str) -> int:
    """SQLite virtual-machine steps (in thousands) spent answering one search page."""
    from django.db import connection

    steps = [0]

    def count():
        steps[0] += 1
        return 0  # go on

    connection.ensure_connection()
    connection.connection.set_progress_handler(count, 1000)
    try:
        assert client.get("/search/", {"q": query}).status_code == 200
    finally:
        connection.connection.set_progress_handler(None, 1000)
    return steps[0]


def test_a_huge_comment_in_the_index_does_not_make_search_costly(client):
    """An imported 1 MB comment is indexed only up to a bound, so a one-letter search costs
    about what it costs with ordinary comments (measured as work, not seconds)."""
    from django.core.management import call_command
    from django.db import connection

    from ladle.comments.models import Comment
    from ladle.lib.markup import INDEXED_TEXT_MAX

    story = make_story("Letters")
    for i in range(5):
        make_comment(story, subject=f"Note {i}", body="a b c " * 50)
    huge = make_comment(story, subject="Huge", body="a short one")
    call_command("rebuild_search_index", stdout=io.StringIO())
    small_work = (
        {q: _search_work(client, q) for q in ("a", "a a")} if connection.vendor == "sqlite" else {}
    )
    text = "a b " * 262_144  # 1 MB, as an import might bring
    Comment.objects.filter(pk=huge.pk).update(body=text, body_html=f"<p>{text}</p>")
    call_command("rebuild_search_index", stdout=io.StringIO())
    entry = SearchEntry.objects.get(kind="comment", object_id=huge.pk)
    assert len(entry.text) <= INDEXED_TEXT_MAX
    assert "Huge" in client.get("/search/", {"q": "a"}).content.decode()
    for query, before in small_work.items():
        assert _search_work(client, query) < before * 3 + 50, query


def test_result_times_are_shown_in_the_readers_zone(client):
    from ladle.lib.timefmt import scoop_datetime

    story = make_story("Timekeeping")
    shown = scoop_datetime(story.published_at, timezone.get_current_timezone())
    page = client.get("/search/", {"q": "Timekeeping"}).content.decode()
    assert shown in page


def test_a_search_ranks_only_its_newest_matches_and_says_there_are_more(client, monkeypatch):
    monkeypatch.setattr("ladle.search.query.WINDOW", 3)
    story = make_story("Window")
    comments = [make_comment(story, subject=f"Lighthouse {n}", body="lighthouse") for n in range(5)]
    for age, comment in enumerate(reversed(comments)):  # the last posted is the newest
        SearchEntry.objects.filter(kind="comment", object_id=comment.pk).update(
            date=timezone.now() - timedelta(days=age)
        )
    page = raw_results(client, "lighthouse", kind="comment")
    assert "More than 3 results" in page
    shown = {c.subject for c in comments if f'href="{c.get_absolute_url()}"' in page}
    assert shown == {"Lighthouse 2", "Lighthouse 3", "Lighthouse 4"}
    narrow = results(client, "lighthouse", kind="comment", order="newest")
    assert narrow.index("Lighthouse 4") < narrow.index("Lighthouse 2")
    few = raw_results(client, '"Lighthouse 0"')
    assert "More than" not in few
