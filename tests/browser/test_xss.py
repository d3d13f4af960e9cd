"""Hostile comment bodies render inert in a real browser: no script runs, no dialog opens."""

import pytest

from ladle.comments.services import post_comment
from ladle.stories.models import Story
from tests.conftest import make_comment, make_member, make_story

VECTORS = [
    "<script>alert('xss1')</script>",
    "<SCRIPT SRC=http://127.0.0.1:9/xss.js></SCRIPT>",
    "<img src=x onerror=alert('xss3')>",
    '<img src="x" onerror="alert(\'xss4\')"/>',
    "<svg onload=alert('xss5')>",
    "<svg><script>alert('xss6')</script></svg>",
    "<body onload=alert('xss7')>",
    "<iframe src=\"javascript:alert('xss8')\"></iframe>",
    "<iframe srcdoc=\"<script>alert('xss9')</script>\"></iframe>",
    "<a href=\"javascript:alert('xss10')\">click</a>",
    "<a href=\"JaVaScRiPt:alert('xss11')\">click</a>",
    "<a href=\"&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert('xss12')\">e</a>",
    "<a href=\"jav&#x09;ascript:alert('xss13')\">tab</a>",
    '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">data</a>',
    "[md link](javascript:alert('xss15'))",
    "[md entity](&#106;avascript:alert('xss16'))",
    "![img](javascript:alert('xss17'))",
    '<a href="#" onclick="alert(\'xss18\')">onclick</a>',
    "<b onmouseover=\"alert('xss19')\">hover me</b>",
    "<p style=\"background:url(javascript:alert('xss20'))\">styled</p>",
    "<style>body{background:url(\"javascript:alert('xss21')\")}</style>",
    "<input autofocus onfocus=alert('xss22')>",
    "<details open ontoggle=alert('xss23')>",
    "<object data=\"javascript:alert('xss24')\"></object>",
    "<embed src=\"javascript:alert('xss25')\">",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert('xss26')>",
    "<form action=\"javascript:alert('xss27')\"><button>go</button></form>",
    '<meta http-equiv="refresh" content="0;url=javascript:alert(\'xss28\')">',
    "<<script>script>alert('xss29')<</script>/script>",
    "<scr<script>ipt>alert('xss30')</scr</script>ipt>",
    "<img src=x onerror=&#97;&#108;&#101;&#114;&#116;&#40;&#49;&#41;>",
    "<noscript><p title=\"</noscript><img src=x onerror=alert('xss32')>\">",
    "<a href=\"vbscript:msgbox('xss33')\">vb</a>",
    "`<script>alert('xss34')</script>` and <code><script>alert('xss34b')</script></code>",
    "<blockquote cite=\"javascript:alert('xss35')\" onmouseenter=\"alert('xss35')\">q</blockquote>",
    "<video><source onerror=\"alert('xss36')\"></video>",
    "<base href=\"javascript:alert('xss37')//\">",
    "<link rel=import href=\"data:text/html,<script>alert('xss38')</script>\">",
    "<div><!--<img src=x onerror=alert('xss39')>--></div>",
    "\"><script>alert('xss40')</script>",
]

HOSTILE_SUBJECTS = ["<script>alert('s1')</script>", "\"><img src=x onerror=alert('s2')>"]


@pytest.mark.parametrize("markup", ["markdown", "plain"])
def test_known_xss_vectors_render_inert_in_chromium(page, markup):
    assert len(VECTORS) >= 30
    story = make_story("Hostile thread", body="<script>alert('story')</script>Body.")
    author = make_member()
    for i, vector in enumerate(VECTORS):
        subject = HOSTILE_SUBJECTS[i % len(HOSTILE_SUBJECTS)]
        post_comment(story=story, author=author, subject=subject, body=vector, markup=markup)
    make_comment(story, subject="control", body="A harmless comment.")

    dialogs = watch_for_scripts(page)
    page.goto(Story.objects.get(pk=story.pk).get_absolute_url())
    page.wait_for_load_state("networkidle")

    bodies = page.locator(".comment > div:first-of-type")
    assert bodies.count() == len(VECTORS) + 1
    assert_inert(page, bodies, dialogs)
    assert page.locator("text=A harmless comment.").is_visible()


def watch_for_scripts(page) -> list:
    """Record any dialog, and replace alert() with a recorder, before the page loads."""
    dialogs: list = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.add_init_script("window.__ran = []; window.alert = (m) => window.__ran.push(String(m));")
    return dialogs


def assert_inert(page, bodies, dialogs) -> None:
    """Hover every rendered body and fire the events handlers listen for; then nothing may
    have run, and no dangerous element or attribute may be left in the page's main part."""
    for i in range(bodies.count()):  # hover handlers would fire now if any survived
        if bodies.nth(i).is_visible():
            bodies.nth(i).hover()
    page.evaluate("""() => document.querySelectorAll('main *').forEach(el => {
        for (const type of ['mouseover', 'mouseenter', 'focus', 'toggle', 'load', 'error'])
            el.dispatchEvent(new Event(type));
    })""")
    page.wait_for_timeout(300)
    assert dialogs == []
    assert page.evaluate("window.__ran") == []
    dangerous = page.evaluate("""() => {
        const found = [];
        for (const el of document.querySelectorAll('main *')) {
            const tag = el.tagName.toLowerCase();
            if (['script','iframe','object','embed','svg','math','style','base','meta','link',
                 'form','input','img','video','source','details'].includes(tag)
                && el.closest('.comment > div:first-of-type, .story .body')) found.push(tag);
            for (const attr of el.attributes) {
                const value = attr.value.replace(/\\s/g, '').toLowerCase();
                if (attr.name.startsWith('on')) found.push(tag + '@' + attr.name);
                if (['href','src','action','data','formaction'].includes(attr.name)
                    && /^(javascript|vbscript|data):/.test(value)) found.push(tag + '@' + attr.name);
            }
        }
        return found;
    }""")
    assert dangerous == []
