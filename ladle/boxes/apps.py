from django.apps import AppConfig


class BoxesConfig(AppConfig):
    name = "ladle.boxes"
    label = "boxes"
