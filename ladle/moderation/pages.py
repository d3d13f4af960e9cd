"""The one shape of a moderation page: a form (a reason, a flag), then back where one came
from. Views of each app use it for their own objects."""

from django.shortcuts import redirect, render

from ladle.form_actions import run_form


def act(request, form, action, *, heading: str, button: str, back: str, about: str = "",
        danger: bool = False):  # fmt: skip
    if run_form(request, form, lambda data: action(data) or True):
        return redirect(back)
    context = {"form": form, "heading": heading, "button": button, "back": back, "about": about,
               "danger": danger}  # fmt: skip
    return render(request, "moderation/act.html", context, status=400 if form.errors else 200)
