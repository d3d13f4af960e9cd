from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from ladle.form_actions import run_form

from . import services
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
