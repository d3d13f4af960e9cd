from django.core.management.base import BaseCommand

from ladle.comments.services import refresh_all_mojo


class Command(BaseCommand):
    help = "Recompute every member's mojo so the rating window moves (the worker runs it daily)."

    def handle(self, *args, **options):
        self.stdout.write(f"Mojo refreshed; {refresh_all_mojo()} member(s) changed.")
