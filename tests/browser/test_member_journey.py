"""A newcomer's first visit, clicked through in Chromium: sign up, confirm, log in, discuss."""

import os
import re
from pathlib import Path

from ladle.demo import seed_demo
from ladle.stories.models import Story
from tests.conftest import deliver_mail, make_story


def test_sign_up_confirm_log_in_comment_and_reply(page, mailoutbox, live_server, settings):
    settings.LADLE_SITE_URL = live_server.url  # the site's public address, for the e-mailed link
    story = make_story("A story to discuss", body="Some body text.")

    page.goto("/signup/")
    page.get_by_label("Name", exact=True).fill("Browser Reader")
    page.get_by_label("E-mail address").fill("browser@example.org")
    page.get_by_label("Password", exact=True).fill("a quiet lantern 42")
    page.get_by_label("Password again").fill("a quiet lantern 42")
    page.get_by_role("button", name="Create account").click()
    page.get_by_role("heading", name="Check your e-mail").wait_for()

    deliver_mail()
    link = re.search(r"https?://\S+/confirm/\S+", mailoutbox[-1].body).group(0)
    page.goto(link)
    page.get_by_text("Your e-mail address is confirmed").wait_for()
    page.get_by_label("Name or e-mail").fill("browser@example.org")
    page.get_by_label("Password").fill("a quiet lantern 42")
    page.get_by_role("button", name="Log in").click()
    page.get_by_role("link", name="Browser Reader").wait_for()

    page.goto(story.get_absolute_url())
    form = page.locator("form.comment-form")
    form.get_by_label("Subject").fill("First thoughts")
    form.get_by_label("Comment", exact=True).fill("I *like* this.")
    form.get_by_role("button", name="Post").click()
    first = page.locator("article#c1")
    first.get_by_role("heading", name="First thoughts").wait_for()

    # With JavaScript, Reply loads the form in place under the comment (htmx).
    first.get_by_role("link", name="Reply").click()
    reply_form = first.locator(".reply-slot form")
    reply_form.wait_for()
    assert page.url.endswith(story.get_absolute_url() + "#c1") or "/reply/" not in page.url
    reply_form.get_by_label("Subject").fill("A reply")
    reply_form.get_by_label("Comment", exact=True).fill("Me too.")
    reply_form.get_by_role("button", name="Post").click()

    # Threaded display (the default): the reply is a one-line header nested under its parent.
    nested = page.locator("li:has(> article#c1) > ol.replies > li > #c2")
    nested.get_by_role("link", name="A reply").wait_for()
    assert "by Browser Reader" in nested.inner_text()


def test_reply_works_without_javascript(browser, live_server, transactional_db):
    from tests.conftest import make_comment, make_member

    story = make_story("No script story")
    make_comment(story, subject="Top comment")
    member = make_member("Scriptless")
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    page = context.new_page()
    page.goto("/login/")
    page.get_by_label("Name or e-mail").fill("Scriptless")
    page.get_by_label("Password").fill("correct horse battery staple")
    page.get_by_role("button", name="Log in").click()
    page.goto(story.get_absolute_url())
    page.locator("article#c1").get_by_role("link", name="Reply").click()
    assert page.url.endswith("/comments/1/reply/")
    form = page.locator("form.comment-form")
    form.get_by_label("Subject").fill("Plain reply")
    form.get_by_label("Comment", exact=True).fill("Works without JavaScript.")
    form.get_by_role("button", name="Post").click()
    page.locator("li:has(> article#c1) > ol.replies #c2").wait_for()
    assert member.comments.count() == 1
    context.close()


def test_story_page_screenshot(page, tmp_path):
    """Takes the README's screenshot of the demo story page (into docs/ when asked)."""
    seed_demo()
    story = Story.objects.get(title="The City Library Extends Its Evening Hours")
    page.set_viewport_size({"width": 1200, "height": 1600})
    page.goto(story.get_absolute_url() + "?display=nested")
    target = Path(os.environ.get("LADLE_SCREENSHOT_DIR", tmp_path)) / "story-page.png"
    page.screenshot(path=str(target))
    assert target.stat().st_size > 10_000
    # 96 comments (the 21-deep back-and-forth among them); the hidden one takes its replies
    # out of an anonymous reader's view.
    assert page.locator("article.comment").count() >= 45
    assert "(5.00 / 3)" in page.content() and "(none / 0)" in page.content()
    assert "96 comments (96 topical, 2 hidden)" in page.content()
    page.set_viewport_size({"width": 1200, "height": 1000})
    page.goto("/")
    front = Path(os.environ.get("LADLE_SCREENSHOT_DIR", tmp_path)) / "front-page.png"
    page.screenshot(path=str(front))
    assert front.stat().st_size > 10_000
