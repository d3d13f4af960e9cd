import zoneinfo

from django.contrib import auth
from django.contrib.auth.middleware import AuthenticationMiddleware
from django.utils import timezone
from django.utils.functional import SimpleLazyObject

from ladle.site.values import value


def reader_of(request):
    """The member logged in on this request, or a `Visitor`."""
    if not hasattr(request, "_cached_user"):
        user = auth.get_user(request)
        if not user.is_authenticated:
            from .models import Visitor

            user = Visitor()
        request._cached_user = user
    return request._cached_user


class ReaderMiddleware(AuthenticationMiddleware):
    """Django's authentication, with a `Visitor` in place of the plain anonymous user, so
    every view and rule can ask any reader the same questions."""

    def process_request(self, request):
        super().process_request(request)
        request.user = SimpleLazyObject(lambda: reader_of(request))


class ReaderTimeZoneMiddleware:
    """Show times in the member's own zone; anonymous readers get the site's default zone."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        zone_name = getattr(request.user, "time_zone", "") if hasattr(request, "user") else ""
        zone_name = zone_name or value("time_zone")  # the site's zone, as its administrator set it
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
