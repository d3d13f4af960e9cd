from django.contrib import admin

from .models import Section, Story, Topic


@admin.register(Section)
class SectionAdmin(admin.ModelAdmin):
    list_display = ("name", "slug", "on_front_page", "position")
    prepopulated_fields = {"slug": ("name",)}


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin):
    list_display = ("name", "slug")
    prepopulated_fields = {"slug": ("name",)}


@admin.register(Story)
class StoryAdmin(admin.ModelAdmin):
    list_display = ("title", "section", "author", "status", "published_at", "comment_count")
    list_filter = ("status", "section", "comment_status")
    search_fields = ("title", "intro")
    raw_id_fields = ("author",)
    filter_horizontal = ("topics",)
    readonly_fields = ("last_comment_number", "comment_count")

    def save_model(self, request, obj, form, change):
        obj.render_text()  # the same rendering and sanitizing as the site's own editor
        super().save_model(request, obj, form, change)
