"""Per-section permissions (docs/rules.md, *Sections*): for each role and each kind of section,
every page and form allows or refuses as configured, through HTTP."""

import pytest
from django.test import Client

from ladle.comments.models import Comment
from ladle.stories.models import Section, Story
from tests.conftest import (
    client_for,
    make_comment,
    make_editor,
    make_member,
    make_section,
    make_story,
)

pytestmark = pytest.mark.django_db

KINDS = {
    # name: (read_stories, read_comments, post_stories, post_comments)
    "open": ("everyone", "everyone", "members", "members"),
    "members": ("members", "members", "members", "members"),
    "staff_comments": ("everyone", "everyone", "members", "editors"),
    "archive": ("everyone", "everyone", "nobody", "nobody"),
    "editors": ("editors", "editors", "editors", "editors"),
}
# role -> kind -> (reads the story, reads its comments, may comment, may submit a story)
EXPECTED = {
    "anonymous": {
        "open": (True, True, False, False), "members": (False, False, False, False),
        "staff_comments": (True, True, False, False), "archive": (True, True, False, False),
        "editors": (False, False, False, False),
    },
    "member": {
        "open": (True, True, True, True), "members": (True, True, True, True),
        "staff_comments": (True, True, False, True), "archive": (True, True, False, False),
        "editors": (False, False, False, False),
    },
    "editor": {
        "open": (True, True, True, True), "members": (True, True, True, True),
        "staff_comments": (True, True, True, True), "archive": (True, True, False, False),
        "editors": (True, True, True, False),
    },
}  # fmt: skip
# The queue takes stories only for sections whose stories members post; editors write the
# others with the editors' story form.


def test_each_role_reads_and_posts_in_each_kind_of_section_as_configured():
    editor_author = make_editor("Section Ed")
    sections, stories = {}, {}
    for kind, (read_s, read_c, post_s, post_c) in KINDS.items():
        section = make_section(f"Kind {kind}")
        story = make_story(f"Story in {kind}", section=section, editor=editor_author)
        make_comment(story, author=editor_author, subject=f"note {kind}", body=f"Body of {kind}.")
        Section.objects.filter(pk=section.pk).update(  # the rules come after the first comment
            read_stories=read_s, read_comments=read_c, post_stories=post_s, post_comments=post_c
        )
        sections[kind] = Section.objects.get(pk=section.pk)
        stories[kind] = story
    clients = {"anonymous": Client(), "member": client_for(make_member("Reader")),
               "editor": client_for(make_editor("Other Ed"))}  # fmt: skip
    for role, client in clients.items():
        for kind, story in stories.items():
            reads, reads_comments, may_comment, may_submit = EXPECTED[role][kind]
            page = client.get(story.get_absolute_url())
            assert (page.status_code == 200) == reads, (role, kind)
            assert (f"Body of {kind}." in page.content.decode()) == reads_comments, (role, kind)
            before = Comment.objects.filter(story=story).count()
            client.post(
                f"/story/{story.pk}/comments/new/",
                {"subject": "Hi", "body": "A comment.", "markup": "markdown"},
            )
            posted = Comment.objects.filter(story=story).count() > before
            assert posted == may_comment, (role, kind, "comment")
            before = Story.objects.count()
            client.post(
                "/submit/",
                {"title": f"Sub {role} {kind}", "section": sections[kind].pk, "intro": "I."},
            )
            submitted = Story.objects.filter(title=f"Sub {role} {kind}").exists()
            assert submitted == may_submit, (role, kind, "submit")


def test_a_read_only_section_shows_no_comment_form_and_the_api_refuses():
    archive = make_section("Old Archive")
    Section.objects.filter(pk=archive.pk).update(post_comments="nobody", post_stories="nobody")
    story = make_story("Archived", section=archive)
    member = make_member()
    page = client_for(member).get(story.get_absolute_url()).content.decode()
    assert "Post a comment" not in page
    from ladle.api.services import create_token

    _, key = create_token(member=member, name="t")
    response = Client().post(
        f"/api/stories/{story.pk}/comments",
        {"subject": "Hi", "body": "Late."},
        content_type="application/json",
        headers={"Authorization": f"Bearer {key}"},
    )
    assert response.status_code == 403
