from django import forms

from .models import Story


class StoryForm(forms.ModelForm):
    published_at = forms.DateTimeField(
        required=False,
        label="Publication time",
        help_text="Leave empty to publish now; a future time schedules the story. "
        "In your time zone, e.g. 2026-12-01 09:00.",
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )

    class Meta:
        model = Story
        fields = [
            "title",
            "section",
            "topics",
            "intro",
            "body",
            "status",
            "published_at",
            "comment_status",
        ]
        widgets = {
            "intro": forms.Textarea(attrs={"rows": 6}),
            "body": forms.Textarea(attrs={"rows": 14}),
            "topics": forms.CheckboxSelectMultiple,
        }
