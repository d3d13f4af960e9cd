from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True
    dependencies = []

    operations = [
        migrations.CreateModel(
            name="SearchEntry",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False,
                                           verbose_name="ID")),
                ("kind", models.CharField(choices=[("story", "Stories"), ("diary", "Diaries"),
                                                   ("comment", "Comments"), ("poll", "Polls"),
                                                   ("member", "Members")], max_length=10)),
                ("object_id", models.BigIntegerField()),
                ("title", models.CharField(max_length=300)),
                ("text", models.TextField(blank=True)),
                ("url", models.CharField(max_length=300)),
                ("story_id", models.BigIntegerField(blank=True, null=True)),
                ("section_id", models.BigIntegerField(blank=True, null=True)),
                ("author_id", models.BigIntegerField(blank=True, null=True)),
                ("author_name", models.CharField(blank=True, max_length=60)),
                ("date", models.DateTimeField(blank=True, null=True)),
                ("visible", models.BooleanField(default=True)),
                ("visible_from", models.DateTimeField(blank=True, null=True)),
                ("hidden", models.BooleanField(default=False)),
            ],
            options={
                "verbose_name_plural": "search entries",
                "indexes": [models.Index(fields=["story_id"], name="search_sear_story_i_4112ac_idx")],
                "constraints": [models.UniqueConstraint(fields=("kind", "object_id"),
                                                        name="one_entry_per_object")],
            },
        ),
    ]
