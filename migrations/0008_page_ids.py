"""`ouderlink_page_ids(ids)`: the children of one page, as rows, with a planner estimate.

The home screen's one statement (`services.children_snapshot`) starts from the ids of a page
of children: a parent's one to four. asyncpg prepares it once per connection, and
PostgreSQL then plans it again for every execution (a custom plan) as long as the plan it
could keep (the generic plan) looks dearer. Without knowing the array, PostgreSQL takes
`unnest($1)` for 10 rows, so 10 pages of timeline links, and the generic plan scans whole
tables where the custom plan follows indexes: the custom plan won, and planning the
statement cost 2-2.5 ms of PostgreSQL CPU per home screen, more than running it.

Declared with `ROWS 2`, and not inlined (a function with a SET clause never is), the page
is estimated as what it usually is; with the statement's LIMIT written into its text as well
(a parameter is guessed at a tenth of each child's links), the generic plan follows the
indexes too, PostgreSQL keeps it after five executions, and each execution skips the
planning. The rows are those of `unnest($1)`. SQLite has no plans to keep: nothing there.
"""

from tortoise import migrations
from tortoise.migrations import operations as ops

_POSTGRES = """
CREATE FUNCTION ouderlink_page_ids(ids integer[]) RETURNS SETOF integer
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE ROWS 2 SET search_path = pg_catalog
AS $$ SELECT unnest(ids) $$
"""


async def _create_function(apps, schema_editor) -> None:
    client = schema_editor.client
    if client.capabilities.dialect == "postgres":
        await client.execute_script(_POSTGRES)


class Migration(migrations.Migration):
    dependencies = [("models", "0007_access_epoch_sessions")]

    initial = False

    operations = [ops.RunPython(_create_function)]
