from django import forms

from ladle.form_actions import IdChoiceField, IdMultipleChoiceField
from ladle.site.values import value

from .models import DIARY_SECTION_SLUG, QueueVote, Section, Story, Topic


class StoryForm(forms.ModelForm):
    published_at = forms.DateTimeField(
        required=False,
        label="Publication time",
        help_text="Leave empty to publish now; a future time schedules the story. "
        "In your time zone, e.g. 2026-12-01 09:00.",
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    front_page = forms.BooleanField(
        required=False,
        label="On the front page",
        help_text="Leave unticked for the section page only.",
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
            "front_page",
            "published_at",
            "comment_status",
        ]
        field_classes = {"section": IdChoiceField, "topics": IdMultipleChoiceField}
        widgets = {
            "intro": forms.Textarea(attrs={"rows": 6}),
            "body": forms.Textarea(attrs={"rows": 14}),
            "topics": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.instance.pk:
            self.initial.setdefault("front_page", True)


def story_fields(data: dict) -> dict:
    """What an editor's story form (the site's or the admin's) gives `services.save_story`."""
    return {
        "title": data["title"],
        "intro": data["intro"],
        "body": data["body"],
        "section": data["section"],
        "topics": list(data["topics"]),
        "status": data["status"],
        "published_at": data["published_at"],
        "comment_status": data["comment_status"],
        "front_page": data["front_page"],
    }


def written_initial(story: Story) -> dict:
    """A member's writing form filled with their story as it stands (to edit it)."""
    return {
        "title": story.title,
        "intro": story.intro,
        "body": story.body,
        "topics": list(story.topics.all()),
    }


def written_fields(data: dict) -> dict:
    """What a member's writing form (diary entry, submission, queue edit) gives a service."""
    return {
        "title": data["title"],
        "intro": data["intro"],
        "body": data["body"],
        "topics": list(data["topics"]),
    }


class WriteForm(forms.Form):
    """What a member writes for a diary entry or a submission. Errors come from the service."""

    title = forms.CharField(max_length=200, required=False)
    intro = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="The opening, shown in listings. Markdown.",
    )
    body = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 12}),
        help_text="Optional: the rest, shown on the story's page. Markdown.",
    )
    topics = IdMultipleChoiceField(
        queryset=Topic.objects.all(), required=False, widget=forms.CheckboxSelectMultiple
    )


class SubmitForm(WriteForm):
    section = IdChoiceField(
        # Only sections that take members' stories (docs/rules.md, *Sections*).
        queryset=Section.objects.exclude(slug=DIARY_SECTION_SLUG).filter(post_stories="members"),
        required=False,
        empty_label="Choose a section",
    )
    edit_queue = forms.BooleanField(
        required=False,
        label="Edit queue first",
        help_text="Keep the story to yourself for up to two hours to polish it before voting.",
    )

    field_order = ["title", "section", "intro", "body", "topics", "edit_queue"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        hours = value("edit_queue_hours")
        self.fields["edit_queue"].help_text = (
            f"Keep the story to yourself for up to {hours} hour{'s' if hours != 1 else ''} to "
            "polish it before voting."
        )

    def clean_section(self):
        if not self.cleaned_data.get("section"):
            raise forms.ValidationError("Choose the section the story belongs in.")
        return self.cleaned_data["section"]


class VoteForm(forms.Form):
    choice = forms.TypedChoiceField(
        choices=QueueVote.Choice.choices, coerce=int, widget=forms.RadioSelect, label="Your vote"
    )
