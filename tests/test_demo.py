"""The demo content a fresh site starts with is consistent: every story takes new comments."""

import pytest
from django.db.models import Count, Max, Q

from ladle.demo import seed_demo
from ladle.stories.models import Story
from tests.conftest import make_comment

pytestmark = pytest.mark.django_db


def test_every_demo_story_keeps_counters_equal_to_its_comments():
    seed_demo()
    stories = Story.objects.annotate(
        top=Max("comments__number"),
        shown=Count("comments", filter=~Q(comments__state="deleted")),
    )
    for story in stories:
        assert story.last_comment_number == (story.top or 0), story.title
        assert story.comment_count == story.shown, story.title
    busiest = stories.order_by("-comment_count").first()
    assert make_comment(busiest).number == busiest.last_comment_number + 1


@pytest.mark.django_db
def test_the_demo_comes_out_whole_and_leaves_a_usable_empty_site():
    from io import StringIO

    from django.core.management import call_command

    from ladle.accounts.models import User
    from ladle.search.models import SearchEntry
    from ladle.stories.models import Section, Topic
    from tests.conftest import make_member

    seed_demo()
    admin = make_member("Site Admin", role=User.Role.ADMIN)
    out = StringIO()
    call_command("remove_demo", stdout=out)
    assert "Removed the demo" in out.getvalue()
    assert not Story.objects.exists() and not SearchEntry.objects.exists()
    assert list(User.objects.all()) == [admin]
    assert set(Section.objects.values_list("slug", flat=True)) == {"news", "diaries"}
    assert not Topic.objects.exists()


@pytest.mark.django_db
def test_the_demo_stays_when_members_wrote_in_its_threads():
    from django.core.management import call_command
    from django.core.management.base import CommandError

    from tests.conftest import make_member

    seed_demo()
    story = Story.objects.filter(comment_count__gt=0).first()
    make_comment(story, author=make_member("Real Reader"))
    stories = Story.objects.count()
    with pytest.raises(CommandError, match="1 comment by the site's own members"):
        call_command("remove_demo")
    assert Story.objects.count() == stories
