from django import forms

from ladle.accounts.forms import HoneypotMixin

from .models import Comment
from .services import SUBJECT_MAX

# What a member may write in; imported HTML is not offered.
WRITABLE_MARKUP = [(m.value, m.label) for m in (Comment.Markup.MARKDOWN, Comment.Markup.PLAIN)]


class CommentForm(forms.Form):
    # No max_length on the field: the browser would cut long text silently; the service says why.
    subject = forms.CharField(
        required=False,
        help_text=f"Plain text, at most {SUBJECT_MAX} characters.",
        widget=forms.TextInput(attrs={"size": 50}),
    )
    body = forms.CharField(
        required=False,
        label="Comment",
        help_text="Markdown. Allowed HTML: a, b, strong, i, em, p, br, blockquote, ul, ol, li, "
        "code, pre, dl, dt, dd, cite.",
        widget=forms.Textarea(attrs={"rows": 8}),
    )
    editorial = forms.BooleanField(
        required=False,
        label="Editorial comment",
        help_text="About the story as a submission (not its topic); hidden once it is published.",
    )
    markup = forms.ChoiceField(
        choices=WRITABLE_MARKUP, initial=Comment.Markup.MARKDOWN, label="Format"
    )


class GuestCommentForm(HoneypotMixin, CommentForm):
    """The comment form for a reader without an account, where the section takes such
    comments: a name to post under, and a field only bots fill."""

    name = forms.CharField(
        required=False,
        label="Your name",
        help_text="Shown with your comment, marked as posted without an account.",
        widget=forms.TextInput(attrs={"size": 30, "autocomplete": "nickname"}),
    )
    field_order = ["name", "subject", "body", "markup"]


class RemoveForm(forms.Form):
    reason = forms.CharField(
        required=False,
        max_length=300,
        help_text="Shown publicly in place of the comment and on the moderation log.",
        widget=forms.TextInput(attrs={"size": 60}),
    )


def comment_form(story, *args, reader=None, **kwargs) -> CommentForm:
    """The comment form; the editorial choice only exists while the story is queued. A
    member's form starts in the format they chose (Markdown or plain text); a reader without
    an account gets the guest form where the story takes their comments."""
    markup = getattr(reader, "default_markup", "") or Comment.Markup.MARKDOWN
    kwargs.setdefault("initial", {"markup": markup})
    guest = reader is not None and not reader.is_authenticated and story.takes_guest_comments()
    form = (GuestCommentForm if guest else CommentForm)(*args, **kwargs)
    if not story.is_queued():
        del form.fields["editorial"]
    return form


class RateForm(forms.Form):
    """A member's rating of one comment: its Rate page, or the same form opened in place. The
    choices are the ones this rater may give (`rules.rating_choices`)."""

    value = forms.TypedChoiceField(
        label="Your rating",
        coerce=int,
        empty_value=None,
        error_messages={
            "required": "Choose a rating.",
            "invalid_choice": "Choose one of the ratings offered.",
        },
    )

    def __init__(self, *args, choices: list[tuple[int, str]], **kwargs):
        super().__init__(*args, **kwargs)
        shown = [(value, f"{value}: {label}") for value, label in choices]
        field = self.fields["value"]
        assert isinstance(field, forms.TypedChoiceField)
        field.choices = [("", "Choose a rating"), *shown]
