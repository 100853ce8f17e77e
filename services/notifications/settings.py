"""Notification settings per user and item type; an absent row means the default.

Defaults: push on for everything; e-mail on only for what matters outside the app
(request decisions and new documents such as invoices), off for the rest.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from models import NotificationItem, NotificationSetting
from services.principal import Principal

DEFAULT_PUSH = True
EMAIL_BY_DEFAULT = frozenset({NotificationItem.REQUEST_DECISION, NotificationItem.DOCUMENT})


@dataclass(frozen=True, slots=True)
class Choice:
    item: NotificationItem
    push: bool
    email: bool
    is_default: bool


def default(item: NotificationItem) -> Choice:
    return Choice(item, DEFAULT_PUSH, item in EMAIL_BY_DEFAULT, True)


async def choices_for(users: Iterable[int]) -> dict[int, dict[NotificationItem, Choice]]:
    """Every item's choice for each of `users` (one query)."""
    ids = sorted(set(users))
    result = {uid: {item: default(item) for item in NotificationItem} for uid in ids}
    if ids:
        for row in await NotificationSetting.filter(user_id__in=ids):
            result[row.user_id][row.item] = Choice(row.item, row.push, row.email, False)  # type: ignore[attr-defined]
    return result


async def settings_of(principal: Principal) -> list[Choice]:
    """The viewer's choices, one per item type in a stable order."""
    mine = (await choices_for([principal.user_id]))[principal.user_id]
    return [mine[item] for item in NotificationItem]


async def update(
    principal: Principal, item: NotificationItem, *, push: bool | None, email: bool | None
) -> Choice:
    """Set push and/or e-mail for one item type (what is not given keeps its value)."""
    current = (await choices_for([principal.user_id]))[principal.user_id][item]
    new_push = current.push if push is None else push
    new_email = current.email if email is None else email
    await NotificationSetting.update_or_create(
        defaults={"push": new_push, "email": new_email}, user_id=principal.user_id, item=item
    )
    return Choice(item, new_push, new_email, False)
