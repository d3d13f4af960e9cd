"""Polls in the Django admin. Vote counts are recomputed from the ballots by
`services.vote_in_poll`; a save here writes only the fields its form changed."""

from django.contrib import admin

from .models import Answer, Poll


def _save_changed(obj, form, change: bool) -> None:
    if change:
        if form.changed_data:
            obj.save(update_fields=form.changed_data)
    else:
        obj.save()


class AnswerInline(admin.TabularInline):
    model = Answer
    readonly_fields = ("votes",)


@admin.register(Poll)
class PollAdmin(admin.ModelAdmin):
    list_display = ("question", "story", "multiple_choice", "is_current", "closed", "ballot_count")
    list_editable = ("is_current", "closed")
    raw_id_fields = ("story",)
    inlines = [AnswerInline]

    def save_model(self, request, obj, form, change):
        _save_changed(obj, form, change)

    def save_formset(self, request, form, formset, change):
        formset.save(commit=False)  # sets deleted_objects and each form's instance
        for answer in formset.deleted_objects:
            answer.delete()
        for answer_form in formset.forms:
            if answer_form.has_changed() and answer_form not in formset.deleted_forms:
                answer = answer_form.instance
                answer.poll = form.instance
                _save_changed(answer, answer_form, answer.pk is not None)
