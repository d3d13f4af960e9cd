from django.apps import AppConfig


class StoriesConfig(AppConfig):
    name = "ladle.stories"
    label = "stories"
