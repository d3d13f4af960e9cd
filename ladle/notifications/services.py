"""Telling members what happened: reply notifications, queue results, digests, alerts."""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from ladle.accounts.models import Notification, User

from .mail import queue_email, site_url, wants


def notify(
    *,
    member: User,
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
        f"{comment.author.shown_name} replied to your comment “{comment.parent.subject}”: "
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


PERIODS = {"daily": timedelta(days=1), "weekly": timedelta(days=7)}


def send_digests(*, period: str, now=None) -> int:
    """Queue a digest of new stories to each member who asked for this period. Returns the
    number of digests queued. Each member's digest and its timestamp are one transaction."""
    from ladle.stories.models import Story

    now = now or timezone.now()
    sent = 0
    for member in User.objects.filter(
        digest=period, is_active=True, email_confirmed_at__isnull=False
    ):
        since = member.digest_sent_at or (now - PERIODS[period])
        stories = list(
            Story.objects.published(now)
            .filter(published_at__gt=since)
            .newest_first()
            .select_related("section")[:30]
        )
        with transaction.atomic():
            if stories:
                lines = [
                    f"- {s.title} ({s.section.name})\n  {site_url()}{s.get_absolute_url()}"
                    for s in stories
                ]
                queue_email(
                    to=member.email,
                    member=member,
                    kind="digest",
                    subject=f"Your {period} digest: {len(stories)} new "
                    f"stor{'y' if len(stories) == 1 else 'ies'}",
                    body="New since your last digest:\n\n" + "\n".join(lines),
                )
                sent += 1
            User.objects.filter(pk=member.pk).update(digest_sent_at=now)
    return sent
