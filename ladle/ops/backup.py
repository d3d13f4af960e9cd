"""Backups a running site can take, and putting one back on an empty site.

A backup is a folder:
- `ladle.sqlite3`: SQLite's online backup of the live database (pages copied under a read
  transaction, so it is one consistent moment even while members post; the WAL's content is
  included, unlike a plain file copy), checked with `PRAGMA integrity_check`; or
- `ladle.pgdump`: `pg_dump --format=custom`, one consistent snapshot of a PostgreSQL database;
- `secret_key`, the one file in the data folder nothing can make again (without it every
  session and password-reset link of the old site is void);
- `backup.json`: what it holds, from which database, when, and the last migration of each app.

Collected static files are made again by `ladle upgrade`; import reports are kept as they are
in the data folder and are not needed to run the site.
"""

import json
import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

from django.conf import settings
from django.db import connection
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

from ladle import config

MANIFEST = "backup.json"
STAMP = "last-backup.json"  # in the data folder, for `ladle check`


class BackupError(Exception):
    pass


def _engine() -> str:
    return "sqlite" if connection.vendor == "sqlite" else "postgresql"


def _pg_url() -> str:
    """The database as a libpq connection string (the password goes in the environment)."""
    params = connection.get_connection_params()
    parts = [f"dbname={params.get('dbname') or connection.settings_dict['NAME']}"]
    for key in ("host", "port", "user"):
        if params.get(key):
            parts.append(f"{key}={params[key]}")
    return " ".join(parts)


def backup(target: Path) -> dict:
    """Write a backup of the running site into the folder `target` (new or empty)."""
    target = target.expanduser().resolve()
    if target.exists() and any(target.iterdir()):
        raise BackupError(f"{target} is not empty; give a new folder for the backup.")
    target.mkdir(parents=True, exist_ok=True)
    started = timezone.now()
    if _engine() == "sqlite":
        database = target / "ladle.sqlite3"
        source = sqlite3.connect(connection.settings_dict["NAME"], timeout=30)
        copy = sqlite3.connect(database)
        try:
            source.backup(copy)
            (verdict,) = copy.execute("PRAGMA integrity_check").fetchone()
        finally:
            copy.close()
            source.close()
        if verdict != "ok":
            raise BackupError(f"The copy failed SQLite's integrity check: {verdict}")
    else:
        database = target / "ladle.pgdump"
        _run(["pg_dump", "--format=custom", "--no-owner", f"--file={database}", _pg_url()])
    key = settings.DATA_DIR / "secret_key"
    if key.exists():
        shutil.copy2(key, target / "secret_key")
        os.chmod(target / "secret_key", 0o600)
    manifest = {
        "engine": _engine(),
        "database": database.name,
        "started_at": started.isoformat(),
        "finished_at": timezone.now().isoformat(),
        "migrations": _last_migrations(),
    }
    (target / MANIFEST).write_text(json.dumps(manifest, indent=2))
    (settings.DATA_DIR / STAMP).write_text(
        json.dumps({"at": started.isoformat(), "to": str(target)})
    )
    return manifest


def restore(source: Path) -> dict:
    """Put the backup in the folder `source` back, on a site with no database yet; the
    caller then brings it up to date (`migrate`)."""
    source = source.expanduser().resolve()
    manifest_file = source / MANIFEST
    if not manifest_file.is_file():
        raise BackupError(f"{source} is not a Ladle backup (it has no {MANIFEST}).")
    manifest = json.loads(manifest_file.read_text())
    if manifest["engine"] != _engine():
        raise BackupError(
            f"This backup is of a {manifest['engine']} database and this site uses "
            f"{_engine()}; restore it on a site configured for {manifest['engine']}."
        )
    if _engine() == "sqlite":
        database = config.sqlite_path(settings.DATA_DIR)
        connection.close()
        copy = sqlite3.connect(source / manifest["database"])
        restored = sqlite3.connect(database)
        try:
            copy.backup(restored)
        finally:
            restored.close()
            copy.close()
    else:
        _run(["pg_restore", "--no-owner", "--exit-on-error", f"--dbname={_pg_url()}",
              str(source / manifest["database"])])  # fmt: skip
    key = source / "secret_key"
    if key.exists() and not os.environ.get("LADLE_SECRET_KEY"):
        shutil.copy2(key, settings.DATA_DIR / "secret_key")
    return manifest


def last_backup() -> dict | None:
    stamp = settings.DATA_DIR / STAMP
    return json.loads(stamp.read_text()) if stamp.exists() else None


def _last_migrations() -> dict[str, str]:
    last: dict[str, str] = {}
    for app, name in MigrationRecorder.Migration.objects.values_list("app", "name"):
        last[app] = max(last.get(app, ""), name)
    return last


def _run(command: list[str]) -> None:
    env = dict(os.environ)
    if password := connection.get_connection_params().get("password"):
        env["PGPASSWORD"] = str(password)
    try:
        done = subprocess.run(command, capture_output=True, text=True, check=False, env=env)
    except FileNotFoundError:
        raise BackupError(
            f"{command[0]} is not installed; install PostgreSQL's client programs "
            "(Debian: apt install postgresql-client)."
        ) from None
    if done.returncode != 0:
        raise BackupError(f"{command[0]} failed: {done.stderr.strip() or done.stdout.strip()}")
