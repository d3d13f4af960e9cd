from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "ladle.api"
    label = "api"
