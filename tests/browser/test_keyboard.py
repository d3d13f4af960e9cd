"""A member with only a keyboard: moves through the comments with j/k, rates one (the live
region says the new score and focus stays on the rating), opens a reply form with r (focus
in its first field), writes and posts, and lands on the new comment."""

from playwright.sync_api import expect

from tests.browser.test_ratings import read_as_member
from tests.conftest import make_comment, make_story


def _tab_to(page, selector: str, limit: int = 30) -> None:
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("(s) => document.activeElement.matches(s)", selector):
            return
    raise AssertionError(f"Tab never reached {selector}")


def test_keyboard_only_rate_reply_post_and_land_on_the_new_comment(page):
    story = make_story("Keys only")
    first = make_comment(story, subject="First thoughts", body="One.")
    make_comment(story, subject="Second thoughts", body="Two.")
    read_as_member(page, story, "Keyboard Kim")

    page.keyboard.press("j")
    assert page.evaluate("document.activeElement.id") == first.anchor
    page.locator("#live", has_text="Comment 1 of 2").wait_for()
    page.keyboard.press("j")
    page.keyboard.press("k")  # back to the first
    assert page.evaluate("document.activeElement.id") == first.anchor

    _tab_to(page, f"#{first.anchor} a[href$='/rate/']")
    page.keyboard.press("Enter")  # the rating form opens in place, focus on its menu
    expect(page.get_by_label(f"Rate #{first.number}", exact=True)).to_be_focused()
    page.keyboard.press("End")  # the highest rating: a choice, nothing saved yet
    _tab_to(page, f"#{first.anchor} form.rate-inline button")
    page.keyboard.press("Enter")
    page.locator("#live", has_text="now scores").wait_for()
    assert "First thoughts" in page.locator("#live").inner_text()
    # Back on the comment's rating, which now says what the member gave.
    expect(page.get_by_role("link", name="Your rating: 5")).to_be_focused()

    page.keyboard.press("Escape")
    page.evaluate("document.activeElement.blur()")
    page.keyboard.press("j")
    page.keyboard.press("r")
    page.locator(f"#{first.anchor}-reply form").wait_for()
    page.wait_for_function(f"document.activeElement.id.startsWith('reply-{first.number}-')")
    # The reply form's fields have ids of their own: the page's own form keeps its labels.
    assert page.locator("#id_subject").count() == 1
    page.keyboard.type("Agreed")
    _tab_to(page, f"#reply-{first.number}-body")
    page.keyboard.type("A reply written without a mouse.")
    _tab_to(page, f"#{first.anchor}-reply button[name=post]")
    page.keyboard.press("Enter")
    page.wait_for_url("**#c3")
    page.wait_for_function("document.activeElement.id === 'c3'")
    assert "Agreed" in page.locator("#c3").inner_text()  # a reply: its one-line header


def test_question_mark_lists_the_keys_and_keys_never_fire_in_a_text_field(page):
    story = make_story("Keys help")
    make_comment(story, subject="Only one")
    read_as_member(page, story, "Typist")
    page.locator("#id_body").click()
    page.keyboard.type("just typing j and k")
    assert page.locator("#id_body").input_value() == "just typing j and k"
    assert page.evaluate("document.activeElement.id") == "id_body"
    page.evaluate("document.activeElement.blur()")
    page.keyboard.press("?")
    help_dialog = page.get_by_role("dialog", name="Keys for comments")
    help_dialog.wait_for()
    assert "next [new] comment" in help_dialog.inner_text()
    page.keyboard.press("Escape")
    assert not help_dialog.is_visible()
