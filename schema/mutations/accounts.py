"""Mutations of accounts: inviting parents, accepting an invitation, password reset."""

from __future__ import annotations

import strawberry

from resolvers import invitations as resolvers
from schema.context import Info
from schema.permissions import IsBackOffice
from schema.types.invitations import (
    AcceptInvitationInput,
    AcceptInvitationResult,
    InviteParentInput,
    InviteParentResult,
    RequestPasswordResetInput,
    RequestPasswordResetResult,
    ResetPasswordInput,
    ResetPasswordResult,
)


@strawberry.type
class AccountMutations:
    @strawberry.mutation(
        permission_classes=[IsBackOffice],
        description="Planner/admin: create (or reuse) a parent account without a password, link "
        "it to children of the organisation and mail a one-time link to set the password. "
        "Refusals: INVALID_EMAIL, NAME_REQUIRED, CHILD_REQUIRED, EMAIL_IN_USE.",
    )
    async def invite_parent(self, info: Info, input: InviteParentInput) -> InviteParentResult:
        return await resolvers.invite_parent(info, input)

    @strawberry.mutation(
        description="Set the first password through the invitation link and log in. Refusals: "
        "INVITATION_INVALID, INVITATION_USED, INVITATION_EXPIRED, WEAK_PASSWORD."
    )
    async def accept_invitation(
        self, info: Info, input: AcceptInvitationInput
    ) -> AcceptInvitationResult:
        return await resolvers.accept_invitation(info, input)

    @strawberry.mutation(
        description="Mail a password reset link if the address has an account. The answer never "
        "tells whether it has. Refusal: LOGIN_THROTTLED (too many requests from this client)."
    )
    async def request_password_reset(
        self, info: Info, input: RequestPasswordResetInput
    ) -> RequestPasswordResetResult:
        return await resolvers.request_password_reset(info, input)

    @strawberry.mutation(
        description="Set a new password through the reset link; every session is logged out. "
        "Refusals: INVITATION_INVALID, INVITATION_USED, INVITATION_EXPIRED, WEAK_PASSWORD."
    )
    async def reset_password(self, info: Info, input: ResetPasswordInput) -> ResetPasswordResult:
        return await resolvers.reset_password(info, input)
