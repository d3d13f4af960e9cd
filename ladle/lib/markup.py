"""Turning what people type into HTML that is safe to show.

Everything a reader or editor writes passes through `render_markdown` or `render_plain_text`,
and both end in `sanitize`, an allow-list run by a real HTML parser (nh3), never by regular
expressions. The stored HTML is the sanitized output; it is what templates mark safe.
"""

import html
import re

import nh3
from markdown_it import MarkdownIt

# docs/rules.md (*Writing*): a, b/strong, i/em, p, br, blockquote, ul/ol/li, code/pre,
# dl/dt/dd, cite.
ALLOWED_TAGS = frozenset(
    {
        "a", "b", "strong", "i", "em", "p", "br", "blockquote", "ul", "ol", "li",
        "code", "pre", "dl", "dt", "dd", "cite",
    }
)  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}}
ALLOWED_URL_SCHEMES = frozenset({"http", "https", "mailto"})
LINK_REL = "nofollow ugc noopener"

# Story text written by editors may also use headings, images and tables.
EDITOR_TAGS = ALLOWED_TAGS | {"h2", "h3", "h4", "hr", "img", "table", "thead", "tbody", "tr",
                              "th", "td", "sup", "sub", "del", "s"}  # fmt: skip
EDITOR_ATTRIBUTES = {"a": {"href", "title"}, "img": {"src", "alt", "title"}}

_markdown = MarkdownIt("commonmark", {"html": True, "linkify": False, "typographer": False})


def _own_images_only(tag: str, attribute: str, value: str) -> str | None:
    """Images load from the site itself only (a path such as "/media/x.png"): a reader's
    browser never fetches from a host a writer chose (the Content-Security-Policy agrees)."""
    if tag == "img" and attribute == "src":
        return value if value.startswith("/") and not value.startswith("//") else None
    return value


def sanitize(dirty: str, *, editor: bool = False) -> str:
    """Return `dirty` with everything outside the allow-list removed or escaped."""
    return nh3.clean(
        dirty,
        tags=set(EDITOR_TAGS if editor else ALLOWED_TAGS),
        clean_content_tags={"script", "style"},
        attributes={
            k: set(v) for k, v in (EDITOR_ATTRIBUTES if editor else ALLOWED_ATTRIBUTES).items()
        },
        url_schemes=set(ALLOWED_URL_SCHEMES),
        link_rel=LINK_REL,
        strip_comments=True,
        attribute_filter=_own_images_only,
    )


def render_markdown(source: str, *, editor: bool = False) -> str:
    """CommonMark with raw HTML allowed, then sanitized."""
    return sanitize(_markdown.render(source), editor=editor).strip()


def render_plain_text(source: str) -> str:
    """Plain text: escaped, blank lines make paragraphs, single newlines make line breaks."""
    paragraphs = [p for p in re.split(r"\n\s*\n", source.replace("\r\n", "\n").strip()) if p]
    rendered = "".join("<p>" + html.escape(p).replace("\n", "<br>") + "</p>" for p in paragraphs)
    return sanitize(rendered)


def render(source: str, *, markup: str = "markdown", editor: bool = False) -> str:
    """`source` as safe HTML: Markdown, plain text, or HTML brought from an old site (which
    only needs the sanitizer)."""
    if markup == "plain":
        return render_plain_text(source)
    if markup == "html":
        return sanitize(source, editor=editor).strip()
    return render_markdown(source, editor=editor)


_TAG = re.compile(r"<[^>]*>")
_WORD = re.compile(r"\w+(?:['’-]\w+)*")


def count_words(rendered_html: str) -> int:
    """Words a reader would count in rendered, sanitized HTML."""
    return len(_WORD.findall(html.unescape(_TAG.sub(" ", rendered_html))))


# How much of a text the search index keeps. Whatever a row holds (an imported 1 MB comment),
# matching, ranking and snippets then read at most this much of it, so a search's cost stays
# bounded.
INDEXED_TEXT_MAX = 30_000
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def plain_text(rendered_html: str) -> str:
    """Readable text from sanitized HTML: tags out, entities decoded, control characters out
    (the highlighter uses two of them as markers)."""
    text = html.unescape(nh3.clean(rendered_html.replace("<", " <"), tags=set()))
    return _CONTROL.sub(" ", re.sub(r"\s+", " ", text)).strip()[:INDEXED_TEXT_MAX]
