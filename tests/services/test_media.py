"""Media rules: upload tickets, type sniffing, photo cleaning, attaching, signed tokens."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from PIL import Image

from models import MediaFile, MediaKind, MediaStatus
from services import auth, clock, media, media_processing, signing
from services.errors import RefusedError
from services.media_processing import MediaRejected
from tests import factories, media_samples


async def principal_of(user):
    return await auth.authenticate(await factories.token_for(user))


async def ready_file(user, kind: MediaKind = MediaKind.PHOTO, status=MediaStatus.READY):
    return await MediaFile.create(
        organisation_id=user.organisation_id,
        uploaded_by_id=user.id,
        kind=kind,
        status=status,
        content_type="image/jpeg",
        filename="x.jpg",
        size=10,
        storage_key=f"org-{user.organisation_id}/photo/{next(factories._seq)}.jpg",
    )


# --- create_upload ---------------------------------------------------------------------


async def test_staff_get_a_pending_file_and_a_signed_upload_address(db):
    # given
    t = await factories.tenant()
    staff = await principal_of(t.staff)
    # when
    ticket = await media.create_upload(
        staff, kind=MediaKind.PHOTO, filename="../../IMG_1.JPG", content_type="image/jpeg", size=99
    )
    # then
    row = await MediaFile.get(id=ticket.media_id)
    assert row.status == MediaStatus.PENDING
    assert row.uploaded_by_id == t.staff.id and row.organisation_id == t.org.id
    assert row.filename == "IMG_1.JPG"
    assert "/media/upload/" in ticket.upload_url
    assert ticket.max_bytes == 99
    assert ticket.expires_at > clock.now()


@pytest.mark.parametrize(
    ("kind", "content_type", "size", "code"),
    [
        (MediaKind.PHOTO, "image/gif", 100, "MEDIA_TYPE_NOT_ALLOWED"),
        (MediaKind.PHOTO, "text/plain", 100, "MEDIA_TYPE_NOT_ALLOWED"),
        (MediaKind.PHOTO, "video/mp4", 100, "MEDIA_TYPE_NOT_ALLOWED"),
        (MediaKind.PHOTO, "image/jpeg", 0, "MEDIA_EMPTY"),
        (MediaKind.PHOTO, "image/jpeg", 20 * 1024 * 1024 + 1, "MEDIA_TOO_LARGE"),
        (MediaKind.VIDEO, "video/mp4", 200 * 1024 * 1024 + 1, "MEDIA_TOO_LARGE"),
        (MediaKind.DOCUMENT, "application/pdf", 100, "MEDIA_KIND_NOT_ALLOWED"),
    ],
)
async def test_a_parent_is_refused_uploads_that_would_never_be_accepted(
    db, kind, content_type, size, code
):
    # given
    t = await factories.tenant()
    parent = await principal_of(t.parent)
    # when
    with pytest.raises(RefusedError) as refused:
        await media.create_upload(
            parent, kind=kind, filename="f", content_type=content_type, size=size
        )
    # then
    assert refused.value.refusal.code == code
    assert await MediaFile.all().count() == 0


async def test_planners_may_upload_documents(db):
    # given
    t = await factories.tenant()
    planner = await principal_of(t.planner)
    # when
    ticket = await media.create_upload(
        planner,
        kind=MediaKind.DOCUMENT,
        filename="factuur.pdf",
        content_type="application/pdf",
        size=1000,
    )
    # then
    assert (await MediaFile.get(id=ticket.media_id)).kind == MediaKind.DOCUMENT


# --- ready_media_for -----------------------------------------------------------------


async def test_own_ready_files_are_returned_in_the_order_asked(db):
    # given
    t = await factories.tenant()
    first, second = await ready_file(t.staff), await ready_file(t.staff)
    # when
    found = await media.ready_media_for(
        await principal_of(t.staff), [second.id, first.id, second.id], {MediaKind.PHOTO}
    )
    # then
    assert [m.id for m in found] == [second.id, first.id]


async def test_a_file_still_being_uploaded_cannot_be_attached(db):
    # given
    t = await factories.tenant()
    pending = await ready_file(t.staff, status=MediaStatus.PENDING)
    # when
    with pytest.raises(RefusedError) as refused:
        await media.ready_media_for(await principal_of(t.staff), [pending.id], {MediaKind.PHOTO})
    # then
    assert refused.value.refusal.code == "MEDIA_NOT_READY"


async def test_someone_elses_file_cannot_be_attached(db):
    # given
    t = await factories.tenant()
    other = await factories.tenant("zonnestraal")
    colleagues = await ready_file(t.bso_staff)
    foreign = await ready_file(other.staff)
    staff = await principal_of(t.staff)
    # when / then
    for media_id in (colleagues.id, foreign.id, 987654):
        with pytest.raises(RefusedError) as refused:
            await media.ready_media_for(staff, [media_id], {MediaKind.PHOTO})
        assert refused.value.refusal.code == "MEDIA_NOT_FOUND"


async def test_a_file_of_the_wrong_kind_cannot_be_attached(db):
    # given
    t = await factories.tenant()
    video = await ready_file(t.staff, kind=MediaKind.VIDEO)
    # when
    with pytest.raises(RefusedError) as refused:
        await media.ready_media_for(await principal_of(t.staff), [video.id], {MediaKind.PHOTO})
    # then
    assert refused.value.refusal.code == "MEDIA_KIND_NOT_ALLOWED"


# --- sniffing and photo processing -----------------------------------------------------


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (media_samples.jpeg(), "image/jpeg"),
        (media_samples.png(), "image/png"),
        (media_samples.mp4(), "video/mp4"),
        (b"\x00\x00\x00\x14ftypqt  \x00\x00\x00\x00qt  ", "video/quicktime"),
        (media_samples.pdf(), "application/pdf"),
        (b"this is plain text, not a photo", None),
        (b"GIF89a\x01\x00\x01\x00", None),
        (b"<svg xmlns='http://www.w3.org/2000/svg'/>", None),
    ],
)
def test_the_real_type_is_read_from_the_bytes(data, expected):
    assert media_processing.sniff(data[: media_processing.SNIFF_BYTES]) == expected


def test_a_photo_loses_its_location_and_metadata_but_keeps_its_orientation():
    # given
    original = media_samples.jpeg_with_location(40, 20)
    assert Image.open(io.BytesIO(original)).getexif().get_ifd(0x8825)  # GPS present
    # when
    photo = media_processing.process_photo(original)
    # then
    cleaned = Image.open(io.BytesIO(photo.data))
    assert cleaned.format == "JPEG"
    assert (photo.width, photo.height) == (20, 40) == cleaned.size  # rotated upright
    assert len(cleaned.getexif()) == 0
    assert not {"exif", "xmp", "comment"} & set(cleaned.info)
    assert b"52.0871" not in photo.data and b"Phone" not in photo.data


def test_a_thumbnail_fits_in_480_pixels():
    # when
    photo = media_processing.process_photo(media_samples.png(1200, 600))
    # then
    thumbnail = Image.open(io.BytesIO(photo.thumbnail))
    assert thumbnail.format == "JPEG"
    assert thumbnail.size == (480, 240)
    assert photo.content_type == "image/png"


@pytest.mark.filterwarnings("ignore::PIL.Image.DecompressionBombWarning")
def test_a_decompression_bomb_is_refused_before_decoding():
    # given: a tiny file that claims 56 million pixels
    out = io.BytesIO()
    Image.new("1", (8000, 7000)).save(out, "PNG")
    assert len(out.getvalue()) < 200_000
    # when
    with pytest.raises(MediaRejected) as rejected:
        media_processing.process_photo(out.getvalue())
    # then
    assert (rejected.value.status, rejected.value.code) == (413, "MEDIA_IMAGE_TOO_LARGE")


def test_a_truncated_photo_is_refused():
    # when
    with pytest.raises(MediaRejected) as rejected:
        media_processing.process_photo(media_samples.jpeg(300, 300)[:200])
    # then
    assert rejected.value.status == 415


# --- signed tokens ---------------------------------------------------------------------


def test_a_signed_token_carries_its_claims_until_it_expires():
    # given
    token = signing.sign("test", {"m": 7}, clock.now() + timedelta(minutes=5))
    # then
    assert signing.verify("test", token)["m"] == 7


def test_a_tampered_token_is_refused():
    # given
    token = signing.sign("test", {"m": 7}, clock.now() + timedelta(minutes=5))
    payload, _, signature = token.partition(".")
    forged = signing.sign("other", {"m": 8}, clock.now() + timedelta(minutes=5))
    # when / then
    for bad in (
        f"{forged.partition('.')[0]}.{signature}",  # another payload, the old signature
        f"{payload}.{signature[:-2]}{'BB' if signature.endswith('AA') else 'AA'}",  # changed
        forged,  # signed for another purpose
        "garbage",
        "",
    ):
        with pytest.raises(signing.BadSignature):
            signing.verify("test", bad)


async def test_an_expired_token_is_refused(db):
    # given
    now = clock.now()
    token = signing.sign("test", {"m": 7}, now + timedelta(minutes=5))
    clock.set_clock(lambda: now + timedelta(minutes=5, seconds=1))
    # when / then
    with pytest.raises(signing.SignatureExpired):
        signing.verify("test", token)
