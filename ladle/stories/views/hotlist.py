"""A member's hotlist of stories they follow."""

from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from ladle.comments.following import hotlist_stories

from .. import services
from ..models import Story

# --- Hotlist -----------------------------------------------------------------------------------


@login_required
def hotlist(request):
    return render(request, "stories/hotlist.html", {"stories": hotlist_stories(request.user)})


@require_POST
def toggle_hotlist(request, pk: int):
    story = get_object_or_404(Story.objects.readable_by(request.user), pk=pk)
    if not request.user.is_authenticated:
        return redirect_to_login(story.get_absolute_url())
    if request.POST.get("action") == "remove":
        services.remove_from_hotlist(member=request.user, story=story)
    else:
        services.add_to_hotlist(member=request.user, story=story)
    return redirect(
        request.POST.get("next")
        if request.POST.get("next") == "/hotlist/"
        else story.get_absolute_url()
    )
