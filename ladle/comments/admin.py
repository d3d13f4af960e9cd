from django.contrib import admin

from ladle.lib.markup import render

from .models import Comment


@admin.register(Comment)
class CommentAdmin(admin.ModelAdmin):
    list_display = ("__str__", "story", "author", "state", "created_at")
    list_filter = ("state",)
    search_fields = ("subject", "body")
    raw_id_fields = ("story", "parent", "author", "removed_by")
    readonly_fields = ("number", "depth", "body_html", "reply_count")

    def save_model(self, request, obj, form, change):
        # Keep the shown HTML in step with the text, through the same sanitizer as the site.
        obj.body_html = render(obj.body, markup=obj.markup)
        super().save_model(request, obj, form, change)
