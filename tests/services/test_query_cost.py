"""Query cost: computed from the document (and variables) before anything runs."""

from __future__ import annotations

import inspect

import pytest
from graphql import parse, validate

from schema import schema
from schema.relay import page_size
from services.query_cost import DEFAULT_PAGE_SIZE, MUTATION_COST, operation_cost

SCHEMA = schema._schema


def cost(document: str, variables: dict | None = None, operation_name: str | None = None) -> int:
    parsed = parse(document)
    assert not validate(SCHEMA, parsed)  # costs are computed for valid documents only
    return operation_cost(SCHEMA, parsed, variables, operation_name, max_page_size=100)


@pytest.mark.parametrize(
    ("document", "expected"),
    [
        # scalars cost nothing, an object 1
        ("{ __typename }", 0),
        ("{ about { apiVersion serverVersion buildDate } }", 1),
        ("{ viewer { user { name } } }", 2),
        # a connection: 1 + first x (node 1 + its objects); edges and cursors are free
        ("{ viewer { children(first: 10) { edges { cursor node { id firstName } } } } }", 12),
        ("{ viewer { children(first: 10) { edges { node { mentor { name } } } } } }", 22),
        # pageInfo is an object; totalCount a scalar
        ("{ viewer { children(first: 5) { pageInfo { hasNextPage } totalCount } } }", 3),
        # no `first`: the default page size; nested connections multiply
        (
            "{ viewer { children { edges { node {"
            " timeline { edges { node { __typename } } } } } } } }",
            2 + DEFAULT_PAGE_SIZE * (2 + DEFAULT_PAGE_SIZE),
        ),
        # more than MAX_PAGE_SIZE counts as MAX_PAGE_SIZE
        ("{ viewer { children(first: 5000) { edges { node { id } } } } }", 2 + 100),
        # a list outside a connection counts as one object
        ("{ viewer { children(first: 1) { edges { node { placements { careType } } } } } }", 4),
        # introspection is cheap
        ("{ __schema { types { name fields { name type { name } } } } }", 1),
    ],
)
def test_exact_costs(document, expected):
    assert cost(document) == expected


def test_first_from_a_variable_and_the_default_when_it_is_null():
    document = "query($n: Int) { viewer { children(first: $n) { edges { node { id } } } } }"
    assert cost(document, {"n": 50}) == 52
    assert cost(document, {"n": None}) == 2 + DEFAULT_PAGE_SIZE
    assert cost(document, {}) == 2 + DEFAULT_PAGE_SIZE


def test_fragments_count_as_if_written_out():
    inline = "{ viewer { children(first: 3) { edges { node { id mentor { name } } } } } }"
    with_fragments = """
      query { viewer { children(first: 3) { edges { node { ...Kid } } } } }
      fragment Kid on Child { id ... on Child { mentor { name } } }
    """
    assert cost(with_fragments) == cost(inline) == 2 + 3 * 2


def test_only_the_most_expensive_type_of_an_interface_or_union_counts():
    # node(id:) returns the Node interface: PhotoPost selects 2 objects, Child 1
    document = """
      query($id: ID!) { node(id: $id) {
        id
        ... on PhotoPost { author { name } group { name } }
        ... on Child { mentor { name } }
      } }
    """
    assert cost(document, {"id": "x"}) == 1 + 2


def test_a_mutation_field_costs_ten_plus_its_payload():
    assert cost("mutation { logout }") == MUTATION_COST
    document = """
      mutation($input: LoginInput!) { login(input: $input) { __typename
        ... on LoginSuccess { user { name } } } }
    """
    assert cost(document) == MUTATION_COST + 1


def test_the_operation_named_is_the_one_costed():
    document = """
      query Cheap { about { apiVersion } }
      query Dear { viewer { children(first: 100) { edges { node { id } } } } }
    """
    assert cost(document, operation_name="Cheap") == 1
    assert cost(document, operation_name="Dear") == 102


def test_the_default_page_size_is_the_one_the_resolvers_use():
    assert inspect.signature(page_size).parameters["default"].default == DEFAULT_PAGE_SIZE
