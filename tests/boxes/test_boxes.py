"""Sidebar boxes are data: operators edit their text, order and visibility."""

import pytest

from ladle.boxes.models import Box
from tests.conftest import client_for, make_member

pytestmark = pytest.mark.django_db


def sidebar(client) -> str:
    page = client.get("/").content.decode()
    return page[page.index("<aside") : page.index("</aside>")]


def test_default_boxes_are_there_on_a_new_site(client):
    html = sidebar(client)
    for title in ("About this site", "Contribute", "Poll", "Recent comments", "Sections"):
        assert title in html


def test_box_text_is_markdown_and_sanitized(client):
    Box.objects.create(
        kind=Box.Kind.TEXT, title="Notice", text="**Welcome** <script>alert(1)</script>", position=0
    )
    html = sidebar(client)
    assert "<strong>Welcome</strong>" in html and "<script>alert" not in html


def test_order_and_visibility_follow_the_operators_settings(client):
    Box.objects.filter(kind=Box.Kind.SECTIONS).update(position=0)
    Box.objects.filter(kind=Box.Kind.TEXT).update(position=10)
    Box.objects.filter(kind=Box.Kind.POLL).update(visible=False)
    html = sidebar(client)
    assert html.index("Sections") < html.index("About this site")
    assert "box-poll" not in html


def test_contribute_box_shows_the_operators_link(client):
    Box.objects.filter(kind=Box.Kind.CONTRIBUTE).update(
        link_url="https://example.org/give", link_text="Support us"
    )
    assert 'href="https://example.org/give">Support us</a>' in sidebar(client)


def test_administrators_edit_boxes_in_the_site_settings():
    admin = make_member("Boss", is_staff=True, is_superuser=True, role="admin")
    client = client_for(admin)
    box = Box.objects.get(kind=Box.Kind.TEXT)
    response = client.post(
        f"/admin/boxes/box/{box.pk}/change/",
        {
            "kind": "text",
            "title": "About us",
            "text": "We *write*.",
            "link_url": "",
            "link_text": "",
            "position": 3,
            "visible": "on",
        },
    )
    assert response.status_code == 302
    box.refresh_from_db()
    assert box.text_html == "<p>We <em>write</em>.</p>"
