"""subscriptions.direct.send: a prepared batch written to its receivers, each event's payload
rendered once per selection and shared by the receivers of that event."""

from __future__ import annotations

import math
from datetime import timedelta

import pytest

import schema  # noqa: F401  (first: subscriptions.direct is imported with the schema)
from services import clock
from services.events import StoredEvent
from subscriptions import direct
from subscriptions.direct import Delivery, DirectForm, Prepared
from subscriptions.feed import Batch
from subscriptions.outbox import Outbox
from subscriptions.projection import Projection


class Written:
    """A connection as a delivery sees it: an outbox whose socket notes each write (the
    frames written at once, as one system call), in order."""

    def __init__(self, journal: list[tuple[Written, list[str]]] | None = None) -> None:
        self.deliveries: dict[str, Delivery] = {}
        self.writes: list[list[str]] = []
        self.journal = journal if journal is not None else []  # (every socket's writes)
        self.outbox = Outbox(self._send, 100, self._overflow, self._write, self._write_many)

    @property
    def frames(self) -> list[str]:
        return [frame for written in self.writes for frame in written]

    def _write(self, text: str) -> bool:
        return self._write_many([text])

    def _write_many(self, texts: list[str]) -> bool:
        self.writes.append(list(texts))
        self.journal.append((self, list(texts)))
        return True

    async def _send(self, text: str) -> None:
        raise AssertionError("the socket takes every write")

    def _overflow(self) -> None:
        raise AssertionError("nothing waits")

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


def receiver(
    projection: Projection, session_id: int = 1, journal: list | None = None
) -> tuple[Tap, Written]:
    tap, connection = Tap(session_id), Written(journal)
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
    # then each selection rendered each event once, every receiver got both events in order,
    # in one write to its socket
    assert (same.renders, other.renders) == (2, 2)
    prefix = '{"id":"1","type":"next","payload":'
    for written, key in ((first, "a"), (second, "a"), (third, "b")):
        assert written.writes == [
            [
                prefix + f'{{"data":{{"{key}":11}}}}}}',
                prefix + f'{{"data":{{"{key}":22}}}}}}',
            ]
        ]
    # and the frames written are counted
    assert direct.counters.frames == frames + 6


def test_a_socket_gets_its_frames_of_a_batch_together_at_its_last_and_others_at_once():
    # given a staff member and a parent on their own sockets, noting the order of writes
    journal: list = []
    (staff, staff_socket), (parent, parent_socket) = (
        receiver(Counted("a"), journal=journal),
        receiver(Counted("a"), journal=journal),
    )
    # when a batch brings the staff member two events and the parent the first of them
    e1, e2 = event(1), event(2)
    batch = Batch(direct=[(e1, staff), (e1, parent), (e2, staff)])
    direct.send(batch, Prepared({1}, {FORM: {1: 11, 2: 22}}))
    # then the parent's frame went out first, at once; the staff member's two in one write
    prefix = '{"id":"1","type":"next","payload":'
    one, two = prefix + '{"data":{"a":11}}}', prefix + '{"data":{"a":22}}}'
    assert journal == [(parent_socket, [one]), (staff_socket, [one, two])]


def test_frames_held_for_a_socket_go_out_when_its_last_event_is_not_for_it():
    # given a receiver with two events in a batch, the second of which it may not have,
    # and a second receiver after it
    journal: list = []
    (tap, written), (other, other_written) = (
        receiver(Counted("a"), journal=journal),
        receiver(Counted("a"), journal=journal),
    )
    e1, e2, e3 = event(1), event(2), event(3)
    batch = Batch(direct=[(e1, tap), (e1, tap), (e2, tap), (e3, other)])
    # when the batch is sent (event 2 has no shared value; event 1 twice is sent once)
    direct.send(batch, Prepared({1}, {FORM: {1: 11, 3: 33}}))
    # then the first receiver's frame went out at its last delivery, before the other's
    prefix = '{"id":"1","type":"next","payload":'
    assert journal == [
        (written, [prefix + '{"data":{"a":11}}}']),
        (other_written, [prefix + '{"data":{"a":33}}}']),
    ]


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


class Failing(Projection):
    """A projection that fails unexpectedly (not a ProjectionError) on the value 22."""

    def __init__(self) -> None:
        super().__init__("a", lambda value: value)

    def render(self, value: object) -> str:
        if value == 22:
            raise RuntimeError("a bug")
        return super().render(value)


def test_frames_made_before_an_unexpected_failure_in_a_batch_are_still_written():
    # given a receiver whose selection fails on the batch's second event
    tap, written = receiver(Failing())
    batch = Batch(direct=[(event(1), tap), (event(2), tap)])
    # when the batch is sent
    with pytest.raises(RuntimeError):
        direct.send(batch, Prepared({1}, {FORM: {1: 11, 2: 22}}))
    # then the frame made before the failure went out (it is not held back for ever)
    assert written.writes == [['{"id":"1","type":"next","payload":{"data":{"a":11}}}']]
    # and the outbox holds nothing: the next batch's frames go out with that batch
    direct.send(Batch(direct=[(event(3), tap)]), Prepared({1}, {FORM: {3: 33}}))
    assert written.writes[-1] == ['{"id":"1","type":"next","payload":{"data":{"a":33}}}']
