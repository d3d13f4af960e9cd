from django.contrib import admin

from .models import Answer, Poll


class AnswerInline(admin.TabularInline):
    model = Answer
    readonly_fields = ("votes",)


@admin.register(Poll)
class PollAdmin(admin.ModelAdmin):
    list_display = ("question", "story", "multiple_choice", "is_current", "closed", "ballot_count")
    list_editable = ("is_current", "closed")
    raw_id_fields = ("story",)
    inlines = [AnswerInline]
