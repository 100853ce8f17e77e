"""Shared execution of live events: each distinct selection runs once per event and process.

Without it, every subscription that receives an event executes its selection on it (graphql-
core, strawberry's resolvers) and serialises the result by itself. With it:

- a live field marks what it yields with `mark(payload, event, viewer)` after it authorised the
  event for its own viewer (authorisation stays per receiver: a viewer only ever gets events
  it was allowed to see);
- `SharingExecutor` (the schema's execution context class) executes a marked event once per
  group of receivers with the same operation (the same parsed document: strawberry caches
  them by query text), the same variables and, when the selection depends on who looks (any
  field outside the live field's `viewer_independent` set, e.g. `isMine`, `isRead`), the same
  viewer; the others get the same result. Variables count only where the per-event execution
  uses them: not `after` or `conversationId` of the live field itself, which every client
  sets its own way. Results with errors are never shared;
- the handlers (`subscriptions.ws`) serialise a shared result once and splice it into every
  connection's frame (`{"id":…,"type":"next","payload":…}`: operation ids differ).

Entries are keyed by the feed's event object (one per process and event; a replayed event is
its own object, read by one subscription) and dropped after `_KEEP` seconds once there are
many, so nothing is reused across events or held for long.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from graphql import (
    FieldNode,
    FragmentSpreadNode,
    GraphQLObjectType,
    GraphQLSchema,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
    VariableNode,
    Visitor,
    get_named_type,
    visit,
)
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext

from services import json_text

_ATTR = "_ouderlink_share"
_KEEP = 2.0  # seconds an entry is kept once there are many
_PRUNE_AT = 256


@dataclass(frozen=True, slots=True)
class Share:
    """What a marked payload is: one event of the feed, for one viewer, of one live field."""

    event: object
    viewer: Any  # hashable: who looks (used only for viewer-dependent selections)
    viewer_independent: frozenset[str]  # "Type.field" names whose value is the same for all


def mark(payload: Any, event: object, viewer: Any, viewer_independent: frozenset[str]) -> Any:
    """Let receivers of `event` share the execution of `payload` (returned as is)."""
    setattr(payload, _ATTR, Share(event, viewer, viewer_independent))
    return payload


@dataclass(eq=False, slots=True)
class _Entry:
    at: float
    event: object
    operation: OperationDefinitionNode
    future: asyncio.Future[Any] | None = None
    result: Any = None
    frame: str | None = None  # the serialised payload ({"data": …})
    data_ids: list[int] = field(default_factory=list)


class SharedResults:
    """The per-process table of shared results (see the module docstring)."""

    def __init__(self) -> None:
        self._entries: dict[tuple[Any, ...], _Entry] = {}
        self._by_data: dict[int, _Entry] = {}  # id(result.data) -> its entry (for frames)
        self._shapes: dict[
            int, tuple[OperationDefinitionNode, frozenset[str], bool, frozenset[str]]
        ] = {}
        self.executions = 0  # selections actually executed for marked payloads
        self.shared = 0  # receivers that got a result executed for another

    def execute(self, executor: SharingExecutor, share: Share, run: Callable[[], Any]) -> Any:
        operation = executor.operation
        independent, used = self._shape(executor, share.viewer_independent)
        try:
            coerced = executor.variable_values.coerced
            variables = repr(sorted((k, v) for k, v in coerced.items() if k in used))
        except Exception:  # unorderable or odd values: do not share
            self.executions += 1
            return run()
        key = (id(share.event), id(operation), variables, None if independent else share.viewer)
        entry = self._entries.get(key)
        if entry is not None and entry.event is share.event and entry.operation is operation:
            if entry.future is None:
                if entry.result is not None and not entry.result.errors:
                    self.shared += 1
                    return entry.result
            else:
                return self._wait(entry, run)
        loop = asyncio.get_running_loop()
        now = loop.time()
        if len(self._entries) > _PRUNE_AT:
            self._prune(now)
        self.executions += 1
        result = run()
        entry = _Entry(now, share.event, operation)
        self._entries.pop(key, None)  # (re)inserted last: the dict stays in time order
        self._entries[key] = entry
        if executor.is_awaitable(result):
            # The first receiver runs it in its own task (no task per delivery); the others
            # wait for its outcome, and run their own if it fails or is cancelled.
            entry.future = loop.create_future()
            return self._first(entry, result)
        self._store(entry, result)
        return result

    async def _first(self, entry: _Entry, execution: Awaitable[Any]) -> Any:
        future = entry.future
        assert future is not None
        try:
            result = await execution
        except BaseException:
            future.cancel()  # the waiters run their own
            raise
        self._store(entry, result)
        future.set_result(result)
        return result

    async def _wait(self, entry: _Entry, run: Callable[[], Any]) -> Any:
        future = entry.future
        assert future is not None
        try:
            result = await asyncio.shield(future)
        except asyncio.CancelledError:
            if not future.cancelled():
                raise  # this receiver was cancelled, not the first one
            result = None
        if result is None or result.errors:  # failed for the first: run our own
            self.executions += 1
            own = run()
            return await own if isinstance(own, Awaitable) else own
        self.shared += 1
        return result

    def _store(self, entry: _Entry, result: Any) -> None:
        entry.result = result
        if not result.errors and result.data is not None:
            entry.data_ids.append(id(result.data))
            self._by_data[id(result.data)] = entry

    def _prune(self, now: float) -> None:
        old = []
        for key, entry in self._entries.items():
            if now - entry.at <= _KEEP:
                break
            old.append(key)
        for key in old:
            entry = self._entries.pop(key)
            for data_id in entry.data_ids:
                if self._by_data.get(data_id) is entry:
                    del self._by_data[data_id]

    def frame(self, message: Mapping[str, Any]) -> str | None:
        """The JSON text of an operation message whose payload is exactly a shared result's
        `{"data": …}` (the payload serialised once for all receivers); None otherwise."""
        payload = message.get("payload")
        if type(payload) is not dict or len(payload) != 1:
            return None
        data = payload.get("data")
        entry = self._by_data.get(id(data))
        if entry is None or entry.result is None or entry.result.data is not data:
            return None
        if entry.frame is None:
            entry.frame = _dumps(payload)
        parts = [
            f"{_dumps(name)}:{entry.frame if name == 'payload' else _dumps(value)}"
            for name, value in message.items()
        ]
        return "{" + ",".join(parts) + "}"

    def _shape(
        self, executor: SharingExecutor, fields: frozenset[str]
    ) -> tuple[bool, frozenset[str]]:
        """Whether the operation's selection is the same for every viewer, and the variables
        its per-event execution uses (not those only given to the live field itself, such as
        `after`: they shape the event stream, and the field's per-event value is the event)."""
        operation = executor.operation
        known = self._shapes.get(id(operation))
        if known is not None and known[0] is operation and known[1] is fields:
            return known[2], known[3]
        if len(self._shapes) > 1000:
            self._shapes.clear()
        root = executor.schema.subscription_type
        fragments = executor.fragment_definitions
        independent = root is not None and _only(
            executor.schema, root, operation.selection_set, fragments, fields, set()
        )
        used = _per_event_variables(operation, fragments)
        self._shapes[id(operation)] = (operation, fields, independent, used)
        return independent, used


def _only(
    schema: GraphQLSchema,
    parent: GraphQLObjectType,
    selections: SelectionSetNode,
    fragments: Mapping[str, Any],
    fields: frozenset[str],
    seen: set[str],
) -> bool:
    """Whether the selection reaches only `fields` (and __typename)."""
    for selection in selections.selections:
        if isinstance(selection, FieldNode):
            name = selection.name.value
            if name == "__typename":
                continue
            if f"{parent.name}.{name}" not in fields or name not in parent.fields:
                return False
            if selection.selection_set is not None:
                child = get_named_type(parent.fields[name].type)
                if not isinstance(child, GraphQLObjectType):
                    return False
                if not _only(schema, child, selection.selection_set, fragments, fields, seen):
                    return False
        elif isinstance(selection, InlineFragmentNode):
            condition = selection.type_condition
            target = schema.get_type(condition.name.value) if condition else parent
            if not isinstance(target, GraphQLObjectType):
                return False
            if not _only(schema, target, selection.selection_set, fragments, fields, seen):
                return False
        elif isinstance(selection, FragmentSpreadNode):
            name = selection.name.value
            fragment = fragments.get(name)
            if fragment is None:
                return False
            if name in seen:
                continue
            target = schema.get_type(fragment.type_condition.name.value)
            if not isinstance(target, GraphQLObjectType):
                return False
            if not _only(schema, target, fragment.selection_set, fragments, fields, seen | {name}):
                return False
        else:
            return False
    return True


def _per_event_variables(
    operation: OperationDefinitionNode, fragments: Mapping[str, Any]
) -> frozenset[str]:
    """Variables referenced anywhere but in the arguments of the root (live) fields; every
    fragment definition counts (cheap and on the safe side)."""
    names: set[str] = set()

    class Collect(Visitor):
        def enter_variable(self, node: VariableNode, *_: Any) -> None:
            names.add(node.name.value)

    for selection in operation.selection_set.selections:
        if isinstance(selection, FieldNode):
            for directive in selection.directives or ():
                visit(directive, Collect())
            if selection.selection_set is not None:
                visit(selection.selection_set, Collect())
        else:
            visit(selection, Collect())
    for directive in operation.directives or ():
        visit(directive, Collect())
    for fragment in fragments.values():
        visit(fragment, Collect())
    return frozenset(names)


_dumps = json_text.dumps  # as schema.app's encode_json


results = SharedResults()


class SharingExecutor(StrawberryGraphQLCoreExecutionContext):
    """Strawberry's execution context, executing marked live payloads once per group."""

    _share: Share | None = None

    def build_per_event_executor(self, payload: Any) -> Any:
        executor = super().build_per_event_executor(payload)
        executor._share = getattr(payload, _ATTR, None)
        return executor

    def execute_operation(self, serially: bool | None = None) -> Any:
        share = self._share
        run = super().execute_operation
        if share is None:
            return run(serially)
        return results.execute(self, share, lambda: run(serially))
