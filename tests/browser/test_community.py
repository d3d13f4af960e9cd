"""Diaries and the queue, clicked through in Chromium."""

from tests.browser.test_ratings import log_in
from tests.conftest import make_member, make_section


def log_out(page):
    page.get_by_role("button", name="Log out").click()


def test_member_writes_a_diary_entry_seen_in_the_diary_not_the_front_page(page):
    make_member("Diarist")
    log_in(page, "Diarist")
    page.goto("/user/Diarist/diary/")
    page.get_by_role("link", name="Write a diary entry").click()
    page.get_by_label("Title").fill("Evening by the river")
    page.get_by_label("Intro").fill("The swans were out in force.")
    page.get_by_role("button", name="Preview").click()
    assert page.locator(".preview").get_by_text("The swans were out in force.").count() == 1
    page.get_by_role("button", name="Publish").click()
    page.get_by_role("heading", name="Evening by the river").wait_for()
    page.goto("/user/Diarist/diary/")
    assert page.locator("main").get_by_role("link", name="Evening by the river").count() == 1
    page.goto("/")
    assert page.locator("main").get_by_text("Evening by the river").count() == 0


def test_submitted_story_is_voted_onto_the_front_page(page):
    make_section("News")
    make_member("Submitter")
    voters = [make_member(f"Voter {i}") for i in range(4)]
    log_in(page, "Submitter")
    page.goto("/submit/")
    page.get_by_label("Title").fill("Community scoop")
    page.get_by_label("Section", exact=True).select_option(label="News")
    page.get_by_label("Intro").fill("Something worth the front page.")
    page.get_by_role("button", name="Submit").click()
    page.get_by_role("heading", name="In the voting queue").wait_for()
    queue_url = page.url
    log_out(page)

    for voter in voters:
        log_in(page, voter.username)
        page.goto(queue_url)
        page.get_by_label("+1 Front page").check()
        page.get_by_role("button", name="Vote").click()
        page.wait_for_load_state()
        log_out(page)

    page.goto("/")
    page.locator("main").get_by_role("link", name="Community scoop").wait_for()
