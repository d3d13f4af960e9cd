from django.core.management.base import BaseCommand, CommandError

from ladle.demo import database_is_empty, seed_demo


class Command(BaseCommand):
    help = "Add Ladle's demo content to an empty database."

    def handle(self, *args, **options):
        if not database_is_empty():
            raise CommandError(
                "The database already has content; demo content is only added to an empty one."
            )
        seed_demo()
        self.stdout.write("Demo content added.")
