from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.indexes import Index


class Migration(migrations.Migration):
    dependencies = [("models", "0002_integrations")]

    initial = False

    operations = [
        ops.AddIndex(
            model_name="EventAudience",
            index=Index(fields=["event_id"]),
        ),
    ]
