"""The hostile comments a Scoop site stored (its regex filter let them through) are inert once
imported: opened in Chromium as any reader would, nothing runs."""

import io
import json
from pathlib import Path

from ladle.accounts.models import User
from ladle.comments.models import Comment
from ladle.legacy.models import OldKey
from ladle.legacy.report import Progress
from ladle.legacy.scoop import ScoopImport
from ladle.legacy.sources import DumpFile
from tests.browser.test_xss import assert_inert, watch_for_scripts
from tests.conftest import PASSWORD

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


def test_hostile_scoop_comments_render_inert_in_chromium(page):
    ScoopImport(DumpFile(FIXTURES / "scoop-small.sql"), Progress(None, out=io.StringIO())).run()
    expected = json.loads((FIXTURES / "scoop-small.expected.json").read_text())
    # A trusted member who sees hidden comments: every hostile comment is on their pages.
    reader = User.objects.get(username="Tidewater")
    reader.hidden_comments = "always"
    reader.set_password(PASSWORD)
    reader.save()
    page.goto("/login/")
    page.fill("input[name=username]", reader.username)
    page.fill("input[name=password]", PASSWORD)
    page.click("main button[type=submit]")
    dialogs = watch_for_scripts(page)
    hostile = expected["comments"]["hostile"]
    for entry in hostile:
        story_id = OldKey.objects.get(kind="scoop_story", key=entry["sid"]).target_id
        comment = Comment.objects.get(story_id=story_id, number=entry["cid"])
        page.goto(comment.get_absolute_url())
        page.wait_for_load_state("networkidle")
        bodies = page.locator(".comment > div:first-of-type")
        assert bodies.count() >= 1, entry
        assert_inert(page, bodies, dialogs)
    story_id = OldKey.objects.get(kind="scoop_story", key=expected["hostile_story"]).target_id
    page.goto(f"/story/{story_id}/")
    page.wait_for_load_state("networkidle")
    assert_inert(page, page.locator(".comment > div:first-of-type, .story .body"), dialogs)
