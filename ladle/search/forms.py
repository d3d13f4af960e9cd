from django import forms

from ladle.accounts.models import User
from ladle.accounts.names import name_key
from ladle.form_actions import IdChoiceField
from ladle.stories.models import Section

from .models import SearchEntry


class SearchForm(forms.Form):
    q = forms.CharField(
        label="Search for", required=False, widget=forms.TextInput(attrs={"type": "search"})
    )
    kind = forms.ChoiceField(
        label="In", required=False, choices=[("", "Everything"), *SearchEntry.Kind.choices]
    )
    section = IdChoiceField(
        queryset=Section.objects.all(), required=False, empty_label="Any section"
    )
    author = forms.CharField(label="By member", required=False, max_length=40)
    date_from = forms.DateField(
        label="From", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label="To", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    order = forms.ChoiceField(
        required=False,
        label="Order",
        choices=[("best", "Best match first"), ("newest", "Newest first")],
    )

    def clean_author(self):
        name = self.cleaned_data["author"].strip()
        if not name:
            return None
        member = User.objects.filter(name_key=name_key(name)).only("pk").first()
        if member is None:
            raise forms.ValidationError("No member has that name.")
        return member

    def clean(self):
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            self.add_error("date_to", "The end date is before the start date.")
        return data
