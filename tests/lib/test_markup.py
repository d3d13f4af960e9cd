from ladle.lib.markup import count_words, render_markdown, render_plain_text, sanitize


def test_markdown_renders_emphasis_lists_and_quotes():
    html = render_markdown("*a* **b**\n\n- one\n- two\n\n> quoted")
    assert "<em>a</em>" in html and "<strong>b</strong>" in html
    assert "<ul>" in html and "<li>one</li>" in html
    assert "<blockquote>" in html


def test_allowed_raw_html_is_kept_and_the_rest_is_dropped():
    html = render_markdown('<cite>Book</cite> <span style="x">s</span> <img src=x onerror=a()>')
    assert "<cite>Book</cite>" in html
    assert "<span" not in html and "<img" not in html and "onerror" not in html


def test_links_get_nofollow_ugc_noopener():
    html = render_markdown("[site](https://example.org)")
    assert 'href="https://example.org"' in html
    assert 'rel="nofollow ugc noopener"' in html


def test_javascript_and_data_urls_never_survive():
    for source in [
        '<a href="javascript:alert(1)">x</a>',
        '<a href="data:text/html,x">x</a>',
        "[x](javascript:alert(1))",
        '<a href="jav&#x09;ascript:alert(1)">x</a>',
    ]:
        html = render_markdown(source)
        assert "href" not in html, source  # the link text may stay; the address may not


def test_script_and_style_content_is_removed_entirely():
    assert "alert" not in sanitize("<script>alert(1)</script><style>p{}</style>ok")


def test_event_attributes_are_stripped():
    assert "onclick" not in sanitize('<b onclick="alert(1)">x</b>')


def test_plain_text_is_escaped_and_keeps_line_breaks():
    html = render_plain_text("a <b>\nline\n\nnext")
    assert html == "<p>a &lt;b&gt;<br>line</p><p>next</p>"


def test_editor_text_may_use_headings_but_not_scripts():
    html = render_markdown("## Heading\n\n<script>x</script>", editor=True)
    assert "<h2>Heading</h2>" in html and "script" not in html


def test_word_count_counts_words_not_markup():
    assert count_words(render_markdown("Hello, *world*! It's [a link](http://x.org).")) == 5


def test_images_load_from_the_site_itself_only():
    html = render_markdown(
        "![ok](/static/ladle/x.png) ![far](https://tracker.example/p.gif) "
        '<img src="//evil.example/a">',
        editor=True,
    )
    assert 'src="/static/ladle/x.png"' in html
    assert "tracker.example" not in html and "evil.example" not in html
