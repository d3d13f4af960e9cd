"""The post throttle (docs/rules.md, *Abuse control*): the 5th comment within 10 minutes (3rd
story or diary entry) is refused and locks posting for 2 minutes; each try during a lock
doubles it; a lock that would reach 300 minutes suspends posting and alerts moderators. The
same holds on the forms and the API, under concurrency, and staff are exempt."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.test import Client

from ladle.accounts.models import User
from ladle.api.services import create_token
from ladle.comments.models import Comment
from ladle.lib.throttle import ThrottleRules, judge
from ladle.notifications.models import Notification
from ladle.stories.models import Story
from tests.conftest import client_for, make_comment, make_editor, make_member, make_story

# Later than any story the tests make now, so their stories are published by then.
NOW = datetime.now(UTC).replace(microsecond=0) + timedelta(days=1)


def minutes(n: float) -> timedelta:
    return timedelta(minutes=n)


@pytest.mark.parametrize(
    ("recent", "locked_until", "lock_minutes", "allowed", "new_lock", "suspend"),
    [
        ([], None, 0, True, 0, False),
        ([NOW - minutes(m) for m in (1, 2, 3)], None, 0, True, 0, False),  # the 4th
        ([NOW - minutes(m) for m in (1, 2, 3, 4)], None, 0, False, 2, False),  # the 5th
        ([NOW - minutes(m) for m in (1, 2, 3, 11)], None, 0, True, 0, False),  # one aged out
        ([], NOW + minutes(1), 2, False, 4, False),  # a try during a lock doubles it
        ([], NOW + minutes(100), 128, False, 256, False),
        ([], NOW + minutes(100), 256, False, 512, True),  # would reach 300: suspended
        ([], NOW - minutes(1), 256, True, 0, False),  # a lock that ran out is forgotten
    ],
)  # fmt: skip
def test_the_throttle_rule(recent, locked_until, lock_minutes, allowed, new_lock, suspend):
    verdict = judge(
        recent=recent, limit=4, locked_until=locked_until, lock_minutes=lock_minutes, now=NOW
    )
    assert (verdict.allowed, verdict.lock_minutes, verdict.suspend) == (allowed, new_lock, suspend)
    if not allowed and not suspend:
        assert verdict.locked_until == NOW + minutes(new_lock)


def test_the_site_throttle_is_the_documented_one(site_limits):
    assert ThrottleRules(**site_limits.LADLE_THROTTLE) == ThrottleRules()


def post_form(client, story, body="My words, kept."):
    return client.post(
        f"/story/{story.pk}/comments/new/",
        {"subject": "Hello", "body": body, "markup": "markdown"},
    )


@pytest.mark.django_db
def test_the_fifth_comment_in_ten_minutes_is_refused_with_the_text_kept(site_limits):
    story = make_story()
    member = make_member()
    client = client_for(member)
    with time_machine.travel(NOW, tick=False) as clock:
        for _ in range(4):
            assert post_form(client, story).status_code == 302
        refused = post_form(client, story, body="The fifth, which must not be lost.")
        assert refused.status_code == 400  # the form again, as for any refused input
        page = refused.content.decode()
        assert "You are posting too fast" in page and "in 2 minutes" in page
        assert "The fifth, which must not be lost." in page
        assert Comment.objects.filter(author=member).count() == 4
        clock.shift(minutes(1))  # still locked: the wait doubles
        assert "in 4 minutes" in post_form(client, story).content.decode()
        clock.shift(minutes(5))  # the lock ran out, but four comments are still in the window
        assert "in 2 minutes" in post_form(client, story).content.decode()
        clock.shift(minutes(11))  # the window moved on: posting works again
        assert post_form(client, story).status_code == 302


@pytest.mark.django_db
def test_trying_through_a_lock_ends_in_suspension_and_an_alert(site_limits):
    story = make_story()
    member = make_member()
    editor = make_editor()
    client = client_for(member)
    with time_machine.travel(NOW, tick=False) as clock:
        for _ in range(5):
            post_form(client, story)
        waits = []
        for _ in range(8):
            clock.shift(timedelta(seconds=30))
            page = post_form(client, story).content.decode()
            waits.append(page)
        assert "in 256 minutes" in waits[6]
        assert "suspended until a moderator lifts it" in waits[7]
    member.refresh_from_db()
    assert member.is_suspended()
    alert = Notification.objects.get(member=editor)
    assert member.username in alert.text
    # Suspended: no posting, rating or voting, and the member is told why.
    other = make_comment(story)
    refused = client.post(f"/story/{story.pk}/comments/{other.number}/rate/", {"value": 4})
    assert refused.status_code == 403 and "suspended" in refused.content.decode()
    assert not other.ratings.exists()
    answer = post_form(client, story)
    assert answer.status_code == 403 and "suspended" in answer.content.decode()


@pytest.mark.django_db
def test_the_api_counts_the_same_and_answers_429_with_retry_after(site_limits):
    story = make_story()
    member = make_member()
    _, key = create_token(member=member, name="tests")
    with time_machine.travel(NOW, tick=False):
        for _ in range(2):
            assert post_form(client_for(member), story).status_code == 302
        codes = []
        for _ in range(3):
            response = Client().post(
                f"/api/stories/{story.pk}/comments",
                {"subject": "Via the API", "body": "Hello."},
                content_type="application/json",
                headers={"Authorization": f"Bearer {key}"},
            )
            codes.append(response.status_code)
        assert codes == [201, 201, 429]
        assert response["Retry-After"] == "120"
        assert "posting too fast" in response.json()["detail"]


@pytest.mark.django_db
def test_the_third_story_or_diary_entry_is_refused(site_limits):
    member = make_member()
    client = client_for(member)
    with time_machine.travel(NOW, tick=False):
        for n in range(2):
            response = client.post(
                f"/user/{member.username}/diary/new/", {"title": f"Day {n}", "intro": "Notes."}
            )
            assert response.status_code == 302
        refused = client.post(
            f"/user/{member.username}/diary/new/", {"title": "Day 3", "intro": "Kept text."}
        )
        assert refused.status_code == 400
        assert "posting too fast" in refused.content.decode()
        assert "Kept text." in refused.content.decode()
    assert Story.objects.filter(author=member).count() == 2


@pytest.mark.django_db
def test_staff_are_not_throttled(site_limits):
    story = make_story()
    editor = make_editor()
    for _ in range(10):
        make_comment(story, author=editor)
    assert Comment.objects.filter(author=editor).count() == 10


@pytest.mark.django_db(transaction=True)
def test_ten_concurrent_comments_by_one_member_cannot_slip_past_the_limit(site_limits):
    from ladle.accounts.throttle import Throttled
    from ladle.comments.services import post_comment
    from tests.conftest import run_at_once

    story = make_story()
    member = make_member()

    def post():
        try:
            post_comment(story=story, author=User.objects.get(pk=member.pk), subject="s", body="b")
            return "posted"
        except Throttled:
            return "refused"

    results = run_at_once([post] * 10)
    assert sorted(results) == ["posted"] * 4 + ["refused"] * 6
    assert Comment.objects.filter(author=member).count() == 4
