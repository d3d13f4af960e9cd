from django.http import Http404
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from ladle.accounts.models import User
from ladle.accounts.services import save_member_fields

from .mail import KINDS, read_unsubscribe_token

LABELS = {
    "replies": "e-mail about replies to your comments",
    "digest": "story digests",
    "queue": "e-mail about your submitted stories",
    "alerts": "moderator alerts",
}


@require_http_methods(["GET", "POST"])
def unsubscribe(request, token: str):
    """The link in every notification. GET asks; POST turns that kind of e-mail off."""
    found = read_unsubscribe_token(token)
    member = User.objects.filter(pk=found[0]).first() if found else None
    if found is None or member is None:
        raise Http404("This unsubscribe link is not valid.")
    kind = found[1]
    done = False
    if request.method == "POST":
        field, off = KINDS[kind]
        setattr(member, field, off)
        save_member_fields(member=member, fields=[field])
        done = True
    return render(request, "notifications/unsubscribe.html", {"label": LABELS[kind], "done": done})
