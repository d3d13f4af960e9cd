from django.apps import AppConfig


class StoriesConfig(AppConfig):
    name = "ladle.stories"
    label = "stories"

    def ready(self):
        from ladle.site.pages import CLOCKS

        from .models import next_publication

        CLOCKS.append(next_publication)
