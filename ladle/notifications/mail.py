"""Composing e-mail: every message has a plain-text part, and every notification an
unsubscribe link. Messages are queued for the background worker, never sent in a request."""

from django.conf import settings
from django.core import signing
from django.urls import reverse

from ladle.site.values import value

from .tasks import send_email

UNSUBSCRIBE_SALT = "ladle.notifications.unsubscribe"
# What a member can turn off from a message, and the profile field it sets.
KINDS = {
    "replies": ("reply_email", False),
    "digest": ("digest", "never"),
    "queue": ("queue_email", False),
    "alerts": ("moderator_alerts", False),
}


def wants(member, kind: str) -> bool:
    """Whether the member still takes this kind of e-mail (see KINDS)."""
    field, off = KINDS[kind]
    return bool(member.email) and getattr(member, field) != off


def site_url() -> str:
    return settings.LADLE_SITE_URL.rstrip("/")


def unsubscribe_url(member, kind: str) -> str:
    token = signing.dumps({"m": member.pk, "k": kind}, salt=UNSUBSCRIBE_SALT)
    return site_url() + reverse("notifications:unsubscribe", args=[token])


def read_unsubscribe_token(token: str) -> tuple[int, str] | None:
    try:
        data = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        return None
    if (
        not isinstance(data, dict)
        or data.get("k") not in KINDS
        or not isinstance(data.get("m"), int)
    ):
        return None
    return data["m"], data["k"]


def queue_email(*, to: str, subject: str, body: str, member=None, kind: str = "") -> None:
    """Queue a plain-text message; with `member` and `kind`, add the unsubscribe link and the
    List-Unsubscribe header. Call inside the transaction of the change it reports."""
    headers = {}
    if member is not None and kind:
        link = unsubscribe_url(member, kind)
        body = (
            f"{body.rstrip()}\n\n-- \nYou get this because of your settings on "
            f"{value('site_name')}. To stop these messages: {link}\n"
        )
        headers["List-Unsubscribe"] = f"<{link}>"
    send_email.enqueue(to=[to], subject=subject, body=body, headers=headers)
