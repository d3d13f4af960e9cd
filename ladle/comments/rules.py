"""The site's rating rules, read from settings (docs/rules.md: every number is a site default)."""

from django.conf import settings


def rating_labels() -> dict[int, str]:
    return dict(sorted(settings.LADLE_RATING_LABELS.items()))


def rating_choices(*, may_hide: bool) -> list[tuple[int, str]]:
    """The values a rater may give: 1..5, and 0 ("hide") only for trusted raters."""
    return [(v, label) for v, label in rating_labels().items() if v > 0 or may_hide]


def lowest_rating() -> int:
    return min(v for v in rating_labels() if v > 0)


def highest_rating() -> int:
    return max(rating_labels())


def hide_threshold() -> float:
    return settings.LADLE_HIDE_THRESHOLD


def large_thread() -> int:
    return settings.LADLE_LARGE_THREAD


# The longest comment body accepted, in characters, on every form and the API (docs/rules.md).
COMMENT_BODY_MAX = 20_000
