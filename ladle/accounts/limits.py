"""Counting attempts per address or name, for the sign-up and log-in limits (docs/rules.md,
*Abuse control*).

Each key (such as "signup:203.0.113.5") counts hits in a fixed window. A hit is one atomic
INSERT ... ON CONFLICT DO UPDATE on both databases, so concurrent requests, in any number of
worker processes, are counted one by one: eight simultaneous sign-ups from one address see
the counts 1 to 8, never two the same. The database is the store every process shares.
"""

from datetime import timedelta

from django.db import connection
from django.utils import timezone

from .models import LimitCounter


def _key(key: str) -> str:
    return key[: LimitCounter._meta.get_field("key").max_length]


def hit(key: str, *, window: timedelta) -> int:
    """Count one attempt under `key`; returns the attempts in the current window, this one
    included (a window that ran out starts again at 1)."""
    now = timezone.now()
    adapt = connection.ops.adapt_datetimefield_value
    table = connection.ops.quote_name(LimitCounter._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"""INSERT INTO {table} (key, window_ends, hits) VALUES (%s, %s, 1)
            ON CONFLICT (key) DO UPDATE SET
                hits = CASE WHEN {table}.window_ends <= %s THEN 1 ELSE {table}.hits + 1 END,
                window_ends = CASE WHEN {table}.window_ends <= %s
                                   THEN excluded.window_ends ELSE {table}.window_ends END
            RETURNING hits""",
            [_key(key), adapt(now + window), adapt(now), adapt(now)],
        )
        return cursor.fetchone()[0]


def hits(key: str) -> int:
    """Attempts under `key` in its current window (0 once the window ran out)."""
    counter = LimitCounter.objects.filter(key=_key(key), window_ends__gt=timezone.now()).first()
    return counter.hits if counter else 0


def forget(key: str) -> None:
    LimitCounter.objects.filter(key=_key(key)).delete()
