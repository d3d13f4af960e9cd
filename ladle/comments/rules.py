"""The site's rating rules, read from settings (docs/rules.md: every number is a site default)."""

from datetime import timedelta

from ladle.site.values import value


def rating_labels() -> dict[int, str]:
    return dict(sorted(value("rating_labels").items()))


WITHDRAW = "withdraw"  # the rating menu's choice that takes the reader's rating back


def rating_choices(*, may_hide: bool) -> list[tuple[int, str]]:
    """The values a rater may give: 1..5, and 0 ("hide") only for trusted raters."""
    return [(v, label) for v, label in rating_labels().items() if v > 0 or may_hide]


def may_hide(reader) -> bool:
    """Whether `reader` may give the 0 ("hide") rating: trusted members and staff, or staff
    only, as the site chose."""
    if value("hide_rating_by") == "editors":
        return reader.is_editor
    return reader.is_trusted


def lowest_rating() -> int:
    return min(v for v in rating_labels() if v > 0)


def highest_rating() -> int:
    return max(rating_labels())


def hide_threshold() -> float:
    return value("hide_threshold")


def edit_window() -> timedelta:
    """How long after posting an author may still edit a comment nobody has replied to."""
    return timedelta(minutes=value("comment_edit_minutes"))


def large_thread() -> int:
    return value("large_thread")


# The longest comment body accepted, in characters, on every form and the API (docs/rules.md).
COMMENT_BODY_MAX = 20_000
