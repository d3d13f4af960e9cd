import zoneinfo

from django.utils import timezone


class ReaderTimeZoneMiddleware:
    """Show times in the member's own zone; anonymous readers get the site's default zone."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        zone_name = getattr(request.user, "time_zone", "") if hasattr(request, "user") else ""
        if zone_name:
            try:
                timezone.activate(zoneinfo.ZoneInfo(zone_name))
            except (zoneinfo.ZoneInfoNotFoundError, ValueError):
                timezone.deactivate()
        else:
            timezone.deactivate()
        return self.get_response(request)


def client_ip(request) -> str | None:
    """The reader's address: the connection's, or the one our own proxies forwarded.

    Only the entries our LADLE_PROXY_COUNT proxies appended are trusted; anything further left
    in X-Forwarded-For was written by the client and could be anything.
    """
    from django.conf import settings

    proxies = settings.LADLE_PROXY_COUNT
    if proxies:
        forwarded = [
            p.strip() for p in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if p.strip()
        ]
        if len(forwarded) >= proxies:
            return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR")
