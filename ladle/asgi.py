"""The site as one ASGI application: what `ladle serve` runs (gunicorn with uvicorn's worker).

Three doors:

- A visitor's page that is kept (`ladle.site.pages`) is answered here, from a lookup on a small
  pool of threads of its own (one query: the page generation), without Django's request
  handling, sessions or the page threads below.
- A story's live comment stream (`/story/<id>/comments/stream/`) goes to Django's ASGI handler.
  An open stream is a coroutine waiting between checks, so a worker holds thousands of them;
  under a WSGI server each one would hold a whole worker.
- Every other request goes to Django's WSGI application, run by a2wsgi on a fixed pool of
  threads. Django's own ASGI handler runs each synchronous view on a new thread, which opens a
  new database connection for every request; a fixed pool keeps its connections, so pages cost
  what they cost under gunicorn's sync workers.
"""

import asyncio
import io
import os
import re
import signal
from concurrent.futures import ThreadPoolExecutor

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ladle.settings")

from a2wsgi import WSGIMiddleware  # noqa: E402
from django.core.asgi import get_asgi_application  # noqa: E402
from django.core.handlers.asgi import ASGIRequest  # noqa: E402
from django.db import DatabaseError, connection  # noqa: E402
from uvicorn_worker import UvicornWorker  # noqa: E402

streams = get_asgi_application()  # sets Django up: the imports below need its apps

from ladle.ops.observe import note  # noqa: E402
from ladle.site.pages import kept_answer  # noqa: E402
from ladle.wsgi import application as pages_wsgi  # noqa: E402

PAGE_THREADS = 8  # per worker process; each keeps one database connection
KEPT_THREADS = 2  # per worker process, for kept pages' lookups; each keeps one connection
STREAM = re.compile(r"^/story/\d+/comments/stream/$")

pages = WSGIMiddleware(pages_wsgi, workers=PAGE_THREADS)  # type: ignore[arg-type]  # a WSGI app
lookups = ThreadPoolExecutor(max_workers=KEPT_THREADS, thread_name_prefix="kept-pages")


def _kept(scope):
    """The kept page's response for this request, or None for Django to answer it. Anything
    unexpected (an address Django refuses, the database gone) is left to Django too, which
    answers or reports it as for any request."""
    try:
        request = ASGIRequest(scope, io.BytesIO())
        response = kept_answer(request)
        if response is not None:
            note(request)  # what Django answers, its own middleware notes
        return response
    except DatabaseError:
        connection.close()  # this lookup thread's; the next lookup connects again
        return None
    except Exception:
        return None


async def application(scope, receive, send):
    if scope["type"] == "http":
        if STREAM.match(scope["path"]):
            return await streams(scope, receive, send)
        if scope["method"] in ("GET", "HEAD"):
            loop = asyncio.get_running_loop()
            response = await loop.run_in_executor(lookups, _kept, scope)
            if response is not None:
                return await _send(response, send)
        return await pages(scope, receive, send)
    if scope["type"] == "lifespan":
        # Nothing to set up or tear down: the server is told so at once.
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                await send({"type": "lifespan.shutdown.complete"})
                return


async def _send(response, send) -> None:
    headers = [
        (name.encode("latin-1"), value.encode("latin-1")) for name, value in response.items()
    ]
    await send({"type": "http.response.start", "status": response.status_code, "headers": headers})
    await send({"type": "http.response.body", "body": response.content})


class Worker(UvicornWorker):
    """uvicorn's gunicorn worker, stopping promptly however it is told to.

    - After STOPPING seconds, what is still open (streams, which browsers open again
      elsewhere) is cancelled, instead of holding a restart for gunicorn's graceful timeout.
    - gunicorn's quick stop (SIGQUIT, sent to the workers on Ctrl-C in the master) is taken as
      uvicorn's own stop (SIGTERM); uvicorn's worker only notes it, and was killed 10 seconds
      later.
    """

    STOPPING = 3
    CONFIG_KWARGS = {**UvicornWorker.CONFIG_KWARGS, "timeout_graceful_shutdown": STOPPING}

    def _install_sigquit_handler(self) -> None:
        loop = asyncio.get_running_loop()
        loop.add_signal_handler(signal.SIGQUIT, os.kill, os.getpid(), signal.SIGTERM)
