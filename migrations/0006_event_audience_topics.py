"""The event's audience topics on its own row (`Event.audience_topics`), filled in for the
events recorded before: the live feed reads them with the event instead of looking up each
event's `event_audience` rows (that lookup was most of the feed's statement)."""

from tortoise import fields, migrations
from tortoise.migrations import operations as ops

_FILL = {
    "postgres": (
        "UPDATE event e SET audience_topics = a.topics FROM (SELECT event_id,"
        " string_agg(topic, ' ' ORDER BY topic) AS topics FROM event_audience"
        " GROUP BY event_id) a WHERE a.event_id = e.id"
    ),
    "sqlite": (
        "UPDATE event SET audience_topics = (SELECT group_concat(topic, ' ') FROM"
        " (SELECT a.topic FROM event_audience a WHERE a.event_id = event.id ORDER BY a.topic))"
        " WHERE id IN (SELECT event_id FROM event_audience)"
    ),
}


async def _fill(apps, schema_editor) -> None:
    client = schema_editor.client
    await client.execute_script(_FILL[client.capabilities.dialect])


class Migration(migrations.Migration):
    dependencies = [("models", "0005_access_epoch")]

    initial = False

    operations = [
        ops.AddField(
            model_name="Event",
            name="audience_topics",
            field=fields.TextField(null=True),
        ),
        ops.RunPython(_fill),
    ]
