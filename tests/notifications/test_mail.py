"""Notifications and e-mail: who hears of what, and delivery that survives SMTP failures."""

import io
import re
import socket
from datetime import timedelta

import pytest
from aiosmtpd.controller import Controller
from django.core import mail
from django.core.management import call_command
from django.test import Client
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from ladle.comments.services import rate_comment
from ladle.notifications.models import Notification
from ladle.notifications.tasks import send_email
from ladle.stories.digests import send_digests
from tests.conftest import deliver_mail, make_comment, make_editor, make_member, make_story


@pytest.mark.django_db
def test_a_reply_notifies_the_parent_author_once_by_inbox_and_email():
    parent_author = make_member("Parent Author")
    story = make_story()
    parent = make_comment(story, author=parent_author, subject="My point")
    make_comment(story, parent=parent, subject="Your point", author=make_member("Replier"))
    make_comment(story, parent=parent, subject="Self reply", author=parent_author)
    assert Notification.objects.filter(member=parent_author).count() == 1
    assert deliver_mail() == 1
    [message] = mail.outbox
    assert message.to == ["parent.author@example.org"] and message.subject == "Reply: Your point"
    assert "Replier replied to your comment" in message.body
    assert "/unsubscribe/" in message.body and "List-Unsubscribe" in message.extra_headers
    assert message.alternatives == []  # plain text


@pytest.mark.django_db
def test_members_who_opted_out_get_no_reply_notification():
    quiet = make_member(reply_email=False, reply_inbox=False)
    story = make_story()
    parent = make_comment(story, author=quiet)
    make_comment(story, parent=parent)
    assert not Notification.objects.filter(member=quiet).exists()
    assert deliver_mail() == 0 and mail.outbox == []


@pytest.mark.django_db
def test_unsubscribe_link_turns_that_mail_off():
    member = make_member()
    story = make_story()
    make_comment(story, parent=make_comment(story, author=member))
    deliver_mail()
    link = re.search(r"https?://[^/]+(/unsubscribe/\S+)", mail.outbox[0].body).group(1)
    client = Client()
    assert b"Stop e-mail about replies" in client.get(link).content
    member.refresh_from_db()
    assert member.reply_email  # a GET changes nothing
    assert client.post(link).status_code == 200
    member.refresh_from_db()
    assert not member.reply_email
    assert client.get("/unsubscribe/forged-token/").status_code == 404


@pytest.mark.django_db
def test_digests_list_new_stories_for_members_who_asked():
    daily = make_member(digest="daily")
    make_member(digest="never")
    make_story("Fresh news", age_hours=2)
    assert send_digests(period="daily") == 1
    deliver_mail()
    [message] = mail.outbox
    assert message.to == [daily.email] and "Fresh news" in message.body
    assert "/unsubscribe/" in message.body
    # The next digest only lists what is new since.
    assert send_digests(period="daily", now=timezone.now() + timedelta(minutes=1)) == 0


@pytest.mark.django_db
def test_moderators_are_alerted_when_ratings_hide_a_comment():
    moderator = make_editor("Mod")
    comment = make_comment(make_story(), subject="Spammy")
    rate_comment(comment=comment, rater=make_editor(), value=0)
    assert Notification.objects.filter(member=moderator, text__contains="Spammy").exists()


@pytest.mark.django_db
def test_confirmation_mail_waits_in_the_queue_not_in_the_request(client):
    client.post(
        "/signup/",
        {
            "name": "Queued Reader",
            "email": "q@example.org",
            "password": "a quiet lantern 42",
            "password_again": "a quiet lantern 42",
        },
    )
    assert mail.outbox == []
    assert DBTaskResult.objects.ready().count() == 1
    deliver_mail()
    assert "/confirm/" in mail.outbox[0].body


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Inbox:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(envelope.content.decode("utf8", "replace"))
        return "250 OK"


@pytest.mark.django_db(transaction=True)
def test_failing_smtp_server_leaves_mail_queued_and_delivers_after_it_recovers(settings):
    port = _free_port()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_USE_TLS = "127.0.0.1", port, False
    settings.EMAIL_TIMEOUT = 5
    settings.LADLE_MAIL_RETRY_SECONDS = 0  # retry at once, so the test need not wait

    send_email.enqueue(to=["reader@example.org"], subject="Hello", body="Plain words.")

    def run_worker():
        call_command(
            "db_worker",
            "--batch",
            "--no-startup-delay",
            "--interval",
            "0",
            "--max-tasks",
            "1",
            stdout=io.StringIO(),
            stderr=io.StringIO(),
        )

    run_worker()  # nothing listens on the port: the attempt fails and is rescheduled
    attempts = list(DBTaskResult.objects.order_by("enqueued_at").values_list("status", flat=True))
    assert attempts == ["SUCCESSFUL", "READY"]  # the first run queued a second attempt

    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        run_worker()
    finally:
        controller.stop()
    assert len(inbox.messages) == 1 and "Subject: Hello" in inbox.messages[0]
    assert not DBTaskResult.objects.ready().exists()
