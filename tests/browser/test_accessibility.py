"""Every reader, every device: the demo site's pages for each kind of reader pass axe-core
(WCAG 2.2 AA) in Chromium and the Nu HTML checker, and none is wider than a 320 or 390 px
phone; comment text 20 levels deep keeps a readable measure.

axe-core and the Nu checker (vnu.jar, run with Java) come from the npm registry: `.ci/run`
installs them into `.ci/node_modules` (`npm ci --prefix .ci`)."""

import json
import os
import shutil
import subprocess
from pathlib import Path
from urllib.parse import quote

import pytest
from django.test import Client
from django.utils import timezone

from ladle.accounts.models import User
from ladle.comments.models import Comment
from ladle.demo import seed_demo
from ladle.polls.models import Poll
from ladle.stories.models import Story

TOOLS = Path(__file__).resolve().parents[2] / ".ci" / "node_modules"
AXE = TOOLS / "axe-core" / "axe.min.js"
VNU = TOOLS / "vnu-jar" / "build" / "dist" / "vnu.jar"
WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
DISPLAYS = ["threaded", "nested", "minimal", "flat", "flat_unthreaded"]
READERS = {"visitor": None, "member": "Bruno", "trusted": "Alice Moreau", "editor": "Margaret"}
# Half the readers are checked in the dark theme (their system's choice), half in the light.
SCHEMES = {"visitor": "light", "member": "dark", "trusted": "light", "editor": "dark"}


def _tool(path: Path) -> Path:
    if not path.exists():
        if os.environ.get("CI"):
            pytest.fail(f"{path} is missing; .ci/run installs it (npm ci --prefix .ci)")
        pytest.skip(f"{path.name} is not installed (npm ci --prefix .ci)")
    return path


@pytest.fixture
def demo(live_server, transactional_db):
    seed_demo()
    return Story.objects.get(title="The City Library Extends Its Evening Hours")


def _pages(story: Story, reader: str | None) -> list[str]:
    """The pages a reader of this kind meets: every kind of page once, the story in every
    display mode, and the forms each may fill."""
    url = story.get_absolute_url()
    deepest = Comment.objects.filter(story=story).order_by("-depth").first()
    now = timezone.localtime()
    poll = Poll.objects.first()
    queued = Story.objects.filter(status=Story.Status.VOTING).first()
    pages = [
        "/",
        "/page/2/",
        *[f"{url}?display={mode}" for mode in DISPLAYS],
        f"{url}?sort=best",
        f"/story/{story.pk}/history/",
        f"/story/{story.pk}/comments/{deepest.number}/",
        f"/story/{story.pk}/comments/{deepest.number}/reply/",
        f"/story/{story.pk}/comments/{deepest.number}/ratings/",
        "/search/?q=library",
        "/search/?q=library&kind=comment",
        "/queue/",
        "/section/news/",
        "/section/diaries/",
        "/topic/books/",
        f"/archive/{now.year}/{now.month}/",
        "/user/Alice%20Moreau/",
        "/user/Alice%20Moreau/diary/",
        "/moderation/",
        "/no/such/page/",
    ]
    if poll:
        pages.append(f"/polls/{poll.pk}/")
    if queued:
        pages.append(f"/queue/{queued.pk}/")
    if reader is None:
        pages += ["/login/", "/signup/", "/password-reset/"]
        return pages
    own = (
        Comment.objects.filter(story=story, author__username=reader, reply_count=0)
        .order_by("-pk")
        .first()
    )
    pages += [
        "/settings/profile/",
        "/settings/password/",
        "/settings/tokens/",
        "/submit/",
        "/inbox/",
        "/hotlist/",
        f"/user/{quote(reader)}/diary/new/",
        f"/story/{story.pk}/comments/{deepest.number}/flag/",
    ]
    if own is not None:
        pages.append(f"/story/{story.pk}/comments/{own.number}/edit/")
    if reader == "Margaret":
        pages += [
            "/editor/story/new/",
            f"/editor/story/{story.pk}/",
            f"/story/{story.pk}/moderate/",
            f"/story/{story.pk}/comments/{deepest.number}/remove/",
            "/moderation/queue/",
            "/polls/new/",
        ]
    return pages


def _signed_in(browser, live_server, name: str | None, scheme: str = "light"):
    # axe is put into the page as a script of the test's own: past the site's CSP.
    context = browser.new_context(base_url=live_server.url, bypass_csp=True, color_scheme=scheme)
    client = Client()
    if name is not None:
        client.force_login(User.objects.get(username=name))
        context.add_cookies(
            [
                {"name": key, "value": morsel.value, "url": live_server.url}
                for key, morsel in client.cookies.items()
            ]
        )
    return context, client


def _axe(page) -> list:
    page.add_script_tag(path=str(AXE))
    return page.evaluate(
        """async (tags) => (await axe.run(document, {runOnly: {type: "tag", values: tags}}))
            .violations.map(v => ({rule: v.id, nodes: v.nodes.slice(0, 3).map(
                n => n.target.join(" ") + ": " + n.failureSummary)}))""",
        WCAG,
    )


def _errors_shown(page) -> None:
    """After the page's own form went out empty: its errors, beside their fields."""
    assert page.locator(".errorlist").count() > 0, page.url


@pytest.mark.parametrize("kind", list(READERS))
def test_every_page_passes_axe_and_the_nu_checker_for_each_reader(
    browser, live_server, demo, kind, tmp_path
):
    _tool(AXE)
    vnu = _tool(VNU)
    if shutil.which("java") is None:
        pytest.fail("java is missing; .ci/run installs it for the Nu HTML checker")
    name = READERS[kind]
    context, client = _signed_in(browser, live_server, name, SCHEMES[kind])
    page = context.new_page()
    page.set_default_timeout(20_000)
    found = {}
    saved = []
    for number, url in enumerate(_pages(demo, name)):
        response = page.goto(url)
        assert response.status == (404 if url == "/no/such/page/" else 200), url
        if violations := _axe(page):
            found[url] = violations
        html = client.get(url, follow=True).content
        (tmp_path / f"{number}.html").write_bytes(html)
        saved.append(url)
    # Forms showing their errors: the story's comment form, and the sign-up or profile form.
    page.goto(demo.get_absolute_url())
    if name is not None:
        # Two inline reply forms open beside the page's own: still no duplicate id.
        replies = page.locator("article.comment").get_by_role("link", name="Reply", exact=True)
        for number in (0, 1):
            replies.nth(number).click()
            page.locator(".reply-slot form").nth(number).wait_for()
        # The page as the browser holds it (before axe's own script goes into it).
        (tmp_path / f"{len(saved)}.html").write_text(page.content())
        saved.append("two reply forms open")
        if violations := _axe(page):
            found["two reply forms open"] = violations
        page.locator(".post-comment").get_by_role("button", name="Post").click()
        _errors_shown(page)
        if violations := _axe(page):
            found["comment form with errors"] = violations
    else:
        page.goto("/signup/")
        page.locator("main form").get_by_role("button").last.click()
        _errors_shown(page)
        if violations := _axe(page):
            found["sign-up form with errors"] = violations
    context.close()
    assert not found, json.dumps(found, indent=1)

    checked = subprocess.run(
        ["java", "-jar", str(vnu), "--errors-only", "--format", "json", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    messages = json.loads(checked.stderr or checked.stdout or '{"messages": []}')["messages"]
    errors = [
        f"{saved[int(Path(m['url']).stem)]}:{m.get('lastLine')}: {m['message']}"
        for m in messages
        if m.get("type") == "error"
    ]
    assert not errors, "\n".join(errors[:40])


@pytest.mark.parametrize("width", [320, 390])
def test_no_page_is_wider_than_a_phone_and_deep_replies_keep_30_characters(
    browser, live_server, demo, width
):
    wide = {}
    for name in (None, "Bruno", "Margaret"):
        context, _ = _signed_in(browser, live_server, name)
        page = context.new_page()
        page.set_viewport_size({"width": width, "height": 800})
        for url in _pages(demo, name):
            page.goto(url)
            scroll = page.evaluate("document.documentElement.scrollWidth")
            if scroll > width:
                wide[f"{name or 'visitor'} {url}"] = scroll
        context.close()
    assert not wide, wide

    context, _ = _signed_in(browser, live_server, "Bruno")
    page = context.new_page()
    page.set_viewport_size({"width": width, "height": 800})
    page.goto(f"{demo.get_absolute_url()}?display=nested")
    at_20 = "ol.thread" + " > li > ol.replies" * 20 + " > li"  # a reply at depth 20
    deepest = page.locator(f"{at_20} > article > div:first-of-type").first
    measure = deepest.evaluate(
        """body => {
            const probe = document.createElement("span");
            probe.textContent = "the quick brown fox jumps over a lazy dog";
            body.appendChild(probe);
            const perCharacter = probe.getBoundingClientRect().width / probe.textContent.length;
            probe.remove();
            return body.clientWidth / perCharacter;
        }"""
    )
    assert measure >= 30, f"{measure:.0f} characters a line at depth 20 on a {width} px screen"
    # Its inline reply form opens at a width a thumb can use, and the page stays as wide.
    page.locator(f"{at_20} > article").first.get_by_role("link", name="Reply", exact=True).click()
    body = page.locator(f"{at_20} .reply-slot textarea").first
    body.wait_for()
    assert body.bounding_box()["width"] >= 200
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    context.close()
