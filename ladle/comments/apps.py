from django.apps import AppConfig


class CommentsConfig(AppConfig):
    name = "ladle.comments"
    label = "comments"

    def ready(self):
        from ladle.site.services import settings_changed

        settings_changed.connect(_threshold_moved, dispatch_uid="comments.threshold")

        from ladle.accounts.signals import shown_name_changed

        shown_name_changed.connect(_name_changed, dispatch_uid="comments.names")

        from ladle.site.pages import READER_COOKIES

        from .preferences import COOKIE

        READER_COOKIES.append(COOKIE)  # a visitor's display choice changes their pages


def _threshold_moved(sender, names, **kwargs):
    if "hide_threshold" in names:
        from .services import rehide_all

        rehide_all()


def _name_changed(sender, member, **kwargs):
    from .services import member_renamed

    member_renamed(member)
