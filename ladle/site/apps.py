from django.apps import AppConfig


class SiteConfig(AppConfig):
    name = "ladle.site"
    label = "site_settings"
    verbose_name = "Site settings"
    default_auto_field = "django.db.models.BigAutoField"
