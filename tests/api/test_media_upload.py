"""PUT /media/upload/<token> — size cap, real type, metadata stripped, thumbnail, tickets."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from PIL import Image

from models import MediaFile, MediaKind, MediaStatus
from schema.ids import pk_of
from services import clock, storage
from tests import factories, media_samples


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def test_a_photo_is_stored_without_location_upright_with_a_thumbnail(db, client, gql):
    # given
    t = await factories.tenant()
    token = await factories.token_for(t.staff)
    original = media_samples.jpeg_with_location(40, 20)
    ticket = await media_samples.ticket(
        gql, token, kind="PHOTO", data=original, content_type="image/jpeg"
    )
    # when
    response = await client.put(ticket["uploadUrl"], content=original, headers=bearer(token))
    # then
    assert response.status_code == 200, response.text
    assert response.json()["mediaId"] == ticket["mediaId"]
    row = await MediaFile.get(id=pk_of(ticket["mediaId"], "Media"))
    assert row.status == MediaStatus.READY
    assert (row.width, row.height, row.content_type) == (20, 40, "image/jpeg")
    store = storage.default_storage()
    stored = await store.open(row.storage_key)
    assert row.size == len(stored)
    assert b"52.0871" not in stored and b"Phone" not in stored
    assert len(Image.open(io.BytesIO(stored)).getexif()) == 0
    thumbnail = Image.open(io.BytesIO(await store.open(row.thumbnail_key)))
    assert thumbnail.format == "JPEG"


async def test_a_text_file_called_jpg_is_refused(db, client, gql):
    # given
    t = await factories.tenant()
    token = await factories.token_for(t.parent)
    fake = b"Just some text pretending to be a photo.\n" * 10
    ticket = await media_samples.ticket(
        gql, token, kind="PHOTO", data=fake, content_type="image/jpeg", filename="kind.jpg"
    )
    # when
    response = await client.put(ticket["uploadUrl"], content=fake, headers=bearer(token))
    # then
    assert response.status_code == 415
    assert response.json()["error"]["code"] == "MEDIA_TYPE_NOT_ALLOWED"
    row = await MediaFile.get(id=pk_of(ticket["mediaId"], "Media"))
    assert row.status == MediaStatus.PENDING


async def test_a_file_of_another_type_than_declared_is_refused(db, client, gql):
    # given
    t = await factories.tenant()
    token = await factories.token_for(t.staff)
    data = media_samples.png()
    ticket = await media_samples.ticket(
        gql, token, kind="PHOTO", data=data, content_type="image/jpeg"
    )
    # when
    response = await client.put(ticket["uploadUrl"], content=data, headers=bearer(token))
    # then
    assert response.status_code == 415
    assert response.json()["error"]["code"] == "MEDIA_TYPE_MISMATCH"


async def test_a_pdf_pretending_to_be_a_video_is_refused(db, client, gql):
    # given
    t = await factories.tenant()
    token = await factories.token_for(t.staff)
    data = media_samples.pdf()
    ticket = await media_samples.ticket(
        gql, token, kind="VIDEO", data=data, content_type="video/mp4"
    )
    # when
    response = await client.put(ticket["uploadUrl"], content=data, headers=bearer(token))
    # then
    assert response.status_code == 415


async def test_more_bytes_than_declared_are_refused(db, client, gql):
    # given
    t = await factories.tenant()
    token = await factories.token_for(t.staff)
    small = media_samples.jpeg()
    ticket = await media_samples.ticket(
        gql, token, kind="PHOTO", data=small, content_type="image/jpeg"
    )
    big = media_samples.jpeg(900, 900)
    assert len(big) > len(small)
    # when
    response = await client.put(ticket["uploadUrl"], content=big, headers=bearer(token))
    # then
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "MEDIA_TOO_LARGE"
    assert (await MediaFile.get(id=pk_of(ticket["mediaId"], "Media"))).status == "pending"


async def test_a_streamed_body_without_length_is_cut_off_at_the_cap(db, client, gql):
    # given
    t = await factories.tenant()
    token = await factories.token_for(t.staff)
    ticket = await media_samples.ticket(
        gql, token, kind="VIDEO", data=media_samples.mp4(4096), content_type="video/mp4"
    )
    sent = []

    async def endless():
        for _ in range(100):
            sent.append(1)
            yield media_samples.mp4(1024)

    # when
    response = await client.put(ticket["uploadUrl"], content=endless(), headers=bearer(token))
    # then
    assert response.status_code == 413
    assert "content-length" not in response.request.headers
    assert len(sent) < 100  # the server stopped reading at the cap


@pytest.mark.filterwarnings("ignore::PIL.Image.DecompressionBombWarning")
async def test_a_decompression_bomb_is_refused(db, client, gql):
    # given
    t = await factories.tenant()
    token = await factories.token_for(t.staff)
    out = io.BytesIO()
    Image.new("1", (8000, 7000)).save(out, "PNG")
    bomb = out.getvalue()
    ticket = await media_samples.ticket(
        gql, token, kind="PHOTO", data=bomb, content_type="image/png"
    )
    # when
    response = await client.put(ticket["uploadUrl"], content=bomb, headers=bearer(token))
    # then
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "MEDIA_IMAGE_TOO_LARGE"


async def test_a_video_and_a_document_are_stored_as_they_are(db, client, gql):
    # given
    t = await factories.tenant()
    planner = await factories.token_for(t.planner)
    video, pdf = media_samples.mp4(), media_samples.pdf()
    # when
    video_id = await media_samples.upload(
        client, gql, planner, video, kind="VIDEO", content_type="video/mp4", filename="a.mp4"
    )
    pdf_id = await media_samples.upload(
        client, gql, planner, pdf, kind="DOCUMENT", content_type="application/pdf"
    )
    # then
    store = storage.default_storage()
    stored_video = await MediaFile.get(id=pk_of(video_id, "Media"))
    stored_pdf = await MediaFile.get(id=pk_of(pdf_id, "Media"))
    assert (stored_video.kind, stored_video.thumbnail_key) == (MediaKind.VIDEO, None)
    assert await store.open(stored_video.storage_key) == video
    assert await store.open(stored_pdf.storage_key) == pdf
    assert stored_pdf.status == MediaStatus.READY


async def test_someone_elses_upload_address_is_refused(db, client, gql):
    # given
    t = await factories.tenant()
    owner = await factories.token_for(t.staff)
    intruder = await factories.token_for(t.bso_staff)
    data = media_samples.jpeg()
    ticket = await media_samples.ticket(
        gql, owner, kind="PHOTO", data=data, content_type="image/jpeg"
    )
    # when
    response = await client.put(ticket["uploadUrl"], content=data, headers=bearer(intruder))
    anonymous = await client.put(ticket["uploadUrl"], content=data)
    # then
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "UPLOAD_NOT_YOURS"
    assert anonymous.status_code == 401


async def test_an_expired_upload_address_is_refused(db, client, gql):
    # given
    t = await factories.tenant()
    token = await factories.token_for(t.staff)
    data = media_samples.jpeg()
    ticket = await media_samples.ticket(
        gql, token, kind="PHOTO", data=data, content_type="image/jpeg"
    )
    later = clock.now() + timedelta(minutes=16)
    clock.set_clock(lambda: later)
    # when
    response = await client.put(ticket["uploadUrl"], content=data, headers=bearer(token))
    # then
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "UPLOAD_URL_EXPIRED"


async def test_a_tampered_upload_address_is_refused(db, client, gql):
    # given
    t = await factories.tenant()
    token = await factories.token_for(t.staff)
    data = media_samples.jpeg()
    ticket = await media_samples.ticket(
        gql, token, kind="PHOTO", data=data, content_type="image/jpeg"
    )
    url = ticket["uploadUrl"]
    tampered = url[:-3] + ("AAA" if not url.endswith("AAA") else "BBB")
    # when
    response = await client.put(tampered, content=data, headers=bearer(token))
    # then
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "UPLOAD_URL_INVALID"


async def test_an_upload_address_works_only_once(db, client, gql):
    # given
    t = await factories.tenant()
    token = await factories.token_for(t.staff)
    data = media_samples.jpeg()
    ticket = await media_samples.ticket(
        gql, token, kind="PHOTO", data=data, content_type="image/jpeg"
    )
    first = await client.put(ticket["uploadUrl"], content=data, headers=bearer(token))
    # when
    again = await client.put(ticket["uploadUrl"], content=data, headers=bearer(token))
    # then
    assert first.status_code == 200
    assert again.status_code == 409
    assert again.json()["error"]["code"] == "UPLOAD_ALREADY_DONE"
