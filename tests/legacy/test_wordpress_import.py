"""Importing a WordPress export: posts, pages, categories, tags, authors and threaded approved
comments, with old permalinks answering 301 (tests/fixtures/wordpress-small.xml)."""

import hashlib
import io
from datetime import UTC, datetime
from pathlib import Path

import pytest
from django.test import Client

from ladle.accounts.models import User
from ladle.comments.models import Comment
from ladle.legacy.base import AlreadyImported
from ladle.legacy.models import OldKey
from ladle.legacy.report import Progress
from ladle.legacy.wordpress import WordPressImport, paragraphs
from ladle.search.models import SearchEntry
from ladle.stories.models import Story

pytestmark = pytest.mark.django_db
WXR = Path(__file__).resolve().parents[1] / "fixtures" / "wordpress-small.xml"


def run_import(**options):
    importer = WordPressImport(str(WXR), Progress(None, out=io.StringIO()), **options)
    return importer.run(hashlib.sha256(WXR.read_bytes()).hexdigest())


def post(post_id: str) -> Story:
    return Story.objects.get(pk=OldKey.objects.get(kind="wp_post", key=post_id).target_id)


def test_posts_pages_sections_and_topics_move_in():
    report = run_import()
    timetable = post("10")
    assert timetable.title == "New ferry timetable \u2013 what changes"
    assert timetable.section.name == "Ferries & Boats"
    assert {t.slug for t in timetable.topics.all()} == {"schedules", "council"}
    assert timetable.status == Story.Status.PUBLISHED and timetable.front_page
    assert timetable.published_at == datetime(2020, 3, 2, 9, 30, tzinfo=UTC)
    assert "twenty minutes" in timetable.intro_html and "<ul>" not in timetable.intro_html
    assert "23:40 last boat" in timetable.body_html
    assert timetable.author.username == "harbormaster"
    assert timetable.author.display_name == "The Harbormaster"
    assert not timetable.author.has_usable_password()
    assert post("11").comment_status == Story.CommentStatus.READ_ONLY
    about = post("2")
    assert about.section.slug == "pages" and not about.front_page
    assert post("12").status == Story.Status.DRAFT
    assert not OldKey.objects.filter(kind="wp_post", key="13").exists()
    text = report.text()
    assert "items of type 'attachment'" in text


def test_threaded_approved_comments_keep_parents_times_and_authors():
    report = run_import()
    comments = list(post("10").comments.order_by("number"))
    assert [c.number for c in comments] == [1, 2, 3, 4]
    first, reply, reply_to_reply, orphan = comments
    assert reply.parent == first and reply_to_reply.parent == reply
    assert reply_to_reply.depth == 2 and reply_to_reply.path == "1/2/3/"
    assert orphan.parent is None  # its parent was never approved
    assert first.created_at == datetime(2020, 3, 2, 11, 0, tzinfo=UTC)
    assert reply.author.username == "jane doe"  # a WordPress login, fitted to Ladle's names
    assert first.author.username == "Sam Rivers" and not first.author.is_active
    assert Comment.objects.filter(author=first.author).count() == 3  # one member per commenter
    assert first.body_html.startswith("<p>Finally a boat before six!</p>")
    assert "javascript" not in reply_to_reply.body_html
    assert (
        "onmouseover" not in reply_to_reply.body_html and "<script" not in reply_to_reply.body_html
    )
    text = report.text()
    assert "1 pingbacks and trackbacks" in text
    assert "comments WordPress held as spam" in text
    assert "comments WordPress held as never approved" in text
    assert post("10").comment_count == 4 and post("10").last_comment_number == 4
    assert SearchEntry.objects.filter(kind="comment").count() == Comment.objects.count()


def test_old_wordpress_links_answer_301():
    run_import()
    client = Client()
    for address, target in [
        ("/2020/03/02/new-ferry-timetable/", post("10").get_absolute_url()),
        ("/2020/03/02/new-ferry-timetable", post("10").get_absolute_url()),
        ("/?p=11", post("11").get_absolute_url()),
        ("/?page_id=2", post("2").get_absolute_url()),
        ("/about/", post("2").get_absolute_url()),
        ("/category/ferries/", post("10").section.get_absolute_url()),
        ("/tag/budget/", "/topic/budget/"),
        ("/author/jane-doe/", "/user/jane%20doe/"),
    ]:
        response = client.get(address)
        assert response.status_code == 301, address
        assert response["Location"] == target, address


def test_authors_can_set_a_password_by_reset():
    run_import()
    jane = User.objects.get(email="jane@example.org")
    response = Client().post("/password-reset/", {"email": "jane@example.org"})
    assert response.status_code == 302
    assert jane.is_active


def test_importing_the_same_export_again_changes_nothing():
    run_import()
    before = (Story.objects.count(), Comment.objects.count(), User.objects.count())
    with pytest.raises(AlreadyImported):
        run_import()
    assert (Story.objects.count(), Comment.objects.count(), User.objects.count()) == before


def test_wordpress_paragraphs_become_html_paragraphs():
    assert paragraphs("one\ntwo\n\nthree") == "<p>one<br>\ntwo</p>\n<p>three</p>"
    assert paragraphs("<ul>\n<li>a</li>\n</ul>") == "<ul>\n<li>a</li>\n</ul>"
