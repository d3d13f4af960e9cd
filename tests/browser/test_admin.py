"""The Django admin works under the site's Content-Security-Policy (the page fixture fails on
any violation), and a story saved there goes through the site's own service."""

from ladle.stories.models import Story, StoryVersion
from tests.browser.test_ratings import log_in
from tests.conftest import make_editor, make_story


def test_an_administrator_edits_a_story_in_the_admin(page):
    admin = make_editor("Chief")
    admin.is_staff = admin.is_superuser = True
    admin.save(update_fields=["is_staff", "is_superuser"])
    log_in(page, "Chief")
    story = make_story("Before the admin", editor=admin)
    page.goto(f"/admin/stories/story/{story.pk}/change/")
    page.get_by_label("Title:").fill("After the admin")
    page.get_by_role("button", name="Save", exact=True).click()
    page.get_by_text("was changed successfully").wait_for()
    assert Story.objects.get(pk=story.pk).title == "After the admin"
    assert StoryVersion.objects.get(story=story).title == "Before the admin"
