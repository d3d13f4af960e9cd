"""A thread that is alive: two readers on the same story, each served by a different Ladle
server process (sharing one database, as two app machines would). A comment one posts
appears to the other within 5 seconds behind a "new comments" bar, streamed (server-sent
events), and goes in at its place in the thread without moving what they were reading. Where
the server cannot stream (a WSGI server), the page polls and the comment still arrives."""

import contextlib
import os
import subprocess
import sys

from tests.conftest import make_comment, make_story, scratch_postgres
from tests.test_cli import _start, _stop, clean_env
from tests.test_two_servers import PASSWORD, SETUP


def test_a_comment_posted_on_one_server_reaches_a_reader_of_the_other_within_5_seconds(
    browser, tmp_path
):
    with contextlib.ExitStack() as stack:
        extra = {}
        if os.environ.get("LADLE_DATABASE_URL"):  # the kind of database this run tests
            extra["LADLE_DATABASE_URL"] = stack.enter_context(scratch_postgres("live_thread"))
        env = clean_env(tmp_path, **extra)
        for command in (["init"], ["manage", "shell", "--no-imports", "-c", SETUP]):
            done = subprocess.run([sys.executable, "-m", "ladle.cli", *command], cwd=tmp_path,
                                  env=env, capture_output=True, text=True, timeout=300)  # fmt: skip
            assert done.returncode == 0, done.stderr
        story = int(done.stdout.split()[-1])
        one, port_one, _ = _start(tmp_path, "--no-demo", **extra)
        two, port_two, _ = _start(tmp_path, "--no-demo", **extra)
        try:
            _live(browser, story, port_one, port_two)
        finally:
            assert _stop(one) == 0
            assert _stop(two) == 0


def _live(browser, story, port_one, port_two):
    writer = browser.new_context(base_url=f"http://127.0.0.1:{port_one}").new_page()
    reader = browser.new_context(base_url=f"http://127.0.0.1:{port_two}").new_page()
    for page in (writer, reader):
        page.set_default_timeout(20_000)
    writer.goto("/login/")
    writer.get_by_label("Name or e-mail").fill("Ada")
    writer.get_by_label("Password").fill(PASSWORD)
    writer.get_by_role("button", name="Log in").click()
    writer.get_by_role("link", name="Ada").wait_for()

    writer.goto(f"/story/{story}/")
    writer.fill("#id_subject", "First on the harbour")
    writer.fill("#id_body", "Posted before the reader came.")
    writer.get_by_role("button", name="Post").click()
    writer.locator("#c1").wait_for()

    reader.goto(f"/story/{story}/?display=nested")
    assert reader.locator("article.comment").count() == 1
    reader.locator("section.comments[data-live-mode=stream]").wait_for()  # the stream is open
    reader.evaluate("window.__samePage = true")
    reading = reader.locator("#c1").bounding_box()["y"]

    writer.locator("#c1").get_by_role("link", name="Reply").click()
    writer.locator("#c1-reply form").wait_for()
    writer.fill("#reply-1-subject", "A reply from the other server")
    writer.fill("#reply-1-body", "Written on port one, read on port two.")
    writer.locator("#c1-reply").get_by_role("button", name="Post").click()
    writer.wait_for_url("**#c2")

    bar = reader.get_by_role("button", name="1 new comment: show them")
    bar.wait_for(timeout=5_000)  # the stream checks the thread every 1.5 seconds
    assert "1 new comment" in reader.locator("#live").inner_text()
    bar.click()
    reply = reader.locator("#c1 ~ ol.replies article#c2, li.comment-item > ol.replies > li > #c2")
    reply.first.wait_for()
    assert "Written on port one, read on port two." in reply.first.inner_text()
    assert "[new]" in reply.first.inner_text()
    assert reader.evaluate("window.__samePage") is True  # put in place, no reload
    assert abs(reader.locator("#c1").bounding_box()["y"] - reading) < 2  # nothing moved
    writer.context.close()
    reader.context.close()


def test_where_the_server_cannot_stream_the_page_polls_and_new_comments_still_arrive(page):
    story = make_story("Polled by the page")
    make_comment(story, subject="Before the reader came")
    page.goto(story.get_absolute_url())
    page.locator("section.comments[data-live-mode=poll]").wait_for()  # the stream said 204
    make_comment(story, subject="While they read")
    page.get_by_role("button", name="1 new comment: show them").click(timeout=5_000)
    assert "While they read" in page.locator("#c2").inner_text()
