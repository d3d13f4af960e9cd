"""`ladle import-wxr FILE`: bring a WordPress site in from its export (Tools > Export)."""

import hashlib
import sys
from pathlib import Path

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from ladle.legacy.base import ImportRefused
from ladle.legacy.command import run_import
from ladle.legacy.report import Progress
from ladle.legacy.wordpress import WordPressImport


class Command(BaseCommand):
    help = "Import a WordPress export (WXR): posts, pages, categories, tags, authors, comments."

    def add_arguments(self, parser):
        parser.add_argument("file", help="the export file (.xml)")
        parser.add_argument(
            "--time-zone", default="", help="the blog's zone, for times without a GMT twin"
        )
        parser.add_argument(
            "--merge",
            action="store_true",
            help="import into a site that already has content, touching none of it",
        )
        parser.add_argument("--report", help="where to write the report (default: data folder)")

    def handle(self, *args, **options):
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"No such file: {path}")
        call_command("migrate", interactive=False, verbosity=0)
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        progress = Progress(None, out=sys.stderr)
        try:
            importer = WordPressImport(
                str(path), progress, zone_name=options["time_zone"], merge=options["merge"]
            )
        except ImportRefused as error:
            progress.close()
            raise CommandError(f"{error}\nNothing was imported.") from error
        run_import(
            self, progress, lambda: importer.run(digest), kind="wxr", report_path=options["report"]
        )
