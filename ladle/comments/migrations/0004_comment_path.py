"""Each comment's path from its top-level comment, so subtrees can be asked for in SQL."""

from django.db import migrations, models


def fill_paths(apps, schema_editor):
    Comment = apps.get_model("comments", "Comment")
    paths: dict[int, str] = {}
    story = None
    batch = []
    # Replies always have higher numbers than their parents, so parents come first; one
    # story's paths are kept in memory at a time.
    rows = Comment.objects.order_by("story_id", "number").values_list(
        "story_id", "pk", "parent_id", "number"
    )
    for story_id, pk, parent_id, number in rows.iterator(chunk_size=2000):
        if story_id != story:
            story, paths = story_id, {}
        paths[pk] = paths.get(parent_id, "") + f"{number}/"
        batch.append(Comment(pk=pk, path=paths[pk]))
        if len(batch) >= 1000:
            Comment.objects.bulk_update(batch, ["path"])
            batch = []
    Comment.objects.bulk_update(batch, ["path"])


class Migration(migrations.Migration):
    dependencies = [("comments", "0003_comment_editorial")]

    operations = [
        migrations.AddField(
            model_name="comment",
            name="path",
            field=models.TextField(default="", editable=False),
        ),
        migrations.RunPython(fill_paths, migrations.RunPython.noop),
    ]
