"""schema.compiled_query: a compiled plan answers what graphql-core answers, or gives up
(`Fallback`) where graphql-core must answer; documents it cannot run get no plan."""

from __future__ import annotations

import asyncio
import json
from typing import Annotated

import pytest
import strawberry
from graphql import parse
from strawberry.types import Info

from schema.compiled_query import Fallback, compile_query


@strawberry.type
class Photo:
    pk: strawberry.Private[int]
    id: strawberry.ID = strawberry.field(resolver=lambda root: f"Photo:{root.pk}")
    width: int


@strawberry.type
class Note:
    text: str | None

    @strawberry.field
    def shout(self) -> str:
        return (self.text or "").upper()


@strawberry.type
class Post:
    caption: str

    @strawberry.field
    def photos(self, info: Info) -> list[Photo]:
        return [Photo(pk=n, width=n * 10) for n in range(info.context["photos"])]

    @strawberry.field
    async def later(self, info: Info) -> int:
        await info.context["wait"]  # a loader that would have to load
        return 1

    @strawberry.field
    def required(self) -> str:
        return None  # type: ignore[return-value]  # a bug: null in a non-null field


Item = Annotated[Post | Note, strawberry.union("Item")]


@strawberry.type
class Viewer:
    @strawberry.field
    async def items(self, info: Info, first: int = 2) -> list[Item]:
        await asyncio.sleep(0)  # the awaited levels really wait
        return [Post(caption="Buiten"), Note(text="Fijn"), Post(caption="Binnen")][:first]


@strawberry.type
class Query:
    @strawberry.field
    def viewer(self) -> Viewer:
        return Viewer()


SCHEMA = strawberry.Schema(query=Query)


async def both(document: str, variables: dict | None = None, photos: int = 2):
    """(the plan's data or Fallback, graphql-core's result)"""
    loop = asyncio.get_running_loop()
    done = loop.create_future()
    done.set_result(None)
    context = {"photos": photos, "wait": done}
    plan = compile_query(SCHEMA._schema, parse(document), None)
    assert plan is not None
    try:
        data = await plan.run(SCHEMA._schema, context, None, variables)
    except Fallback:
        data = Fallback
    expected = await SCHEMA.execute(document, variables, context_value=context)
    return data, expected


@pytest.mark.parametrize(
    "document",
    [
        "{ viewer { items { __typename ... on Post { caption photos { id width } } } } }",
        """query ($n: Int!) { v: viewer { items(first: $n) { ...Both ... on Note { shout } } } }
           fragment Both on Item { ... on Post { c: caption later } ... on Note { text } }""",
        "{ __typename viewer { __typename items(first: 3) { __typename } } }",
    ],
)
async def test_a_plan_answers_as_graphql_core(document):
    # when
    data, expected = await both(document, {"n": 3})
    # then the same data, keys in the same order
    assert expected.errors is None
    assert json.dumps(data) == json.dumps(expected.data)


async def test_a_resolver_that_would_wait_below_the_viewer_gives_up():
    # given a loader that has not loaded
    loop = asyncio.get_running_loop()
    pending = loop.create_future()
    plan = compile_query(
        SCHEMA._schema, parse("{ viewer { items { ... on Post { later } } } }"), None
    )
    # when / then
    with pytest.raises(Fallback):
        await plan.run(SCHEMA._schema, {"photos": 1, "wait": pending}, None, None)
    # and the future can still be awaited by whoever answers instead
    pending.set_result(None)
    await asyncio.wait_for(pending, 1)


async def test_null_in_a_non_null_field_gives_up():
    data, expected = await both("{ viewer { items { ... on Post { required } } } }")
    assert data is Fallback
    assert expected.errors


async def test_bad_variables_give_up():
    data, expected = await both(
        "query ($n: Int!) { viewer { items(first: $n) { __typename } } }", {"n": "x"}
    )
    assert data is Fallback
    assert expected.errors


@pytest.mark.parametrize(
    "document",
    [
        "{ viewer { items @include(if: true) { __typename } } }",
        "{ viewer { a: items { __typename } a: items { __typename } } }",
        "mutation { viewer }",
        "{ viewer { items { ... on Item { __typename } } } } { viewer { __typename } }",
    ],
)
def test_documents_graphql_core_must_run_get_no_plan(document):
    # (a directive, a repeated response key, a mutation, two operations and no name)
    assert compile_query(SCHEMA._schema, parse(document), None) is None
