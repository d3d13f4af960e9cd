"""The `ladle` command: serve the site, run Django management commands, create an administrator.

ladle serve [--host 127.0.0.1] [--port 8000] [--workers 2] [--no-demo]
ladle manage <django command> [args...]
ladle createadmin [--name NAME] [--email EMAIL]
ladle import-scoop DUMP | --mysql URL [--time-zone ZONE] [--merge] [--report FILE]
ladle import-wxr FILE [--merge] [--report FILE]
"""

import argparse
import os
import secrets
import socket
import subprocess
import sys


def _setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ladle.settings")
    import django

    django.setup()


def create_admin(name: str, email: str, password: str | None = None):
    """Create a confirmed administrator; returns (user, password)."""
    from django.utils import timezone

    from ladle.accounts.models import User

    password = password or secrets.token_urlsafe(12)
    user = User.objects.create_superuser(
        username=name,
        email=email,
        password=password,
        role=User.Role.ADMIN,
        email_confirmed_at=timezone.now(),
    )
    return user, password


def serve(args: argparse.Namespace) -> int:
    # Links in e-mail use the public address; unless one is configured, it is where we serve.
    host = f"[{args.host}]" if ":" in args.host else args.host
    os.environ.setdefault("LADLE_SITE_URL", f"http://{host}:{args.port}")
    _setup_django()
    from django.conf import settings
    from django.core.management import call_command

    from ladle.accounts.models import User
    from ladle.demo import database_is_empty, seed_demo

    print(f"Ladle data folder: {settings.DATA_DIR}")
    call_command("migrate", interactive=False, verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    first_start = not User.objects.filter(is_superuser=True).exists()
    if database_is_empty() and not args.no_demo:
        print("Empty database: adding demo content (skip with --no-demo) ...")
        seed_demo()
    if first_start:
        admin, password = create_admin("admin", "admin@localhost")
        print("\nAn administrator account was created. Log in with:")
        print(f"    name:     {admin.username}")
        print(f"    password: {password}")
        print("Change the password at /settings/password/ after logging in.\n")

    from gunicorn.app.base import BaseApplication

    if problem := _port_taken(args.host, args.port):
        print(f"Ladle cannot listen on {host}:{args.port}: {problem}", file=sys.stderr)
        print("Stop what uses that port, or choose another with --port.", file=sys.stderr)
        return 1
    control = settings.DATA_DIR / "gunicorn.ctl"

    def when_ready(server):
        # Said only once gunicorn listens, so the address printed is one that answers.
        print(f"Ladle is serving at http://{host}:{args.port}/  (Ctrl-C stops it)", flush=True)

    class LadleServer(BaseApplication):
        def load_config(self):
            self.cfg.set("bind", f"{args.host}:{args.port}")
            self.cfg.set("workers", args.workers)
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
            from ladle.wsgi import application

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
    try:
        user, password = create_admin(args.name, args.email, password)
    except (IntegrityError, ValidationError) as error:
        print(f"Could not create the administrator: {error}", file=sys.stderr)
        return 1
    print(f"Administrator {user.username} created; password: {password}")
    return 0


def main(argv: list[str] | None = None) -> int:
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

    if argv[:1] == ["manage"]:
        return manage(argv[1:])
    if argv[:1] in (["import-scoop"], ["import-wxr"]):
        return manage([argv[0].replace("-", "_"), *argv[1:]])
    if argv[:1] == ["worker"]:
        return worker(argv[1:])
    args = parser.parse_args(argv)
    if args.command == "serve":
        return serve(args)
    return createadmin(args)


if __name__ == "__main__":
    sys.exit(main())
