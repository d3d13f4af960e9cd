"""The administrator's first steps on a new site, shown on the front page until done."""

from dataclasses import dataclass

from django.conf import settings
from django.urls import reverse

from ladle.site.models import SettingChange
from ladle.site.services import may_change_settings
from ladle.site.values import value

from ..models import Section, Story


@dataclass
class Step:
    text: str
    link: str
    link_text: str
    done: bool


def first_steps(user) -> list[Step] | None:
    """The checklist for an administrator while any step is open (None otherwise)."""
    if not may_change_settings(user):
        return None
    steps = [
        Step("Give the site its name and tagline.", reverse("site_settings"), "Site settings",
             value("site_name") != "Ladle"),
        Step("Check the sections: News (on the front page) and Diaries were made for you.",
             reverse("admin:stories_section_changelist"), "Sections",
             Section.objects.count() > 2 or Story.objects.published().exists()),
        Step("Connect a mail server, so new members get their confirmation link "
             "(LADLE_EMAIL_HOST and friends in the site's ladle.env; see docs/deploy.md).",
             "", "", bool(settings.EMAIL_HOST)),
        Step("Review the rules: ratings, hiding, the queue, abuse limits.",
             reverse("site_settings"), "Site settings", SettingChange.objects.exists()),
        Step("Publish the first story.", reverse("stories:new_story"), "Write a story",
             Story.objects.published().exists()),
    ]  # fmt: skip
    return None if all(step.done for step in steps) else steps
