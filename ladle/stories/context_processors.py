from ladle.site.values import value


def site(request):
    """The site name, and the member's unread inbox count (lazily: only pages that show it)."""
    user = getattr(request, "user", None)

    def unread() -> int:
        if user is None or not user.is_authenticated:
            return 0
        return user.notifications.filter(read_at__isnull=True).count()

    return {
        "site_name": value("site_name"),
        "tagline": value("tagline"),
        "unread_notifications": unread,
    }
