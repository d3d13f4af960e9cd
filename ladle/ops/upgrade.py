"""`ladle upgrade`: what a site needs after a new release is installed.

1. Apply the database migrations the release brings (Django's own, in one go).
2. Collect the static files again (their names carry a hash of their content).
3. Rebuild what a release says it changed the format of: each entry of `REBUILDS` has a
   version; the data folder's `upgrade.json` remembers the version each site has built, so
   a rebuild runs once, on the first upgrade after it changed.
"""

import json

from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

STAMP = "upgrade.json"

# What can be rebuilt, the version of its format, and the management command that builds it.
REBUILDS = {
    "search_index": (1, "rebuild_search_index", "rebuild the search index"),
}


def _done() -> dict[str, int]:
    stamp = settings.DATA_DIR / STAMP
    return json.loads(stamp.read_text()) if stamp.exists() else {}


def mark_built() -> None:
    """A new site builds everything current: nothing to rebuild on its first upgrade."""
    (settings.DATA_DIR / STAMP).write_text(
        json.dumps({name: version for name, (version, _, _) in REBUILDS.items()})
    )


def pending_migrations() -> list[str]:
    executor = MigrationExecutor(connection)
    targets = executor.loader.graph.leaf_nodes()
    return [f"{m.app_label}.{m.name}" for m, _ in executor.migration_plan(targets)]


def _rebuilds() -> list[tuple[str, int, str, str]]:
    done = _done()
    return [
        (name, version, command, what)
        for name, (version, command, what) in REBUILDS.items()
        if done.get(name, 0) < version
    ]


def plan() -> list[str]:
    """What `run` would do, one line a step."""
    steps = [f"apply migration {name}" for name in pending_migrations()]
    steps += [what for _, _, _, what in _rebuilds()]
    if steps:
        steps.append(f"collect static files into {settings.STATIC_ROOT}")
    return steps


def run() -> list[str]:
    """Do it, saying what was done."""
    said = []
    call_command("check")
    migrations = pending_migrations()
    call_command("migrate", interactive=False, verbosity=0)
    said += [f"applied migration {name}" for name in migrations]
    call_command("collectstatic", interactive=False, verbosity=0)
    said.append(f"collected static files into {settings.STATIC_ROOT}")
    done = _done()
    for name, version, command, what in _rebuilds():
        call_command(command)
        done[name] = version
        (settings.DATA_DIR / STAMP).write_text(json.dumps(done))
        said.append(f"done: {what}")
    said.append("The site is up to date; restart it (systemctl restart ladle) to run the release.")
    return said
