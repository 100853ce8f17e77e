"""The background worker: one round sends mail and builds archives; a failing step does not
stop the others."""

from __future__ import annotations

from models import ArchiveJob, ArchiveStatus, NotificationItem, NotificationSetting
from services import archives, auth, messaging
from services.events import NullPublisher
from services.notifications.worker import Worker
from tests import factories, notification_helpers

smtp = notification_helpers.smtp


async def test_one_round_delivers_mail_and_builds_queued_archives(db, smtp):
    # given
    t = await factories.tenant()
    await NotificationSetting.create(
        user=t.parent, item=NotificationItem.MESSAGE, push=False, email=True
    )
    staff = await auth.authenticate(await factories.token_for(t.staff))
    parent = await auth.authenticate(await factories.token_for(t.parent))
    await messaging.start_conversation(
        staff, child_id=t.child.id, body="Hallo", publisher=NullPublisher()
    )
    job = await archives.request_archive(parent, t.child.id)
    # when
    await Worker(interval=0).run_once()
    # then
    assert [m["To"] for m in smtp.messages] == [t.parent.email]
    assert (await ArchiveJob.get(id=job.id)).status is ArchiveStatus.DONE


async def test_a_failing_step_does_not_stop_the_next(db):
    # given
    ran = []

    async def broken():
        raise RuntimeError("database went away")

    async def fine():
        ran.append(True)

    # when
    await Worker(interval=0, steps=[broken, fine]).run_once()
    # then
    assert ran == [True]
