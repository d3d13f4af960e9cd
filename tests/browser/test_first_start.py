"""A new operator's first hour: `ladle serve --no-demo` on an empty site, log in as the
administrator it printed, write and publish a story in the site's own editor, and see it on
the front page. Once on SQLite (an empty data folder) and once on an empty PostgreSQL
database."""

import contextlib
import re

import pytest

from tests.conftest import scratch_postgres
from tests.test_cli import _start, _stop


@pytest.mark.parametrize("engine", ["sqlite", "postgresql"])
def test_a_new_site_takes_its_first_story_from_the_printed_administrator(browser, tmp_path, engine):
    with contextlib.ExitStack() as stack:
        extra = {}
        if engine == "postgresql":
            extra["LADLE_DATABASE_URL"] = stack.enter_context(scratch_postgres("first_start"))
        _first_story(browser, tmp_path, extra)


def _first_story(browser, tmp_path, extra):
    process, port, lines = _start(tmp_path, "--no-demo", **extra)
    context = browser.new_context(base_url=f"http://127.0.0.1:{port}")
    try:
        output = "".join(lines)
        assert "serving at" in output, output
        name = re.search(r"name:\s+(\S+)", output).group(1)
        password = re.search(r"password:\s+(\S+)", output).group(1)
        page = context.new_page()
        page.set_default_timeout(20_000)
        page.goto("/login/")
        assert page.title() == "Log in · Ladle"  # the site's name, not the host's address
        page.fill("#id_username", name)
        page.fill("#id_password", password)
        page.click("form.account-form button[type=submit]")
        page.goto("/")
        checklist = page.locator(".first-steps")
        assert "Publish the first story." in checklist.inner_text()
        checklist.get_by_role("link", name="Write a story").click()
        # The starter section is there to choose: the editor never meets an empty list.
        assert page.locator("#id_section option", has_text="News").count() == 1
        page.fill("#id_title", "Harbour Opens Its Doors")
        page.select_option("#id_section", label="News")
        page.fill("#id_intro", "The old harbour office is a library now.")
        page.select_option("#id_status", "published")
        page.click("form.story-form button[type=submit]")
        page.goto("/")
        assert page.locator(".story-summary", has_text="Harbour Opens Its Doors").count() == 1
        anonymous = browser.new_context(base_url=f"http://127.0.0.1:{port}").new_page()
        anonymous.goto("/")
        assert "Harbour Opens Its Doors" in anonymous.content()
        assert anonymous.locator(".first-steps").count() == 0  # administrators only
        anonymous.context.close()
    finally:
        context.close()
        assert _stop(process) == 0
