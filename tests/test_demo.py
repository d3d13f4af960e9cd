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
