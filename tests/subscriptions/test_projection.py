"""subscriptions.projection: a compiled selection renders what graphql-core would answer."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
import strawberry
from graphql import OperationDefinitionNode, parse

from subscriptions.projection import ProjectionError, Serialized, compile_projection


@strawberry.type
class Tag:
    label: str


@strawberry.type
class Item:
    name: str
    note: str | None
    count: int
    tags: list[Tag]

    @strawberry.field
    def shout(self) -> str:
        return self.name.upper()

    @strawberry.field
    def suffixed(self, suffix: str) -> str:
        return self.name + suffix


ITEM = Item(name="Sam «é»", note=None, count=3, tags=[Tag(label="a"), Tag(label="b")])


@strawberry.type
class Query:
    @strawberry.field
    def item(self) -> Item:
        return ITEM

    @strawberry.field
    def maybe(self) -> Item | None:
        return None


SCHEMA = strawberry.Schema(query=Query)


def compiled(document: str, prepared=None):
    parsed = parse(document)
    operation = next(d for d in parsed.definitions if isinstance(d, OperationDefinitionNode))
    fragments = {d.name.value: d for d in parsed.definitions if hasattr(d, "type_condition")}
    node = operation.selection_set.selections[0]
    field = SCHEMA._schema.query_type.fields[node.name.value]
    return compile_projection(field.type, node, fragments, prepared or {})


@pytest.mark.parametrize(
    "document",
    [
        "{ item { name note count tags { label } } }",
        "{ renamed: item { __typename n: name shout ...More } } fragment More on Item { count }",
        "{ item { ... on Item { tags { label __typename } } note } }",
        "{ maybe { name } }",
    ],
)
def test_a_selection_of_data_renders_what_graphql_executes(document):
    # given a selection that only reads data and self-only resolvers
    projection = compiled(document)
    assert projection is not None
    # when it renders the root value
    value = ITEM if "maybe" not in document else None
    rendered = projection.render(value)
    # then the text is what graphql-core answers, byte for byte
    expected = SCHEMA.execute_sync(document)
    # (as the server writes JSON: compact, UTF-8 as it is)
    assert rendered == json.dumps(
        {"data": expected.data}, separators=(",", ":"), ensure_ascii=False
    )


def test_a_field_with_arguments_is_left_to_graphql():
    # given / when
    projection = compiled('{ item { suffixed(suffix: "!") } }')
    # then
    assert projection is None


def test_null_in_a_non_null_field_is_an_error_not_a_wrong_answer():
    # given
    projection = compiled("{ item { name } }")
    assert projection is not None
    # when / then
    with pytest.raises(ProjectionError, match="String!"):
        projection.render(Item(name=None, note=None, count=1, tags=[]))
    with pytest.raises(ProjectionError, match="Item!"):
        projection.render(None)


def test_a_projection_names_the_prepared_fields_its_selection_reads():
    # given fields whose values its delivery prepares
    prepared = {"Item.tags": lambda item: item.tags, "Item.shout": lambda item: "PREPARED"}
    # when selections with and without them are compiled
    with_tags = compiled(
        "{ item { name ...Tagged } } fragment Tagged on Item { tags { label } }", prepared
    )
    without = compiled("{ item { name count } }", prepared)
    # then each names what it reads (and renders the prepared value)
    assert with_tags.uses == {"Item.tags"}
    assert without.uses == frozenset()
    assert (
        compiled("{ item { shout } }", prepared).render(ITEM)
        == '{"data":{"item":{"shout":"PREPARED"}}}'
    )


@strawberry.type
class Stamp:
    at: datetime


@strawberry.type
class StampQuery:
    @strawberry.field
    def stamp(self) -> Stamp:
        return Stamp(at=datetime(2026, 1, 1, 10, 0, 0, 120000, tzinfo=UTC))


def test_a_value_already_serialised_is_written_as_it_is():
    # given a selection of a DateTime
    schema = strawberry.Schema(query=StampQuery)
    node = parse("{ stamp { at } }").definitions[0].selection_set.selections[0]
    field = schema._schema.query_type.fields["stamp"]
    projection = compile_projection(field.type, node, {}, {})
    assert projection is not None
    # when it renders a datetime, and the same moment already as text
    executed = schema.execute_sync("{ stamp { at } }").data
    as_datetime = projection.render(Stamp(at=datetime(2026, 1, 1, 10, 0, 0, 120000, tzinfo=UTC)))
    as_text = projection.render(Stamp(at=Serialized("2026-01-01T10:00:00.120000+00:00")))
    # then both are what graphql-core answers
    assert as_datetime == as_text == json.dumps({"data": executed}, separators=(",", ":"))
