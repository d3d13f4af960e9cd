"""Telling members what happened: reply notifications, queue results, digests, alerts."""

from django.contrib.auth import get_user_model
from django.utils import timezone

from .mail import queue_email, site_url, wants
from .models import Notification


def notify(
    *,
    member,
    text: str,
    url: str = "",
    email_subject: str = "",
    email_body: str = "",
    kind: str = "queue",
) -> None:
    """An inbox message and, if the member wants that kind by e-mail, a queued e-mail."""
    Notification.objects.create(member=member, text=text[:300], url=url)
    if email_subject and wants(member, kind):
        link = f"\n\n{site_url()}{url}" if url else ""
        queue_email(
            to=member.email,
            subject=email_subject,
            body=(email_body or text) + link,
            member=member,
            kind=kind,
        )


def notify_reply(comment) -> None:
    """Tell the parent comment's author about a reply (inbox and/or e-mail, as they chose)."""
    if comment.parent_id is None:
        return
    parent_author = comment.parent.author
    if parent_author.pk == comment.author_id or not parent_author.is_active:
        return
    text = (
        f"{comment.author_name} replied to your comment “{comment.parent.subject}”: "
        f"“{comment.subject}”"
    )
    if parent_author.reply_inbox:
        Notification.objects.create(
            member=parent_author, text=text[:300], url=comment.get_absolute_url()
        )
    if wants(parent_author, "replies"):
        queue_email(
            to=parent_author.email,
            member=parent_author,
            kind="replies",
            subject=f"Reply: {comment.subject}",
            body=f"{text}\n\n{comment.body}\n\nRead and answer it: "
            f"{site_url()}{comment.get_absolute_url()}",
        )


def alert_moderators(*, text: str, url: str = "") -> None:
    """Tell every editor who takes alerts, in the inbox and by e-mail."""
    User = get_user_model()
    for moderator in User.objects.filter(
        role__in=[User.Role.EDITOR, User.Role.ADMIN], is_active=True, moderator_alerts=True
    ):
        notify(
            member=moderator,
            text=text,
            url=url,
            kind="alerts",
            email_subject=f"Moderation: {text[:60]}",
            email_body=text,
        )


def mark_inbox_read(*, member) -> list[Notification]:
    """The member's newest in-site messages, all marked read now (opening the inbox)."""
    notifications = list(Notification.objects.filter(member=member)[:100])
    Notification.objects.filter(member=member, read_at__isnull=True).update(read_at=timezone.now())
    return notifications
