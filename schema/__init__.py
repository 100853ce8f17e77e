"""The strawberry Schema, importable as `schema:schema`."""

from __future__ import annotations

from graphql.validation import NoSchemaIntrospectionCustomRule
from strawberry import Schema
from strawberry.extensions import (
    AddValidationRules,
    MaskErrors,
    MaxAliasesLimiter,
    MaxTokensLimiter,
    ParserCache,
    QueryDepthLimiter,
    ValidationCache,
)
from strawberry.schema.config import StrawberryConfig

import settings
from schema.errors import INTERNAL, should_mask
from schema.extensions.compiled_execution import CompiledExecution
from schema.extensions.cost import QueryCostLimiter
from schema.extensions.token_read_only import TokenReadOnly
from schema.mutation import Mutation
from schema.query import Query
from schema.result_cache import ResultCacheExtension
from schema.subscription import Subscription
from schema.types.account import User
from schema.types.children import Child
from schema.types.media import Media
from subscriptions.shared_execution import SharingExecutor


def _extensions() -> list:
    """Factories, so each request gets fresh extension state (the caches are module-level)."""
    # The depth and alias rules are built once: the validation cache is keyed by the rule
    # classes, and every QueryDepthLimiter/MaxAliasesLimiter makes new ones (built per
    # request, every request was validated again).
    limits = [
        *QueryDepthLimiter(max_depth=settings.MAX_QUERY_DEPTH).validation_rules,
        *MaxAliasesLimiter(max_alias_count=settings.MAX_ALIASES).validation_rules,
    ]
    extensions: list = [
        lambda: ParserCache(maxsize=256),
        lambda: ValidationCache(maxsize=256),
        lambda: AddValidationRules(limits),
        lambda: MaxTokensLimiter(max_token_count=settings.MAX_TOKENS),
        # API tokens read only: mutations and subscriptions refused before any resolver.
        TokenReadOnly,
        # Refuse too costly queries, charge the caller's budget (after validation).
        QueryCostLimiter,
        # A parent's answer that only events can change, from the cache (after the cost).
        ResultCacheExtension,
        # A computed answer of such a document by its compiled plan (after the cache).
        CompiledExecution,
    ]
    if not settings.INTROSPECTION:
        extensions.append(lambda: AddValidationRules([NoSchemaIntrospectionCustomRule]))
    if not settings.DEBUG:
        extensions.append(
            lambda: MaskErrors(
                should_mask_error=should_mask,
                error_message="Internal server error. / Er ging iets mis op de server.",
            )
        )
    return extensions


schema = Schema(
    query=Query,
    mutation=Mutation,
    subscription=Subscription,
    types=[Child, User, Media],
    extensions=_extensions(),
    config=StrawberryConfig(auto_camel_case=True),
    # Live events: each distinct selection once per event and process.
    execution_context_class=SharingExecutor,
)

__all__ = ["INTERNAL", "schema"]
