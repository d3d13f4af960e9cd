"""A member flags a comment; a moderator finds it in the queue and removes it; the public log
shows it: as people would click it, in Chromium."""

from tests.browser.test_ratings import log_in
from tests.conftest import make_comment, make_editor, make_member, make_story


def test_a_flag_is_resolved_by_removing_the_comment_and_the_log_shows_it(page):
    story = make_story("Flag me")
    comment = make_comment(story, subject="Buy pills", body="Cheap pills here.")
    make_member("Careful Reader")
    make_editor("Night Shift")

    log_in(page, "Careful Reader")
    page.goto(story.get_absolute_url())
    # Flag sits with the rating: the Rate link opens both in place.
    page.locator(f"#{comment.anchor}").get_by_role("link", name="Rate", exact=True).click()
    page.locator(f"#{comment.anchor} form.rate-inline").get_by_role("link", name="Flag").click()
    page.get_by_label("What is wrong?").fill("Spam for pills")
    page.get_by_role("button", name="Flag").click()
    page.wait_for_url(f"**{story.get_absolute_url()}*")
    page.get_by_role("button", name="Log out").click()

    log_in(page, "Night Shift")
    page.get_by_role("link", name="Flags").click()
    assert page.get_by_text("Spam for pills").is_visible()
    page.get_by_role("link", name="Remove the comment").click()
    page.get_by_label("Reason").fill("Spam, removed on a reader's flag")
    page.get_by_role("button", name="Remove").click()
    page.wait_for_url(f"**{story.get_absolute_url()}*")
    assert page.locator(f"#{comment.anchor}").get_by_text("(Comment removed)").is_visible()

    page.get_by_role("link", name="Flags").click()
    assert page.get_by_text("Nothing is flagged.").is_visible()
    page.goto("/moderation/")
    row = page.locator("tr", has_text="Spam, removed on a reader's flag")
    assert row.get_by_text("Night Shift").is_visible()
    assert "removed" in row.inner_text()
