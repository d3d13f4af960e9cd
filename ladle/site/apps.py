from django.apps import AppConfig


class SiteConfig(AppConfig):
    name = "ladle.site"
    label = "site_settings"
    verbose_name = "Site settings"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from .pages import READER_COOKIES
        from .themes import COOKIE

        READER_COOKIES.append(COOKIE)  # the reader's theme changes their pages
