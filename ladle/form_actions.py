"""The one way a page form calls a service: validate, act, or put the service's errors on
the form beside their fields (the member's text stays in the form)."""

from collections.abc import Callable
from typing import Any, TypeVar

from django.core.exceptions import ValidationError

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
