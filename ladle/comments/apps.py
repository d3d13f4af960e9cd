from django.apps import AppConfig


class CommentsConfig(AppConfig):
    name = "ladle.comments"
    label = "comments"
