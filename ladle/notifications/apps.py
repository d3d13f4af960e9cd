from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "ladle.notifications"
    label = "notifications"
