from django import forms

from ladle.form_actions import IdChoiceField
from ladle.stories.models import Story


class PollForm(forms.Form):
    question = forms.CharField(max_length=200, required=False)
    answers = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="One answer per line, 2 to 10 answers.",
    )
    multiple_choice = forms.BooleanField(required=False, label="Voters may choose several")
    story = IdChoiceField(
        queryset=Story.objects.published().filter(poll__isnull=True).order_by("-published_at"),
        required=False,
        label="Attach to story",
        help_text="Leave empty for a standalone poll with its own discussion.",
    )
