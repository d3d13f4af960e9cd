from django.core.management.base import BaseCommand, CommandError

from ladle.demo import DemoInUse, remove_demo


class Command(BaseCommand):
    help = (
        "Take the demo content out of a site that started with it (the demo's members, "
        "their stories, comments, diaries, polls, and the demo's own sections and topics)."
    )

    def handle(self, *args, **options):
        try:
            removed = remove_demo()
        except DemoInUse as error:
            raise CommandError(f"The demo was left in place: {error}") from error
        if not any(removed.values()):
            self.stdout.write("There is no demo content here.")
            return
        self.stdout.write(
            "Removed the demo: "
            + ", ".join(f"{count} {what}" for what, count in removed.items())
            + "."
        )
