"""Whole pages kept for anonymous readers, served before sessions, views and templates run.

A page is kept when it was made for a request that carried no session (so nobody was logged
in), went out as a 200 HTML page and set no cookie (so it holds no CSRF token or message of
anybody's own): every reader without a session gets those same bytes. Pages are filed under
the site's page generation (`PageGeneration`), which moves on after every request that may
write, every scheduled job and every `ladle` command (`moved_on`): one indexed read per page
tells whether the copy is current, in every process and on every machine. Pages that change
with the clock alone (a story due to be published) are kept only until then.

Under `ladle serve` a current copy is answered before Django's request handling runs at all
(`kept_answer`, called by `ladle.asgi`); under any other server, by the middleware below.
Each process keeps a copy (bounded by LADLE_PAGE_CACHE_MB), in front of Redis when configured.
Copies are per compression (gzip, brotli or none), so a hit costs no compression.
"""

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Callable
from datetime import datetime, timedelta

from django.conf import settings
from django.core.cache import caches
from django.db import connection
from django.db.models import F
from django.http import HttpResponse
from django.utils import timezone
from django.utils.cache import get_conditional_response

from ladle.compression import accepts_brotli
from ladle.replica import reads_from_replica

from .models import PageGeneration

SAFE = ("GET", "HEAD")
LONGEST = timedelta(minutes=10)  # a page is never kept longer, whatever else holds


def generation() -> int:
    """The current page generation (one query)."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT number FROM {PageGeneration._meta.db_table} WHERE id = 1")
        row = cursor.fetchone()
    return row[0] if row else 0


def moved_on() -> None:
    """Every kept page is out of date: file new ones under the next generation. Called after
    the writes it follows have committed (or in their transaction, which commits the new
    number with them): a page rendered before the change is never filed under the new one."""
    if not PageGeneration.objects.filter(pk=1).update(number=F("number") + 1):
        PageGeneration.objects.get_or_create(pk=1, defaults={"number": 1})


def _encoding(request) -> str:
    if accepts_brotli(request):
        return "br"
    return "gzip" if "gzip" in request.META.get("HTTP_ACCEPT_ENCODING", "") else ""


def _eligible(request) -> bool:
    cookies = request.COOKIES
    return (
        settings.LADLE_PAGE_CACHE
        and request.method in SAFE
        and settings.SESSION_COOKIE_NAME not in cookies
        and "messages" not in cookies
        and "HTTP_AUTHORIZATION" not in request.META
        and "HTTP_HX_REQUEST" not in request.META
        and not request.path.startswith((settings.STATIC_URL, "/admin/"))
        and not reads_from_replica(request)  # it may lag: never keep what it built
    )


class _Kept:
    """This process's pages, newest use last, within a size in bytes."""

    def __init__(self):
        self.pages: OrderedDict[str, tuple] = OrderedDict()
        self.size = 0
        self.lock = threading.Lock()

    def get(self, key: str):
        with self.lock:
            page = self.pages.get(key)
            if page is not None:
                self.pages.move_to_end(key)
            return page

    def put(self, key: str, page: tuple) -> None:
        limit = settings.LADLE_PAGE_CACHE_MB * 1024 * 1024
        with self.lock:
            old = self.pages.pop(key, None)
            if old is not None:
                self.size -= len(old[2])
            self.pages[key] = page
            self.size += len(page[2])
            while self.size > limit and self.pages:
                self.size -= len(self.pages.popitem(last=False)[1][2])

    def clear(self) -> None:
        with self.lock:
            self.pages.clear()
            self.size = 0


kept = _Kept()


def _shared():
    return caches["default"] if settings.REDIS_URL else None


# Cookies that change how a visitor's pages look (the apps above this one add theirs: the
# comment display choice): their values are part of a kept page's key.
READER_COOKIES: list[str] = []

# Functions that say when pages next change with the clock alone (the apps above this one
# add theirs: a story due to be published), given the time now; None for never.
CLOCKS: list[Callable[[datetime], datetime | None]] = []


def kept_for(now: datetime) -> float:
    """Seconds a page may be kept: until the clock next changes a page, at most LONGEST."""
    until = LONGEST
    for clock in CLOCKS:
        due = clock(now)
        if due is not None:
            until = min(until, due - now)
    return max(until.total_seconds(), 0)


def _key(request) -> str:
    """Where the page for this request is filed: under the current page generation (one
    query), by compression, the reader's own display cookies, scheme (a plain-HTTP request
    may be redirected to HTTPS), host and address."""
    own = [request.COOKIES.get(name, "") for name in READER_COOKIES]
    where = (request.scheme, request.get_host(), request.get_full_path())
    asked = repr((_encoding(request), *own, *where))
    return f"page:{generation()}:{hashlib.blake2b(asked.encode(), digest_size=16).hexdigest()}"


def _current(key: str, now: float):
    page = kept.get(key)
    if page is None and (shared := _shared()) is not None:
        page = shared.get(key)
        if page is not None:
            kept.put(key, page)
    return page if page is not None and page[0] > now else None


def _keep(key: str, response, now: float) -> None:
    if (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and response.get("Content-Type", "").startswith("text/html")
        and "no-store" not in response.get("Cache-Control", "")
        and "private" not in response.get("Cache-Control", "")
    ):
        lasts = kept_for(timezone.now())
        if lasts >= 1:
            page = (now + lasts, list(response.items()), response.content)
            kept.put(key, page)
            if (shared := _shared()) is not None:
                shared.set(key, page, timeout=int(lasts))


def kept_answer(request) -> HttpResponse | None:
    """The kept page for this request, when it may have one and its copy is current."""
    if not _eligible(request):
        return None
    page = _current(_key(request), timezone.now().timestamp())
    return None if page is None else _replay(request, page)


class AnonymousPageCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not _eligible(request):
            response = self.get_response(request)
            if request.method not in SAFE:
                moved_on()
            return response
        key = _key(request)
        now = timezone.now().timestamp()
        page = _current(key, now)
        if page is not None:
            return _replay(request, page)
        response = self.get_response(request)
        _keep(key, response, now)
        return response


def _replay(request, page) -> HttpResponse:
    _, headers, body = page
    response = HttpResponse(body if request.method == "GET" else b"")
    for name, value in headers:
        response[name] = value
    etag = response.get("ETag")
    if etag and request.META.get("HTTP_IF_NONE_MATCH"):
        conditional = get_conditional_response(request, etag=etag, response=response)
        if conditional is not None and conditional is not response:
            return conditional
    return response
