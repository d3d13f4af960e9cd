"""The site as one ASGI application: what `ladle serve` runs (gunicorn with uvicorn's worker).

Two doors, chosen by the address:

- A story's live comment stream (`/story/<id>/comments/stream/`) goes to Django's ASGI handler.
  An open stream is a coroutine waiting between checks, so a worker holds thousands of them;
  under a WSGI server each one would hold a whole worker.
- Every other request goes to Django's WSGI application, run by a2wsgi on a fixed pool of
  threads. Django's own ASGI handler runs each synchronous view on a new thread, which opens a
  new database connection for every request; a fixed pool keeps its connections, so pages cost
  what they cost under gunicorn's sync workers.
"""

import os
import re

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ladle.settings")

from a2wsgi import WSGIMiddleware  # noqa: E402
from django.core.asgi import get_asgi_application  # noqa: E402
from uvicorn_worker import UvicornWorker  # noqa: E402

from ladle.wsgi import application as pages_wsgi  # noqa: E402

PAGE_THREADS = 8  # per worker process; each keeps one database connection
STREAM = re.compile(r"^/story/\d+/comments/stream/$")

streams = get_asgi_application()
pages = WSGIMiddleware(pages_wsgi, workers=PAGE_THREADS)  # type: ignore[arg-type]  # a WSGI app


async def application(scope, receive, send):
    if scope["type"] == "http":
        door = streams if STREAM.match(scope["path"]) else pages
        return await door(scope, receive, send)
    if scope["type"] == "lifespan":
        # Nothing to set up or tear down: the server is told so at once.
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                await send({"type": "lifespan.shutdown.complete"})
                return


class Worker(UvicornWorker):
    """uvicorn's gunicorn worker, told not to wait for open streams when it stops: after
    STOPPING seconds what is still open (streams, which browsers open again elsewhere) is
    cancelled, instead of holding a restart for gunicorn's whole graceful timeout."""

    STOPPING = 3
    CONFIG_KWARGS = {**UvicornWorker.CONFIG_KWARGS, "timeout_graceful_shutdown": STOPPING}
