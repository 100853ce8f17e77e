from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('models', '0003_event_audience_by_event')]

    initial = False

    operations = [
        ops.AddIndex(
            model_name='MessageAttachment',
            index=Index(fields=['message_id', 'id']),
        ),
    ]
