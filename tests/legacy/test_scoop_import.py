"""Importing the Scoop fixture reproduces every fact of its expected file that means something
in Ladle (tests/fixtures/README.md is the field guide)."""

import csv
import html
import io
import json
import re
from collections import Counter
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pytest
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext

from ladle.accounts.models import User
from ladle.comments.models import Comment, Rating
from ladle.legacy.base import AlreadyImported, ImportRefused
from ladle.legacy.models import OldKey
from ladle.legacy.report import Progress
from ladle.legacy.scoop import ScoopImport
from ladle.legacy.sources import DumpFile
from ladle.polls.models import Poll
from ladle.search.models import SearchEntry
from ladle.stories.models import Hotlist, QueueVote, Story, StoryVisit

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
DUMP = FIXTURES / "scoop-small.sql"
EXPECTED = json.loads((FIXTURES / "scoop-small.expected.json").read_text())


def run_import(path: Path = DUMP, **options):
    return ScoopImport(DumpFile(path), Progress(None, out=io.StringIO()), **options).run()


@pytest.fixture(scope="module")
def scoop(django_db_setup, django_db_blocker):
    """The fixture imported once for the module, inside a transaction rolled back after it."""
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            yield run_import()
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


@pytest.fixture
def imported(scoop, db):
    return scoop


def story(sid: str) -> Story:
    return Story.objects.get(pk=OldKey.objects.get(kind="scoop_story", key=sid).target_id)


def thread_story(key: str) -> Story:
    """A story by sid, or a standalone poll's own story by qid."""
    old = OldKey.objects.filter(kind="scoop_story", key=key).first()
    if old:
        return Story.objects.get(pk=old.target_id)
    poll = Poll.objects.get(pk=OldKey.objects.get(kind="scoop_poll", key=key).target_id)
    return poll.story


def comment(sid: str, cid: int) -> Comment:
    return Comment.objects.get(story=thread_story(sid), number=cid)


def points(score: float) -> str:
    return str(Decimal(score).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


def excerpt(stored_html: str) -> str:
    """The expected file's excerpt definition, applied to what Ladle shows."""
    text = re.sub(r"</?(p|br|blockquote|ul|ol|li|dl|dt|dd)\b[^>]*>", " ", stored_html, flags=re.I)
    text = html.unescape(re.sub(r"<[^>]+>", "", text))
    return re.sub(r"\s+", " ", text).strip()[:120]


def test_members_keep_their_groups(imported):
    users = EXPECTED["users"]
    imported_members = User.objects.filter(pk__in=OldKey.objects.filter(
        kind="scoop_member").exclude(key="-1").values("target_id"))  # fmt: skip
    assert imported_members.count() == users["total"]
    assert [m.username for m in imported_members.filter(role="editor")] == users["editors"]
    assert [m.username for m in imported_members.filter(is_superuser=True)] == users["superuser"]
    banned = imported_members.filter(is_active=False)
    assert banned.count() == users["by_perm_group"]["Anonymous"]


def test_members_keep_their_trust(imported):
    members = User.objects.exclude(is_guest=True)
    trusted = {m.username for m in members if m.trust == "trusted" and not m.is_superuser}
    untrusted = {m.username for m in members if m.trust == "untrusted"}
    assert trusted == set(EXPECTED["users"]["trusted"])
    assert untrusted == set(EXPECTED["users"]["untrusted"])
    assert User.objects.get(username="Tidewater").mojo == pytest.approx(4.843)


def test_stories_keep_status_and_section(imported):
    status = {
        "0": ("published", True), "1": ("published", False), "-1": ("hidden", False),
        "-2": ("voting", False), "-3": ("edit_queue", False),
    }  # fmt: skip
    found = Counter()
    for sid in EXPECTED["stories"]["sids"]:
        s = story(sid)
        found[(s.section.slug, s.status, s.front_page)] += 1
    expected = Counter()
    for key, n in EXPECTED["stories"]["by_section_and_displaystatus"].items():
        section, displaystatus = key.split("/")
        slug = "diaries" if section == "Diary" else section
        expected[(slug, *status[displaystatus])] += n
    assert found == expected
    diaries = Story.objects.filter(section__slug="diaries")
    assert diaries.count() == EXPECTED["stories"]["diaries"]
    assert {s.author.username for s in diaries} == set(EXPECTED["stories"]["diary_authors"])


def test_comments_per_story_and_poll(imported):
    for sid, n in EXPECTED["comments"]["per_story"].items():
        assert thread_story(sid).comments.count() == n, sid
    for qid, n in EXPECTED["comments"]["per_poll"].items():
        poll = Poll.objects.get(pk=OldKey.objects.get(kind="scoop_poll", key=qid).target_id)
        if poll.standalone:  # an attached poll's comments are its story's
            assert poll.story.comments.count() == n, qid
    assert Comment.objects.count() == EXPECTED["comments"]["total"]


def test_threads_keep_numbers_parents_and_depth(imported):
    for key, detail in EXPECTED["comments"]["per_thread_detail"].items():
        s = thread_story(key)
        assert s.last_comment_number == detail["max_cid"], key
        assert s.comments.filter(editorial=True).count() == detail["editorial"], key
        top = s.comments.filter(parent=None).count()
        assert top == detail["top_level"] + detail["orphans"], key
    histogram = Counter(d + 1 for d in Comment.objects.values_list("depth", flat=True))
    assert histogram == {int(k): v for k, v in EXPECTED["comments"]["depth_histogram"].items()}
    for orphan in EXPECTED["comments"]["orphans"]["list"]:
        c = comment(orphan["sid"], orphan["cid"])
        assert c.parent is None and c.depth == 0 and c.path == f"{c.number}/"
    for c in Comment.objects.exclude(parent=None).select_related("parent")[:200]:
        assert c.path == c.parent.path + f"{c.number}/"
        assert c.depth == c.parent.depth + 1
    for gone in EXPECTED["deleted_comment_keys"]:
        assert not thread_story(gone["sid"]).comments.filter(number=gone["cid"]).exists()


def test_ratings_survive_with_their_means(imported):
    assert Rating.objects.count() == EXPECTED["commentratings"]["rows"]
    by_value = Counter(Rating.objects.values_list("value", flat=True))
    assert by_value == {int(k): v for k, v in EXPECTED["commentratings"]["by_value"].items()}
    for sample in EXPECTED["comments"]["rating_samples"]:
        c = comment(sample["sid"], sample["cid"])
        assert points(c.score) == sample["points"], sample
        assert c.rating_count == sample["count"]
        assert sorted(c.ratings.values_list("value", flat=True)) == sample["ratings"]
        assert c.score_display == f"({sample['points']} / {sample['count']})"


def test_hidden_comments_and_initial_scores(imported):
    hidden = EXPECTED["comments"]["hidden"]
    found = Comment.objects.filter(score__lt=1).select_related("story")
    assert found.count() == hidden["count"]
    for entry in hidden["list"]:
        c = comment(entry["sid"], entry["cid"])
        assert points(c.score) == entry["points"]
        assert c.rating_count == max(entry["lastmod"], 0)
    initial = Comment.objects.filter(score__isnull=False, rating_count=0)
    assert initial.count() == EXPECTED["comments"]["initial_score_unrated"]
    assert Comment.objects.filter(score__isnull=True).count() == (
        EXPECTED["comments"]["unrated_points_null"] + 1  # the stale removed placeholder
    )


def test_removed_placeholders_keep_their_place_with_recomputed_points(imported):
    for entry in EXPECTED["comments"]["removed_placeholder"]:
        c = comment(entry["sid"], entry["cid"])
        assert c.state == Comment.State.REMOVED
        assert (c.score, c.rating_count) == (None, 0)


def test_anonymous_and_editorial_comments(imported):
    anonymous = User.objects.get(username="Anonymous Hero")
    assert not anonymous.is_active
    assert anonymous.comments.count() == EXPECTED["comments"]["anonymous_uid_minus_1"]
    assert (
        Comment.objects.filter(editorial=True).count()
        == EXPECTED["comments"]["editorial_pending_1"]
    )


def test_times_convert_to_utc_across_daylight_saving_changes(imported):
    for sample in EXPECTED["dst_samples"]:
        c = comment(sample["sid"], sample["cid"])
        assert c.created_at == datetime.fromisoformat(sample["utc"].replace("Z", "+00:00"))


def test_text_is_decoded_as_readers_saw_it(imported):
    for sample in EXPECTED["comments"]["text_samples"]:
        c = comment(sample["sid"], sample["cid"])
        assert c.subject == sample["subject_text"]
        assert excerpt(c.body_html) == sample["excerpt"]
    for word in EXPECTED["utf8_mojibake_comments"]:
        assert word["intended"] in html.unescape(comment(word["sid"], word["cid"]).body_html)
    for legacy in EXPECTED["cp1252_legacy_comments"]:
        text = html.unescape(comment(legacy["sid"], legacy["cid"]).body_html)
        assert re.search("[\u2013\u2014\u2018\u2019\u201c\u201d]", text), legacy
        assert not re.search("[\x80-\x9f]", text), legacy
    title = story("2004/12/23/151856/29").title
    assert title == "Breaking: \u201cDeal Reached on Net neutrality\u201d"


def test_hostile_html_is_defused_when_stored(imported):
    for entry in EXPECTED["comments"]["hostile"]:
        rendered = comment(entry["sid"], entry["cid"]).body_html.lower()
        assert "javascript:" not in html.unescape(rendered)
        assert "data:" not in rendered
        assert "onmouseover" not in rendered and "<script" not in rendered
        assert "<img" not in rendered
    hostile = story(EXPECTED["hostile_story"])
    assert "onmouseover" not in hostile.intro_html + hostile.body_html


def test_polls_keep_answers_votes_and_comments(imported):
    for qid, expected in EXPECTED["polls"]["polls"].items():
        poll = Poll.objects.get(pk=OldKey.objects.get(kind="scoop_poll", key=qid).target_id)
        assert poll.question == expected["question"]
        assert [(a.text, a.votes) for a in poll.answers.all()] == [
            (a["answer"], a["votes"]) for a in expected["answers"]
        ]
        assert poll.ballot_count == expected["voters"]
        assert poll.standalone == (expected["attached_to_story"] is None)
        if expected["attached_to_story"]:
            assert poll.story == story(expected["attached_to_story"])
        if poll.standalone:
            assert poll.story.comments.count() == expected["own_comments"]
        assert poll.is_current == (qid == EXPECTED["polls"]["current_poll_var"])


def test_queue_votes_survive_with_their_tally(imported):
    assert QueueVote.objects.count() == EXPECTED["storymoderate"]["rows"]
    for sid, expected in EXPECTED["storymoderate"]["per_story"].items():
        s = story(sid)
        assert s.queue_score == expected["vote_sum"]
        assert s.votes_front_page == expected["front_N"]
        assert s.votes_section == expected["section_Y"]
        assert s.votes_abstain + s.votes_dump == expected["other_X"]


def test_hotlists_and_last_visits(imported):
    found = {(h.member.username, h.story_id) for h in Hotlist.objects.select_related("member")}
    expected = {
        (row["nickname"], story(row["sid"]).pk) for row in EXPECTED["viewed_stories"]["hotlist"]
    }
    assert found == expected
    assert StoryVisit.objects.count() == EXPECTED["viewed_stories"]["rows"]


def test_preferences_with_a_ladle_equivalent_survive(imported):
    prefs = EXPECTED["userprefs"]
    members = User.objects.all()
    sorts = Counter(m.comment_age_sort for m in members)
    assert sorts["newest"] == prefs["commentorder_values"]["newest"]
    assert (
        Counter(m.comment_display for m in members)["nested"]
        == prefs["commentmode_values"]["nested"]
    )
    zones = Counter(m.time_zone for m in members if m.time_zone)
    assert sum(zones.values()) == sum(prefs["time_zone_values"].values())
    assert zones["America/Los_Angeles"] == prefs["time_zone_values"]["PST"]
    assert User.objects.exclude(homepage="").count() == prefs["by_prefname"]["homepage"]
    assert User.objects.exclude(bio="").count() == prefs["by_prefname"]["bio"]


def test_imported_comments_are_found_by_search(imported):
    shown = Comment.objects.filter(state="shown").count()
    assert SearchEntry.objects.filter(kind="comment").count() == shown
    assert (
        SearchEntry.objects.filter(kind="story").count()
        + SearchEntry.objects.filter(kind="diary").count()
        == Story.objects.count()
    )


def test_counters_match_the_rows(imported):
    from ladle.accounts.models import Visitor

    for s in Story.objects.all():
        shown = s.comments.shown()
        assert s.comment_count == shown.count()
        assert s.hidden_comment_count == shown.count() - shown.not_hidden_from(Visitor()).count()


def test_story_pages_of_the_import_cost_a_constant_number_of_queries(imported):
    client = Client()
    costs = {}
    for sid in ("2006/10/26/21517/641", "2006/1/30/03944/4498"):
        with CaptureQueriesContext(connection) as queries:
            response = client.get(story(sid).get_absolute_url())
        assert response.status_code == 200
        costs[sid] = len(queries)
    assert costs["2006/1/30/03944/4498"] <= costs["2006/10/26/21517/641"]


def test_every_member_logs_in_with_their_old_password_then_has_argon2(imported):
    with (FIXTURES / "scoop-small.passwords.csv").open(newline="") as rows:
        members = list(csv.DictReader(rows))
    for member in members:
        response = Client().post(
            "/login/", {"username": member["nickname"], "password": member["plaintext"]}
        )
        user = User.objects.get(username=member["nickname"])
        if member["status"] == "unactivated":
            assert response.status_code == 200, member["nickname"]
            assert not user.has_usable_password()
            continue
        if not user.is_active:
            continue  # the banned member: the right password, a closed account
        assert response.status_code == 302, member["nickname"]
        user.refresh_from_db()
        assert user.password.startswith("argon2$"), member["nickname"]


def test_importing_the_same_dump_again_changes_nothing_and_says_so(imported):
    before = {model: model.objects.count() for model in (User, Story, Comment, Rating, Poll)}
    with pytest.raises(AlreadyImported, match="already imported"):
        run_import()
    assert {model: model.objects.count() for model in before} == before


def test_a_merge_of_the_same_site_again_adds_nothing(imported, tmp_path):
    copy = tmp_path / "again.sql"
    copy.write_bytes(DUMP.read_bytes() + b"\n-- taken again\n")
    tables = (User, Story, Comment, Rating, Poll, QueueVote, Hotlist, StoryVisit, SearchEntry)
    before = {model: model.objects.count() for model in tables}
    kinds = Counter(SearchEntry.objects.values_list("kind", flat=True))
    report = run_import(copy, merge=True)
    assert Counter(SearchEntry.objects.values_list("kind", flat=True)) == kinds
    assert {model: model.objects.count() for model in tables} == before
    assert "stories already here" in report.text()


def test_a_site_with_content_refuses_an_import_without_merge(imported, tmp_path):
    copy = tmp_path / "again.sql"
    copy.write_bytes(DUMP.read_bytes() + b"\n-- taken again\n")
    with pytest.raises(ImportRefused, match="--merge"):
        run_import(copy)


def assert_moved(address: str, target: str) -> None:
    response = Client().get(address)
    assert response.status_code == 301, address
    assert response["Location"] == target, address


def test_old_scoop_story_and_comment_links_answer_301(imported):
    for sid in EXPECTED["stories"]["sids"]:
        assert_moved(f"/story/{sid}", story(sid).get_absolute_url())
        assert_moved(f"/?op=displaystory;sid={sid}", story(sid).get_absolute_url())
    c = comment("2005/10/29/23127/368", 63)
    assert_moved("/comments/2005/10/29/23127/368/63", c.get_absolute_url())
    assert_moved("/?op=comments;sid=2005/10/29/23127/368;cid=63", c.get_absolute_url())
    assert Client().get(c.get_absolute_url()).status_code in (200, 302)


def test_old_member_section_diary_and_poll_links_answer_301(imported):
    corvid = User.objects.get(username="Corvid")
    assert Client().get("/user/Corvid", follow=True).redirect_chain[-1][0] == "/user/Corvid/"
    assert_moved("/?op=user;nick=Corvid", corvid.get_absolute_url())
    assert_moved("/user/corvid/diary", f"/user/{corvid.username}/diary/")
    assert_moved("/section/Diary", "/section/diaries/")
    assert_moved("/section/politics", "/section/politics/")
    current = EXPECTED["polls"]["current_poll_var"]
    poll = Poll.objects.get(pk=OldKey.objects.get(kind="scoop_poll", key=current).target_id)
    assert_moved(f"/poll/{current}", poll.get_absolute_url())


def test_unknown_old_links_still_say_not_found(imported):
    assert Client().get("/story/2099/1/1/1/1").status_code == 404
    assert Client().get("/comments/2099/1/1/1/1/5").status_code == 404
    assert Client().get("/?op=displaystory;sid=nope").status_code == 200  # the front page


def test_section_permissions_become_the_sections_settings(imported):
    from ladle.stories.models import Section

    adverts = Section.objects.get(slug="advertisements")  # Scoop hid members' posts there
    assert (adverts.read_stories, adverts.post_stories) == ("everyone", "editors")
    assert not Section.objects.get(slug="events").on_front_page  # "autosec": section only
    politics = Section.objects.get(slug="politics")
    assert (politics.read_stories, politics.post_comments) == ("everyone", "members")
