"""subscriptions.shared_execution: a marked live payload is executed once per operation,
variables and (for viewer-dependent selections) viewer; its frame is serialised once."""

from __future__ import annotations

import asyncio
import json
from collections import Counter
from collections.abc import AsyncGenerator

import strawberry
from strawberry.extensions import ParserCache
from strawberry.types import Info

from subscriptions.shared_execution import SharingExecutor, mark, results

calls: Counter[str] = Counter()
SHARED = frozenset({"Subscription.items", "Holder.item", "Item.name", "Item.label"})


class Happening:
    """Stands for the feed's event object (one per event and process)."""

    def __init__(self, name: str) -> None:
        self.name = name


@strawberry.type
class Item:
    name: str

    @strawberry.field
    async def label(self, suffix: str = "") -> str:
        calls["label"] += 1
        return self.name.upper() + suffix

    @strawberry.field
    def seen_by(self, info: Info) -> str:
        calls["seen_by"] += 1
        return info.context["viewer"]


@strawberry.type
class Holder:
    item: Item


@strawberry.type
class Query:
    ok: bool = True


@strawberry.type
class Subscription:
    @strawberry.subscription
    async def items(self, info: Info, tag: str = "") -> AsyncGenerator[Holder, None]:
        for happening in info.context["happenings"]:
            payload = Holder(item=Item(name=happening.name))
            yield mark(payload, happening, info.context["viewer"], SHARED)


# As schema/__init__.py: the parser cache gives every subscriber of a query text the same
# parsed document, which is what receivers share.
schema = strawberry.Schema(
    query=Query,
    subscription=Subscription,
    extensions=[lambda: ParserCache(maxsize=16)],
    execution_context_class=SharingExecutor,
)

SAME_FOR_ALL = """subscription($tag: String!, $suffix: String! = "") {
  items(tag: $tag) { item { name label(suffix: $suffix) } }
}"""
PER_VIEWER = "subscription($tag: String!) { items(tag: $tag) { item { label seenBy } } }"


async def receive(
    query: str, viewer: str, happenings: list[Happening], tag: str = "a", suffix: str = ""
) -> list:
    context = {"viewer": viewer, "happenings": happenings}
    variables = {"tag": tag, "suffix": suffix} if "$suffix" in query else {"tag": tag}
    stream = await schema.subscribe(query, variables, context_value=context)
    return [result async for result in stream]


async def test_receivers_with_the_same_selection_share_one_execution_per_event():
    # given two events
    calls.clear()
    happenings = [Happening("een"), Happening("twee")]
    # when three viewers receive them with a selection that is the same for everyone
    received = [await receive(SAME_FOR_ALL, v, happenings) for v in ("ann", "bob", "cas")]
    # then each event's selection ran once, and everyone got the same data
    assert calls["label"] == 2
    assert all(not r.errors for rs in received for r in rs)
    datas = [[r.data for r in rs] for rs in received]
    assert datas[0] == [
        {"items": {"item": {"name": n, "label": n.upper()}}} for n in ("een", "twee")
    ]
    assert datas[1] == datas[0] == datas[2]


async def test_a_viewer_dependent_selection_runs_per_viewer():
    # given one event
    calls.clear()
    happenings = [Happening("een")]
    # when two viewers (one of them twice) receive it with a field that depends on the viewer
    ann = await receive(PER_VIEWER, "ann", happenings)
    bob = await receive(PER_VIEWER, "bob", happenings)
    ann_again = await receive(PER_VIEWER, "ann", happenings)
    # then it ran once per viewer, and nobody sees another viewer's result
    assert calls["seen_by"] == 2
    assert ann[0].data["items"]["item"]["seenBy"] == "ann"
    assert bob[0].data["items"]["item"]["seenBy"] == "bob"
    assert ann_again[0].data == ann[0].data


async def test_other_variables_of_the_selection_or_other_events_are_not_shared():
    # given one event
    calls.clear()
    first, second = Happening("een"), Happening("een")
    # when it is received with another variable in the selection, and another event with the
    # same content is received too
    a = await receive(SAME_FOR_ALL, "ann", [first], suffix="")
    b = await receive(SAME_FOR_ALL, "ann", [first], suffix="!")
    await receive(SAME_FOR_ALL, "ann", [second], suffix="")
    # then each ran by itself
    assert calls["label"] == 3
    assert a[0].data["items"]["item"]["label"] == "EEN"
    assert b[0].data["items"]["item"]["label"] == "EEN!"


async def test_variables_of_the_live_field_only_do_not_split_the_group():
    # given one event
    calls.clear()
    happening = Happening("een")
    # when it is received by subscriptions that differ only in the live field's own argument
    # (as `after` and `conversationId` do: they shape the stream, not the event's execution)
    a = await receive(SAME_FOR_ALL, "ann", [happening], tag="a")
    b = await receive(SAME_FOR_ALL, "bob", [happening], tag="b")
    # then it ran once
    assert calls["label"] == 1
    assert a[0].data == b[0].data


async def test_a_shared_payload_is_serialised_once_into_each_operations_frame():
    # given a shared result
    [result] = await receive(SAME_FOR_ALL, "ann", [Happening("een")])
    message = {"id": "7", "type": "next", "payload": {"data": result.data}}
    legacy = {"type": "data", "id": "op-2", "payload": {"data": result.data}}
    # then its frames are what strawberry would have sent, byte for byte
    assert results.frame(message) == json.dumps(message, separators=(",", ":"), ensure_ascii=False)
    assert results.frame(legacy) == json.dumps(legacy, separators=(",", ":"), ensure_ascii=False)
    # and anything else is left to strawberry
    assert results.frame({"id": "7", "type": "next", "payload": {"data": {"x": 1}}}) is None
    errors = {"data": result.data, "errors": [{"message": "x"}]}
    assert results.frame({"id": "7", "type": "next", "payload": errors}) is None


async def test_receivers_arriving_while_the_first_still_executes_wait_for_its_result():
    # given two events
    calls.clear()
    happenings = [Happening("een"), Happening("twee")]
    # when four viewers receive them at the same time
    received = await asyncio.gather(
        *(receive(SAME_FOR_ALL, v, happenings) for v in ("ann", "bob", "cas", "dirk"))
    )
    # then each event's selection ran once, and everyone got it
    assert calls["label"] == 2
    assert all([r.data for r in rs] == [r.data for r in received[0]] for rs in received)
