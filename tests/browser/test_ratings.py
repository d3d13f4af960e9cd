"""Rating and display modes as a member clicks them in Chromium."""

from tests.conftest import PASSWORD, make_comment, make_member, make_story


def log_in(page, name):
    page.goto("/login/")
    page.get_by_label("Name or e-mail").fill(name)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.get_by_role("link", name=name).wait_for()


def test_rate_in_place_keep_after_reload_then_minimal_and_expand(page):
    story = make_story("Rate me")
    top = make_comment(story, subject="Worth a five", body="A fine point.")
    make_comment(story, parent=top, subject="A reply below", body="The reply's own words.")
    make_member("Rater")
    log_in(page, "Rater")
    page.goto(story.get_absolute_url())
    page.evaluate("window.__samePage = true")

    comment = page.locator("article#c1")
    assert "(none / 0)" in comment.locator(".score").inner_text()
    comment.get_by_label("Rate").select_option("5")
    # Each Rate button says which comment it rates ("Rate #1"), not only "Rate".
    comment.get_by_role("button", name="Rate #1", exact=True).click()
    page.locator("article#c1 .score", has_text="(5.00 / 1)").wait_for()
    assert page.evaluate("window.__samePage") is True  # swapped in place, no reload

    page.reload()
    assert "(5.00 / 1)" in page.locator("article#c1 .score").inner_text()
    assert page.locator("article#c1 select[name=value]").input_value() == "5"

    page.get_by_label("Display:").select_option("minimal")
    page.get_by_role("button", name="Set").click()
    header = page.locator("#c2.comment-header")
    header.wait_for()
    assert page.locator("article.comment").count() == 0
    page.evaluate("window.__samePage = true")
    header.get_by_role("link", name="A reply below").click()
    page.locator("article#c2").get_by_text("The reply's own words.").wait_for()
    assert page.evaluate("window.__samePage") is True  # expanded in place
    assert page.locator("#c1.comment-header").count() == 1  # the other header stays a header


def test_collapse_hides_a_subtree_with_javascript(page):
    story = make_story("Collapse")
    top = make_comment(story, subject="Parent comment")
    make_comment(story, parent=top, subject="Child comment")
    page.goto(story.get_absolute_url() + "?display=nested")
    child = page.locator("article#c2")
    assert child.is_visible()
    page.get_by_role("button", name="Hide replies").click()
    assert not child.is_visible()
    page.get_by_role("button", name="Show replies").click()
    assert child.is_visible()
