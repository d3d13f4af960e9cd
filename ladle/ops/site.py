"""A site's first start and the question every command asks first: is there a site here?"""

import secrets
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from ladle import config
from ladle.accounts.models import User
from ladle.stories.models import Section, Story
from ladle.stories.services import diary_section

from .upgrade import mark_built

# What an empty site starts with, so an editor can write the first story at once.
FRONT_SECTION = ("News", "news", "Stories on the front page.")


class NoSite(Exception):
    """A command that works on an existing site found none where the configuration points."""


def site_exists() -> bool:
    """Whether the configured database holds a Ladle site (its tables were made)."""
    if config.uses_sqlite() and not config.sqlite_path(settings.DATA_DIR).exists():
        return False
    return "django_migrations" in connection.introspection.table_names()


def require_site() -> None:
    """Refuse, in plain words, to work on a database that is not there (rather than make a
    fresh empty one somewhere the operator did not mean)."""
    if not site_exists():
        raise NoSite(config.no_site_message())


@dataclass
class FirstStart:
    admin_name: str = ""
    admin_password: str = ""
    starter: bool = False
    demo: bool = False


def prepare(*, demo: bool) -> FirstStart:
    """Bring the database up to date and make an empty site usable: the starter sections
    (or the demo magazine) and an administrator, whose password is returned once."""
    call_command("migrate", interactive=False, verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    result = FirstStart()
    if not (Story.objects.exists() or Section.objects.exists()):
        mark_built()  # a new site builds everything in its current format
        if demo:
            from ladle.demo import seed_demo

            seed_demo()
            result.demo = True
        else:
            add_starter_sections()
            result.starter = True
    if not User.objects.filter(is_superuser=True).exists():
        admin, password = create_admin("admin", "admin@localhost")
        result.admin_name, result.admin_password = admin.username, password
    return result


def add_starter_sections() -> None:
    """A front-page section and the members' diaries: enough to publish the first story."""
    name, slug, description = FRONT_SECTION
    with transaction.atomic():
        Section.objects.get_or_create(
            slug=slug, defaults={"name": name, "description": description, "position": 0}
        )
        diary_section()


def create_admin(name: str, email: str, password: str | None = None):
    """Create a confirmed administrator; returns (user, password)."""
    password = password or secrets.token_urlsafe(12)
    user = User.objects.create_superuser(
        username=name,
        email=email,
        password=password,
        role=User.Role.ADMIN,
        email_confirmed_at=timezone.now(),
    )
    return user, password


def reset_link(member: User) -> str:
    """A one-time link that lets `member` set a new password (Django's reset token: void
    once used, once the password changes, or after PASSWORD_RESET_TIMEOUT)."""
    token = default_token_generator.make_token(member)
    uid = urlsafe_base64_encode(force_bytes(member.pk))
    path = reverse("accounts:password_reset_confirm", args=[uid, token])
    return settings.LADLE_SITE_URL.rstrip("/") + path


def set_password(member: User, password: str) -> list[str]:
    """Set `member`'s password if the site's password rules accept it; returns why not."""
    try:
        validate_password(password, member)
    except ValidationError as error:
        return list(error.messages)
    member.set_password(password)
    member.save(update_fields=["password"])  # other sessions end: their hash no longer matches
    return []
