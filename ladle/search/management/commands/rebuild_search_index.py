from django.core.management.base import BaseCommand
from django.db import transaction

from ladle.search.indexing import rebuild


class Command(BaseCommand):
    help = "Index all stories, comments, members and polls again (after an import)."

    def handle(self, *args, **options):
        with transaction.atomic():
            count = rebuild()
        self.stdout.write(f"Indexed {count} items.")
