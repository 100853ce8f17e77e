"""The access epoch (models.AccessEpoch) and the triggers that move it.

Who may read a conversation follows from guardianships, placements, staff assignments, the
conversation's child and group and the organisation's access window and time zone. Every
write of those (whoever makes it: the API, an import, a person with psql) moves the
organisation's number in the same transaction, so a reader of `access_epoch` that finds the
number unchanged knows that none of them changed.
"""

from tortoise import fields, migrations
from tortoise.migrations import operations as ops

# (table, how its rows name their organisation, the columns whose change matters on UPDATE
# (None: any update))
_SOURCES = [
    ("guardianship", "(SELECT c.organisation_id FROM child c WHERE c.id = {row}.child_id)", None),
    ("placement", "{row}.organisation_id", None),
    (
        "staff_assignment",
        "(SELECT g.organisation_id FROM childgroup g WHERE g.id = {row}.group_id)",
        None,
    ),
    ("conversation", "{row}.organisation_id", ("child_id", "group_id")),
    ("organisation", "{row}.id", ("access_window_weeks", "timezone")),
]

_POSTGRES_BUMP = """
CREATE FUNCTION ouderlink_bump_access_epoch(org integer) RETURNS void LANGUAGE sql AS $$
  INSERT INTO access_epoch (organisation_id, n)
  SELECT org, floor(random() * 1e15)::bigint WHERE org IS NOT NULL
  ON CONFLICT (organisation_id) DO UPDATE SET n = access_epoch.n + 1
$$
"""


def _postgres() -> list[str]:
    sql = [_POSTGRES_BUMP]
    for table, organisation, columns in _SOURCES:
        old, new = organisation.format(row="OLD"), organisation.format(row="NEW")
        sql.append(
            f"CREATE FUNCTION ouderlink_{table}_access() RETURNS trigger LANGUAGE plpgsql AS $$\n"
            "BEGIN\n"
            f"  IF TG_OP <> 'INSERT' THEN PERFORM ouderlink_bump_access_epoch({old}); END IF;\n"
            f"  IF TG_OP <> 'DELETE' THEN PERFORM ouderlink_bump_access_epoch({new}); END IF;\n"
            "  RETURN NULL;\n"
            "END\n$$"
        )
        if columns is None:
            events, when = "INSERT OR UPDATE OR DELETE", ""
        else:
            changed = " OR ".join(f"OLD.{c} IS DISTINCT FROM NEW.{c}" for c in columns)
            events, when = f"UPDATE OF {', '.join(columns)}", f" WHEN ({changed})"
        sql.append(
            f'CREATE TRIGGER {table}_access AFTER {events} ON "{table}" '
            f"FOR EACH ROW{when} EXECUTE FUNCTION ouderlink_{table}_access()"
        )
    return sql


def _sqlite_bump(organisation: str) -> str:
    return (
        f"INSERT INTO access_epoch (organisation_id, n) SELECT {organisation}, "
        f"abs(random() % 1000000000000000) WHERE {organisation} IS NOT NULL "
        "ON CONFLICT (organisation_id) DO UPDATE SET n = n + 1;"
    )


def _sqlite() -> list[str]:
    sql = []
    for table, organisation, columns in _SOURCES:
        old, new = organisation.format(row="OLD"), organisation.format(row="NEW")
        if columns is None:
            sql.append(
                f'CREATE TRIGGER {table}_access_insert AFTER INSERT ON "{table}" '
                f"BEGIN {_sqlite_bump(new)} END"
            )
            sql.append(
                f'CREATE TRIGGER {table}_access_delete AFTER DELETE ON "{table}" '
                f"BEGIN {_sqlite_bump(old)} END"
            )
            when = ""
        else:
            changed = " OR ".join(f"OLD.{c} IS NOT NEW.{c}" for c in columns)
            when = f" WHEN {changed}"
        sql.append(
            f'CREATE TRIGGER {table}_access_update AFTER UPDATE ON "{table}" FOR EACH ROW{when} '
            f"BEGIN {_sqlite_bump(old)} {_sqlite_bump(new)} END"
        )
    return sql


async def _create_triggers(apps, schema_editor) -> None:
    client = schema_editor.client
    statements = _postgres() if client.capabilities.dialect == "postgres" else _sqlite()
    for statement in statements:
        await client.execute_script(statement)


class Migration(migrations.Migration):
    dependencies = [("models", "0004_message_attachment_by_message")]

    initial = False

    operations = [
        ops.CreateModel(
            name="AccessEpoch",
            fields=[
                (
                    "organisation_id",
                    fields.IntField(primary_key=True, generated=False, unique=True, db_index=True),
                ),
                ("n", fields.BigIntField()),
            ],
            options={
                "table": "access_epoch",
                "app": "models",
                "pk_attr": "organisation_id",
                "table_description": "Per organisation, a number that changes whenever who may"
                " read what may have changed.",
            },
            bases=["Model"],
        ),
        ops.RunPython(_create_triggers),
    ]
