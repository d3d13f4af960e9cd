from django.contrib import admin
from django.urls import include, path

from ladle.api.api import api
from ladle.moderation.views import moderation_log

urlpatterns = [
    path("", include("ladle.stories.urls")),
    path("", include("ladle.comments.urls")),
    path("", include("ladle.accounts.urls")),
    path("", include("ladle.polls.urls")),
    path("", include("ladle.notifications.urls")),
    path("", include("ladle.search.urls")),
    path("", include("ladle.api.urls")),
    path("moderation/", moderation_log, name="moderation_log"),
    path("admin/", admin.site.urls),
    path("api/", api.urls),
]
