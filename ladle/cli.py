"""The `ladle` command: everything an operator does to a site, from the shell.

ladle serve [--host 127.0.0.1] [--port 8000] [--workers 2] [--no-demo] [--no-worker]
ladle init [--demo]                      make a new site (or finish an unfinished one)
ladle worker                             the background worker on its own
ladle backup FOLDER / ladle restore FOLDER
ladle upgrade [--check]                  after installing a new release
ladle check                              what is wrong with this deployment, in plain words
ladle deploy systemd|nginx [--host HOST]  print the files a deployment needs
ladle createadmin [--name NAME] [--email EMAIL] / ladle resetpassword NAME [--stdin]
ladle manage <django command> [args...]
ladle import-scoop DUMP | --mysql URL [--time-zone ZONE] [--merge] [--report FILE]
ladle import-wxr FILE [--merge] [--report FILE]

The site is found the same way from any working directory (ladle/config.py). Commands other
than serve, init, restore and the importers refuse to run where there is no site.
"""

import argparse
import os
import socket
import subprocess
import sys
from pathlib import Path


def _setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ladle.settings")
    import django

    django.setup()


def serve(args: argparse.Namespace) -> int:
    # Links in e-mail use the public address; unless one is configured, it is where we serve.
    host = f"[{args.host}]" if ":" in args.host else args.host
    os.environ.setdefault("LADLE_SITE_URL", f"http://{host}:{args.port}")
    if problem := _port_taken(args.host, args.port):
        print(f"Ladle cannot listen on {host}:{args.port}: {problem}", file=sys.stderr)
        print("Stop what uses that port, or choose another with --port.", file=sys.stderr)
        return 1
    _setup_django()
    from django.conf import settings

    from ladle.ops.site import prepare

    _say_where(settings)
    _report_first_start(prepare(demo=not args.no_demo))

    from gunicorn.app.base import BaseApplication

    control = settings.DATA_DIR / "gunicorn.ctl"

    def when_ready(server):
        # Said only once gunicorn listens, so the address printed is one that answers.
        print(f"Ladle is serving at http://{host}:{args.port}/  (Ctrl-C stops it)", flush=True)

    class LadleServer(BaseApplication):
        def load_config(self):
            self.cfg.set("bind", f"{args.host}:{args.port}")
            self.cfg.set("workers", args.workers)
            # uvicorn's worker runs ladle.asgi: pages on a pool of threads, and each story
            # page's live comment stream as a coroutine (not a worker held per reader).
            self.cfg.set("worker_class", "ladle.asgi.Worker")
            self.cfg.set("accesslog", "-")
            self.cfg.set("graceful_timeout", 10)
            self.cfg.set("proc_name", "ladle")
            self.cfg.set("when_ready", when_ready)
            # Each site's control socket lives in its own data folder (a Unix socket path
            # must be short: a very deep data folder goes without one).
            if len(str(control)) < 100:
                self.cfg.set("control_socket", str(control))
            else:
                self.cfg.set("control_socket_disable", True)

        def load(self):
            from ladle.asgi import application

            return application

    worker = None
    if not args.no_worker:
        # The background worker (e-mail) runs beside the web server and stops with it.
        worker = subprocess.Popen([sys.executable, "-m", "ladle.cli", "worker"])
    try:
        LadleServer().run()
    finally:
        if worker is not None:
            worker.terminate()
            try:
                worker.wait(timeout=15)
            except subprocess.TimeoutExpired:
                worker.kill()
    return 0


def _say_where(settings) -> None:
    print(f"Ladle data folder: {settings.DATA_DIR}")
    if settings.CONFIG_FILE:
        print(f"Configuration file: {settings.CONFIG_FILE}")


def _report_first_start(first) -> None:
    if first.demo:
        print("The database was empty: demo content was added (a new site: --no-demo).")
    if first.starter:
        print("A new, empty site: it has a front-page section (News) and Diaries.")
    if first.admin_password:
        print("\nAn administrator account was created. Log in with:")
        print(f"    name:     {first.admin_name}")
        print(f"    password: {first.admin_password}")
        print("Change the password at /settings/password/ after logging in. Lost it? Run")
        print(f"`ladle resetpassword {first.admin_name}`.\n")


def init(args: argparse.Namespace) -> int:
    """Make a new site where the configuration points, or finish one (never touches content
    a site already has)."""
    _setup_django()
    from django.conf import settings

    from ladle.ops.site import prepare

    _say_where(settings)
    _report_first_start(prepare(demo=args.demo))
    print("The site is ready: start it with `ladle serve`.")
    return 0


def _port_taken(host: str, port: int) -> str:
    """Why nothing could listen on host:port now ("" when it can), asked before gunicorn,
    which would otherwise retry for a while before giving up."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as error:
            return error.strerror or str(error)
    return ""


def worker(argv: list[str]) -> int:
    """Run background tasks (sending e-mail) until stopped, and the scheduled jobs (mojo,
    digests) once per day or week: several workers still run each period's jobs once."""
    _setup_django()
    import threading

    from django.core.management import call_command

    from ladle.jobs.schedule import run_forever

    stop = threading.Event()
    scheduler = threading.Thread(target=run_forever, args=(stop,), daemon=True, name="scheduler")
    scheduler.start()
    try:
        call_command("db_worker", "--interval", "2", *argv)
    finally:
        stop.set()
    return 0


def manage(argv: list[str]) -> int:
    _setup_django()
    from django.core.management import execute_from_command_line

    execute_from_command_line(["ladle manage", *argv])
    return 0


def createadmin(args: argparse.Namespace) -> int:
    _setup_django()
    from django.core.exceptions import ValidationError
    from django.db import IntegrityError

    password = None
    if sys.stdin.isatty():
        import getpass

        password = getpass.getpass("Password (empty: generate one): ") or None
    from ladle.ops.site import create_admin

    try:
        user, password = create_admin(args.name, args.email, password)
    except (IntegrityError, ValidationError) as error:
        print(f"Could not create the administrator: {error}", file=sys.stderr)
        return 1
    print(f"Administrator {user.username} created; password: {password}")
    return 0


def resetpassword(args: argparse.Namespace) -> int:
    """Recover an account from the shell: a one-time link to set a new password, or the
    password read from standard input (`--stdin`)."""
    _setup_django()
    from ladle.accounts.models import User
    from ladle.ops.site import reset_link, set_password

    try:
        member = User.objects.get_by_natural_key(args.name)
    except User.DoesNotExist:
        print(f"No member is called {args.name!r}.", file=sys.stderr)
        return 1
    if args.stdin:
        password = sys.stdin.readline().rstrip("\n")
        if problems := set_password(member, password):
            print("That password was refused: " + " ".join(problems), file=sys.stderr)
            return 1
        print(f"The password of {member.username} is changed; their other sessions ended.")
        return 0
    print(f"Open this link within {_reset_days()} to set a new password for {member.username}:")
    print(f"    {reset_link(member)}")
    return 0


def _reset_days() -> str:
    from django.conf import settings

    days = settings.PASSWORD_RESET_TIMEOUT // 86400
    return f"{days} day{'s' if days != 1 else ''}" if days else "a few hours"


def backup(args: argparse.Namespace) -> int:
    _setup_django()
    from ladle.ops.backup import BackupError
    from ladle.ops.backup import backup as take

    try:
        manifest = take(Path(args.folder))
    except BackupError as error:
        print(f"No backup was made: {error}", file=sys.stderr)
        return 1
    print(f"Backed up the {manifest['engine']} database to {Path(args.folder).resolve()}")
    print(f"(one consistent moment, {manifest['started_at']}); restore it with `ladle restore`.")
    return 0


def restore(args: argparse.Namespace) -> int:
    _setup_django()
    from django.core.management import call_command

    from ladle.ops.backup import BackupError
    from ladle.ops.backup import restore as put_back
    from ladle.ops.site import site_exists

    if site_exists():
        print(
            "This site already has a database; a backup is restored only on an empty site. "
            "Point LADLE_DATA_DIR (or LADLE_DATABASE_URL) at a new, empty one.",
            file=sys.stderr,
        )
        return 1
    try:
        manifest = put_back(Path(args.folder))
    except BackupError as error:
        print(f"Nothing was restored: {error}", file=sys.stderr)
        return 1
    call_command("migrate", interactive=False, verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    print(f"Restored the backup of {manifest['started_at']}; start the site with `ladle serve`.")
    return 0


def upgrade(args: argparse.Namespace) -> int:
    _setup_django()
    from ladle.ops.upgrade import plan, run

    steps = plan()
    if args.check:
        print("\n".join(steps) if steps else "Nothing to do: the site is up to date.")
        return 0
    for line in run():
        print(line)
    return 0


def check(args: argparse.Namespace) -> int:
    _setup_django()
    from ladle.ops.checks import problems_and_passes

    problems, passes = problems_and_passes()
    for line in passes:
        print(f"ok       {line}")
    for line in problems:
        print(f"PROBLEM  {line}")
    print(
        f"\n{len(problems)} problem{'s' if len(problems) != 1 else ''} found."
        if problems
        else "\nNo problems found."
    )
    return 1 if problems else 0


def deploy(args: argparse.Namespace) -> int:
    from ladle.ops.deploy import nginx, systemd

    if args.what == "nginx":
        print(nginx(host=args.host, port=args.port))
    else:
        print(systemd(user=args.user, port=args.port, workers=args.workers))
    return 0


# Commands that may make a site where there is none; every other one needs a site.
MAY_CREATE = {"serve", "init", "restore", "import-scoop", "import-wxr", "deploy"}
MANAGE_WITHOUT_SITE = {"migrate", "makemigrations", "check", "help", "version", "collectstatic"}


def _refuse_without_site(argv: list[str]) -> int:
    """1 (after saying why) when the command needs a site and there is none here."""
    command = argv[0] if argv else ""
    if command in MAY_CREATE or command.startswith("-"):
        return 0
    if command == "manage" and (len(argv) < 2 or argv[1] in MANAGE_WITHOUT_SITE):
        return 0
    from ladle import config

    if config.uses_sqlite() and not config.sqlite_path(config.data_dir()).exists():
        # Said before Django starts, so no data folder or secret key is made in passing.
        print(config.no_site_message(), file=sys.stderr)
        return 1
    _setup_django()
    from ladle.ops.site import NoSite, require_site

    try:
        require_site()
    except NoSite as error:
        print(error, file=sys.stderr)
        return 1
    return 0


def main(argv: list[str] | None = None) -> int:
    """Run a command; a database that cannot be reached is one plain message, not a trace."""
    try:
        return _main(argv)
    except Exception as error:
        from django.db.utils import OperationalError

        if not isinstance(error, OperationalError):
            raise
        from ladle import config

        where = "the SQLite file in " + str(config.data_dir()) if config.uses_sqlite() else (
            "the PostgreSQL database LADLE_DATABASE_URL names"
        )  # fmt: skip
        reason = str(error).strip().splitlines()[-1] if str(error).strip() else repr(error)
        print(f"Ladle cannot use {where}: {reason}", file=sys.stderr)
        print("Check that the database server runs and that the role and database exist "
              "(README: Running on PostgreSQL; docs/deploy.md).", file=sys.stderr)  # fmt: skip
        return 1


def _main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    parser = argparse.ArgumentParser(prog="ladle", description="The Ladle weblog engine.")
    commands = parser.add_subparsers(dest="command", required=True)

    serve_parser = commands.add_parser("serve", help="migrate, add demo content, and serve")
    serve_parser.add_argument("--host", default="127.0.0.1")
    serve_parser.add_argument("--port", type=int, default=8000)
    serve_parser.add_argument("--workers", type=int, default=2)
    serve_parser.add_argument(
        "--no-demo", action="store_true", help="do not add demo content to an empty database"
    )
    serve_parser.add_argument(
        "--no-worker",
        action="store_true",
        help="do not start the background worker (run `ladle worker` yourself)",
    )
    commands.add_parser("worker", help="run the background worker (sends e-mail)")

    commands.add_parser("manage", help="run a Django management command", add_help=False)
    commands.add_parser("import-scoop", help="import a Scoop site (see --help)", add_help=False)
    commands.add_parser("import-wxr", help="import a WordPress export (see --help)", add_help=False)

    admin_parser = commands.add_parser("createadmin", help="create an administrator")
    admin_parser.add_argument("--name", default="admin")
    admin_parser.add_argument("--email", default="admin@localhost")
    init_parser = commands.add_parser("init", help="make a new site (sections, administrator)")
    init_parser.add_argument("--demo", action="store_true", help="fill it with demo content")
    reset_parser = commands.add_parser("resetpassword", help="recover a member's account")
    reset_parser.add_argument("name")
    reset_parser.add_argument(
        "--stdin", action="store_true", help="read the new password from standard input"
    )
    backup_parser = commands.add_parser("backup", help="back up the running site")
    backup_parser.add_argument("folder", help="a new or empty folder")
    restore_parser = commands.add_parser("restore", help="restore a backup on an empty site")
    restore_parser.add_argument("folder")
    upgrade_parser = commands.add_parser("upgrade", help="migrate and rebuild after a release")
    upgrade_parser.add_argument("--check", action="store_true", help="only say what it would do")
    commands.add_parser("check", help="check this deployment")
    deploy_parser = commands.add_parser("deploy", help="print a systemd unit or nginx config")
    deploy_parser.add_argument("what", choices=["systemd", "nginx"])
    deploy_parser.add_argument("--host", default="example.org", help="the site's host name")
    deploy_parser.add_argument("--port", type=int, default=8000, help="where gunicorn listens")
    deploy_parser.add_argument("--user", default="ladle", help="the system user (systemd)")
    deploy_parser.add_argument("--workers", type=int, default=3)

    from ladle import config

    config.load()  # before anything reads the environment
    if refusal := _refuse_without_site(argv):
        return refusal
    if argv[:1] == ["manage"]:
        return _then_pages_moved_on(manage(argv[1:]))
    if argv[:1] in (["import-scoop"], ["import-wxr"]):
        return _then_pages_moved_on(manage([argv[0].replace("-", "_"), *argv[1:]]))
    if argv[:1] == ["worker"]:
        return worker(argv[1:])
    args = parser.parse_args(argv)
    handlers = {
        "serve": serve, "init": init, "createadmin": createadmin, "resetpassword": resetpassword,
        "backup": backup, "restore": restore, "upgrade": upgrade, "check": check,
        "deploy": deploy,
    }  # fmt: skip
    status = handlers[args.command](args)
    if args.command in ("init", "createadmin", "resetpassword", "restore", "upgrade"):
        _then_pages_moved_on(status)
    return status


def _then_pages_moved_on(status: int) -> int:
    """A command may have written anything: the pages kept for anonymous readers, in every
    server process, are out of date (`ladle.site.pages`)."""
    from django.apps import apps

    if apps.ready:
        import contextlib

        from django.db import DatabaseError

        from ladle.site.pages import moved_on

        # No tables yet (a failed migration): there is no page to retire.
        with contextlib.suppress(DatabaseError):
            moved_on()
    return status


if __name__ == "__main__":
    sys.exit(main())
