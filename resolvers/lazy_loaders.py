"""DataLoaders made on first use, for long-lived WebSocket connections.

A `Loaders` set holds some forty DataLoaders (about 12 KB). An idle live connection needs
none of them, so its operations and each batch of live deliveries get a `LazyLoaders`: it
stands in for `Loaders(principal)` and builds the real set only when a resolver reaches for
it (and the set goes with the batch, see `subscriptions.live`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from resolvers.dataloaders import Loaders
from services.principal import Principal


class LazyLoaders:
    """`Loaders(principal)`, built on first attribute access."""

    __slots__ = ("_primes", "_principal", "_real")

    def __init__(self, principal: Principal | None) -> None:
        object.__setattr__(self, "_principal", principal)
        object.__setattr__(self, "_real", None)
        object.__setattr__(self, "_primes", None)

    @property
    def real(self) -> Loaders:
        real = self._real
        if real is None:
            real = Loaders(self._principal)
            object.__setattr__(self, "_real", real)
            for prime in self._primes or ():
                prime(real)
            object.__setattr__(self, "_primes", None)
        return real

    def when_built(self, prime: Callable[[Loaders], None]) -> None:
        """Run `prime` on the loaders once they exist (now, if they do): e.g. prime them with
        rows a live delivery has already, which the subscription's selection may not need."""
        if self._real is not None:
            prime(self._real)
        elif self._primes is None:
            object.__setattr__(self, "_primes", [prime])
        else:
            self._primes.append(prime)

    @property
    def built(self) -> bool:
        return self._real is not None

    def __getattr__(self, name: str) -> Any:
        return getattr(self.real, name)

    def __setattr__(self, name: str, value: Any) -> None:
        setattr(self.real, name, value)
