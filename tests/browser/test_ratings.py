"""Rating and display modes as a member clicks them in Chromium."""

from playwright.sync_api import expect

from tests.conftest import PASSWORD, make_comment, make_member, make_story


def log_in(page, name):
    page.goto("/login/")
    page.get_by_label("Name or e-mail").fill(name)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.get_by_role("link", name=name).wait_for()


def read_as_member(page, story, name):
    """A new member, logged in, on the story's page."""
    make_member(name)
    log_in(page, name)
    page.goto(story.get_absolute_url())


def test_the_rate_link_opens_its_form_in_place_rates_and_withdraws(page):
    story = make_story("Rate by link")
    make_comment(story, subject="Worth a four", body="A fair point.")
    read_as_member(page, story, "Link rater")
    page.evaluate("window.__samePage = true")

    comment = page.locator("article#c1")
    score = "article#c1 > a[href$='/ratings/']"
    comment.get_by_role("link", name="Rate", exact=True).click()
    form = comment.locator("form.rate-inline")
    # The menu says which comment it rates; focus is on it.
    menu = form.get_by_label("Rate #1", exact=True)
    expect(menu).to_be_focused()
    menu.select_option("4")
    form.get_by_role("button", name="Rate", exact=True).click()
    page.locator(score, has_text="(4.00 / 1)").wait_for()
    assert page.evaluate("window.__samePage") is True  # swapped in place, no reload
    page.locator("#live", has_text="now scores").wait_for()

    page.reload()
    assert "(4.00 / 1)" in page.locator(score).inner_text()
    comment.get_by_role("link", name="Your rating: 4").click()
    assert form.get_by_label("Rate #1", exact=True).input_value() == "4"
    form.get_by_role("button", name="Withdraw").click()
    page.locator(score, has_text="(none / 0)").wait_for()
    assert comment.get_by_role("link", name="Rate", exact=True).is_visible()

    # Escape closes an open form and gives the link back.
    comment.get_by_role("link", name="Rate", exact=True).click()
    form.wait_for()
    page.keyboard.press("Escape")
    assert form.count() == 0
    expect(comment.get_by_role("link", name="Rate", exact=True)).to_be_focused()


def test_a_rating_form_submitted_the_moment_it_opens_still_rates_in_place(page):
    """htmx takes new content over when it settles, 20 ms after the swap, and the menu gets
    focus before that: a member (or a loaded machine) that submits in between must not leave
    the page."""
    story = make_story("Quick hands")
    make_comment(story, subject="Rate me fast", body="Quick.")
    read_as_member(page, story, "Quick rater")
    page.evaluate("window.__samePage = true")
    # Submits the rating form in the moment its menu gets focus.
    page.evaluate(
        """document.addEventListener("focusin", (event) => {
          const form = event.target.closest("form.rate-inline");
          if (!form || form.dataset.sent) return;
          form.dataset.sent = "1";
          event.target.value = "4";
          form.requestSubmit(form.querySelector("button[type=submit]"));
        });"""
    )
    comment = page.locator("article#c1")
    comment.get_by_role("link", name="Rate", exact=True).click()
    page.locator("article#c1 > a[href$='/ratings/']", has_text="(4.00 / 1)").wait_for()
    assert page.evaluate("window.__samePage") is True


def test_a_rating_refused_in_place_says_why_beside_the_menu(page):
    story = make_story("Refused in place")
    make_comment(story, subject="Rate me empty")
    read_as_member(page, story, "Hasty rater")
    comment = page.locator("article#c1")
    comment.get_by_role("link", name="Rate", exact=True).click()
    comment.locator("form.rate-inline").get_by_role("button", name="Rate", exact=True).click()
    comment.locator("form.rate-inline [role=alert]", has_text="Choose a rating.").wait_for()
    assert "Rate me empty" in comment.inner_text()  # the comment stays; the form says why
    expect(comment.get_by_label("Rate #1", exact=True)).to_be_focused()


def test_the_rate_link_is_a_page_of_its_own_without_javascript(
    browser, live_server, transactional_db
):
    story = make_story("Rate without script")
    make_comment(story, subject="First")
    make_comment(story, subject="Second")
    make_member("Plain rater")
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    page = context.new_page()
    log_in(page, "Plain rater")
    page.goto(story.get_absolute_url())
    page.locator("article#c2").get_by_role("link", name="Rate", exact=True).click()
    page.get_by_role("heading", name="Rate comment #2").wait_for()
    page.get_by_role("button", name="Rate", exact=True).click()  # nothing chosen
    assert page.locator(".errorlist", has_text="Choose a rating.").is_visible()
    page.get_by_label("Your rating").select_option("3")
    page.get_by_role("button", name="Rate", exact=True).click()
    page.wait_for_url(f"**{story.get_absolute_url()}#c2")
    assert "(3.00 / 1)" in page.locator("article#c2").inner_text()
    assert page.locator("article#c2").get_by_role("link", name="Your rating: 3").is_visible()
    context.close()


def test_rate_in_place_keep_after_reload_then_minimal_and_expand(page):
    """For a member who chose rating menus on every comment."""
    story = make_story("Rate me")
    top = make_comment(story, subject="Worth a five", body="A fine point.")
    make_comment(story, parent=top, subject="A reply below", body="The reply's own words.")
    make_member("Rater", rating_control="menus")
    log_in(page, "Rater")
    page.goto(story.get_absolute_url())
    page.evaluate("window.__samePage = true")

    comment = page.locator("article#c1")
    score = "article#c1 > a[href$='/ratings/']"
    assert "(none / 0)" in page.locator(score).inner_text()
    # Each menu and its Rate button say which comment they rate ("Rate #1"), not only "Rate".
    comment.get_by_label("Rate #1", exact=True).select_option("5")
    comment.get_by_role("button", name="Rate #1", exact=True).click()
    page.locator(score, has_text="(5.00 / 1)").wait_for()
    assert page.evaluate("window.__samePage") is True  # swapped in place, no reload

    page.reload()
    assert "(5.00 / 1)" in page.locator(score).inner_text()
    assert page.locator("article#c1 select[name=r1]").input_value() == "5"

    # Withdrawing is a choice of the same menu.
    comment.get_by_label("Rate #1", exact=True).select_option("withdraw")
    comment.get_by_role("button", name="Rate #1", exact=True).click()
    page.locator(score, has_text="(none / 0)").wait_for()

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


def test_rate_all_saves_several_ratings_without_javascript(browser, live_server, transactional_db):
    story = make_story("Rate them all")
    for subject in ("First", "Second", "Third"):
        make_comment(story, subject=subject)
    make_member("No script rater", rating_control="menus")
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    page = context.new_page()
    log_in(page, "No script rater")
    page.goto(story.get_absolute_url() + "?display=nested")
    page.get_by_label("Rate #1", exact=True).select_option("4")
    page.get_by_label("Rate #3", exact=True).select_option("2")
    # The button under the thread (one more sits in the controls above it).
    page.locator("form#rate-all").get_by_role("button", name="Rate all").click()
    page.wait_for_url(f"**{story.get_absolute_url()}*#c1")
    assert "(4.00 / 1)" in page.locator("article#c1").inner_text()
    assert "(none / 0)" in page.locator("article#c2").inner_text()
    assert "(2.00 / 1)" in page.locator("article#c3").inner_text()
    assert page.locator("article#c3 select[name=r3]").input_value() == "2"
    context.close()
