"""`ladle import-scoop DUMP`: bring a Scoop site in from its mysqldump file (or --mysql URL)."""

import sys
from pathlib import Path

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from ladle.legacy.command import run_import
from ladle.legacy.report import Progress
from ladle.legacy.scoop import ScoopImport
from ladle.legacy.sources import DumpFile, MySQLDatabase


class Command(BaseCommand):
    help = "Import a Scoop site from its mysqldump file (.sql or .sql.gz) or a live database."

    def add_arguments(self, parser):
        parser.add_argument("dump", nargs="?", help="the mysqldump file (.sql or .sql.gz)")
        parser.add_argument("--mysql", help="read a live database: mysql://user:pw@host/db")
        parser.add_argument(
            "--time-zone",
            default="",
            help="the old site's time zone (default: its time_zone var; EST = New York)",
        )
        parser.add_argument(
            "--merge",
            action="store_true",
            help="import into a site that already has content, touching none of it",
        )
        parser.add_argument("--report", help="where to write the report (default: data folder)")

    def handle(self, *args, **options):
        if bool(options["dump"]) == bool(options["mysql"]):
            raise CommandError("Give either a dump file or --mysql URL (one of them).")
        call_command("migrate", interactive=False, verbosity=0)
        try:
            if options["mysql"]:
                source = MySQLDatabase(options["mysql"])
            else:
                path = Path(options["dump"])
                if not path.is_file():
                    raise CommandError(f"No such file: {path}")
                source = DumpFile(path)
        except (ValueError, OSError) as error:
            raise CommandError(f"Cannot read the source: {error}") from error
        progress = Progress(source.size, out=sys.stderr)
        importer = ScoopImport(
            source, progress, zone_name=options["time_zone"], merge=options["merge"]
        )
        run_import(self, progress, importer.run, kind="scoop", report_path=options["report"])
