"""Where a Ladle site's configuration and data live, found the same way from any working
directory (so cron, systemd and an operator's shell all reach the same site).

1. The environment: `LADLE_*` variables set for the process win over everything.
2. A configuration file of `KEY=value` lines: the one `LADLE_CONFIG` names, else
   `./ladle.env` when the working directory has one, else `/etc/ladle/ladle.env`.
3. Defaults: the data folder is `$XDG_DATA_HOME/ladle` (`~/.local/share/ladle`).

No Django here: `settings` and the `ladle` command both read it before Django starts.
"""

import os
from pathlib import Path

from dotenv import dotenv_values

SYSTEM_CONFIG = Path("/etc/ladle/ladle.env")


def config_file() -> Path | None:
    """The configuration file in force, if any."""
    if named := os.environ.get("LADLE_CONFIG"):
        return Path(named).expanduser().resolve()
    for candidate in (Path.cwd() / "ladle.env", SYSTEM_CONFIG):
        if candidate.is_file():
            return candidate.resolve()
    return None


def load() -> Path | None:
    """Put the configuration file's values into the environment (without overriding what
    the environment already says); returns the file read."""
    found = config_file()
    if found is None:
        return None
    if not found.is_file():
        raise SystemExit(f"LADLE_CONFIG names {found}, which is not a file.")
    for key, value in dotenv_values(found).items():
        if value is not None:
            os.environ.setdefault(key, value)
    return found


def data_dir() -> Path:
    """The site's data folder (call `load` first)."""
    if named := os.environ.get("LADLE_DATA_DIR"):
        return Path(named).expanduser().resolve()
    base = os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share"
    return (Path(base) / "ladle").resolve()


def uses_sqlite() -> bool:
    return not os.environ.get("LADLE_DATABASE_URL")


def sqlite_path(folder: Path) -> Path:
    return folder / "ladle.sqlite3"


def no_site_message() -> str:
    """What to tell an operator whose command found no site where the configuration points."""
    folder = data_dir()
    where = (
        f"no database at {sqlite_path(folder)}"
        if uses_sqlite()
        else "the database LADLE_DATABASE_URL names has no Ladle tables"
    )
    source = "from LADLE_DATA_DIR" if os.environ.get("LADLE_DATA_DIR") else "the default"
    return (
        f"There is no Ladle site here: {where}.\n"
        f"Data folder: {folder} ({source}); configuration file: {config_file() or 'none found'}."
        "\nSet LADLE_DATA_DIR (or LADLE_CONFIG, or a ladle.env file) to the site's folder, or "
        "make a new site with `ladle init`."
    )
