"""mutation createUpload — a signed upload address, or a coded refusal."""

from __future__ import annotations

from tests import factories, media_samples


async def test_staff_get_an_upload_ticket_for_a_photo(db, gql):
    # given
    t = await factories.tenant()
    token = await factories.token_for(t.staff)
    # when
    ticket = await media_samples.ticket(
        gql, token, kind="PHOTO", data=b"x" * 5000, content_type="image/jpeg"
    )
    # then
    assert ticket["__typename"] == "UploadTicket"
    assert "/media/upload/" in ticket["uploadUrl"]
    assert ticket["maxBytes"] == 5000
    assert ticket["expiresAt"]


async def test_a_parent_may_upload_a_video(db, gql):
    # given
    t = await factories.tenant()
    token = await factories.token_for(t.parent)
    # when
    ticket = await media_samples.ticket(
        gql, token, kind="VIDEO", data=media_samples.mp4(), content_type="video/mp4"
    )
    # then
    assert ticket["__typename"] == "UploadTicket"


async def test_a_parent_may_not_upload_documents(db, gql):
    # given
    t = await factories.tenant()
    token = await factories.token_for(t.parent)
    # when
    refused = await media_samples.ticket(
        gql, token, kind="DOCUMENT", data=media_samples.pdf(), content_type="application/pdf"
    )
    # then
    assert refused["__typename"] == "Refused"
    assert refused["code"] == "MEDIA_KIND_NOT_ALLOWED"


async def test_an_oversized_photo_is_refused_before_any_byte_is_sent(db, gql):
    # given
    t = await factories.tenant()
    token = await factories.token_for(t.staff)
    # when
    result = await gql(
        media_samples.CREATE_UPLOAD,
        {
            "input": {
                "kind": "PHOTO",
                "filename": "huge.jpg",
                "contentType": "image/jpeg",
                "size": 21 * 1024 * 1024,
            }
        },
        token=token,
    )
    # then
    refused = result["data"]["createUpload"]
    assert (refused["code"], refused["field"]) == ("MEDIA_TOO_LARGE", "size")
    assert refused["messageNl"] and refused["messageEn"]


async def test_a_type_we_do_not_accept_is_refused(db, gql):
    # given
    t = await factories.tenant()
    token = await factories.token_for(t.staff)
    # when
    refused = await media_samples.ticket(
        gql, token, kind="PHOTO", data=b"<svg/>", content_type="image/svg+xml"
    )
    # then
    assert refused["code"] == "MEDIA_TYPE_NOT_ALLOWED"


async def test_an_upload_ticket_needs_a_session(db, gql):
    # when
    result = await gql(
        media_samples.CREATE_UPLOAD,
        {"input": {"kind": "PHOTO", "filename": "a.jpg", "contentType": "image/jpeg", "size": 9}},
    )
    # then
    assert result["data"] is None
    assert result["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
