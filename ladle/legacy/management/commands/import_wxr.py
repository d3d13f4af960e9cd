"""`ladle import-wxr FILE`: bring a WordPress site in from its export (Tools > Export)."""

import hashlib
import sys
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from ladle.legacy.base import AlreadyImported, ImportRefused
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
            report = importer.run(digest)
        except AlreadyImported as done:
            progress.close()
            self.stdout.write(str(done))
            return
        except ImportRefused as error:
            progress.close()
            raise CommandError(f"{error}\nNothing was imported.") from error
        progress.close()
        text = report.text()
        stamp = timezone.now().strftime("%Y%m%d-%H%M%S")
        target = Path(options["report"] or settings.DATA_DIR / f"import-wxr-{stamp}.txt")
        target.write_text(text)
        self.stdout.write(text)
        self.stdout.write(f"This report is also in {target}")
