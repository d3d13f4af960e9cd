from django.core.management.base import BaseCommand

from ladle.stories.digests import send_digests


class Command(BaseCommand):
    help = "Queue story digests for members who chose this period (run daily and weekly)."

    def add_arguments(self, parser):
        parser.add_argument("--period", choices=["daily", "weekly"], default="daily")

    def handle(self, *args, period, **options):
        self.stdout.write(f"{send_digests(period=period)} {period} digest(s) queued.")
