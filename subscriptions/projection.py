"""Projections: a live field's selection compiled into a plain function from the delivered
value to the JSON text of its `next` payload, for selections that read only data.

graphql-core executes a selection field by field through strawberry's resolver machinery:
~100-300 µs for even a small one, on every delivery. Most live selections only read what the
delivered value already holds (`cursor node { id body sentAt author { name } }`): `compile`
turns such a selection into nested tuples of (response key, attribute, converter) once per
document, and `Projection.render` walks them: a few µs, and the same text for every receiver
of the event. What it accepts, and graphql-core would answer the same way:

- fields without arguments or directives, merged response keys not repeated;
- fields that are plain data (no resolver, no permission classes, no field extensions), sync
  resolvers that take nothing but the object itself (`Participant.name`), or fields a live
  field names in `prepared`: sync functions of the object that read what its delivery loaded
  beforehand (`Message.author` from the author loaded with the message);
- scalars and enums serialised by their GraphQL type, object types (not interfaces or
  unions), lists of them, `__typename`, inline fragments and fragment spreads on the object's
  own type.

Anything else (a viewer-dependent field such as `isMine`, an argument, `@include`) makes
`compile` return None: the subscription is then executed by graphql-core as before. A value
that breaks the schema at render time (null in a non-null field) raises `ProjectionError`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from keyword import iskeyword
from operator import attrgetter
from typing import Any

from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLEnumType,
    GraphQLField,
    GraphQLID,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLOutputType,
    GraphQLScalarType,
    GraphQLString,
    InlineFragmentNode,
    NamedTypeNode,
    SelectionSetNode,
)
from strawberry.types.fields.resolver import SELF_PARAMSPEC

from services import json_text

_DEFINITION = "strawberry-definition"  # strawberry's back reference on a GraphQLField

Convert = Callable[[Any], Any]
Read = Convert | str  # a function of the object, or the name of its attribute
Prepared = Mapping[str, Callable[[Any], Any]]  # "Type.field" -> value of the object


class ProjectionError(Exception):
    """A delivered value does not fit its selection (a bug on our side, not the client's)."""


class Projection:
    """A compiled selection of one root field: `render(value)` is the payload's JSON text;
    `uses`, the names of the `prepared` fields its selection reads (what its delivery must
    load beforehand)."""

    __slots__ = ("_convert", "key", "uses")

    def __init__(self, key: str, convert: Convert, uses: frozenset[str] = frozenset()) -> None:
        self.key = key
        self._convert = convert
        self.uses = uses

    def render(self, value: Any) -> str:
        return _dumps({"data": {self.key: self._convert(value)}})


def compile_projection(
    field_type: GraphQLOutputType,
    node: FieldNode,
    fragments: Mapping[str, FragmentDefinitionNode],
    prepared: Prepared,
) -> Projection | None:
    """The projection of a root field (`node`, of `field_type`), or None when its selection
    needs graphql-core (see the module docstring)."""
    if node.directives:
        return None
    used: set[str] = set()
    convert = _converter(field_type, node.selection_set, fragments, _Noting(prepared, used))
    if convert is None:
        return None
    return Projection((node.alias or node.name).value, convert, frozenset(used))


class _Noting(Mapping[str, Callable[[Any], Any]]):
    """`prepared`, noting in `used` every name the compiler takes from it."""

    def __init__(self, prepared: Prepared, used: set[str]) -> None:
        self._prepared = prepared
        self._used = used

    def __getitem__(self, name: str) -> Callable[[Any], Any]:
        found = self._prepared[name]
        self._used.add(name)
        return found

    def __iter__(self) -> Iterator[str]:
        return iter(self._prepared)

    def __len__(self) -> int:
        return len(self._prepared)


def _converter(
    type_: GraphQLOutputType,
    selection: SelectionSetNode | None,
    fragments: Mapping[str, FragmentDefinitionNode],
    prepared: Prepared,
    required: GraphQLOutputType | None = None,
) -> Convert | None:
    """The converter of a value of `type_` (`required`: the non-null type it stands in,
    whose null raises `ProjectionError`)."""
    if isinstance(type_, GraphQLNonNull):
        return _converter(type_.of_type, selection, fragments, prepared, type_)
    if isinstance(type_, GraphQLList):
        item = _converter(type_.of_type, selection, fragments, prepared)
        if item is None:
            return None
        return _generated(
            "None if value is None else [item(v) for v in value]", {"item": item}, required
        )
    if isinstance(type_, GraphQLScalarType | GraphQLEnumType):
        if selection is not None:
            return None
        return _generated(
            scalar_expression(type_, passes=True),
            {"serialize": type_.serialize, "Serialized": Serialized},
            required,
        )
    if isinstance(type_, GraphQLObjectType) and selection is not None:
        entries = _entries(type_, selection, fragments, prepared)
        if entries is None:
            return None
        names: dict[str, Any] = {}
        items = []
        for n, (key, read, convert) in enumerate(entries):
            names[f"c{n}"] = convert
            if isinstance(read, str) and read.isidentifier() and not iskeyword(read):
                items.append(f"{key!r}: c{n}(value.{read})")  # a plain attribute, inline
            else:
                names[f"r{n}"] = attrgetter(read) if isinstance(read, str) else read
                items.append(f"{key!r}: c{n}(r{n}(value))")
        return _generated("None if value is None else {" + ", ".join(items) + "}", names, required)
    return None  # interfaces, unions, objects without a selection


class Serialized(str):
    """A leaf's value already in the form its scalar serialises to (a `DateTime` as the
    text its `isoformat` gives): a projection writes it as it is."""

    __slots__ = ()


def scalar_expression(type_: GraphQLScalarType | GraphQLEnumType, passes: bool = False) -> str:
    """The expression of a leaf's JSON value from `value` (with `serialize`, the type's;
    with `passes`, a value of the class named `Serialized` is written as it is)."""
    if type_ is GraphQLString or type_ is GraphQLID:  # texts pass as they are
        return "value if value.__class__ is str or value is None else serialize(value)"
    if passes:
        return (
            "None if value is None else "
            "value if value.__class__ is Serialized else serialize(value)"
        )
    return "None if value is None else serialize(value)"


def _generated(
    expression: str, names: dict[str, Any], required: GraphQLOutputType | None
) -> Convert:
    """A function of `value` returning `expression` (over `names`), compiled once per
    selection: no call per field beyond the converters themselves. The expressions are
    made here from GraphQL names and Python identifiers only."""
    if required is None:
        source = f"def convert(value):\n    return {expression}\n"
    else:
        names = {**names, "_null": _null, "_type": str(required)}
        source = (
            "def convert(value):\n    if value is None:\n        _null(_type)\n"
            f"    return {expression}\n"
        )
    exec(compile(source, "<projection>", "exec"), names)
    return names["convert"]


def _null(type_name: str) -> None:
    raise ProjectionError(f"null for non-null {type_name}")


def _entries(
    parent: GraphQLObjectType,
    selection: SelectionSetNode,
    fragments: Mapping[str, FragmentDefinitionNode],
    prepared: Prepared,
) -> list[tuple[str, Read, Convert]] | None:
    """(response key, reader, converter) per selected field, in response order."""
    # Fragments on `parent` itself only (on another type: graphql-core's job).
    nodes = fields_of(selection, fragments, lambda name: True if name == parent.name else None)
    if nodes is None:
        return None
    entries: list[tuple[str, Read, Convert]] = []
    keys: set[str] = set()
    for node in nodes:
        key = (node.alias or node.name).value
        if key in keys or node.arguments or node.directives:
            return None  # merging repeated keys is graphql-core's job
        keys.add(key)
        name = node.name.value
        if name == "__typename":
            if node.selection_set is not None:
                return None
            type_name = parent.name
            entries.append((key, lambda _value, n=type_name: n, _same))
            continue
        field = parent.fields.get(name)
        if field is None:
            return None
        read = _reader(parent, name, field, prepared)
        convert = _converter(field.type, node.selection_set, fragments, prepared)
        if read is None or convert is None:
            return None
        entries.append((key, read, convert))
    return entries


# Whether a fragment on the named type applies: True (spread it in), False (skip it) or None
# (give up).
Applies = Callable[[str], bool | None]


def fields_of(
    selection: SelectionSetNode,
    fragments: Mapping[str, FragmentDefinitionNode],
    applies: Applies,
    seen: frozenset[str] = frozenset(),
) -> list[FieldNode] | None:
    """The fields of a selection set with the fragments that `applies` to spread in: what
    graphql-core's field collection does, for the compilers that skip it at run time (these
    projections, schema.compiled_query). Directives on fragments, unknown or recursive
    fragments give up (None): graphql-core handles those."""
    found: list[FieldNode] = []
    for item in selection.selections:
        if isinstance(item, FieldNode):
            found.append(item)
            continue
        if item.directives:
            return None
        condition: NamedTypeNode | None
        if isinstance(item, InlineFragmentNode):
            condition, inner = item.type_condition, item.selection_set
        elif isinstance(item, FragmentSpreadNode):
            name = item.name.value
            fragment = fragments.get(name)
            if fragment is None or name in seen or fragment.directives:
                return None
            seen = seen | {name}
            condition, inner = fragment.type_condition, fragment.selection_set
        else:
            return None
        if condition is not None:
            use = applies(condition.name.value)
            if use is None:
                return None
            if not use:
                continue
        more = fields_of(inner, fragments, applies, seen)
        if more is None:
            return None
        found += more
    return found


def _reader(
    parent: GraphQLObjectType, name: str, field: GraphQLField, prepared: Prepared
) -> Read | None:
    """How to read the field from its object: the attribute's name for plain data."""
    own = prepared.get(f"{parent.name}.{name}")
    if own is not None:
        return own
    definition = (field.extensions or {}).get(_DEFINITION)
    if definition is None or definition.extensions or definition.arguments:
        return None  # permission classes and field extensions live in `extensions`
    resolver = definition.base_resolver
    attribute = definition.python_name
    if resolver is None:
        return attribute
    used = {spec for spec, parameter in resolver.reserved_parameters.items() if parameter}
    if resolver.is_async or resolver.arguments or used - {SELF_PARAMSPEC}:
        return None
    method = resolver.wrapped_func
    return lambda value: method(value)


def _same(value: Any) -> Any:
    return value


# As every answer of the server (services.json_text).
_dumps = json_text.dumps
