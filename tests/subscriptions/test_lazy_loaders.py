"""Live connections' DataLoaders are built on first use (resolvers.lazy_loaders), with what
a delivery primed them with."""

from __future__ import annotations

from resolvers.dataloaders import Loaders
from resolvers.lazy_loaders import LazyLoaders
from tests import factories


async def test_nothing_is_built_until_a_resolver_reaches_for_a_loader(db):
    # given lazy loaders primed with a user row
    t = await factories.tenant()
    lazy = LazyLoaders(None)
    lazy.when_built(lambda loaders: loaders.user_by_id.prime(t.staff.id, t.staff))
    assert not lazy.built
    # when a resolver loads that user
    user = await lazy.user_by_id.load(t.staff.id)
    # then the real loaders exist, primed, and are the same on every access
    assert lazy.built and isinstance(lazy.real, Loaders)
    assert user is t.staff
    assert lazy.user_by_id is lazy.user_by_id


async def test_priming_built_loaders_happens_at_once(db):
    # given lazy loaders already built
    t = await factories.tenant()
    lazy = LazyLoaders(None)
    assert lazy.messaging is not None
    # when they are primed
    lazy.when_built(lambda loaders: loaders.user_by_id.prime(t.parent.id, t.parent))
    # then the primed row is there
    assert await lazy.user_by_id.load(t.parent.id) is t.parent
