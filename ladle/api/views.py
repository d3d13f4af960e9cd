"""The settings page where a member makes and revokes personal API tokens."""

from django import forms
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from ladle.form_actions import run_form

from . import services
from .models import ApiToken


class TokenForm(forms.Form):
    name = forms.CharField(
        max_length=80,
        required=False,
        label="Token name",
        help_text="Say which program will use it, e.g. “my phone app”.",
    )


@login_required
@require_http_methods(["GET", "POST"])
def tokens(request):
    form = TokenForm(request.POST if request.method == "POST" else None)
    created = run_form(
        request, form, lambda data: services.create_token(member=request.user, name=data["name"])
    )
    return render(
        request,
        "api/tokens.html",
        {
            "form": TokenForm() if created else form,
            "new_key": created[1] if created else None,
            "tokens": request.user.api_tokens.all(),
        },
    )


@login_required
@require_POST
def revoke(request, pk: int):
    token = get_object_or_404(ApiToken, pk=pk, member=request.user)
    services.revoke_token(token=token, member=request.user)
    return redirect("api_tokens:tokens")
