"""GET /media/<token> — signed, expiring, bound to one user, never across tenants."""

from __future__ import annotations

from datetime import timedelta

from models import MediaFile
from schema.ids import pk_of
from services import auth, clock, media
from tests import factories, media_samples


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def uploaded(client, gql, user, data=None, **kwargs):
    token = await factories.token_for(user)
    media_id = await media_samples.upload(
        client, gql, token, data or media_samples.jpeg(), **kwargs
    )
    return token, await MediaFile.get(id=pk_of(media_id, "Media"))


async def test_the_uploader_downloads_the_file_as_an_attachment(db, client, gql):
    # given
    t = await factories.tenant()
    token, photo = await uploaded(client, gql, t.staff, filename="Zandbak één.jpg")
    url = media.download_url(photo, user_id=t.staff.id, disposition="attachment")
    # when
    response = await client.get(url, headers=bearer(token))
    # then
    assert response.status_code == 200
    assert response.headers["content-type"] == "image/jpeg"
    disposition = response.headers["content-disposition"]
    assert disposition.startswith('attachment; filename="Zandbak een.jpg"')
    assert "filename*=UTF-8''Zandbak%20%C3%A9%C3%A9n.jpg" in disposition
    assert response.headers["cache-control"].startswith("private")
    assert response.headers["x-content-type-options"] == "nosniff"
    assert len(response.content) == photo.size


async def test_an_inline_url_works_in_an_img_tag_without_a_header(db, client, gql):
    # given
    t = await factories.tenant()
    _, photo = await uploaded(client, gql, t.staff)
    url = media.download_url(photo, user_id=t.staff.id, variant="thumbnail")
    # when
    response = await client.get(url)
    # then
    assert response.status_code == 200
    assert response.headers["content-disposition"].startswith("inline;")
    assert response.content[:3] == b"\xff\xd8\xff"


async def test_an_expired_download_url_gets_403(db, client, gql):
    # given
    t = await factories.tenant()
    token, photo = await uploaded(client, gql, t.staff)
    url = media.download_url(photo, user_id=t.staff.id, ttl_seconds=60)
    later = clock.now() + timedelta(seconds=61)
    clock.set_clock(lambda: later)
    # when
    response = await client.get(url, headers=bearer(token))
    # then
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "DOWNLOAD_URL_EXPIRED"


async def test_a_tampered_download_url_gets_403(db, client, gql):
    # given
    t = await factories.tenant()
    token, photo = await uploaded(client, gql, t.staff)
    _, other_photo = await uploaded(client, gql, t.staff)
    url = media.download_url(photo, user_id=t.staff.id)
    other = media.download_url(other_photo, user_id=t.staff.id)
    payload_of_other = other.rsplit("/", 1)[1].partition(".")[0]
    signature = url.rsplit(".", 1)[1]
    swapped = f"{url.rsplit('/', 1)[0]}/{payload_of_other}.{signature}"
    # when
    responses = [
        await client.get(swapped, headers=bearer(token)),
        await client.get(url[:-4] + "AAAA", headers=bearer(token)),
        await client.get(url.rsplit("/", 1)[0] + "/nonsense", headers=bearer(token)),
    ]
    # then
    assert [r.status_code for r in responses] == [403, 403, 403]
    assert {r.json()["error"]["code"] for r in responses} == {"DOWNLOAD_URL_INVALID"}


async def test_a_url_used_by_another_user_gets_403(db, client, gql):
    # given
    t = await factories.tenant()
    _, photo = await uploaded(client, gql, t.staff)
    url = media.download_url(photo, user_id=t.staff.id)
    colleague = await factories.token_for(t.bso_staff)
    parent = await factories.token_for(t.parent)
    # when
    as_colleague = await client.get(url, headers=bearer(colleague))
    as_parent = await client.get(url, headers=bearer(parent))
    with_a_bad_token = await client.get(url, headers=bearer("not-a-session"))
    # then
    assert as_colleague.status_code == as_parent.status_code == with_a_bad_token.status_code == 403


async def test_a_url_stops_working_when_its_session_is_logged_out(db, client, gql):
    # given
    t = await factories.tenant()
    token, photo = await uploaded(client, gql, t.staff)
    session = await auth.authenticate(token)
    url = media.download_url(photo, user_id=t.staff.id, session_id=session.session_id)
    assert (await client.get(url)).status_code == 200
    await auth.logout(session)
    # when
    response = await client.get(url)
    # then
    assert response.status_code == 403


async def test_a_file_of_another_tenant_is_never_served(db, client, gql):
    # given: a genuine URL, signed for a user of another organisation
    t = await factories.tenant("hoera")
    other = await factories.tenant("zonnestraal")
    _, photo = await uploaded(client, gql, t.staff)
    outsider = await factories.token_for(other.planner)
    url = media.download_url(photo, user_id=other.planner.id)
    # when
    with_header = await client.get(url, headers=bearer(outsider))
    without_header = await client.get(url)
    # then
    assert with_header.status_code == without_header.status_code == 403


async def test_a_deactivated_user_gets_403(db, client, gql):
    # given
    t = await factories.tenant()
    _, photo = await uploaded(client, gql, t.staff)
    url = media.download_url(photo, user_id=t.staff.id)
    t.staff.is_active = False
    await t.staff.save()
    # when
    response = await client.get(url)
    # then
    assert response.status_code == 403


async def test_a_pending_file_is_not_served(db, client, gql):
    # given
    t = await factories.tenant()
    token = await factories.token_for(t.staff)
    ticket = await media_samples.ticket(
        gql, token, kind="PHOTO", data=media_samples.jpeg(), content_type="image/jpeg"
    )
    pending = await MediaFile.get(id=pk_of(ticket["mediaId"], "Media"))
    url = media.download_url(pending, user_id=t.staff.id)
    # when
    response = await client.get(url, headers=bearer(token))
    # then
    assert response.status_code == 403
