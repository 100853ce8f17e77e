"""Newsletter rules: sanitised on write, scope, editing, withdrawing, events."""

from __future__ import annotations

import pytest

from models import Event, Newsletter, NewsletterAttachment
from services import locations, media_access, newsletters
from services.errors import AccessDenied, RefusedError
from tests import factories
from tests.publication_samples import principal_of, ready_file

SAFE = "<h2>Najaar</h2><p>Wij gaan <strong>lampionnen</strong> maken.</p>"


async def feed_titles(user) -> list[str]:
    principal = await principal_of(user)
    rows, _ = await newsletters.feed(principal, await locations.location_ids_for(principal), 20)
    return [r.title for r in rows]


async def test_the_html_is_sanitised_before_it_is_stored(db):
    # given
    t = await factories.tenant()
    html = (
        '<p onclick="steal()">Hallo</p><script>alert(1)</script>'
        '<a href="javascript:alert(1)">klik</a><img src=x onerror=alert(1)>'
        '<a href="https://www.hoera.example">site</a>'
    )
    # when
    letter = await newsletters.publish(await principal_of(t.planner), title="Brief", html=html)
    # then
    stored = (await Newsletter.get(id=letter.id)).html
    assert stored == (
        '<p>Hallo</p><a rel="noopener noreferrer">klik</a>'
        '<a href="https://www.hoera.example" rel="noopener noreferrer">site</a>'
    )
    event = await Event.get(type="newsletter.published")
    assert (event.topic, event.payload) == (f"organisation:{t.org.id}", {"newsletterId": letter.id})


@pytest.mark.parametrize(
    ("html", "code"),
    [
        ("<script>alert(1)</script>", "CONTENT_REQUIRED"),
        ("<p> </p><img src=x>", "CONTENT_REQUIRED"),
        ("<p>" + "x" * 200_001 + "</p>", "CONTENT_TOO_LONG"),
    ],
)
async def test_content_that_is_empty_once_sanitised_or_too_long_is_refused(db, html, code):
    # given
    t = await factories.tenant()
    # when
    with pytest.raises(RefusedError) as refused:
        await newsletters.publish(await principal_of(t.planner), title="Brief", html=html)
    # then
    assert refused.value.refusal.code == code
    assert await Newsletter.all().count() == 0


async def test_staff_cannot_publish_a_newsletter(db):
    # given
    t = await factories.tenant()
    # when / then
    with pytest.raises(AccessDenied):
        await newsletters.publish(await principal_of(t.staff), title="Brief", html=SAFE)


async def test_a_parent_reads_newsletters_of_their_organisation_and_locations_only(db):
    # given
    t = await factories.tenant()
    elsewhere = await factories.location(t.org, "Het Klavertje")
    other = await factories.tenant("zonnestraal")
    planner = await principal_of(t.planner)
    await newsletters.publish(planner, title="Allen", html=SAFE)
    await newsletters.publish(planner, title="Hier", html=SAFE, location_id=t.location.id)
    await newsletters.publish(planner, title="Daar", html=SAFE, location_id=elsewhere.id)
    await newsletters.publish(await principal_of(other.planner), title="Zon", html=SAFE)
    # when
    titles = await feed_titles(t.parent)
    # then
    assert sorted(titles) == ["Allen", "Hier"]


async def test_an_edit_is_sanitised_too_and_a_withdrawn_letter_disappears(db):
    # given
    t = await factories.tenant()
    planner = await principal_of(t.planner)
    file = await ready_file(t.planner)
    letter = await newsletters.publish(planner, title="Brief", html=SAFE)
    # when
    await newsletters.update(
        planner,
        letter.id,
        html='<p>Nieuw</p><iframe src="https://evil.example"></iframe>',
        attachment_ids=[file.id],
    )
    edited = await Newsletter.get(id=letter.id)
    await newsletters.withdraw(planner, letter.id)
    # then
    assert edited.html == "<p>Nieuw</p>"
    assert await NewsletterAttachment.filter(newsletter_id=letter.id).count() == 1
    assert await feed_titles(t.parent) == []
    assert await Event.filter(type="newsletter.withdrawn").count() == 1


async def test_a_location_of_another_organisation_is_refused(db):
    # given
    t = await factories.tenant()
    other = await factories.tenant("zonnestraal")
    planner = await principal_of(t.planner)
    letter = await newsletters.publish(planner, title="Brief", html=SAFE)
    # when
    with pytest.raises(RefusedError) as refused:
        await newsletters.update(planner, letter.id, location_id=other.location.id)
    # then
    assert refused.value.refusal.code == "LOCATION_NOT_FOUND"
    assert (await Newsletter.get(id=letter.id)).location_id is None


async def test_an_attachment_of_a_letter_for_another_location_is_not_readable(db):
    # given
    t = await factories.tenant()
    elsewhere = await factories.location(t.org, "Het Klavertje")
    file = await ready_file(t.planner)
    await newsletters.publish(
        await principal_of(t.planner),
        title="Daar",
        html=SAFE,
        location_id=elsewhere.id,
        attachment_ids=[file.id],
    )
    # when
    readable = await media_access.may_read(await principal_of(t.parent), file)
    # then
    assert readable is False
