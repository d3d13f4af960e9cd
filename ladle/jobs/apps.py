from django.apps import AppConfig


class JobsConfig(AppConfig):
    name = "ladle.jobs"
    verbose_name = "Scheduled work"
    default_auto_field = "django.db.models.BigAutoField"
