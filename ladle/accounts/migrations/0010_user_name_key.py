"""Each member's name key (accounts.names.name_key), filled in for the members already here.
Two existing names that read alike keep their accounts: the later one's key gets its id."""

from django.db import migrations, models


def fill(apps, schema_editor):
    from ladle.accounts.names import name_key

    User = apps.get_model("accounts", "User")
    seen = set()
    for user in User.objects.order_by("pk").only("pk", "username").iterator():
        key = name_key(user.username)
        if key in seen:
            key = f"{key}#{user.pk}"
        seen.add(key)
        User.objects.filter(pk=user.pk).update(name_key=key)


class Migration(migrations.Migration):
    dependencies = [("accounts", "0009_limitcounter")]
    operations = [
        migrations.AddField(
            model_name="user",
            name="name_key",
            field=models.CharField(editable=False, max_length=120, null=True),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
