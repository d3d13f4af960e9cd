"""Which display and sort a reader gets: request parameters, then profile or cookie, then defaults.

Members keep their choice in their profile; anonymous readers in a cookie. A request parameter
(`?display=minimal`, `&sort=lowest`, `&age=newest`) overrides either for one view.
"""

from dataclasses import dataclass

from ladle.lib.display import AgeSort, Display, RatingSort, ViewOptions

COOKIE = "ladle_comments"
COOKIE_MAX_AGE = 60 * 60 * 24 * 365


def _choice(enum, value, default):
    try:
        return enum(value)
    except ValueError:
        return default


@dataclass(frozen=True)
class ReaderChoices:
    options: ViewOptions
    display_forced: bool  # the display came from this request's parameters
    large_thread_display: Display


def stored_options(request) -> ViewOptions:
    user = request.user
    if user.is_authenticated:
        return ViewOptions(
            display=_choice(Display, user.comment_display, Display.THREADED),
            rating_sort=_choice(RatingSort, user.comment_rating_sort, RatingSort.HIGHEST),
            age_sort=_choice(AgeSort, user.comment_age_sort, AgeSort.OLDEST),
        )
    parts = (request.COOKIES.get(COOKIE, "") + "::").split(":")[:3]
    return ViewOptions(
        display=_choice(Display, parts[0], Display.THREADED),
        rating_sort=_choice(RatingSort, parts[1], RatingSort.HIGHEST),
        age_sort=_choice(AgeSort, parts[2], AgeSort.OLDEST),
    )


def reader_choices(request) -> ReaderChoices:
    stored = stored_options(request)
    params = request.GET
    options = ViewOptions(
        display=_choice(Display, params.get("display"), stored.display),
        rating_sort=_choice(RatingSort, params.get("sort"), stored.rating_sort),
        age_sort=_choice(AgeSort, params.get("age"), stored.age_sort),
    )
    user = request.user
    forced = params.get("display") in Display._value2member_map_
    large = Display.THREADED
    if user.is_authenticated:
        large = _choice(Display, user.large_thread_display, Display.THREADED)
    return ReaderChoices(options, forced, large)


def parse_options(data) -> ViewOptions:
    """Options from a submitted Display/Sort form; unknown values fall back to the defaults."""
    return ViewOptions(
        display=_choice(Display, data.get("display"), Display.THREADED),
        rating_sort=_choice(RatingSort, data.get("sort"), RatingSort.HIGHEST),
        age_sort=_choice(AgeSort, data.get("age"), AgeSort.OLDEST),
    )


def cookie_value(options: ViewOptions) -> str:
    return f"{options.display}:{options.rating_sort}:{options.age_sort}"


# The Display/Sort bar's options, for templates.
DISPLAY_CHOICES = {
    "display_choices": [(d.value, d.label) for d in Display],
    "rating_sort_choices": [(s.value, s.label) for s in RatingSort],
    "age_sort_choices": [(a.value, a.label) for a in AgeSort],
}
