"""The Django admin for the magazine. Story saves go through `services.save_story`, like the
site's own editor: text rendered and sanitized, a version kept, the search index updated,
counters never written. Stories are hidden, not deleted (their comments and numbers stay)."""

from django.contrib import admin

from . import services
from .forms import StoryForm, story_fields
from .models import Section, Story, Topic


@admin.register(Section)
class SectionAdmin(admin.ModelAdmin):
    list_display = (
        "name", "slug", "on_front_page", "position", "read_stories", "read_comments",
        "post_stories", "post_comments", "guest_comments",
    )  # fmt: skip
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
    fields = (*StoryForm.Meta.fields, "author", "last_comment_number", "comment_count")
    readonly_fields = ("last_comment_number", "comment_count")

    def get_readonly_fields(self, request, obj=None):
        # The author of an existing story is part of its history, not an editable field.
        return (*self.readonly_fields, "author") if obj else self.readonly_fields

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        saved = services.save_story(
            editor=request.user,
            story=obj if change else None,
            author=form.cleaned_data.get("author"),
            **story_fields(form.cleaned_data),
        )
        obj.pk = saved.pk

    def save_related(self, request, form, formsets, change):
        pass  # save_story set the topics
