"""Members fix their own writing: a preview before a diary entry or a submission goes out,
and diary authors edit their entries with the old text kept in the history."""

import pytest
from django.test import Client

from ladle.stories.models import Story, StoryVersion
from ladle.stories.services import write_diary_entry
from tests.conftest import client_for, make_member, make_section

ENTRY = {"title": "Rain on the pier", "intro": "It rained *all* day.", "body": "Then it stopped."}


@pytest.mark.django_db
def test_a_diary_preview_shows_the_text_as_published_and_saves_nothing():
    member = make_member("Writer")
    client = client_for(member)
    page = client.post("/user/Writer/diary/new/", {**ENTRY, "preview": "1"})
    html = page.content.decode()
    assert page.status_code == 200
    assert "<em>all</em>" in html  # rendered, as readers will see it
    assert 'value="Rain on the pier"' in html  # the form keeps the text
    assert not Story.objects.exists()
    published = client.post("/user/Writer/diary/new/", {**ENTRY, "save": "1"})
    assert published.status_code == 302 and Story.objects.get().title == "Rain on the pier"


@pytest.mark.django_db
def test_a_preview_with_a_missing_intro_says_so_beside_the_field():
    member = make_member("Writer")
    page = client_for(member).post(
        "/user/Writer/diary/new/", {**ENTRY, "intro": "", "preview": "1"}
    )
    assert page.status_code == 400 and "id_intro_error" in page.content.decode()


@pytest.mark.django_db
def test_a_submission_has_a_preview_and_quotes_the_sites_queue_thresholds(settings):
    settings.LADLE_QUEUE_POST_AT, settings.LADLE_QUEUE_HIDE_AT = "6", "-3"
    settings.LADLE_EDIT_QUEUE_HOURS, settings.LADLE_LARGE_THREAD = 5, 500
    section = make_section("News")
    client = client_for(make_member("Writer"))
    form = client.get("/submit/").content.decode()
    assert "+6" in form and "−3" in form and "up to 5 hours" in form
    assert "more than 500 comments" in client.get("/settings/profile/").content.decode()
    page = client.post("/submit/", {**ENTRY, "section": section.pk, "preview": "1"})
    assert "<em>all</em>" in page.content.decode() and not Story.objects.exists()


@pytest.mark.django_db
def test_diary_authors_edit_their_entries_and_the_history_keeps_the_old_text():
    member = make_member("Writer")
    entry = write_diary_entry(author=member, **ENTRY)
    client = client_for(member)
    page = client.get(entry.get_absolute_url()).content.decode()
    edit_url = f"/user/Writer/diary/{entry.pk}/edit/"
    assert edit_url in page
    form = client.get(edit_url).content.decode()
    assert "Rain on the pier" in form
    saved = client.post(edit_url, {**ENTRY, "intro": "It rained until noon.", "save": "1"})
    assert saved.status_code == 302
    entry.refresh_from_db()
    assert entry.intro == "It rained until noon."
    assert StoryVersion.objects.get(story=entry).intro == "It rained *all* day."
    assert "It rained" in client.get(f"/story/{entry.pk}/history/").content.decode()
    # Nobody else edits it, not even by naming the author's diary.
    other = client_for(make_member("Other"))
    assert other.get(edit_url).status_code == 403
    assert other.post(edit_url, {**ENTRY, "save": "1"}).status_code == 403
    assert Client().get(edit_url).status_code == 302  # log in first
