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

import asyncio
import os
import re
import signal

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
