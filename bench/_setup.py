"""Shared by the benchmarks: Django set up against a throwaway database.

SQLite in a temporary folder, or a `test_` database beside LADLE_DATABASE_URL's, created for
the run and dropped after it.
"""

import contextlib
import os
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


@contextlib.contextmanager
def throwaway_database():
    if not os.environ.get("LADLE_DATABASE_URL"):
        os.environ["LADLE_DATA_DIR"] = tempfile.mkdtemp(prefix="ladle-bench-")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ladle.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.test.utils import setup_test_environment

    setup_test_environment()
    settings.ALLOWED_HOSTS = ["testserver"]
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        yield connection
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


def bench_section_and_members(count: int):
    """A section and `count` confirmed members for a benchmark's content, made in bulk."""
    from django.utils import timezone

    from ladle.accounts.models import User
    from ladle.accounts.names import name_key
    from ladle.stories.models import Section

    now = timezone.now()
    section = Section.objects.create(name="Bench", slug="bench")
    members = User.objects.bulk_create(
        User(
            username=f"bench{i}",
            name_key=name_key(f"bench{i}"),  # bulk_create skips save(), which sets it
            email=f"bench{i}@example.org",
            email_confirmed_at=now,
            password="!",
        )
        for i in range(count)
    )
    return section, members


def bench_comment(story, number: int, parent, author, subject: str, body: str, when, **extra):
    """An unsaved comment placed in its thread (depth and path from its parent), for
    `bulk_create` in depth order."""
    from ladle.comments.models import Comment

    comment = Comment(
        story=story,
        number=number,
        parent=parent,
        depth=0 if parent is None else parent.depth + 1,
        author=author,
        subject=subject,
        body=body,
        body_html=extra.pop("body_html", f"<p>{body}</p>"),
        created_at=when,
        **extra,
    )
    comment.path = comment.path_below(parent)
    return comment
