"""Which URLs an endpoint may have, and a resolver that never connects to a private host.

Production: `https://` only, and the host must be public: an IP literal is checked when the
endpoint is registered and before every attempt, a name is checked after each DNS lookup
(`PublicOnlyResolver`, so a name that later resolves to 10.0.0.1 or 169.254.169.254 is not
called either). Development and test (WEBHOOK_ALLOW_INSECURE_LOCALHOST) also accept
`http://` to localhost and loopback addresses, and do not filter addresses.
"""

from __future__ import annotations

import ipaddress
import socket
from urllib.parse import urlsplit

from aiohttp.abc import ResolveResult
from aiohttp.resolver import ThreadedResolver

import settings
from services.errors import Refusal

URL_MAX = 2000
_LOCAL_NAMES = {"localhost", "127.0.0.1", "::1"}


def _refusal(code: str, nl: str, en: str) -> Refusal:
    return Refusal(code, nl, en, {"field": "url"})


def is_public_address(address: str) -> bool:
    try:
        return ipaddress.ip_address(address.split("%", 1)[0]).is_global
    except ValueError:
        return False


def _literal(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


def url_problem(url: str) -> Refusal | None:
    """Why this URL cannot be registered (None: it can)."""
    try:
        parts = urlsplit(url.strip())
        host = (parts.hostname or "").lower()
        parts.port  # noqa: B018 - raises on a bad port
    except ValueError:
        host = ""
    if len(url) > URL_MAX or not host or parts.scheme not in ("http", "https"):
        return _refusal(
            "WEBHOOK_URL_INVALID",
            "Geef een volledig https-adres op.",
            "Enter a full https address.",
        )
    if parts.username or parts.password:
        return _refusal(
            "WEBHOOK_URL_INVALID",
            "Een adres met gebruikersnaam of wachtwoord kan niet.",
            "An address with a user name or password is not allowed.",
        )
    local = host in _LOCAL_NAMES or host.endswith(".localhost")
    if settings.WEBHOOK_ALLOW_INSECURE_LOCALHOST and local:
        return None
    if parts.scheme != "https":
        return _refusal(
            "WEBHOOK_URL_NOT_HTTPS",
            "Het adres moet met https:// beginnen.",
            "The address must start with https://.",
        )
    if settings.WEBHOOK_ALLOW_INSECURE_LOCALHOST:
        return None
    if local or (_literal(host) and not is_public_address(host)) or "." not in host:
        return _refusal(
            "WEBHOOK_URL_PRIVATE_HOST",
            "Het adres moet een publiek bereikbare server zijn.",
            "The address must be a publicly reachable server.",
        )
    return None


def host_problem(url: str) -> str | None:
    """Checked before every attempt: an IP literal that is not public (names: the resolver)."""
    if settings.WEBHOOK_ALLOW_INSECURE_LOCALHOST:
        return None
    host = urlsplit(url).hostname or ""
    if _literal(host) and not is_public_address(host):
        return f"refused: {host} is not a public address"
    return None


class PublicOnlyResolver(ThreadedResolver):
    """DNS lookups that fail when a name points at a private, loopback or link-local host."""

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        results = await super().resolve(host, port, family)
        private = [r["host"] for r in results if not is_public_address(r["host"])]
        if private:
            raise OSError(f"refused: {host} resolves to a non-public address ({private[0]})")
        return results
