"""The one way a page form calls a service: validate, act, or put the service's errors on
the form beside their fields (the member's text stays in the form)."""

from collections.abc import Callable
from typing import Any, TypeVar

from django import forms
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.utils.http import url_has_allowed_host_and_scheme

T = TypeVar("T")


def add_service_errors(form, error: ValidationError) -> None:
    """Errors a service raised, each beside its field when the form has one."""
    if hasattr(error, "error_dict"):
        for field, messages in error.message_dict.items():
            form.add_error(field if field in form.fields else None, messages)
    else:
        form.add_error(None, error)


def run_form(request, form, action: Callable[[dict[str, Any]], T]) -> T | None:
    """On a POST with a valid form, call `action(cleaned_data)` and return its result.

    Returns None when there is nothing to do (a GET) or when the form or the service refused;
    the errors are then on the form for the page to show.
    """
    if request.method != "POST" or not form.is_valid():
        return None
    try:
        return action(form.cleaned_data)
    except ValidationError as error:
        add_service_errors(form, error)
        return None


def redirect_back(request, next_url: str | None, default: str = "/") -> HttpResponseRedirect:
    """Redirect to `next_url` when it is a path on this site, else to `default`: a `next`
    value comes from the browser and may be anything."""
    if not (
        next_url
        and next_url.startswith("/")
        and url_has_allowed_host_and_scheme(
            next_url, {request.get_host()}, require_https=request.is_secure()
        )
    ):
        next_url = default
    return HttpResponseRedirect(next_url)


# The largest row id the database's integer columns hold.
MAX_ID = 2_147_483_647


def _fits(value) -> bool:
    text = str(value).strip()
    return text.isdigit() and int(text) <= MAX_ID


class IdChoiceField(forms.ModelChoiceField):
    """A choice of one row, refusing ids no row can have (a huge number would otherwise reach
    the database and fail there)."""

    def to_python(self, value):
        if value not in self.empty_values and not _fits(value):
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return super().to_python(value)


class IdMultipleChoiceField(forms.ModelMultipleChoiceField):
    """A choice of several rows, refusing ids no row can have."""

    def _check_values(self, value):
        for item in value:
            if not _fits(item):
                raise ValidationError(
                    self.error_messages["invalid_pk_value"],
                    code="invalid_pk_value",
                    params={"pk": str(item)[:20]},
                )
        return super()._check_values(value)
