"""Who may read a stored file, checked again each time a signed download URL is used.

A file is readable by a principal of the same organisation when it is READY and:
- the principal uploaded it, or is a planner/admin, or
- one of the read rules grants it: a timeline post or diary entry about a child the
  principal may (still) see, a staff member's profile photo, or a rule another module
  registered with `register_read_rule` (messages, news, documents...).

A rule answers True (grant), False (this file is linked to something the principal may not
see) or None (not my concern). Any grant wins; a file nobody has an opinion about is
readable by the user the URL was signed for: the URL itself was only handed out through an
authorised read. Other tenants never pass the first check.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from models import DiaryEntry, MediaFile, MediaStatus, TimelineItemChild, User
from services import access
from services.principal import Principal

ReadRule = Callable[[Principal, MediaFile], Awaitable[bool | None]]
_RULES: list[ReadRule] = []


def register_read_rule(rule: ReadRule) -> ReadRule:
    """Add a rule (usable as a decorator); modules register theirs at import."""
    if rule not in _RULES:
        _RULES.append(rule)
    return rule


async def may_read(principal: Principal, media: MediaFile) -> bool:
    if media.organisation_id != principal.organisation_id:  # type: ignore[attr-defined]
        return False
    if media.status != MediaStatus.READY:
        return False
    if principal.is_back_office or media.uploaded_by_id == principal.user_id:
        return True
    opinions = [await rule(principal, media) for rule in _RULES]
    if any(opinion is True for opinion in opinions):
        return True
    return not any(opinion is False for opinion in opinions)


@register_read_rule
async def child_content_rule(principal: Principal, media: MediaFile) -> bool | None:
    """Photos of timeline posts and diary entries: only while the child is visible."""
    child_ids = set(
        await TimelineItemChild.filter(item__media_links__media_id=media.id).values_list(
            "child_id", flat=True
        )
    )
    child_ids |= set(
        await DiaryEntry.filter(media_links__media_id=media.id).values_list("child_id", flat=True)
    )
    if not child_ids:
        return None
    return bool(child_ids & set(await access.visible_child_ids(principal)))


@register_read_rule
async def profile_photo_rule(principal: Principal, media: MediaFile) -> bool | None:
    """A user's profile photo (the mentor's) is visible inside the organisation."""
    if await User.filter(photo_id=media.id, organisation_id=principal.organisation_id).exists():
        return True
    return None
