"""Comments in the Django admin: a moderator may correct a comment's subject and body, through
`services.correct_comment` (sanitized, re-indexed, the thread cache moved on, logged publicly).
Numbers, threads, scores and states are the services' business: read-only here; removal is
done on the site, with a public reason."""

from django.contrib import admin

from . import services
from .models import Comment


@admin.register(Comment)
class CommentAdmin(admin.ModelAdmin):
    list_display = ("__str__", "story", "author", "state", "created_at")
    list_filter = ("state",)
    search_fields = ("subject", "body")
    fields = (
        "story",
        "number",
        "parent",
        "author",
        "subject",
        "body",
        "markup",
        "state",
        "removal_reason",
        "score",
        "rating_count",
        "created_at",
    )
    # A moderator corrects the subject and body; everything else is the services' to write.
    readonly_fields = tuple(f for f in fields if f not in ("subject", "body"))

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        services.correct_comment(
            comment=obj,
            moderator=request.user,
            subject=form.cleaned_data["subject"],
            body=form.cleaned_data["body"],
        )
