"""Repair every story's counters from its comment rows.

Saves of whole story rows once wrote stale counters back, so a story could hand out a comment
number it had already used (every post then failed). Counters are now only written by the
services that compute them; this puts existing databases right.
"""

from django.db import migrations, models
from django.db.models import Count, Exists, ExpressionWrapper, F, Max, OuterRef


def repair_counters(apps, schema_editor):
    from django.conf import settings

    Story = apps.get_model("stories", "Story")
    Comment = apps.get_model("comments", "Comment")
    hidden = Comment.objects.filter(
        story_id=OuterRef("story_id"), score__lt=settings.LADLE_HIDE_THRESHOLD
    ).annotate(below=ExpressionWrapper(OuterRef("path"), output_field=models.TextField())).filter(below__startswith=F("path"))
    shown = Comment.objects.exclude(state="deleted")
    numbers = dict(Comment.objects.values_list("story_id").annotate(top=Max("number")))
    counts = dict(shown.values_list("story_id").annotate(n=Count("id")))
    buried = dict(
        shown.filter(Exists(hidden)).values_list("story_id").annotate(n=Count("id"))
    )
    for story in Story.objects.only("pk").iterator():
        Story.objects.filter(pk=story.pk).update(
            last_comment_number=numbers.get(story.pk, 0),
            comment_count=counts.get(story.pk, 0),
            hidden_comment_count=buried.get(story.pk, 0),
        )


class Migration(migrations.Migration):
    dependencies = [
        ("stories", "0004_remove_storyvisit_previous_visit"),
        ("comments", "0004_comment_path"),
    ]

    operations = [
        migrations.AddField(
            model_name="story",
            name="hidden_comment_count",
            field=models.PositiveIntegerField(default=0, editable=False),
        ),
        migrations.RunPython(repair_counters, migrations.RunPython.noop),
    ]
