from django.apps import AppConfig


class ModerationConfig(AppConfig):
    name = "ladle.moderation"
    label = "moderation"
