"""subscriptions.direct.send: a prepared batch written to its receivers, each event's payload
rendered once per selection and shared by the receivers of that event."""

from __future__ import annotations

import math
from datetime import timedelta

import schema  # noqa: F401  (first: subscriptions.direct is imported with the schema)
from services import clock
from services.events import StoredEvent
from subscriptions import direct
from subscriptions.direct import Delivery, DirectForm, Prepared
from subscriptions.feed import Batch
from subscriptions.projection import Projection


class Written:
    """A connection as a delivery sees it: the frames written to its outbox, in order."""

    def __init__(self) -> None:
        self.deliveries: dict[str, Delivery] = {}
        self.frames: list[str] = []
        self.outbox = self

    def put(self, text: str) -> None:
        self.frames.append(text)

    def close_socket(self, code: int, reason: str) -> None:
        raise AssertionError(reason)

    def forget(self, operation_id: str) -> None:
        pass


class Tap:
    def __init__(self, session_id: int) -> None:
        self.session_id = session_id
        self.delivered = 0
        self.sink: Delivery | None = None


class Counted(Projection):
    """A projection of the event's id that counts its renders."""

    def __init__(self, key: str) -> None:
        super().__init__(key, lambda value: value)
        self.renders = 0

    def render(self, value: object) -> str:
        self.renders += 1
        return super().render(value)


FORM: DirectForm[int] = DirectForm(
    share=None,  # type: ignore[arg-type]  # (send only uses what `prepare` loaded)
    allows=lambda shared, principal: True,
    root=lambda event, shared: shared,
    prepared={},
)


def receiver(projection: Projection, session_id: int = 1) -> tuple[Tap, Written]:
    tap, connection = Tap(session_id), Written()
    tap.sink = Delivery(
        connection,
        "1",
        None,
        FORM,
        projection,
        tap,  # type: ignore[arg-type]
        None,  # type: ignore[arg-type]
        None,
        clock.now() + timedelta(hours=1),
        math.inf,
    )
    return tap, connection


def event(event_id: int) -> StoredEvent:
    return StoredEvent(event_id, "test.happened", "child:1", 1, {})


def test_each_event_is_rendered_once_per_selection_and_shared_by_its_receivers():
    # given three receivers: two with one selection, one with another
    same, other = Counted("a"), Counted("b")
    (one, first), (two, second), (three, third) = (
        receiver(same),
        receiver(same),
        receiver(other),
    )
    # when a batch of two events reaches all three
    e1, e2 = event(1), event(2)
    batch = Batch(direct=[(e, tap) for e in (e1, e2) for tap in (one, two, three)])
    frames = direct.counters.frames
    direct.send(batch, Prepared({1}, {FORM: {1: 11, 2: 22}}))
    # then each selection rendered each event once, every receiver got both events in order
    assert (same.renders, other.renders) == (2, 2)
    prefix = '{"id":"1","type":"next","payload":'
    for written, key in ((first, "a"), (second, "a"), (third, "b")):
        assert written.frames == [
            prefix + f'{{"data":{{"{key}":11}}}}}}',
            prefix + f'{{"data":{{"{key}":22}}}}}}',
        ]
    # and the frames written are counted
    assert direct.counters.frames == frames + 6


def test_an_event_already_sent_or_not_allowed_writes_nothing_and_is_not_counted():
    # given a receiver that has sent event 1 already, and an event it may not have
    projection = Counted("a")
    tap, written = receiver(projection)
    tap.delivered = 1
    batch = Batch(direct=[(event(1), tap), (event(2), tap)])
    frames = direct.counters.frames
    # when the batch is sent (event 2 has no shared value: nobody gets it)
    direct.send(batch, Prepared({1}, {FORM: {1: 11}}))
    # then nothing was written or rendered
    assert written.frames == [] and projection.renders == 0
    assert direct.counters.frames == frames
    assert tap.delivered == 2  # (event 2 is passed: it is not sent later either)
