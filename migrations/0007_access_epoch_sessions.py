"""The access epoch (models.AccessEpoch) moves when a session stops standing, too.

A live connection may receive only while its session stands: not revoked, not expired, its
user active. The live feed keeps the sessions it found standing while the organisation's
epoch stays the same (`services.kept_sessions.KeptSessions`), so every write that could end one
moves the number: a session revoked, deleted while not revoked, its expiry or user changed;
a user deactivated, deleted or moved to another organisation. (A session that merely runs
out is told by its expiry, which is kept with it.)
"""

from tortoise import migrations
from tortoise.migrations import operations as ops

_SESSION_ORG = "(SELECT u.organisation_id FROM app_user u WHERE u.id = {row}.user_id)"

_POSTGRES = [
    f"""
CREATE FUNCTION ouderlink_session_access() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM ouderlink_bump_access_epoch({_SESSION_ORG.format(row="OLD")});
  IF TG_OP = 'UPDATE' THEN
    PERFORM ouderlink_bump_access_epoch({_SESSION_ORG.format(row="NEW")});
  END IF;
  RETURN NULL;
END
$$""",
    'CREATE TRIGGER session_access AFTER UPDATE OF revoked_at, expires_at, user_id ON "session"'
    " FOR EACH ROW WHEN (OLD.revoked_at IS DISTINCT FROM NEW.revoked_at"
    " OR OLD.expires_at IS DISTINCT FROM NEW.expires_at OR OLD.user_id IS DISTINCT FROM"
    " NEW.user_id) EXECUTE FUNCTION ouderlink_session_access()",
    'CREATE TRIGGER session_access_delete AFTER DELETE ON "session" FOR EACH ROW'
    " WHEN (OLD.revoked_at IS NULL) EXECUTE FUNCTION ouderlink_session_access()",
    """
CREATE FUNCTION ouderlink_app_user_access() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM ouderlink_bump_access_epoch(OLD.organisation_id);
  IF TG_OP = 'UPDATE' THEN PERFORM ouderlink_bump_access_epoch(NEW.organisation_id); END IF;
  RETURN NULL;
END
$$""",
    'CREATE TRIGGER app_user_access AFTER UPDATE OF is_active, organisation_id ON "app_user"'
    " FOR EACH ROW WHEN (OLD.is_active IS DISTINCT FROM NEW.is_active"
    " OR OLD.organisation_id IS DISTINCT FROM NEW.organisation_id)"
    " EXECUTE FUNCTION ouderlink_app_user_access()",
    'CREATE TRIGGER app_user_access_delete AFTER DELETE ON "app_user" FOR EACH ROW'
    " EXECUTE FUNCTION ouderlink_app_user_access()",
]


def _sqlite_bump(organisation: str) -> str:
    return (
        f"INSERT INTO access_epoch (organisation_id, n) SELECT {organisation}, "
        f"abs(random() % 1000000000000000) WHERE {organisation} IS NOT NULL "
        "ON CONFLICT (organisation_id) DO UPDATE SET n = n + 1;"
    )


_SQLITE = [
    "CREATE TRIGGER session_access_update AFTER UPDATE OF revoked_at, expires_at, user_id ON"
    ' "session" FOR EACH ROW WHEN OLD.revoked_at IS NOT NEW.revoked_at'
    " OR OLD.expires_at IS NOT NEW.expires_at OR OLD.user_id IS NOT NEW.user_id BEGIN "
    + _sqlite_bump(_SESSION_ORG.format(row="OLD"))
    + " "
    + _sqlite_bump(_SESSION_ORG.format(row="NEW"))
    + " END",
    'CREATE TRIGGER session_access_delete AFTER DELETE ON "session" FOR EACH ROW'
    " WHEN OLD.revoked_at IS NULL BEGIN " + _sqlite_bump(_SESSION_ORG.format(row="OLD")) + " END",
    "CREATE TRIGGER app_user_access_update AFTER UPDATE OF is_active, organisation_id ON"
    ' "app_user" FOR EACH ROW WHEN OLD.is_active IS NOT NEW.is_active'
    " OR OLD.organisation_id IS NOT NEW.organisation_id BEGIN "
    + _sqlite_bump("OLD.organisation_id")
    + " "
    + _sqlite_bump("NEW.organisation_id")
    + " END",
    'CREATE TRIGGER app_user_access_delete AFTER DELETE ON "app_user" FOR EACH ROW BEGIN '
    + _sqlite_bump("OLD.organisation_id")
    + " END",
]


async def _create_triggers(apps, schema_editor) -> None:
    client = schema_editor.client
    statements = _POSTGRES if client.capabilities.dialect == "postgres" else _SQLITE
    for statement in statements:
        await client.execute_script(statement)


class Migration(migrations.Migration):
    dependencies = [("models", "0006_event_audience_topics")]

    initial = False

    operations = [ops.RunPython(_create_triggers)]
