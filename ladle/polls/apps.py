from django.apps import AppConfig


class PollsConfig(AppConfig):
    name = "ladle.polls"
    label = "polls"
