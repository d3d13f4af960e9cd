from django.apps import AppConfig


class LegacyConfig(AppConfig):
    name = "ladle.legacy"
    verbose_name = "Moving in"
    default_auto_field = "django.db.models.BigAutoField"
