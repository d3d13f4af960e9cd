"""Compressed responses: Django's gzip (with its BREACH mitigation), and brotli for readers
without a session, whose pages hold no secret of anybody's.

BREACH recovers a secret that a page repeats (a CSRF token) from the compressed size of many
responses. Django's `GZipMiddleware` pads every gzip response with random bytes to blur the
sizes; brotli has no such padding, so it is used only where there is nothing to steal: a
response to a request with no session cookie that set no cookie and used no CSRF token. Those
are also the pages kept whole for visitors (`ladle.site.pages`), compressed once.
"""

import brotli
from django.conf import settings
from django.middleware.gzip import GZipMiddleware
from django.utils.cache import patch_vary_headers
from django.utils.regex_helper import _lazy_re_compile

_ACCEPTS_BR = _lazy_re_compile(r"\bbr\b")
QUALITY = 5  # about gzip's speed, a fifth smaller on Ladle's pages


def accepts_brotli(request) -> bool:
    return settings.LADLE_BROTLI and bool(
        _ACCEPTS_BR.search(request.META.get("HTTP_ACCEPT_ENCODING", ""))
    )


def holds_no_secret(request, response) -> bool:
    return (
        settings.SESSION_COOKIE_NAME not in request.COOKIES
        and not response.cookies
        and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
    )


class CompressionMiddleware(GZipMiddleware):
    def process_response(self, request, response):
        if response.get("Content-Type", "").startswith("text/event-stream"):
            return response  # each event goes out as it is sent, not held for a block
        if (
            response.streaming
            or response.has_header("Content-Encoding")
            or len(response.content) < 200
            or not accepts_brotli(request)
            or not holds_no_secret(request, response)
        ):
            return super().process_response(request, response)
        patch_vary_headers(response, ("Accept-Encoding",))
        compressed = brotli.compress(response.content, quality=QUALITY)
        if len(compressed) >= len(response.content):
            return response
        response.content = compressed
        response.headers["Content-Length"] = str(len(compressed))
        etag = response.get("ETag")
        if etag and etag.startswith('"'):
            response.headers["ETag"] = "W/" + etag  # the bytes differ from the page's
        response.headers["Content-Encoding"] = "br"
        return response
