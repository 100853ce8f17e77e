"""Compiled queries: a query made of the result cache's fields (schema.result_cache.CACHEABLE:
the home screen) executed by plain functions compiled once per document, not by graphql-core
and strawberry field by field.

graphql-core completes every field through strawberry's resolver machinery (a ResolveInfo and
an Info per field, argument conversion, awaitable checks, the completion of each value by its
type): ~10 µs a field, and the home screen has 300-1,700 of them. A compiled plan calls the
same resolvers, with the same arguments, so every access rule stays where it is (the
resolvers and services); it only does the walking itself, as live projections do
(subscriptions.projection). What it accepts (`compile_query` returns None otherwise, and
graphql-core executes the document as before):

- one query operation (the one named, or the only one), no directives, no response key
  repeated within a selection set;
- arguments of type Int, String, ID or Boolean, as literals or variables;
- plain data fields, and resolvers taking the object, `info` (of which they read `context`
  and `selected_fields`) and such arguments, without permission classes or field extensions;
- object types, unions (by the Python class of the value), lists, non-null, scalars, enums,
  `__typename`, fragments.

The root's and the viewer's fields are awaited (they load: authentication, the children's
snapshot); below them everything must already be at hand. A resolver whose awaitable would
have to wait (a loader that would query), any exception and any null in a non-null field
stop the compiled run with `Fallback`: graphql-core then answers the request, errors
included, as it always did.
"""

from __future__ import annotations

from asyncio import Future
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from keyword import iskeyword
from types import CoroutineType
from typing import Any

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    GraphQLBoolean,
    GraphQLEnumType,
    GraphQLField,
    GraphQLID,
    GraphQLInt,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLOutputType,
    GraphQLScalarType,
    GraphQLSchema,
    GraphQLString,
    GraphQLUnionType,
    OperationType,
    SelectionSetNode,
    VariableNode,
    get_named_type,
)
from graphql.execution.values import VariableValues, get_argument_values, get_variable_values
from graphql.utilities import get_operation_ast
from strawberry.types.fields.resolver import INFO_PARAMSPEC, ROOT_PARAMSPEC, SELF_PARAMSPEC
from strawberry.types.nodes import convert_selections

from subscriptions.projection import fields_of, scalar_expression

_DEFINITION = "strawberry-definition"  # strawberry's back reference on its GraphQL types
# The root (Query) and the types of its fields (the viewer) may await what they load.
ASYNC_DEPTH = 2
_SIMPLE_ARGUMENTS = (GraphQLInt, GraphQLString, GraphQLID, GraphQLBoolean)

Convert = Callable[[Any, "Request"], Any]
TYPENAME: Any = object()  # the reader of `__typename`: its converter is the type's name


class Fallback(Exception):
    """The compiled run cannot answer this request: graphql-core does."""


class Request:
    """One execution: the context, the coerced variables and the document's fragments
    (`lookahead`: the plan's selected fields per node, when they cannot depend on variables)."""

    __slots__ = ("context", "fragments", "lookahead", "variable_values")

    def __init__(
        self,
        context: Any,
        variables: VariableValues,
        fragments: Mapping,
        lookahead: dict[int, list] | None,
    ) -> None:
        self.context = context
        self.variable_values = variables
        self.fragments = fragments
        self.lookahead = lookahead


class FieldInfo:
    """What our resolvers read of strawberry's `Info`: the context and the lookahead
    (`selected_fields`, as strawberry builds it from the field's node)."""

    __slots__ = ("_node", "_request", "context")

    def __init__(self, request: Request, node: FieldNode) -> None:
        self._request = request
        self._node = node
        self.context = request.context

    @property
    def selected_fields(self) -> list:
        known = self._request.lookahead
        if known is None:
            return convert_selections(self._request, [self._node])  # type: ignore[arg-type]
        selected = known.get(id(self._node))
        if selected is None:  # the same for every request: strawberry builds it once
            selected = known[id(self._node)] = convert_selections(self._request, [self._node])  # type: ignore[arg-type]
        return selected


@dataclass(frozen=True, slots=True)
class Plan:
    operation_variables: tuple
    fragments: Mapping[str, FragmentDefinitionNode]
    convert: Callable[[Any, Request], Awaitable[dict]]
    # Selected fields per node (lookahead) of an operation without variables: the document's
    # nodes live as long as the plan.
    lookahead: dict[int, list] = dataclass_field(default_factory=dict)

    async def run(
        self, schema: GraphQLSchema, context: Any, root: Any, variables: dict | None
    ) -> dict:
        """The answer's `data`, or Fallback."""
        coerced = get_variable_values(schema, self.operation_variables, variables or {})
        if isinstance(coerced, list):
            raise Fallback  # graphql-core reports the variables' errors
        try:
            lookahead = None if self.operation_variables else self.lookahead
            return await self.convert(root, Request(context, coerced, self.fragments, lookahead))
        except Fallback:
            raise
        except Exception as error:  # graphql-core answers again, and reports it
            raise Fallback from error


def compile_query(
    schema: GraphQLSchema, document: DocumentNode, operation_name: str | None
) -> Plan | None:
    """The plan of the document's operation, or None when graphql-core must execute it."""
    operation = get_operation_ast(document, operation_name)
    if (
        operation is None
        or operation.operation is not OperationType.QUERY
        or operation.directives
        or schema.query_type is None
    ):
        return None
    fragments = {
        d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
    }
    convert = _Compiler(schema, fragments).object(
        schema.query_type, operation.selection_set, 0, False
    )
    if convert is None:
        return None
    return Plan(tuple(operation.variable_definitions or ()), fragments, convert)


def now(result: Any) -> Any:
    """A resolver's value, waiting for nothing: an awaitable must be done already."""
    if result.__class__ is CoroutineType:
        try:
            waits_for = result.send(None)
        except StopIteration as done:
            return done.value
        result.close()
        # The future it yielded is marked as awaited by a task; graphql-core awaits it again
        # after the Fallback (asyncio refuses a future awaited twice that way).
        if getattr(waits_for, "_asyncio_future_blocking", False):
            waits_for._asyncio_future_blocking = False
        raise Fallback
    if isinstance(result, Future):
        if not result.done():
            raise Fallback
        return result.result()
    return result


def _null(_type: str) -> Any:
    raise Fallback  # graphql-core reports the null in a non-null field


def _generated(expression: str, names: dict[str, Any], required: bool) -> Convert:
    """A function of (value, request) returning `expression` over `names`, compiled once per
    selection. The expressions are made here from GraphQL names and Python identifiers."""
    check = "    if value is None:\n        _null(None)\n" if required else ""
    source = f"def convert(value, request):\n{check}    return {expression}\n"
    names = {**names, "_null": _null, "now": now}
    exec(compile(source, "<compiled query>", "exec"), names)
    return names["convert"]


class _Compiler:
    def __init__(self, schema: GraphQLSchema, fragments: Mapping) -> None:
        self.schema = schema
        self.fragments = fragments

    def converter(
        self,
        type_: GraphQLOutputType,
        selection: SelectionSetNode | None,
        depth: int,
        required: bool = False,
    ) -> Convert | None:
        if isinstance(type_, GraphQLNonNull):
            return self.converter(type_.of_type, selection, depth, True)
        if isinstance(type_, GraphQLList):
            item = self.converter(type_.of_type, selection, depth)
            if item is None:
                return None
            if depth < ASYNC_DEPTH and isinstance(get_named_type(type_), GraphQLObjectType):
                return _async_list(item, required)
            body = "None if value is None else [item(v, request) for v in value]"
            return _generated(body, {"item": item}, required)
        if isinstance(type_, GraphQLScalarType | GraphQLEnumType):
            if selection is not None:
                return None
            return _generated(scalar_expression(type_), {"serialize": type_.serialize}, required)
        if selection is None:
            return None
        if isinstance(type_, GraphQLObjectType):
            return self.object(type_, selection, depth, required)
        if isinstance(type_, GraphQLUnionType) and depth >= ASYNC_DEPTH:
            return self.union(type_, selection, depth, required)
        return None  # interfaces; unions at the awaited levels

    def union(
        self, type_: GraphQLUnionType, selection: SelectionSetNode, depth: int, required: bool
    ) -> Convert | None:
        """By the Python class of the value, the converter of its object type."""
        by_class: dict[type, Convert] = {}
        for member in self.schema.get_possible_types(type_):
            definition = (member.extensions or {}).get(_DEFINITION)
            convert = self.object(member, selection, depth, False)
            if definition is None or convert is None:
                return None
            by_class[definition.origin] = convert
        body = "None if value is None else by_class[value.__class__](value, request)"
        return _generated(body, {"by_class": by_class}, required)

    def object(
        self, type_: GraphQLObjectType, selection: SelectionSetNode, depth: int, required: bool
    ) -> Convert | None:
        entries = self.entries(type_, selection, depth)
        if entries is None:
            return None
        if depth < ASYNC_DEPTH:
            return _async_object(entries, required, root=depth == 0)
        names: dict[str, Any] = {}
        items = []
        for n, (key, read, convert, _) in enumerate(entries):
            names[f"c{n}"] = convert
            if read is TYPENAME:
                items.append(f"{key!r}: {convert!r}")
            elif isinstance(read, str) and read.isidentifier() and not iskeyword(read):
                items.append(f"{key!r}: c{n}(value.{read}, request)")  # plain data, inline
            elif isinstance(read, str):
                return None
            else:
                names[f"r{n}"] = read
                items.append(f"{key!r}: c{n}(now(r{n}(value, request)), request)")
        return _generated("None if value is None else {" + ", ".join(items) + "}", names, required)

    def entries(
        self, parent: GraphQLObjectType, selection: SelectionSetNode, depth: int
    ) -> list[tuple[str, Any, Convert, bool]] | None:
        """(response key, reader, converter, awaited) per selected field, in response order."""
        nodes = self.fields(parent, selection)
        if nodes is None:
            return None
        entries: list[tuple[str, Any, Convert, bool]] = []
        keys: set[str] = set()
        for node in nodes:
            key = (node.alias or node.name).value
            if key in keys or node.directives:
                return None  # merging repeated keys is graphql-core's job
            keys.add(key)
            name = node.name.value
            if name == "__typename":
                entries.append((key, TYPENAME, parent.name, False))
                continue
            field = parent.fields.get(name)
            if field is None:
                return None
            read = _reader(field, node)
            convert = self.converter(field.type, node.selection_set, depth + 1)
            if read is None or convert is None:
                return None
            awaited = depth + 1 < ASYNC_DEPTH
            entries.append((key, read, convert, awaited))
        return entries

    def fields(self, parent: GraphQLObjectType, selection: SelectionSetNode) -> list | None:
        """The selection's fields for an object of `parent`: fragments on it, or on a union or
        interface it belongs to, spread in; fragments on other types skipped."""

        def applies(name: str) -> bool | None:
            on = self.schema.get_type(name)
            if on is None:
                return None
            if on is parent:
                return True
            return not isinstance(on, GraphQLObjectType) and self.schema.is_sub_type(on, parent)  # type: ignore[arg-type]

        return fields_of(selection, self.fragments, applies)


def _reader(field: GraphQLField, node: FieldNode) -> Any:
    """How to read the field from its object: its attribute's name for plain data, else a
    function of (object, request) calling its resolver."""
    definition = (field.extensions or {}).get(_DEFINITION)
    if definition is None or definition.extensions:
        return None  # permission classes and field extensions live in `extensions`
    resolver = definition.base_resolver
    if resolver is None:
        return None if node.arguments else definition.python_name
    used = {spec for spec, parameter in resolver.reserved_parameters.items() if parameter}
    if ROOT_PARAMSPEC in used:  # `root` is the object, as `self` is: first and positional
        first = next(iter(resolver.signature.parameters.values()), None)
        if first is None or first is not resolver.root_parameter or SELF_PARAMSPEC in used:
            return None
        used = (used - {ROOT_PARAMSPEC}) | {SELF_PARAMSPEC}
    if used - {SELF_PARAMSPEC, INFO_PARAMSPEC}:
        return None
    arguments = _arguments(field, definition, node)
    if arguments is None:
        return None
    info = resolver.info_parameter
    method = resolver.wrapped_func
    if used == {SELF_PARAMSPEC} and arguments == {}:
        return lambda value, _request: method(value)
    if used == {SELF_PARAMSPEC, INFO_PARAMSPEC} and arguments == {}:
        parameters = list(resolver.signature.parameters.values())
        if (
            len(parameters) > 1
            and parameters[1] is info
            and info.kind is info.POSITIONAL_OR_KEYWORD
        ):
            # The usual `def field(self, info)`: called as strawberry would, positionally.
            return lambda value, request: method(value, FieldInfo(request, node))
    needs_self = SELF_PARAMSPEC in used

    def read(value: Any, request: Request) -> Any:
        kwargs = arguments(request) if callable(arguments) else dict(arguments)
        if info is not None:
            kwargs[info.name] = FieldInfo(request, node)
        return method(value, **kwargs) if needs_self else method(**kwargs)

    return read


def _arguments(field: GraphQLField, definition: Any, node: FieldNode) -> Any:
    """The resolver's keyword arguments: a dict when the node's are literals, a function of
    the request when they use variables, None when one is not a plain scalar."""
    if not node.arguments:
        return {}
    python_names = {
        graphql_name: argument.python_name
        for graphql_name, argument in zip(field.args, definition.arguments, strict=True)
    }
    for argument in node.arguments:
        graphql_argument = field.args.get(argument.name.value)
        if graphql_argument is None:
            return None
        named = get_named_type(graphql_argument.type)
        if named not in _SIMPLE_ARGUMENTS:
            return None

    def coerce(variables: VariableValues | None) -> dict[str, Any]:
        values = get_argument_values(field, node, variables)
        given = {a.name.value for a in node.arguments}
        return {python_names[k]: v for k, v in values.items() if k in given}

    if any(isinstance(a.value, VariableNode) for a in node.arguments):
        return lambda request: coerce(request.variable_values)
    return coerce(None)


def _async_object(
    entries: list, required: bool, root: bool
) -> Callable[[Any, Request], Awaitable[Any]]:
    """An object whose fields may load (the root's value is whatever the schema was given)."""

    async def convert(value: Any, request: Request) -> Any:
        if value is None and not root:
            return _null("") if required else None
        out = {}
        for key, read, convert_value, awaited in entries:
            if read is TYPENAME:
                out[key] = convert_value
                continue
            found = getattr(value, read) if isinstance(read, str) else read(value, request)
            if isinstance(found, Awaitable):
                found = await found
            converted = convert_value(found, request)
            if awaited and isinstance(converted, Awaitable):
                converted = await converted
            out[key] = converted
        return out

    return convert


def _async_list(item: Any, required: bool) -> Callable[[Any, Request], Awaitable[Any]]:
    async def convert(value: Any, request: Request) -> Any:
        if value is None:
            return _null("") if required else None
        return [await item(v, request) for v in value]

    return convert
