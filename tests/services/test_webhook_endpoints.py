"""Registering and managing webhook endpoints: admins only, HTTPS, known event types covered
by the scopes, a maximum per organisation, secrets shown once and sealed at rest."""

from __future__ import annotations

import pytest

import settings
from models import Role, WebhookEndpoint
from services.errors import AccessDenied, RefusedError
from services.webhooks import endpoints, signing
from tests import factories
from tests.agenda_helpers import principal_of
from tests.webhook_helpers import admin_of, register

URL = "https://dashboard.example.com/hooks/ouderlink"


@pytest.fixture
def production(monkeypatch):
    monkeypatch.setattr(settings, "WEBHOOK_ALLOW_INSECURE_LOCALHOST", False)


async def refused(call) -> str:
    with pytest.raises(RefusedError) as caught:
        await call
    return caught.value.refusal.code


async def test_an_admin_registers_an_endpoint_and_sees_its_secret_once(db):
    # given
    t = await factories.tenant()
    admin = await admin_of(t.org)
    # when
    created = await register(admin, URL, events=("day_request.decided", "day_request.created"))
    # then
    assert created.secret.startswith("whsec_") and len(created.secret) > 40
    row = await WebhookEndpoint.get(id=created.endpoint.id)
    assert row.event_types == ["day_request.created", "day_request.decided"]
    assert row.scopes == ["requests"]
    assert created.secret not in row.secret  # sealed at rest
    assert signing.unseal(row.secret) == created.secret
    assert not hasattr(await endpoints.endpoint(admin, row.id), "plain_secret")


@pytest.mark.parametrize("role", [Role.PARENT, Role.STAFF, Role.PLANNER])
async def test_only_admins_manage_endpoints(db, role):
    # given
    t = await factories.tenant()
    created = await register(await admin_of(t.org), URL)
    someone = await principal_of(await factories.user(t.org, role))
    # when / then
    with pytest.raises(AccessDenied):
        await register(someone, URL)
    with pytest.raises(AccessDenied):
        await endpoints.endpoints(someone)
    with pytest.raises(AccessDenied):
        await endpoints.update(someone, created.endpoint.id, enabled=False)
    with pytest.raises(AccessDenied):
        await endpoints.remove(someone, created.endpoint.id)


async def test_another_organisations_endpoint_is_not_found(db):
    # given
    t = await factories.tenant()
    other = await factories.tenant("zonnestraal")
    theirs = await register(await admin_of(other.org), URL)
    mine = await admin_of(t.org)
    # when / then
    assert await endpoints.endpoints(mine) == []
    with pytest.raises(AccessDenied) as caught:
        await endpoints.update(mine, theirs.endpoint.id, name="Overgenomen")
    assert caught.value.code == "NOT_FOUND"
    assert await endpoints.remove(mine, theirs.endpoint.id) is False
    with pytest.raises(AccessDenied):
        await endpoints.rotate_secret(mine, theirs.endpoint.id)
    assert (await WebhookEndpoint.get(id=theirs.endpoint.id)).name == ""


async def test_event_types_are_required_and_known(db):
    admin = await admin_of((await factories.tenant()).org)
    assert await refused(register(admin, URL, events=())) == "EVENT_TYPES_REQUIRED"
    assert await refused(register(admin, URL, events=("message.added",))) == "UNKNOWN_EVENT_TYPE"
    assert await refused(register(admin, URL, scopes=("everything",))) == "UNKNOWN_SCOPE"


async def test_the_scopes_must_cover_the_event_types(db):
    # given
    admin = await admin_of((await factories.tenant()).org)
    # when
    with pytest.raises(RefusedError) as caught:
        await register(
            admin, URL, events=("absence.reported", "news.published"), scopes=("requests",)
        )
    # then
    refusal = caught.value.refusal
    assert refusal.code == "SCOPES_DO_NOT_COVER_EVENTS"
    assert refusal.details["missing"] == ["news", "occupancy"]
    assert await WebhookEndpoint.all().count() == 0


async def test_an_organisation_has_at_most_the_maximum_of_endpoints(db, monkeypatch):
    # given
    monkeypatch.setattr(settings, "WEBHOOK_MAX_ENDPOINTS", 2)
    admin = await admin_of((await factories.tenant()).org)
    await register(admin, URL)
    await register(admin, URL)
    # when / then
    assert await refused(register(admin, URL)) == "TOO_MANY_WEBHOOK_ENDPOINTS"


@pytest.mark.parametrize(
    ("url", "code"),
    [
        ("http://dashboard.example.com/hook", "WEBHOOK_URL_NOT_HTTPS"),
        ("http://127.0.0.1:8080/hook", "WEBHOOK_URL_NOT_HTTPS"),
        ("https://127.0.0.1/hook", "WEBHOOK_URL_PRIVATE_HOST"),
        ("https://localhost/hook", "WEBHOOK_URL_PRIVATE_HOST"),
        ("https://10.1.2.3/hook", "WEBHOOK_URL_PRIVATE_HOST"),
        ("https://169.254.169.254/latest/meta-data", "WEBHOOK_URL_PRIVATE_HOST"),
        ("https://[::1]/hook", "WEBHOOK_URL_PRIVATE_HOST"),
        ("https://intranet/hook", "WEBHOOK_URL_PRIVATE_HOST"),
        ("ftp://dashboard.example.com/hook", "WEBHOOK_URL_INVALID"),
        ("https://user:pw@dashboard.example.com/hook", "WEBHOOK_URL_INVALID"),
        ("dashboard.example.com", "WEBHOOK_URL_INVALID"),
        ("https://dashboard.example.com:99999/", "WEBHOOK_URL_INVALID"),
    ],
)
async def test_production_accepts_public_https_addresses_only(db, production, url, code):
    admin = await admin_of((await factories.tenant()).org)
    assert await refused(register(admin, url)) == code


async def test_production_accepts_a_public_https_address(db, production):
    admin = await admin_of((await factories.tenant()).org)
    assert (await register(admin, URL)).endpoint.url == URL


async def test_development_accepts_plain_http_to_this_machine_only(db):
    admin = await admin_of((await factories.tenant()).org)
    assert (await register(admin, "http://127.0.0.1:9000/hook")).endpoint.id
    assert (await register(admin, "http://localhost:9000/hook")).endpoint.id
    code = await refused(register(admin, "http://dashboard.example.com/hook"))
    assert code == "WEBHOOK_URL_NOT_HTTPS"


async def test_an_update_changes_only_what_is_given_and_is_checked_like_a_registration(db):
    # given
    admin = await admin_of((await factories.tenant()).org)
    created = await register(admin, URL)
    # when
    row = await endpoints.update(
        admin,
        created.endpoint.id,
        name="Dashboard",
        event_types=["absence.reported"],
        scopes=["occupancy"],
    )
    # then
    assert (row.name, row.url, row.event_types, row.scopes) == (
        "Dashboard",
        URL,
        ["absence.reported"],
        ["occupancy"],
    )
    bad = endpoints.update(admin, row.id, event_types=["news.published"])
    assert await refused(bad) == "SCOPES_DO_NOT_COVER_EVENTS"
    assert await refused(endpoints.update(admin, row.id, name="x" * 101)) == "NAME_TOO_LONG"
    assert (await WebhookEndpoint.get(id=row.id)).event_types == ["absence.reported"]


async def test_a_rotated_secret_replaces_the_old_one(db):
    # given
    admin = await admin_of((await factories.tenant()).org)
    created = await register(admin, URL)
    # when
    rotated = await endpoints.rotate_secret(admin, created.endpoint.id)
    # then
    stored = (await WebhookEndpoint.get(id=created.endpoint.id)).secret
    assert rotated.secret != created.secret
    assert signing.unseal(stored) == rotated.secret


async def test_removing_an_endpoint_deletes_it(db):
    admin = await admin_of((await factories.tenant()).org)
    created = await register(admin, URL)
    assert await endpoints.remove(admin, created.endpoint.id) is True
    assert await endpoints.endpoints(admin) == []
