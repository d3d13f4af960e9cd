from datetime import timedelta

from django import forms
from django.conf import settings
from django.contrib.auth import password_validation
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm
from django.core.exceptions import ValidationError
from django.template import loader

from ladle.site.registry import RATING_CONTROLS
from ladle.site.values import value

from . import limits
from .middleware import client_ip
from .models import User, validate_member_name


class HoneypotMixin(forms.Form):
    # Hidden from people by CSS; bots that fill every field give themselves away.
    website = forms.CharField(
        required=False,
        label="Leave this empty",
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    def clean_website(self):
        if self.cleaned_data.get("website"):
            raise ValidationError("Leave this field empty.")
        return ""


class SignUpForm(HoneypotMixin):
    name = forms.CharField(
        max_length=40,
        validators=[validate_member_name],
        help_text="Letters, digits and single spaces; at most 40 characters.",
        widget=forms.TextInput(attrs={"autocomplete": "username"}),
    )
    email = forms.EmailField(
        label="E-mail address", widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )
    password = forms.CharField(
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_validation.password_validators_help_text_html(),
    )
    password_again = forms.CharField(
        label="Password again", widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )

    def clean_name(self):
        name = self.cleaned_data["name"]
        if User.objects.reads_like(name).exists():
            raise ValidationError("That name is taken, or reads like one that is.")
        return name

    def clean(self):
        data = super().clean()
        password, again = data.get("password"), data.get("password_again")
        if password and again and password != again:
            self.add_error("password_again", "The two passwords differ.")
        if password and data.get("name"):
            try:
                password_validation.validate_password(
                    password, User(username=data["name"], email=data.get("email", ""))
                )
            except ValidationError as error:
                self.add_error("password", error)
        return data


TOO_MANY_LOG_INS = (
    "Too many failed log-ins from here or for this name. Wait a few minutes, or reset your "
    "password."
)


class LoginForm(HoneypotMixin, AuthenticationForm):
    username = forms.CharField(
        label="Name or e-mail",
        max_length=254,
        widget=forms.TextInput(attrs={"autocomplete": "username", "autofocus": True}),
    )
    error_messages = {
        "invalid_login": "That name or e-mail and password do not match an account.",
        "inactive": "This account is suspended.",
    }

    def clean(self):
        """Refuse once too many log-ins failed for this address or this name, before any
        password is checked: the same answer for names with and without an account, and
        the right password is refused too until the window ends (accounts.limits)."""
        window = timedelta(minutes=settings.LADLE_LOGIN_WINDOW_MINUTES)
        name = (self.cleaned_data.get("username") or "").strip().lower()
        keys = {f"login-name:{name}": settings.LADLE_LOGIN_FAILURES_PER_NAME}
        if self.request is not None and (ip := client_ip(self.request)):
            keys[f"login-ip:{ip}"] = settings.LADLE_LOGIN_FAILURES_PER_IP
        if any(limits.hits(key) >= allowed for key, allowed in keys.items()):
            raise ValidationError(TOO_MANY_LOG_INS, code="too_many")
        try:
            return super().clean()
        except ValidationError as error:
            if error.code == "invalid_login":
                for key in keys:
                    limits.hit(key, window=window)
            raise

    def confirm_login_allowed(self, user):
        super().confirm_login_allowed(user)
        if user.email_confirmed_at is None:
            raise ValidationError(
                "Confirm your e-mail address first: follow the link we sent to you.",
                code="unconfirmed",
            )


class QueuedPasswordResetForm(HoneypotMixin, PasswordResetForm):
    """Django's reset form, but the message goes out through the background queue."""

    def send_mail(
        self,
        subject_template_name,
        email_template_name,
        context,
        from_email,
        to_email,
        html_email_template_name=None,
    ):
        from ladle.notifications.mail import queue_email

        subject = "".join(loader.render_to_string(subject_template_name, context).splitlines())
        queue_email(
            to=to_email, subject=subject, body=loader.render_to_string(email_template_name, context)
        )


class ProfileForm(forms.ModelForm):
    homepage = forms.URLField(required=False, assume_scheme="https")

    class Meta:
        model = User
        fields = [
            "display_name",
            "bio",
            "homepage",
            "signature",
            "time_zone",
            "comment_display",
            "comment_rating_sort",
            "comment_age_sort",
            "large_thread_display",
            "hidden_comments",
            "rating_control",
            "stories_per_page",
            "default_markup",
            "reply_inbox",
            "reply_email",
            "queue_email",
            "moderator_alerts",
            "digest",
        ]
        labels = {
            "comment_display": "Comment display",
            "comment_rating_sort": "Sort by rating",
            "comment_age_sort": "Then by age",
            "large_thread_display": "Display for large threads",
            "hidden_comments": "Show hidden comments",
        }
        widgets = {"bio": forms.Textarea(attrs={"rows": 5})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.instance.is_editor:
            del self.fields["moderator_alerts"]
        site = dict(RATING_CONTROLS)[value("rating_control")]
        self.fields["rating_control"].choices = [
            ("", f"As the site has it: {site[0].lower()}{site[1:]}"),
            *RATING_CONTROLS,
        ]
        self.fields["large_thread_display"].help_text = (
            "Used instead of your display mode on stories with more than "
            f"{value('large_thread'):,} comments."
        )

    def clean_display_name(self):
        """A display name may not read like another member's name or display name."""
        shown = self.cleaned_data["display_name"].strip()
        if shown and User.objects.reads_like(shown).exclude(pk=self.instance.pk).exists():
            raise ValidationError("That reads like another member's name; choose another.")
        return shown
