"""What both import commands do around an import: show progress, turn refusals into a plain
message, and print and file the report."""

from collections.abc import Callable
from pathlib import Path

from django.conf import settings
from django.core.management.base import CommandError
from django.utils import timezone

from ladle.lib.mysqldump import DumpError

from .base import AlreadyImported, ImportRefused
from .report import Progress, Report


def run_import(command, progress: Progress, run: Callable[[], Report], *, kind: str,
               report_path: str | None) -> None:  # fmt: skip
    try:
        report = run()
    except AlreadyImported as done:
        command.stdout.write(str(done))
        return
    except (ImportRefused, DumpError) as error:
        raise CommandError(f"{error}\nNothing was imported.") from error
    finally:
        progress.close()
    text = report.text()
    stamp = timezone.now().strftime("%Y%m%d-%H%M%S")
    target = Path(report_path or settings.DATA_DIR / f"import-{kind}-{stamp}.txt")
    target.write_text(text)
    command.stdout.write(text)
    command.stdout.write(f"This report is also in {target}")
