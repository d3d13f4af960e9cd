from django import forms


class ReasonForm(forms.Form):
    reason = forms.CharField(
        required=False,
        max_length=300,
        help_text="Public: shown on the moderation log.",
        widget=forms.TextInput(attrs={"size": 60}),
    )


class FlagForm(forms.Form):
    reason = forms.CharField(
        required=False,
        max_length=300,
        label="What is wrong?",
        help_text="Only moderators see this.",
        widget=forms.TextInput(attrs={"size": 60}),
    )


class SuspendForm(ReasonForm):
    days = forms.TypedChoiceField(
        label="For",
        coerce=int,
        empty_value=None,
        required=False,
        choices=[(1, "a day"), (7, "a week"), (30, "30 days"), ("", "until lifted")],
    )


class NoteForm(forms.Form):
    text = forms.CharField(
        max_length=2000, label="Staff note", widget=forms.Textarea(attrs={"rows": 3})
    )
