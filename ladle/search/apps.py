from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "ladle.search"
    label = "search"
