"""Writes about members: signing up and confirming the e-mail address."""

from datetime import timedelta

from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_decode, urlsafe_base64_encode

from ladle.moderation.services import checked_reason, log_action
from ladle.notifications.mail import queue_email
from ladle.notifications.services import notify
from ladle.search.indexing import index_member
from ladle.site.values import value

from . import limits, names
from .models import PostingRecord, User
from .signals import shown_name_changed


class EmailConfirmationTokenGenerator(PasswordResetTokenGenerator):
    """Tokens that stop working once the address is confirmed."""

    key_salt = "ladle.accounts.EmailConfirmationTokenGenerator"

    def _make_hash_value(self, user, timestamp):
        return f"{user.pk}{user.email}{user.email_confirmed_at}{timestamp}"


email_confirmation_tokens = EmailConfirmationTokenGenerator()


def confirmation_path(user: User) -> str:
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = email_confirmation_tokens.make_token(user)
    return reverse("accounts:confirm_email", args=[uid, token])


def send_confirmation_email(*, user: User, base_url: str) -> None:
    context = {
        "user": user,
        "link": base_url + confirmation_path(user),
        "site_name": value("site_name"),
    }
    queue_email(
        to=user.email,
        subject=f"Confirm your e-mail address for {value('site_name')}",
        body=render_to_string("accounts/email/confirm.txt", context),
    )


def sign_up(*, name: str, email: str, password: str, ip: str | None, base_url: str) -> User | None:
    """Create an unconfirmed account and mail its confirmation link.

    Refuses a sign-up once `LADLE_SIGNUPS_PER_IP_PER_DAY` accounts came from the same address in
    the last 24 hours. The account cannot log in or post until its address is confirmed.
    An address that already has an account gets a mail saying so and no new account (None):
    the page answers the same either way.
    """
    allowed = value("signups_per_ip_per_day")
    # Counted atomically before anything is written: concurrent sign-ups from one address
    # cannot all see room for one more (accounts.limits).
    if ip and allowed and limits.hit(f"signup:{ip}", window=timedelta(days=1)) > allowed:
        raise ValidationError(
            "Too many new accounts came from your network today. Please try again tomorrow."
        )
    if User.objects.filter(email__iexact=email).exists():
        # Said to the address's owner, never on the page: the page must not tell anyone
        # which addresses have accounts.
        _send_already_registered(email=email, base_url=base_url)
        return None
    try:
        with transaction.atomic():
            user = User(username=name, email=email, signup_ip=ip)
            user.set_password(password)
            user.save()
            send_confirmation_email(user=user, base_url=base_url)
    except IntegrityError as error:  # someone took a name that reads alike a moment ago
        raise ValidationError({"name": "That name is taken, or reads like one that is."}) from error
    return user


def _send_already_registered(*, email: str, base_url: str) -> None:
    member = User.objects.filter(email__iexact=email).first()
    context = {
        "member": member,
        "login": base_url + reverse("accounts:login"),
        "reset": base_url + reverse("accounts:password_reset"),
        "site_name": value("site_name"),
    }
    queue_email(
        to=email,
        subject=f"You already have an account at {value('site_name')}",
        body=render_to_string("accounts/email/already_registered.txt", context),
    )


def confirm_email(*, uidb64: str, token: str) -> User | None:
    """Mark the address confirmed if the link is genuine; None for a bad or used link."""
    try:
        pk = int(urlsafe_base64_decode(uidb64).decode())
    except (TypeError, ValueError, OverflowError, UnicodeDecodeError):
        return None
    with transaction.atomic():
        user = User.objects.select_for_update().filter(pk=pk).first()
        if user is None or not email_confirmation_tokens.check_token(user, token):
            return None
        user.email_confirmed_at = timezone.now()
        user.save(update_fields=["email_confirmed_at"])
        index_member(user)
    return user


def save_display_choice(*, member: User, options) -> None:
    """Remember a member's comment display and sort (ladle.lib.display.ViewOptions)."""
    member.comment_display = options.display
    member.comment_rating_sort = options.rating_sort
    member.comment_age_sort = options.age_sort
    member.save(update_fields=["comment_display", "comment_rating_sort", "comment_age_sort"])


def save_member_fields(*, member: User, fields: list[str] | None) -> User:
    """Write the named fields of `member` (all of a new member) and keep their search entry
    current. Mojo and other computed fields are only written by the services computing them."""
    names = {f.name for f in User._meta.concrete_fields}
    with transaction.atomic():
        before = User.objects.filter(pk=member.pk).values(*SHOWN_WITH_WRITING).first()
        if member.pk is None or fields is None:
            member.save()
        elif written := [f for f in fields if f in names]:
            member.save(update_fields=written)
        index_member(member)
        if before and any(before[f] != getattr(member, f) for f in SHOWN_WITH_WRITING):
            shown_name_changed.send(sender=User, member=member)
    return member


# What pages show of a member beside each comment and story they wrote.
SHOWN_WITH_WRITING = ("username", "display_name", "signature")


def update_profile(*, form) -> User:
    """Save a member's profile form: only its own fields."""
    return save_member_fields(member=form.save(commit=False), fields=list(form.fields))


def suspend_member(*, member: User, moderator, reason: str, days: int | None) -> User:
    """A moderator suspends a member's posting, rating and voting for `days` (None: until
    lifted), with a public reason; the member is told."""
    if not moderator.is_editor or member.is_editor:
        raise PermissionDenied("Only moderators suspend members, and not other staff.")
    reason = checked_reason(reason, what="the member is suspended")
    now = timezone.now()
    until = now + timedelta(days=days) if days else None
    with transaction.atomic():
        User.objects.filter(pk=member.pk).update(
            suspended_at=now, suspended_until=until, suspension_reason=reason
        )
        member.refresh_from_db()
        log_action(
            moderator=moderator,
            action="suspend_member",
            target=member.username + (f" for {days} days" if days else " until lifted"),
            url=member.get_absolute_url(),
            reason=reason,
        )
        notify(
            member=member,
            text=member.suspension_refusal(now),
            url=member.get_absolute_url(),
            email_subject=f"Your account at {value('site_name')} is suspended",
            email_body=member.suspension_refusal(now),
        )
    return member


def lift_suspension(*, member: User, moderator, reason: str) -> User:
    if not moderator.is_editor:
        raise PermissionDenied("Only moderators lift suspensions.")
    reason = checked_reason(reason, what="the suspension is lifted")
    with transaction.atomic():
        User.objects.filter(pk=member.pk).update(
            suspended_at=None, suspended_until=None, suspension_reason=""
        )
        PostingRecord.objects.filter(member_id=member.pk).update(locked_until=None, lock_minutes=0)
        member.refresh_from_db()
        log_action(
            moderator=moderator,
            action="lift_suspension",
            target=member.username,
            url=member.get_absolute_url(),
            reason=reason,
        )
        notify(member=member, text="Your suspension was lifted: you may post again.", url="")
    return member


def guest_member(name: str = "Guest") -> User:
    """The inactive account that comments posted without an account are filed under, made
    the first time one is needed (a site brought from Scoop has its anonymous member here).
    It cannot log in; the comments show the names their posters gave."""
    guest = User.objects.filter(is_guest=True).first()
    if guest is not None:
        return guest
    taken = {key for key in User.objects.values_list("name_key", flat=True)}
    candidate, n = name, 1
    while names.name_key(candidate) in taken:
        n += 1
        candidate = f"{name} {n}"
    guest = User(username=candidate, email="guest@guest.invalid", is_active=False, is_guest=True)
    guest.set_unusable_password()
    try:
        with transaction.atomic():
            guest.save(force_insert=True)
    except IntegrityError:  # made by a concurrent first guest post
        return User.objects.get(is_guest=True)
    return guest
