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
