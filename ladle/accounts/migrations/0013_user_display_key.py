from django.db import migrations, models


def fill(apps, schema_editor):
    from ladle.accounts.names import name_key

    User = apps.get_model("accounts", "User")
    for user in User.objects.exclude(display_name="").only("pk", "display_name").iterator():
        User.objects.filter(pk=user.pk).update(display_key=name_key(user.display_name))


class Migration(migrations.Migration):
    dependencies = [("accounts", "0012_user_default_markup")]
    operations = [
        migrations.AddField(
            model_name="user",
            name="display_key",
            field=models.CharField(blank=True, db_index=True, editable=False, max_length=180),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
