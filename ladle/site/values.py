"""Reading a site setting: the administrator's value if there is one, else the default.

Within a request the administrators' values are read once, when first needed
(`SiteSettingsMiddleware`), so a
change made in one worker process is what the next request in any process sees; outside a
request (the worker, a command) each read asks the database. Nothing is kept between requests.
"""

import contextvars
from typing import Any

from django.conf import settings

from .models import SiteSetting
from .registry import BY_NAME, Editable


class _RequestValues:
    """The administrators' values for one request, read when first asked for (a page that
    reads no setting costs no query)."""

    def __init__(self):
        self.values: dict | None = None

    def get(self) -> dict:
        if self.values is None:
            self.values = dict(SiteSetting.objects.values_list("name", "value"))
        return self.values


_this_request: contextvars.ContextVar[_RequestValues | None] = contextvars.ContextVar(
    "ladle_site_settings", default=None
)


def default(editable: Editable) -> Any:
    setting, _, key = editable.default.partition(".")
    found = getattr(settings, setting)
    return found[key] if key else found


def stored() -> dict[str, Any]:
    """The administrators' values (of this request, when in one)."""
    holder = _this_request.get()
    if holder is None:
        return dict(SiteSetting.objects.values_list("name", "value"))
    return holder.get()


def value(name: str) -> Any:
    editable = BY_NAME[name]
    values = stored()
    if name not in values:
        return default(editable)
    found = values[name]
    if editable.kind == "labels":  # JSON keeps keys as text
        return {int(k): v for k, v in found.items()}
    return found


class SiteSettingsMiddleware:
    """Read the administrators' values at most once per request (one query, on first use) and
    use them throughout."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _this_request.set(_RequestValues())
        try:
            return self.get_response(request)
        finally:
            _this_request.reset(token)
