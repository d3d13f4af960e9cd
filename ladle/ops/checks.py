"""`ladle check`: what is wrong with this deployment, in plain words.

Django's own deployment checks (`check --deploy`), then Ladle's: the public address, HTTPS,
mail, the proxies in front (compared with the headers requests really arrived with), recent
backups and the background worker. Each check gives a problem or a pass, never both.
"""

import os
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.core import checks
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

from ladle.jobs.models import JobRun

from . import observe
from .backup import last_backup

# Django deployment warnings that are an operator's choice rather than a fault.
CHOICES = {"security.W005", "security.W021"}  # HSTS for subdomains, HSTS preload
BACKUP_AGE = timedelta(hours=48)
WORKER_AGE = timedelta(days=2)


def problems_and_passes() -> tuple[list[str], list[str]]:
    problems: list[str] = []
    passes: list[str] = []
    for check in (_django, _site_url, _https, _mail, _proxies, _backups, _worker):
        found, passed = check()
        problems += found
        passes += passed
    return problems, passes


def _django():
    messages = checks.run_checks(include_deployment_checks=True)
    found = [
        f"{m.id}: {m.msg}" + (f" ({m.hint})" if m.hint else "")
        for m in messages
        if m.level >= checks.WARNING and m.id not in CHOICES
    ]
    return found, [] if found else ["Django's deployment checks"]


def _site_url():
    url = os.environ.get("LADLE_SITE_URL", "")
    if not url:
        return ["LADLE_SITE_URL is not set: links in e-mail would point at 127.0.0.1."], []
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return [f"LADLE_SITE_URL ({url}) is not a web address such as https://example.org."], []
    if parts.hostname in ("127.0.0.1", "localhost", "::1"):
        return [f"LADLE_SITE_URL is {url}: readers elsewhere cannot open links to it."], []
    if parts.hostname not in settings.ALLOWED_HOSTS and "*" not in settings.ALLOWED_HOSTS:
        return [
            f"The site's host {parts.hostname} is not in LADLE_ALLOWED_HOSTS "
            f"({', '.join(settings.ALLOWED_HOSTS)}): every request to it would be refused."
        ], []
    return [], [f"the public address is {url}, an allowed host"]


def _https():
    url = os.environ.get("LADLE_SITE_URL", "")
    if url.startswith("https://") and not settings.HTTPS:
        return [
            "LADLE_SITE_URL is https but LADLE_HTTPS is off: cookies would be sent without "
            "the secure flag and requests the proxy forwarded as https not recognised."
        ], []
    if settings.HTTPS and url.startswith("http://"):
        return ["LADLE_HTTPS is on but LADLE_SITE_URL starts with http://."], []
    if not settings.HTTPS:
        return ["The site is not served over HTTPS (LADLE_HTTPS is off)."], []
    seen = observe.seen()
    if seen and seen.get("requests") and not seen.get("https_forwarded"):
        return [
            "LADLE_HTTPS is on, but no request arrived with X-Forwarded-Proto: https; the "
            "proxy must send it (nginx: proxy_set_header X-Forwarded-Proto $scheme)."
        ], []
    return [], ["HTTPS, with secure cookies"]


def _mail():
    if not settings.EMAIL_HOST:
        return [
            "No mail server (LADLE_EMAIL_HOST): e-mail is printed on the console, so new "
            "members never get their confirmation link."
        ], []
    return [], [f"mail goes through {settings.EMAIL_HOST}:{settings.EMAIL_PORT}"]


def _proxies():
    seen = observe.seen()
    count = settings.LADLE_PROXY_COUNT
    if not seen or not seen.get("requests"):
        return [], [f"LADLE_PROXY_COUNT is {count} (no requests seen yet to compare)"]
    hops = set(seen.get("forwarded_hops", []))
    if count == 0 and hops - {0}:
        return [
            "Requests arrive with X-Forwarded-For (through a proxy) but LADLE_PROXY_COUNT is "
            "0: every reader seems to have the proxy's address, so the per-address limits "
            "would catch everyone at once. Set LADLE_PROXY_COUNT to the number of proxies."
        ], []
    if count and any(h < count for h in hops):
        return [
            f"LADLE_PROXY_COUNT is {count} but some requests came with fewer X-Forwarded-For "
            f"entries ({', '.join(map(str, sorted(hops)))}): they reach the site without "
            "passing the proxy, or the count is too high. Readers could then choose their own "
            "address."
        ], []
    return [], [f"LADLE_PROXY_COUNT ({count}) matches the requests seen"]


def _backups():
    last = last_backup()
    if last is None:
        return ["No backup has been taken (`ladle backup FOLDER`, daily)."], []
    at = datetime.fromisoformat(last["at"])
    if timezone.now() - at > BACKUP_AGE:
        return [f"The last backup is from {at:%Y-%m-%d %H:%M} UTC: older than two days."], []
    return [], [f"the last backup is from {at:%Y-%m-%d %H:%M} UTC, to {last['to']}"]


def _worker():
    newest = JobRun.objects.filter(finished_at__isnull=False).order_by("-finished_at").first()
    if newest is not None and timezone.now() - newest.finished_at < WORKER_AGE:
        return [], [
            f"the background worker ran {newest.name} at {newest.finished_at:%Y-%m-%d %H:%M}"
        ]
    first = MigrationRecorder.Migration.objects.order_by("applied").first()
    if first is not None and timezone.now() - first.applied < WORKER_AGE:
        return [], ["the site is new: the background worker has not had to run yet"]
    return [
        "No scheduled job has run for two days: is the background worker (`ladle worker`, or "
        "the ladle-worker service) running? It sends e-mail and refreshes mojo."
    ], []
