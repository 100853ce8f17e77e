"""Authenticating an HTTP request, with what nearly every request asks next, in ONE statement.

`services.auth.authenticate` answers who is asking. A request of the parent app then asks
for the user, their organisation (time zone, access window) and, for a parent, which
children they may see. `authenticate_request` checks the session exactly as `authenticate`
does (unknown, revoked or expired token, inactive user: nobody) and brings those along in
the same statement; the children a parent may see follow from `services.access`'s rule.
"""

from __future__ import annotations

from dataclasses import dataclass

from models import Organisation, User
from services import access, clock, result_cache
from services.auth import hash_token
from services.principal import Principal
from services.sql_rows import Statement, instances


@dataclass(frozen=True, slots=True)
class Authenticated:
    principal: Principal
    user: User
    organisation: Organisation
    # For parents: the children they may see today, in display order; None for the others
    # (staff and back office: services.access computes it when asked).
    visible_child_ids: list[int] | None
    # For parents: the newest event id on the topics their cached answers depend on when the
    # request started (0: none yet; their children, those children's groups and locations,
    # the organisation, the parent): a cached answer computed at this watermark is still
    # current while it stays the same (services.result_cache.parent_watermark). Read in the
    # same statement, from the index on event (topic, id). 0 for the others (not cached).
    event_watermark: int = 0


def _sql(q: Statement) -> str:
    users = q.rows(User, "t.id = u.id", compact=True)
    organisations = q.rows(Organisation, "t.id = u.organisation_id", compact=True)
    own = access.own_children(q, "u.id", "u.organisation_id", "AND u.role = :parent")
    watermark = result_cache.parent_watermark("u.id", "u.organisation_id")
    return (
        f"SELECT s.id AS session_id, {users} AS users, {organisations} AS organisations, "
        f"{own} AS own_children, "
        f"CASE WHEN u.role = :parent THEN {watermark} ELSE 0 END AS event_watermark "
        "FROM session s JOIN app_user u ON u.id = s.user_id "
        "WHERE s.token_hash = :token_hash AND s.revoked_at IS NULL AND s.expires_at > :now"
    )


async def authenticate_request(token: str) -> Authenticated | None:
    """The principal behind a bearer token with its user, organisation and visible children,
    or None when the token is unknown, expired or revoked, or the user is inactive."""
    if not token or len(token) > 200:
        return None
    q = Statement()
    row = await q.fetch_row(
        _sql(q), {"token_hash": hash_token(token), "now": clock.now(), "parent": "parent"}
    )
    if row is None:
        return None
    (user,) = instances(User, row["users"])
    (organisation,) = instances(Organisation, row["organisations"])
    if not user.is_active:
        return None
    principal = Principal(
        user_id=user.id,
        organisation_id=organisation.id,
        role=user.role,
        session_id=int(row["session_id"]),
        locale=user.locale,
    )
    visible = None
    if principal.is_parent:
        today = clock.today(organisation.timezone)
        visible = access.parent_visible(
            row["own_children"] or [], today, organisation.access_window_weeks
        )
    watermark = int(row["event_watermark"] or 0)
    return Authenticated(principal, user, organisation, visible, watermark)
