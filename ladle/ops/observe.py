"""What requests really arrive with, for `ladle check`: how many X-Forwarded-For entries (so
LADLE_PROXY_COUNT can be compared with the proxies really in front) and whether a proxy
said the reader used HTTPS. Each worker process writes the data folder's `requests-seen.json`
only when it sees something new, so this costs nothing per request once a site is settled.
"""

import json
import os
import threading

from django.conf import settings

FILE = "requests-seen.json"
_lock = threading.Lock()
_known: dict = {"requests": 0, "forwarded_hops": [], "https_forwarded": False}


def seen() -> dict | None:
    path = settings.DATA_DIR / FILE
    try:
        return json.loads(path.read_text())
    except (OSError, ValueError):
        return None


def _record(hops: int, https: bool) -> None:
    with _lock:
        if (
            _known["requests"]
            and hops in _known["forwarded_hops"]
            and (not https or _known["https_forwarded"])
        ):
            return
        current = seen() or dict(_known)
        current["requests"] = 1
        current["forwarded_hops"] = sorted({*current.get("forwarded_hops", []), hops})
        current["https_forwarded"] = current.get("https_forwarded", False) or https
        temporary = settings.DATA_DIR / f".{FILE}.{os.getpid()}"
        try:
            temporary.write_text(json.dumps(current))
            os.replace(temporary, settings.DATA_DIR / FILE)
        except OSError:
            return
        _known.update(current)


def note(request) -> None:
    """Take note of what this request arrived with (every door a request comes in by)."""
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    hops = len([p for p in forwarded.split(",") if p.strip()])
    https = request.META.get("HTTP_X_FORWARDED_PROTO", "") == "https"
    _record(hops, https)


class RequestsSeenMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        note(request)
        return self.get_response(request)
