"""The per-request context: who is asking, and one set of DataLoaders per request."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, TypeAlias

from starlette.requests import Request
from starlette.websockets import WebSocket
from strawberry.types import Info as StrawberryInfo

from resolvers.dataloaders import Loaders
from services import clock
from services.media_addresses import DownloadSigner
from services.principal import Principal
from services.request_auth import Authenticated
from services.token_principal import TokenPrincipal


@dataclass(slots=True)  # thousands live as long as their WebSocket: no __dict__ each
class Context:
    request: Request | WebSocket
    response: Any = None
    principal: Principal | None = None
    # A dashboard's API token (read-only, scoped). Never set together with `principal`.
    api_token: TokenPrincipal | None = None
    # An `olk_` bearer token was sent but is unknown, revoked or expired: the operation is
    # refused with UNAUTHENTICATED (schema.extensions.token_read_only).
    api_token_rejected: bool = False
    loaders: Loaders = field(default_factory=Loaders)
    # What the authentication statement brought along (HTTP with a session only): the
    # visible children and the event watermark the result cache keys and checks on.
    authenticated: Authenticated | None = None
    # Filled by strawberry with the WebSocket `connection_init` payload.
    connection_params: dict[str, Any] | None = None
    # Signs the media addresses of the principal's answers (one per second: see downloads()).
    signer: DownloadSigner | None = None

    @property
    def locale(self) -> str:
        if self.principal is not None:
            return self.principal.locale
        if self.api_token is not None:
            return self.api_token.locale
        header = self.request.headers.get("accept-language", "") if self.request else ""
        return "en" if header.lower().startswith("en") else "nl"

    @property
    def client_address(self) -> str:
        client = self.request.client if self.request else None
        return client.host if client else "unknown"

    def use(self, principal: Principal | None) -> None:
        """Set the principal (after authentication) and start fresh loaders for it."""
        self.principal = principal
        self.loaders = Loaders(principal)
        self.signer = None

    def downloads(self, principal: Principal) -> DownloadSigner:
        """The signer of the principal's download addresses at this second (a WebSocket's
        context lives for hours: each second gets its own expiry, as one by one)."""
        now = clock.now()
        signer = self.signer
        if signer is None or not signer.fits(principal.user_id, principal.session_id, now):
            signer = self.signer = DownloadSigner(
                user_id=principal.user_id, session_id=principal.session_id, now=now
            )
        return signer


Info: TypeAlias = StrawberryInfo[Context, None]
