"""Background writes for the home-query benchmark (`bench.home_query --writes-per-second N`):
staff writing diary entries and messages about children of parents the bench does NOT ask
for, through the project's services (services.diary, services.messaging), so real rows and
real events (topics `child:<id>`, `conversation:<id>`, audience the group) are committed, as
at the 8:00 peak. Run as its own process (its CPU is not the load generator's):

    python -m bench.home_writes --url postgres://... --per-second 5 --skip parent1-0@bench.test ...

It writes until SIGTERM or SIGINT and then prints one line of JSON: writes committed, refused
or failed, and the seconds it ran. Every child gets its diary entries and, on every third
write, a message (the first one starts a conversation with its guardians, later ones reply).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import signal
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


async def targets(skip: set[str]) -> list[tuple[int, int]]:
    """(child id, staff user id) for every child in care today whose guardians are all
    outside `skip`, with a staff member of the child's current group."""
    from tortoise.expressions import Q

    from models import Guardianship, Placement, StaffAssignment
    from services import clock

    today = clock.today()
    skipped = set(
        await Guardianship.filter(user__email__in=list(skip)).values_list("child_id", flat=True)
    )
    staff: dict[int, int] = {}
    for group_id, user_id in (
        await StaffAssignment.all().order_by("id").values_list("group_id", "user_id")
    ):
        staff.setdefault(group_id, user_id)
    running = (
        await Placement.filter(
            Q(end_date__isnull=True) | Q(end_date__gte=today), start_date__lte=today
        )
        .order_by("child_id", "id")
        .values_list("child_id", "group_id")
    )
    found: dict[int, int] = {}
    for child_id, group_id in running:
        if child_id not in skipped and group_id in staff:
            found.setdefault(child_id, staff[group_id])
    return sorted(found.items())


async def write_all(args: argparse.Namespace, stop: asyncio.Event) -> dict:
    from tortoise import Tortoise

    import db
    from models import Role, User
    from services import diary, messaging
    from services.errors import RefusedError
    from services.events import NullPublisher
    from services.principal import Principal

    await Tortoise.init(config=db.tortoise_config(f"{args.url}?maxsize=2"))
    done = {"committed": 0, "diary_entries": 0, "messages": 0, "refused": 0, "failed": 0}
    started = time.perf_counter()
    try:
        pairs = await targets(set(args.skip))
        if not pairs:
            raise SystemExit("no children outside the benched families to write about")
        org_of = dict(await User.filter(role=Role.STAFF).values_list("id", "organisation_id"))
        conversations: dict[int, int] = {}
        publisher = NullPublisher()  # the servers' relays publish them, as for any writer
        n = 0
        while not stop.is_set():
            child_id, staff_id = pairs[n % len(pairs)]
            staff = Principal(
                user_id=staff_id, organisation_id=org_of[staff_id], role=Role.STAFF, session_id=0
            )
            try:
                if n % 3 == 2:
                    if child_id in conversations:
                        await messaging.send_message(
                            staff,
                            conversation_id=conversations[child_id],
                            body=f"Bericht {n}",
                            publisher=publisher,
                        )
                    else:
                        message = await messaging.start_conversation(
                            staff, child_id=child_id, body=f"Bericht {n}", publisher=publisher
                        )
                        conversations[child_id] = message.conversation_id  # type: ignore[attr-defined]
                    done["messages"] += 1
                else:
                    await diary.write_entry(
                        staff,
                        child_id=child_id,
                        day=None,
                        text=f"Dagverslag {n}",
                        parts=None,
                        media_ids=[],
                        publisher=publisher,
                    )
                    done["diary_entries"] += 1
                done["committed"] += 1
            except RefusedError:
                done["refused"] += 1
            except Exception as error:  # counted and shown; the bench goes on
                done["failed"] += 1
                if done["failed"] <= 3:
                    print(f"home_writes: {error!r}", file=sys.stderr, flush=True)
            n += 1
            # paced: write n is due at n / per_second seconds from the start
            delay = started + n / args.per_second - time.perf_counter()
            if delay > 0:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), delay)
    finally:
        await Tortoise.close_connections()
    done["seconds"] = round(time.perf_counter() - started, 1)
    return done


async def main_async(args: argparse.Namespace) -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    print(json.dumps(await write_all(args, stop)), flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", required=True, help="the bench database (postgres://...)")
    parser.add_argument("--per-second", type=float, required=True)
    parser.add_argument(
        "--skip", nargs="*", default=[], help="e-mail addresses of parents the bench asks for"
    )
    asyncio.run(main_async(parser.parse_args()))


if __name__ == "__main__":
    main()
