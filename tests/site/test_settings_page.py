"""Site settings an administrator edits in the site: stored in the database, read on every
request (so another worker process sees a change at once), each change logged."""

import re
import threading

import pytest
from django.db import connection
from django.test import Client
from django.utils import timezone

from ladle.accounts.models import User
from ladle.comments.services import rate_comment
from ladle.site.forms import SiteSettingsForm
from ladle.site.models import SettingChange
from tests.conftest import client_for, make_comment, make_editor, make_member, make_story


def make_admin():
    return make_member("Site Admin", role=User.Role.ADMIN)


def current_form() -> dict:
    """The settings form as the page fills it in (with the site's own limits: the tests'
    relaxed ones are beyond what the form accepts)."""
    form = SiteSettingsForm()
    return {name: field.initial for name, field in form.fields.items()}


@pytest.mark.django_db
def test_only_administrators_reach_the_settings_page():
    assert Client().get("/settings/site/").status_code == 302
    assert client_for(make_member()).get("/settings/site/").status_code == 403
    assert client_for(make_editor()).get("/settings/site/").status_code == 403
    assert client_for(make_admin()).get("/settings/site/").status_code == 200


@pytest.mark.django_db
def test_bad_values_are_refused_beside_their_field_with_the_text_kept(site_limits):
    client = client_for(make_admin())
    response = client.post(
        "/settings/site/", {**current_form(), "stories_per_page": "0", "queue_post_at": "lots"}
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert "id_stories_per_page_error" in page and "id_queue_post_at_error" in page
    assert 'value="lots"' in page
    assert not SettingChange.objects.exists()


@pytest.mark.django_db
def test_the_site_name_and_rating_labels_change_at_once_and_are_logged(site_limits):
    admin = make_admin()
    client = client_for(admin)
    labels = "Bury\nAwful\nMeh\nFine\nGood\nSuperb"
    form = {**current_form(), "site_name": "The Harbour Gazette", "rating_labels": labels}
    assert client.post("/settings/site/", form).status_code == 302
    assert "<title>" in (page := Client().get("/").content.decode())
    assert "The Harbour Gazette" in page
    story = make_story()
    comment = make_comment(story)
    rate_page = f"{comment.get_absolute_url()}rate/"
    assert "5: Superb" in client_for(make_member()).get(rate_page).content.decode()
    menus = client_for(make_member(rating_control="menus")).get(story.get_absolute_url())
    assert "5: Superb" in menus.content.decode()
    logged = client.get("/settings/site/").content.decode()
    assert "site_name" in logged and "The Harbour Gazette" in logged and admin.username in logged
    assert set(SettingChange.objects.values_list("name", flat=True)) == {
        "site_name",
        "rating_labels",
    }


@pytest.mark.django_db(transaction=True)
def test_a_changed_hide_threshold_holds_on_the_next_request_in_another_worker(site_limits):
    story = make_story()
    comment = make_comment(story, subject="Middling", body="So-so.")
    rate_comment(comment=comment, rater=make_member(), value=2)  # score 2.0: shown
    assert "So-so." in Client().get(story.get_absolute_url()).content.decode()
    client_for(make_admin()).post("/settings/site/", {**current_form(), "hide_threshold": "2.5"})

    seen = {}

    def another_worker():  # its own database connection, nothing shared in memory
        seen["page"] = Client().get(story.get_absolute_url()).content.decode()
        connection.close()

    worker = threading.Thread(target=another_worker)
    worker.start()
    worker.join()
    assert "So-so." not in seen["page"]
    assert "1 hidden" in seen["page"]


@pytest.mark.django_db
def test_an_archive_age_makes_old_stories_read_only(site_limits):
    from datetime import timedelta

    from ladle.stories.models import Story

    old = make_story("Old news")
    Story.objects.filter(pk=old.pk).update(published_at=timezone.now() - timedelta(days=40))
    fresh = make_story("Fresh news")
    client_for(make_admin()).post("/settings/site/", {**current_form(), "archive_days": 30})
    member = client_for(make_member())
    body = {"subject": "Late", "body": "A late word.", "markup": "markdown"}
    assert (
        'name="body"'
        not in member.get(Story.objects.get(pk=old.pk).get_absolute_url()).content.decode()
    )
    assert member.post(f"/story/{old.pk}/comments/new/", body).status_code == 403
    assert member.post(f"/story/{fresh.pk}/comments/new/", body).status_code == 302


@pytest.mark.django_db
def test_the_hide_rating_can_be_kept_for_staff(site_limits):
    story = make_story()
    comment = make_comment(story)
    trusted = make_member("Trusted One", mojo=4.5, mojo_comment_count=12)
    rate = f"{comment.get_absolute_url()}rate/"
    client_for(make_admin()).post(
        "/settings/site/", {**current_form(), "hide_rating_by": "editors"}
    )
    assert client_for(trusted).post(rate, {"value": 0}).status_code == 403
    editor = make_editor()
    assert client_for(editor).post(rate, {"value": 0}).status_code == 302
    hide = re.compile(r'<option value="?0"?[ >]')
    page = client_for(trusted).get(rate).content.decode()
    assert 'name="value"' in page and not hide.search(page)
    other = make_comment(story)  # the editor's menu, on a comment they have not rated
    assert hide.search(client_for(editor).get(f"{other.get_absolute_url()}rate/").content.decode())


@pytest.mark.django_db
def test_members_the_throttle_suspended_wait_in_the_moderation_queue(site_limits):
    from ladle.accounts.models import User

    member = make_member("Too Fast")
    User.objects.filter(pk=member.pk).update(
        suspended_at=timezone.now(), suspension_reason="posting too fast"
    )
    page = client_for(make_editor()).get("/moderation/queue/").content.decode()
    assert "Too Fast" in page and "/user/Too%20Fast/lift/" in page


@pytest.mark.django_db
def test_the_tagline_shows_under_the_site_name_and_may_be_left_empty(site_limits):
    client = client_for(make_admin())
    form = {**current_form(), "tagline": "Politics, law and the courts"}
    assert client.post("/settings/site/", form).status_code == 302
    assert "Politics, law and the courts" in Client().get("/").content.decode()
    assert client.post("/settings/site/", {**form, "tagline": ""}).status_code == 302
    assert 'class="tagline"' not in Client().get("/").content.decode()
