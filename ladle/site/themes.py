"""Light and dark: the page follows the reader's system (`prefers-color-scheme`) unless they
chose one, which a cookie remembers (a visitor has no profile; a member's choice is per
browser too, as a phone and a desk lamp differ)."""

COOKIE = "ladle_theme"
COOKIE_MAX_AGE = 365 * 24 * 60 * 60
THEMES = [("", "As the system"), ("light", "Light"), ("dark", "Dark")]
CHOSEN = {value for value, _ in THEMES if value}


def chosen(request) -> str:
    """The reader's theme, or "" to follow their system."""
    value = request.COOKIES.get(COOKIE, "")
    return value if value in CHOSEN else ""


def context(request):
    return {"theme": chosen(request), "themes": THEMES}
