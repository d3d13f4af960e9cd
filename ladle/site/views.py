from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from ladle.form_actions import redirect_back, run_form

from . import services, themes
from .forms import SiteSettingsForm
from .models import SettingChange


@login_required
@require_http_methods(["GET", "POST"])
def site_settings(request):
    if not services.may_change_settings(request.user):
        raise PermissionDenied("Only administrators change the site's settings.")
    form = SiteSettingsForm(request.POST if request.method == "POST" else None)
    changed = run_form(
        request,
        form,
        lambda data: services.change_settings(admin=request.user, values=data) or ["nothing"],
    )
    if changed is not None:
        messages.success(request, "Saved. Every page uses the new settings from now on.")
        return redirect("site_settings")
    changes = SettingChange.objects.select_related("changed_by")[:50]
    return render(
        request,
        "site/settings.html",
        {"form": form, "changes": changes},
        status=400 if form.errors else 200,
    )


def theme(request):
    """The footer's theme switch: a GET, as it only changes how the reader's own pages look
    (it works without JavaScript, and the page cache keeps a copy per theme)."""
    choice = request.GET.get("theme", "")
    response = redirect_back(request, request.GET.get("next"))
    if choice in themes.CHOSEN:
        response.set_cookie(
            themes.COOKIE,
            choice,
            max_age=themes.COOKIE_MAX_AGE,
            samesite="Lax",
            httponly=True,
            secure=request.is_secure(),
        )
    else:
        response.delete_cookie(themes.COOKIE, samesite="Lax")
    return response
