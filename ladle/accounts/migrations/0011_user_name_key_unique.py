from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("accounts", "0010_user_name_key")]
    operations = [
        migrations.AlterField(
            model_name="user",
            name="name_key",
            field=models.CharField(editable=False, max_length=120, unique=True),
        ),
    ]
