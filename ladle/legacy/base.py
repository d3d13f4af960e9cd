"""What every import shares: refusing a site that has content, old keys, member names that
fit Ladle's rules, and the record of a finished run."""

import re

from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator
from django.db import connection
from django.utils import timezone

from ladle.accounts.models import NAME_PATTERN, User
from ladle.accounts.names import name_key
from ladle.comments.models import Comment
from ladle.stories.models import Story

from .models import ImportRun, OldKey
from .report import Report

_NAME = re.compile(NAME_PATTERN)
_NOT_NAME = re.compile(r"[\W_]+")
_SPACES = re.compile(r"\s+")


class ImportRefused(Exception):
    """The import cannot start; the message says why and what to do."""


class AlreadyImported(Exception):
    """This very file was imported before: nothing to do."""

    def __init__(self, run: ImportRun | None):
        self.run = run
        when = f" on {run.finished_at:%Y-%m-%d %H:%M} UTC" if run else ""
        super().__init__(f"This file was already imported{when}: nothing was changed.")


def check_site(source: str, digest: str | None, *, merge: bool) -> None:
    """Refuse a file imported before, and a site with content unless merging."""
    if digest:
        run = ImportRun.objects.filter(source=source, digest=digest).first()
        if run is not None:
            raise AlreadyImported(run)
    if not merge and (Story.objects.exists() or Comment.objects.exists()):
        raise ImportRefused(
            "This site already has stories or comments. Import into an empty site, or give "
            "--merge to add the old site's content beside what is here (nothing already here "
            "is changed; what an earlier import brought in is recognised and left as it is)."
        )


def remember(kind: str, pairs: list[tuple[str, int]]) -> None:
    """Record where old things went (kind, old key -> new row id)."""
    OldKey.objects.bulk_create(
        [OldKey(kind=kind, key=key[:255], target_id=target) for key, target in pairs],
        ignore_conflicts=True,
    )


def taken_names() -> set[str]:
    """The name keys of every member here."""
    return set(User.objects.values_list("name_key", flat=True))


def known(kind: str) -> dict[str, int]:
    return dict(OldKey.objects.filter(kind=kind).values_list("key", "target_id"))


def fitting_name(wanted: str, fallback: str, taken: set[str], report: Report) -> str:
    """`wanted` as a member name Ladle accepts and that reads like no name in `taken` (name
    keys: `accounts.names`); a renaming is reported. Adds the name's key to `taken`."""
    name = wanted
    if not (_NAME.match(name) and len(name) <= 40):
        name = _SPACES.sub(" ", _NOT_NAME.sub(" ", wanted)).strip()[:40].strip() or fallback
    base, n = name, 2
    while name_key(name) in taken:
        name = f"{base[: 40 - len(str(n)) - 1]} {n}"
        n += 1
    if name != wanted:
        report.repair(
            "member names that do not fit Ladle's rules or were taken: renamed "
            "(their old links still lead to them)",
            f"{wanted!r} -> {name!r}",
        )
    taken.add(name_key(name))
    return name


def taken_emails() -> set[str]:
    """The e-mail addresses of every member here, lower case."""
    return {e.lower() for e in User.objects.values_list("email", flat=True)}


def fitting_email(wanted: str, placeholder: str, taken: set[str], report: Report, who: str) -> str:
    """`wanted` if it is a usable address nobody here has; else `placeholder` (an `.invalid`
    address), reported. Adds the address to `taken`."""
    email = (wanted or "").strip()
    try:
        EmailValidator()(email)
    except ValidationError:
        email = ""
    if not email or email.lower() in taken:
        why = "shares an e-mail address with another member" if email else "had no usable e-mail"
        report.repair(f"members whose address {why}: given a placeholder (.invalid) address", who)
        email = placeholder
    taken.add(email.lower())
    return email


def finish(source: str, file_name: str, digest: str | None, started, report: Report) -> None:
    """Record the run (inside the import's transaction)."""
    ImportRun.objects.create(
        source=source,
        file_name=file_name[:500],
        digest=digest or "",
        started_at=started,
        finished_at=timezone.now(),
        report=report.text(),
    )


def refresh_statistics() -> None:
    """Fresh planner statistics for the tables an import filled (after its transaction):
    PostgreSQL planned pages of a freshly loaded site badly until they were refreshed."""
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
