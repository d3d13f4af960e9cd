"""Background work: sending e-mail. Runs in the worker (`ladle worker`, or beside `ladle serve`).

Tasks are rows in the database (django-tasks-db), written in the same transaction as the change
that asked for them, so a message is never lost to a crash and never sent for a rolled-back
change. A failed SMTP delivery schedules another attempt later, with growing delays.
"""

import logging
import smtplib
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.utils import timezone
from django_tasks import task

logger = logging.getLogger(__name__)


def retry_delay(attempt: int) -> timedelta:
    """1, 2, 4, ... minutes after each failure, at most a few hours (times the setting)."""
    return timedelta(seconds=settings.LADLE_MAIL_RETRY_SECONDS * min(2 ** (attempt - 1), 256))


@task()
def send_email(
    to: list[str],
    subject: str,
    body: str,
    html: str = "",
    headers: dict | None = None,
    attempt: int = 1,
) -> str:
    message = EmailMultiAlternatives(subject=subject, body=body, to=to, headers=headers or {})
    if html:
        message.attach_alternative(html, "text/html")
    try:
        message.send()
    except (smtplib.SMTPException, OSError) as error:
        if attempt >= settings.LADLE_MAIL_MAX_ATTEMPTS:
            logger.error("Giving up on mail to %s after %d attempts: %s", to, attempt, error)
            raise
        run_after = timezone.now() + retry_delay(attempt)
        send_email.using(run_after=run_after).enqueue(
            to=to, subject=subject, body=body, html=html, headers=headers, attempt=attempt + 1
        )
        logger.warning(
            "Mail to %s failed (%s); attempt %d at %s", to, error, attempt + 1, run_after
        )
        return f"retrying: {error}"
    return "sent"
