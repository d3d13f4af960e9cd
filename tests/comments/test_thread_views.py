"""The story page's comments as readers see them: modes, sorts, hidden comments, preferences."""

import itertools
import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from ladle.accounts.models import User
from ladle.comments.models import Rating
from ladle.comments.services import rate_comment
from ladle.lib.display import AgeSort, Display, RatingSort
from ladle.site.models import SiteSetting
from tests.comments.test_ratings import make_trusted
from tests.conftest import client_for, make_comment, make_editor, make_member, make_story

pytestmark = pytest.mark.django_db

MODES = [d.value for d in Display]
SORTS = [s.value for s in RatingSort]
AGES = [a.value for a in AgeSort]


def shown_numbers(html: str) -> set[int]:
    return {int(n) for n in re.findall(r'id="c(\d+)"', html)}


@pytest.fixture
def discussion():
    """A story with a rated, nested thread and a hidden comment that has a reply."""
    story = make_story("Discussion")
    members = [make_member() for _ in range(4)]
    editor = make_editor()
    top = make_comment(story, author=members[0], subject="Top")  # 1
    reply = make_comment(story, author=members[1], parent=top, subject="Reply")  # 2
    make_comment(story, author=members[2], parent=reply, subject="Deeper")  # 3
    bad = make_comment(story, author=members[3], subject="Bad")  # 4
    make_comment(story, author=members[0], parent=bad, subject="Under bad")  # 5
    second = make_comment(story, author=members[2], subject="Second")  # 6
    rate_comment(comment=top, rater=members[1], value=5)
    rate_comment(comment=second, rater=members[0], value=2)
    rate_comment(comment=bad, rater=editor, value=0)
    return story, members, editor


def test_every_display_and_sort_shows_the_same_comments(client, discussion):
    story, _, _ = discussion
    for mode, sort, age in itertools.product(MODES, SORTS, AGES):
        page = client.get(story.get_absolute_url(), {"display": mode, "sort": sort, "age": age})
        assert shown_numbers(page.content.decode()) == {1, 2, 3, 6}, (mode, sort, age)


def test_controls_line_counts_comments_topical_and_hidden(client, discussion):
    story, _, _ = discussion
    page = client.get(story.get_absolute_url()).content.decode()
    assert "6 comments (6 topical, 1 hidden)" in page


def test_scores_are_shown_on_comments_and_headers(client, discussion):
    story, _, _ = discussion
    nested = client.get(story.get_absolute_url(), {"display": "nested"}).content.decode()
    assert "(5.00 / 1)" in nested and "(2.00 / 1)" in nested and "(none / 0)" in nested
    minimal = client.get(story.get_absolute_url(), {"display": "minimal"}).content.decode()
    assert "(5.00 / 1)" in minimal and 'class="comment-header' in minimal
    assert 'class="comment ' not in minimal and 'class="comment"' not in minimal


def test_threaded_header_links_to_the_permalink_for_readers_without_javascript(client, discussion):
    story, _, _ = discussion
    page = client.get(story.get_absolute_url()).content.decode()
    assert (
        f'href="/story/{story.pk}/comments/2/" data-hx-get="/story/{story.pk}/comments/2/full/"'
        in page
    )


def test_flat_unthreaded_links_each_reply_to_its_parent(client, discussion):
    story, _, _ = discussion
    page = client.get(story.get_absolute_url(), {"display": "flat_unthreaded"}).content.decode()
    # The parent is on the page: its link is its anchor there.
    assert '<a href="#c1">Replying to ' in page
    assert page.index('id="c1"') < page.index('id="c6"') < page.index('id="c2"')


def test_a_subthread_links_its_root_to_the_parent_outside_it(client, discussion):
    story, _, _ = discussion
    page = client.get(f"/story/{story.pk}/comments/2/").content.decode()
    assert f'<a href="/story/{story.pk}/comments/1/">Replying to ' in page


HIDDEN_CASES = {
    "anonymous": (None, None, False),
    "member": ("member", None, False),
    "author": ("author", None, True),
    "trusted-always": ("trusted", "always", True),
    "trusted-never": ("trusted", "never", False),
    "trusted-until-rated": ("trusted", "until_rated", True),
    "staff": ("staff", None, True),
}


@pytest.mark.parametrize("case", HIDDEN_CASES)
def test_hidden_comment_visibility(discussion, case):
    story, members, _ = discussion
    who, choice, sees = HIDDEN_CASES[case]
    if who is None:
        client = Client()
    else:
        reader = {
            "member": make_member,
            "author": lambda: members[3],
            "trusted": make_trusted,
            "staff": make_editor,
        }[who]()
        if choice:
            reader.hidden_comments = choice
            reader.save()
        client = client_for(reader)
    page = client.get(story.get_absolute_url(), {"display": "nested"}).content.decode()
    assert (4 in shown_numbers(page)) is sees
    # The reply under the hidden comment goes and comes with it.
    assert (5 in shown_numbers(page)) is sees


def test_trusted_until_rated_stops_showing_a_hidden_comment_once_rated(discussion):
    story, _, _ = discussion
    trusted = make_trusted()
    client = client_for(trusted)
    assert 4 in shown_numbers(client.get(story.get_absolute_url()).content.decode())
    client.post(f"/story/{story.pk}/comments/4/rate/", {"value": "0"})
    assert 4 not in shown_numbers(client.get(story.get_absolute_url()).content.decode())


def test_query_count_does_not_grow_with_comments_or_ratings_in_any_mode_or_sort(settings):
    settings.LADLE_LARGE_THREAD = 10_000
    reader = make_trusted()
    client = client_for(reader)
    raters = [make_member() for _ in range(3)]

    def build(n):
        story = make_story(f"{n} comments")
        parent = None
        for i in range(n):
            parent = make_comment(story, author=raters[i % 3], parent=parent if i % 4 else None)
            if i % 2:
                rate_comment(comment=parent, rater=raters[(i + 1) % 3], value=1 + i % 5)
                rate_comment(comment=parent, rater=reader, value=i % 6)
        return story

    def count(story, mode, sort, age):
        with CaptureQueriesContext(connection) as queries:
            response = client.get(
                story.get_absolute_url(), {"display": mode, "sort": sort, "age": age}
            )
        assert response.status_code == 200
        return len(queries)

    small, large = build(1), build(200)
    for mode, sort, age in itertools.product(MODES, SORTS, AGES):
        assert count(small, mode, sort, age) == count(large, mode, sort, age), (mode, sort, age)


def test_member_sets_display_in_profile(discussion):
    story, _, _ = discussion
    member = make_member()
    client = client_for(member)
    response = client.post(
        "/comments/display/",
        {"display": "minimal", "sort": "lowest", "age": "newest", "next": story.get_absolute_url()},
    )
    assert response.status_code == 302 and response["Location"] == story.get_absolute_url()
    member.refresh_from_db()
    assert (member.comment_display, member.comment_rating_sort, member.comment_age_sort) == (
        "minimal",
        "lowest",
        "newest",
    )
    page = client.get(story.get_absolute_url()).content.decode()
    assert '<option value="minimal" selected>' in page
    assert 'class="comment-header' in page and 'class="comment"' not in page


def test_anonymous_display_choice_lives_in_a_cookie_and_parameters_override(discussion):
    story, _, _ = discussion
    client = Client()
    client.post(
        "/comments/display/",
        {"display": "flat", "sort": "ignore", "age": "newest", "next": story.get_absolute_url()},
    )
    assert client.cookies["ladle_comments"].value == "flat:ignore:newest"
    page = client.get(story.get_absolute_url()).content.decode()
    assert '<option value="flat" selected>' in page and '<ol class="replies">' not in page
    once = client.get(story.get_absolute_url(), {"display": "nested"}).content.decode()
    assert '<ol class="replies">' in once
    assert '<option value="flat" selected>' in client.get(story.get_absolute_url()).content.decode()


def test_display_form_never_redirects_off_site():
    response = Client().post(
        "/comments/display/", {"display": "nested", "next": "https://evil.example/"}
    )
    assert response["Location"] == "/"


def test_bad_display_values_fall_back_to_defaults(client, discussion):
    story, _, _ = discussion
    client.cookies["ladle_comments"] = "bogus:<script>:x"
    page = client.get(story.get_absolute_url(), {"display": "nope", "sort": "'"})
    assert page.status_code == 200 and '<option value="threaded" selected>' in page.content.decode()


def test_large_threads_use_the_large_thread_display(discussion, settings):
    story, _, _ = discussion
    settings.LADLE_LARGE_THREAD = 3
    member = make_member()
    member.comment_display, member.large_thread_display = "nested", "minimal"
    member.save()
    client = client_for(member)
    page = client.get(story.get_absolute_url()).content.decode()
    assert "This thread is large" in page and 'class="comment"' not in page
    forced = client.get(story.get_absolute_url(), {"display": "nested"}).content.decode()
    assert "This thread is large" not in forced


def test_rating_by_plain_post_returns_to_the_comment(discussion):
    story, members, _ = discussion
    client = client_for(make_member())
    response = client.post(f"/story/{story.pk}/comments/6/rate/", {"value": "4"})
    assert response.status_code == 302
    assert response["Location"] == f"{story.get_absolute_url()}#c6"
    page = client.get(story.get_absolute_url()).content.decode()
    assert "(3.00 / 2)" in page
    assert f'<a href="/story/{story.pk}/comments/6/rate/">Your rating: 4</a>' in page


def test_rating_with_htmx_returns_the_updated_comment():
    story = make_story()
    make_comment(story)
    client = client_for(make_member())
    response = client.post(
        f"/story/{story.pk}/comments/1/rate/", {"value": "5"}, headers={"HX-Request": "true"}
    )
    html = response.content.decode()
    assert response.status_code == 200 and "<html" not in html
    assert 'id="c1"' in html and "(5.00 / 1)" in html


def test_withdraw_button_takes_the_rating_back():
    story = make_story()
    make_comment(story)
    client = client_for(make_member())
    client.post(f"/story/{story.pk}/comments/1/rate/", {"value": "5"})
    client.post(f"/story/{story.pk}/comments/1/rate/", {"withdraw": "1"})
    assert "(none / 0)" in client.get(story.get_absolute_url()).content.decode()


def test_bad_rating_requests_get_clear_answers():
    story = make_story()
    comment = make_comment(story)
    member = client_for(make_member())
    url = f"/story/{story.pk}/comments/1/rate/"
    assert member.post(url, {"value": "abc"}).status_code == 400
    assert member.post(url, {"value": "9"}).status_code == 400
    assert member.post(url, {"value": "0"}).status_code == 403  # hide needs trust
    assert member.post(url, {"value": ""}).status_code == 400
    assert client_for(comment.author).post(url, {"value": "5"}).status_code == 403
    assert client_for(comment.author).get(url).status_code == 403
    anonymous = Client().post(url, {"value": "5"})
    assert anonymous.status_code == 302 and anonymous["Location"].startswith("/login/")
    assert member.put(url).status_code == 405


def test_a_comment_has_a_rate_link_to_its_rating_page_not_a_menu(discussion):
    story, members, _ = discussion
    reader = make_member()
    client = client_for(reader)
    rate_comment(comment=story.comments.get(number=6), rater=reader, value=4)
    page = client.get(story.get_absolute_url() + "?display=nested").content.decode()
    base = f"/story/{story.pk}/comments/"
    assert f'<a href="{base}1/rate/">Rate</a>' in page
    assert f'<a href="{base}6/rate/">Your rating: 4</a>' in page
    assert '<select name="r1"' not in page and 'id="rate-all"' not in page
    # Flag is on the rating page, not on every comment.
    assert f'href="{base}1/flag/"' not in page

    rating_page = client.get(f"{base}6/rate/")
    html = rating_page.content.decode()
    assert rating_page.status_code == 200
    assert '<option value="4" selected>4: Good</option>' in html
    assert 'name="withdraw"' in html and f'href="{base}6/flag/"' in html
    assert '<option value="0"' not in html  # the hide rating needs trust

    # Opened in place (htmx): the form alone, with its own ids.
    inline = client.get(f"{base}1/rate/", headers={"HX-Request": "true"}).content.decode()
    assert "<html" not in inline and 'class="rate-inline"' in inline
    assert 'id="rate1-value"' in inline and 'name="withdraw"' not in inline


def test_a_refused_rating_shows_the_form_again_with_the_reason_beside_the_choice(discussion):
    story, members, _ = discussion
    reader = make_member()
    client = client_for(reader)
    url = f"/story/{story.pk}/comments/1/rate/"
    response = client.post(url, {"value": "7"})
    html = response.content.decode()
    assert response.status_code == 400
    assert "Choose one of the ratings offered." in html and 'aria-invalid="true"' in html
    assert html.index("Choose one of the ratings offered.") < html.index('name="value"')

    # In place, the refusal replaces the form, not the comment.
    inline = client.post(url, {"value": "", "inline": "1"}, headers={"HX-Request": "true"})
    assert inline.status_code == 200 and inline["HX-Retarget"] == "this"
    assert "Choose a rating." in inline.content.decode()
    assert not Rating.objects.filter(rater=reader).exists()


def test_members_who_chose_menus_get_one_on_every_comment_and_the_rate_all_form(discussion):
    story, members, _ = discussion
    reader = client_for(make_member())
    profile = {"stories_per_page": 8, "default_markup": "markdown", "digest": "never",
               "comment_display": "threaded", "comment_rating_sort": "highest",
               "comment_age_sort": "oldest", "large_thread_display": "threaded",
               "hidden_comments": "until_rated", "time_zone": ""}  # fmt: skip
    form = reader.get("/settings/profile/").content.decode()
    assert "Rate comments with" in form and "As the site has it: a Rate link" in form
    assert (
        reader.post("/settings/profile/", {**profile, "rating_control": "menus"}).status_code == 302
    )
    page = reader.get(story.get_absolute_url()).content.decode()
    assert _has_menus(page, story)
    assert f'href="/story/{story.pk}/comments/1/flag/"' in page


def _has_menus(page: str, story) -> bool:
    """A rating menu on every comment and the page's Rate all form, or else Rate links."""
    menus = '<select name="r1" form="rate-all" aria-label="Rate #1">' in page
    assert menus == ('id="rate-all"' in page)
    assert menus != (f'/story/{story.pk}/comments/1/rate/">Rate</a>' in page)
    return menus


def test_the_site_chooses_menus_or_links_for_members_who_have_not_chosen(discussion):
    story, members, _ = discussion
    undecided, linker, menu_member = make_member(), make_member(), make_member()
    linker.rating_control = "link"
    menu_member.rating_control = "menus"
    User.objects.bulk_update([linker, menu_member], ["rating_control"])
    pages = {}
    for site in ("link", "menus", "link"):
        SiteSetting.objects.update_or_create(name="rating_control", defaults={"value": site})
        for member in (undecided, linker, menu_member):
            page = client_for(member).get(story.get_absolute_url()).content.decode()
            pages[site, member.pk] = _has_menus(page, story)
    assert pages == {
        ("link", undecided.pk): False, ("menus", undecided.pk): True,
        ("link", linker.pk): False, ("menus", linker.pk): False,
        ("link", menu_member.pk): True, ("menus", menu_member.pk): True,
    }  # fmt: skip
    # Visitors rate nothing: neither.
    visitor = Client().get(story.get_absolute_url()).content.decode()
    assert "rate-all" not in visitor and '/rate/">Rate</a>' not in visitor


def test_rate_all_saves_each_chosen_rating_and_leaves_unchanged_menus_alone(discussion):
    story, members, _ = discussion
    reader = make_member(rating_control="menus")
    client = client_for(reader)
    rate_comment(comment=story.comments.get(number=6), rater=reader, value=4)
    before = Rating.objects.get(comment__number=6, rater=reader)
    url = f"/story/{story.pk}/comments/rate/"
    # As a page sends it: every menu, most left empty, the rated one at its rating.
    sent = {"r1": "5", "r2": "", "r3": "3", "r6": "4", "next": story.get_absolute_url()}
    response = client.post(url, sent)
    assert response.status_code == 302
    assert response["Location"] == f"{story.get_absolute_url()}#c1"
    mine = dict(Rating.objects.filter(rater=reader).values_list("comment__number", "value"))
    assert mine == {1: 5, 3: 3, 6: 4}
    assert Rating.objects.get(pk=before.pk).updated_at == before.updated_at  # not written again
    page = client.get(story.get_absolute_url() + "?display=nested").content.decode()
    assert '<select name="r1" form="rate-all" aria-label="Rate #1">' in page
    assert "<option value=5 selected>" in page and "(5.00 / 2)" in page

    assert client.post(url, {"r6": "withdraw", "r1": "5"}).status_code == 302
    assert not Rating.objects.filter(rater=reader, comment__number=6).exists()
    assert Rating.objects.filter(rater=reader, comment__number=1, value=5).exists()


def test_rate_all_lists_what_it_refused_and_keeps_the_rest(discussion):
    story, members, _ = discussion
    client = client_for(members[0])  # wrote #1; #4 is hidden from them
    response = client.post(
        f"/story/{story.pk}/comments/rate/",
        {"r1": "5", "r2": "abc", "r3": "4", "r4": "3", "r99": "2", "r6": "9"},
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert "5 of your ratings were not saved" in page
    for number in (1, 2, 4, 6, 99):
        assert f'#c{number}">#{number}</a>: ' in page
    assert "not in the thread" in page and "Choose one of the ratings offered" in page
    # #3 saved; #6 keeps the rating it had before the refused 9.
    saved = set(Rating.objects.filter(rater=members[0]).values_list("comment__number", "value"))
    assert saved == {(3, 4), (6, 2)}


def test_rate_all_refusals_by_the_rules_answer_403_and_anonymous_goes_to_log_in(discussion):
    story, members, _ = discussion
    url = f"/story/{story.pk}/comments/rate/"
    assert client_for(members[0]).post(url, {"r1": "5"}).status_code == 403  # their own
    assert client_for(make_member()).post(url, {"r2": "0"}).status_code == 403  # hide: trust
    anonymous = Client().post(url, {"r1": "5"})
    assert anonymous.status_code == 302 and anonymous["Location"].startswith("/login/")
    assert client_for(make_member()).get(url).status_code == 405
    many = {f"r{n}": "3" for n in range(1, 2003)}
    assert client_for(make_member()).post(url, many).status_code == 400
    outside = client_for(make_member()).post(url, {"r2": "3", "next": "https://evil.example/"})
    assert outside["Location"] == f"{story.get_absolute_url()}#c2"
    assert not Rating.objects.filter(value=3, comment__number=1).exists()


def test_who_rated_page_shows_hide_ratings_only_as_a_count_to_non_trusted(discussion):
    story, members, editor = discussion
    rate_comment(comment=story.comments.get(number=6), rater=editor, value=0)
    url = f"/story/{story.pk}/comments/6/ratings/"
    page = Client().get(url).content.decode()
    assert members[0].username in page and editor.username not in page
    assert "1 hide rating." in page
    staff_page = client_for(make_editor()).get(url).content.decode()
    assert editor.username in staff_page


def test_member_page_shows_mojo_and_trust(client):
    trusted = make_trusted("Trusty")
    page = client.get(trusted.get_absolute_url()).content.decode()
    assert "5.00 over 10 rated comments" in page and "Trusted" in page
