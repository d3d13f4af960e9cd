from django.contrib import admin
from django.urls import include, path, register_converter

from ladle.api.api import api
from ladle.moderation import views as moderation
from ladle.site.views import site_settings, theme


class IdConverter:
    """A row id or comment number in a URL: 1 to 9 digits, so every value fits the database's
    integer columns (a longer number is a 404, never a database error)."""

    regex = "[0-9]{1,9}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value: int) -> str:
        return str(value)


register_converter(IdConverter, "id")

urlpatterns = [
    path("", include("ladle.stories.urls")),
    path("", include("ladle.comments.urls")),
    path("", include("ladle.accounts.urls")),
    path("", include("ladle.polls.urls")),
    path("", include("ladle.notifications.urls")),
    path("", include("ladle.search.urls")),
    path("", include("ladle.api.urls")),
    path("moderation/", moderation.moderation_log, name="moderation_log"),
    path("moderation/feed/", moderation.LogFeed(), name="moderation_feed"),
    path("moderation/queue/", moderation.queue, name="moderation_queue"),
    path(
        "moderation/queue/<str:kind>/<id:pk>/dismiss/",
        moderation.dismiss,
        name="moderation_dismiss",
    ),
    path("settings/site/", site_settings, name="site_settings"),
    path("theme/", theme, name="site_theme"),
    path("admin/", admin.site.urls),
    path("api/", api.urls),
]
