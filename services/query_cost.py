"""The cost of a GraphQL operation, computed from its document before it runs.

Modelled on Shopify's calculated query cost and GitHub's node count (README, "Cost limits
and persisted queries"):

- a field returning a scalar or an enum costs 0 (`__typename` too);
- a field returning an object costs 1 plus the cost of its selection (lists outside
  connections are short by design, a day's meals or a week's days, and count as one object);
- a connection (`...Connection` with `edges`) costs 1 plus `first`/`last` times the cost of
  one edge, where an edge is free and its `node` is an object (so one item costs at least 1);
  absent `first`/`last` counts as the default page size, more than MAX_PAGE_SIZE as that;
- a mutation field costs MUTATION_COST plus its payload;
- fragments and inline fragments count as if written out; for an interface or union the most
  expensive type-specific selection counts (only one of them applies to each object);
- introspection (`__schema`, `__type`) costs 1 whatever it selects.

Pure: graphql-core's AST and type system only, no strawberry, no I/O.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLObjectType,
    GraphQLSchema,
    InlineFragmentNode,
    IntValueNode,
    NullValueNode,
    OperationType,
    SelectionSetNode,
    VariableNode,
    get_named_type,
    is_abstract_type,
    is_leaf_type,
)
from graphql.utilities import get_operation_ast

# Must match the default of `schema.relay.page_size` (a test checks that it does).
DEFAULT_PAGE_SIZE = 20
MUTATION_COST = 10
INTROSPECTION_COST = 1
_INTROSPECTION_FIELDS = frozenset({"__schema", "__type"})
_LIST_FIELDS = frozenset({"edges", "nodes"})


def operation_cost(
    schema: GraphQLSchema,
    document: DocumentNode,
    variables: Mapping[str, Any] | None = None,
    operation_name: str | None = None,
    *,
    max_page_size: int = 100,
    default_page_size: int = DEFAULT_PAGE_SIZE,
) -> int:
    """The cost of the operation to run (a validated document); 0 if there is none."""
    operation = get_operation_ast(document, operation_name)
    if operation is None:
        return 0
    root = {
        OperationType.QUERY: schema.query_type,
        OperationType.MUTATION: schema.mutation_type,
        OperationType.SUBSCRIPTION: schema.subscription_type,
    }[operation.operation]
    if root is None:
        return 0
    fragments = {
        d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
    }
    walker = _Walker(schema, fragments, variables or {}, max_page_size, default_page_size)
    walker.mutation = operation.operation is OperationType.MUTATION
    return walker.selection_cost(operation.selection_set, root, page=None, root=True)


class _Walker:
    def __init__(
        self,
        schema: GraphQLSchema,
        fragments: dict[str, FragmentDefinitionNode],
        variables: Mapping[str, Any],
        max_page_size: int,
        default_page_size: int,
    ) -> None:
        self.schema = schema
        self.fragments = fragments
        self.variables = variables
        self.max_page_size = max_page_size
        self.default_page_size = default_page_size
        self.mutation = False

    def selection_cost(
        self, selection_set: SelectionSetNode, parent: Any, *, page: int | None, root: bool = False
    ) -> int:
        """Fields and fragments that always apply add up; fragments narrowing an interface or
        union to one of its types are alternatives, of which the most expensive counts."""
        total = 0
        alternatives: list[int] = []
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                total += self.field_cost(selection, parent, page=page, root=root)
                continue
            if isinstance(selection, InlineFragmentNode):
                condition = selection.type_condition
                inner = selection.selection_set
            elif isinstance(selection, FragmentSpreadNode):
                fragment = self.fragments.get(selection.name.value)
                if fragment is None:
                    continue
                condition = fragment.type_condition
                inner = fragment.selection_set
            else:  # pragma: no cover - graphql-core has no other selection kinds
                continue
            target = self.schema.get_type(condition.name.value) if condition else parent
            cost = self.selection_cost(inner, target or parent, page=page, root=root)
            if target is None or target is parent or not self._narrows(parent, target):
                total += cost
            else:
                alternatives.append(cost)
        return total + max(alternatives, default=0)

    def _narrows(self, parent: Any, target: Any) -> bool:
        """True when the fragment applies to only some of the parent's objects."""
        if not is_abstract_type(parent):
            return False
        # A wider (or equal) abstract type applies to every object of the parent.
        return not (is_abstract_type(target) and self.schema.is_sub_type(target, parent))

    def field_cost(self, node: FieldNode, parent: Any, *, page: int | None, root: bool) -> int:
        name = node.name.value
        if name == "__typename":
            return 0
        if name in _INTROSPECTION_FIELDS:
            return INTROSPECTION_COST
        fields = getattr(parent, "fields", None) or {}
        definition = fields.get(name)
        if definition is None:
            return 0
        returned = get_named_type(definition.type)
        if is_leaf_type(returned):
            return MUTATION_COST if root and self.mutation else 0
        if page is not None and name in _LIST_FIELDS:
            # A connection's items: the edge is free, its node is an object.
            inner = self._children(node, returned, page=None)
            return page * (inner + (1 if name == "nodes" else 0))
        own = MUTATION_COST if root and self.mutation else 1
        if _is_connection(returned):
            return own + self._children(node, returned, page=self._page_size(node))
        return own + self._children(node, returned, page=None)

    def _children(self, node: FieldNode, returned: Any, *, page: int | None) -> int:
        if node.selection_set is None:
            return 0
        return self.selection_cost(node.selection_set, returned, page=page)

    def _page_size(self, node: FieldNode) -> int:
        sizes = [self._argument_int(node, name) for name in ("first", "last")]
        given = [s for s in sizes if s is not None]
        size = max(given) if given else self.default_page_size
        return max(0, min(size, self.max_page_size))

    def _argument_int(self, node: FieldNode, name: str) -> int | None:
        for argument in node.arguments or ():
            if argument.name.value != name:
                continue
            value = argument.value
            if isinstance(value, IntValueNode):
                return int(value.value)
            if isinstance(value, VariableNode):
                raw = self.variables.get(value.name.value)
                return raw if isinstance(raw, int) and not isinstance(raw, bool) else None
            if isinstance(value, NullValueNode):
                return None
        return None


def _is_connection(named: Any) -> bool:
    return (
        isinstance(named, GraphQLObjectType)
        and named.name.endswith("Connection")
        and "edges" in named.fields
    )
