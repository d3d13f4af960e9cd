"""Story digests: each member who asked gets the new stories they may read, daily or weekly."""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from ladle.accounts.models import User
from ladle.notifications.mail import queue_email, site_url

from .models import Story

PERIODS = {"daily": timedelta(days=1), "weekly": timedelta(days=7)}


def send_digests(*, period: str, now=None) -> int:
    """Queue a digest of new stories to each member who asked for this period. Returns the
    number of digests queued. Each member's digest and its timestamp are one transaction."""
    now = now or timezone.now()
    sent = 0
    for member in User.objects.filter(
        digest=period, is_active=True, email_confirmed_at__isnull=False
    ):
        since = member.digest_sent_at or (now - PERIODS[period])
        stories = list(
            Story.objects.readable_by(member)
            .published(now)
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
