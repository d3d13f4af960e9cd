"""Reads a PostgreSQL read replica may serve (LADLE_REPLICA_DATABASE_URL).

A replica lags the primary by a moment, so it only serves what may be a moment old without
anyone noticing or any harm: requests without a session (nobody is reading their own write)
that are not pages the page cache keeps (a page built from a lagging replica could be kept
under the newest page generation), by default the API, the feeds and search. Everything else,
and every write, goes to the primary.
"""

import contextvars

from django.conf import settings

_reading = contextvars.ContextVar("ladle_replica_reads", default=False)


def reads_from_replica(request) -> bool:
    return (
        settings.LADLE_REPLICA
        and request.method in ("GET", "HEAD")
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and "HTTP_AUTHORIZATION" not in request.META
        and request.path.startswith(tuple(settings.LADLE_REPLICA_PATHS))
    )


class ReplicaRouter:
    """Django's database router: reads to the replica while `ReplicaReadsMiddleware` allows."""

    def db_for_read(self, model, **hints):
        return "replica" if _reading.get() else None

    def db_for_write(self, model, **hints):
        return None

    def allow_relation(self, obj1, obj2, **hints):
        return True  # the same rows on both

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == "default"


class ReplicaReadsMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _reading.set(reads_from_replica(request))
        try:
            return self.get_response(request)
        finally:
            _reading.reset(token)
