"""`ladle manage rebuild_search_index`: index everything again (after an import, or to repair).

An entry point, like the `ladle` command: it may reach every app to find what to index."""

from django.core.management.base import BaseCommand
from django.db import transaction

from ladle.accounts.models import User, Visitor
from ladle.comments.models import Comment
from ladle.polls.models import Poll
from ladle.search import indexing
from ladle.search.models import SearchEntry
from ladle.stories.models import Story


def rebuild() -> int:
    SearchEntry.objects.all().delete()
    count = 0
    for story in Story.objects.select_related("section", "author").iterator():
        indexing.index_story(story)
        count += 1
    shown = Comment.objects.shown()
    public = shown.not_hidden_from(Visitor()).values("pk")
    hidden = set(shown.exclude(pk__in=public).values_list("pk", flat=True))
    for comment in shown.select_related("story", "story__section", "author").iterator():
        indexing.index_comment(comment, comment.story, hidden=comment.pk in hidden)
        count += 1
    for member in User.objects.iterator():
        indexing.index_member(member)
        count += 1
    for poll in Poll.objects.select_related("story", "story__author").prefetch_related("answers"):
        indexing.index_poll(poll)
        count += 1
    return count


class Command(BaseCommand):
    help = "Index all stories, comments, members and polls again (after an import)."

    def handle(self, *args, **options):
        with transaction.atomic():
            count = rebuild()
        self.stdout.write(f"Indexed {count} items.")
