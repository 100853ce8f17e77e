from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from json import dumps, loads
from models.integrations import WebhookDeliveryStatus
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('models', '0001_initial')]

    initial = False

    operations = [
        ops.CreateModel(
            name='RegisteredQuery',
            fields=[
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('organisation', fields.ForeignKeyField('models.Organisation', source_field='organisation_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('name', fields.CharField(default='', max_length=100)),
                ('sha256', fields.CharField(max_length=64)),
                ('document', fields.TextField(unique=False)),
                ('created_by', fields.ForeignKeyField('models.User', source_field='created_by_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.SET_NULL)),
            ],
            options={'table': 'registered_query', 'app': 'models', 'unique_together': (('organisation', 'sha256'),), 'pk_attr': 'id', 'table_description': 'A query document an organisation allows its API tokens to run (by its SHA-256 hash).'},
            bases=['TimestampedModel'],
        ),
        ops.CreateModel(
            name='WebhookCursor',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('organisation', fields.OneToOneField('models.Organisation', source_field='organisation_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('last_event_id', fields.BigIntField(default=0)),
                ('updated_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'webhook_cursor', 'app': 'models', 'pk_attr': 'id', 'table_description': 'How far the webhook worker has read the event log of one organisation.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='WebhookEndpoint',
            fields=[
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('organisation', fields.ForeignKeyField('models.Organisation', source_field='organisation_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('name', fields.CharField(default='', max_length=100)),
                ('url', fields.CharField(max_length=2000)),
                ('event_types', fields.JSONField(default=list, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('scopes', fields.JSONField(default=list, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('secret', fields.TextField(unique=False)),
                ('start_after_event_id', fields.BigIntField(default=0)),
                ('disabled_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('created_by', fields.ForeignKeyField('models.User', source_field='created_by_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.SET_NULL)),
            ],
            options={'table': 'webhook_endpoint', 'app': 'models', 'pk_attr': 'id', 'table_description': 'An HTTPS endpoint an admin registered for chosen event types.'},
            bases=['TimestampedModel'],
        ),
        ops.CreateModel(
            name='WebhookDelivery',
            fields=[
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('organisation', fields.ForeignKeyField('models.Organisation', source_field='organisation_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('endpoint', fields.ForeignKeyField('models.WebhookEndpoint', source_field='endpoint_id', db_constraint=True, to_field='id', related_name='deliveries', on_delete=OnDelete.CASCADE)),
                ('event', fields.ForeignKeyField('models.Event', source_field='event_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('event_type', fields.CharField(max_length=64)),
                ('status', fields.CharEnumField(default=WebhookDeliveryStatus.PENDING, description='PENDING: pending\nSENDING: sending\nDELIVERED: delivered\nFAILED: failed', enum_type=WebhookDeliveryStatus, max_length=10)),
                ('attempts', fields.IntField(default=0)),
                ('next_attempt_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('claimed_until', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('last_status_code', fields.IntField(null=True)),
                ('last_error', fields.TextField(default='', unique=False)),
                ('last_duration_ms', fields.IntField(null=True)),
                ('delivered_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'webhook_delivery', 'app': 'models', 'unique_together': (('endpoint', 'event'),), 'indexes': [Index(fields=['status', 'next_attempt_at']), Index(fields=['endpoint_id', 'id'])], 'pk_attr': 'id', 'table_description': 'One event for one endpoint: the delivery log, with retries and backoff.'},
            bases=['TimestampedModel'],
        ),
        ops.AddField(
            model_name='ApiToken',
            name='prefix',
            field=fields.CharField(default='', max_length=16),
        ),
        ops.AddField(
            model_name='Invitation',
            name='prefix',
            field=fields.CharField(default='', max_length=16),
        ),
        ops.AddField(
            model_name='Session',
            name='prefix',
            field=fields.CharField(default='', max_length=16),
        ),
    ]
