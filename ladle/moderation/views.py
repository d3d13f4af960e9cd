from django.core.paginator import Paginator
from django.shortcuts import render

from .models import LogEntry


def moderation_log(request):
    entries = Paginator(LogEntry.objects.select_related("moderator"), 50).get_page(
        request.GET.get("page")
    )
    return render(request, "moderation/log.html", {"entries": entries})
