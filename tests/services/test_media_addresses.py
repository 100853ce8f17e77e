"""services.media_addresses.DownloadSigner: the addresses of a whole answer, signed at once,
are those download_url signs one by one at that second."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from models import MediaFile, MediaKind
from services import clock, signing
from services.media import DOWNLOAD_PURPOSE, download_url
from services.media_addresses import DownloadSigner
from tests.diary_samples import set_now

MOMENT = datetime(2026, 11, 29, 8, 0, 0, 999_000, tzinfo=UTC)


def photo(pk: int = 41, thumbnail: str | None = "t/41.jpg") -> MediaFile:
    return MediaFile(id=pk, kind=MediaKind.PHOTO, thumbnail_key=thumbnail)


@pytest.mark.parametrize("session_id", [None, 7])
@pytest.mark.parametrize("variant", ["full", "thumbnail"])
@pytest.mark.parametrize("disposition", ["inline", "attachment"])
def test_an_address_is_the_one_download_url_signs(session_id, variant, disposition):
    # given
    set_now(MOMENT)
    signer = DownloadSigner(user_id=12, session_id=session_id, now=clock.now())
    # when
    address = signer.url(photo(), variant, disposition)
    # then
    expected = download_url(
        photo(), user_id=12, session_id=session_id, variant=variant, disposition=disposition
    )
    assert address == expected
    claims = signing.verify(DOWNLOAD_PURPOSE, address.rsplit("/", 1)[1])
    assert claims["m"] == 41 and claims["u"] == 12 and claims.get("s") == session_id


def test_a_file_without_thumbnail_has_no_thumbnail_address():
    signer = DownloadSigner(user_id=12, session_id=7, now=MOMENT)
    with pytest.raises(ValueError, match="no thumbnail"):
        signer.url(photo(thumbnail=None), "thumbnail", "inline")


def test_a_signer_fits_only_its_user_session_and_second():
    signer = DownloadSigner(user_id=12, session_id=7, now=MOMENT)
    assert signer.fits(12, 7, MOMENT + timedelta(milliseconds=0))
    assert not signer.fits(12, 7, MOMENT + timedelta(milliseconds=1))  # the next second
    assert not signer.fits(13, 7, MOMENT)
    assert not signer.fits(12, 8, MOMENT)


@pytest.mark.parametrize("openssl_object", [True, False])
def test_a_text_signer_signs_as_sign_does_with_or_without_openssls_own_object(
    monkeypatch, openssl_object
):
    # given: a signer built on OpenSSL's HMAC object, or on the hmac module where there is none
    if not openssl_object:
        monkeypatch.setattr(signing, "_c_hmac", None)
    text_signer = signing.TextSigner(DOWNLOAD_PURPOSE)
    expires_at = MOMENT + timedelta(minutes=5)
    claims = {"d": "i", "m": 41, "u": 12, "v": "f"}
    # when: the same claims, written as sign writes them, twice (each token copies the key)
    written = f'{{"d":"i","exp":{int(expires_at.timestamp())},"m":41,"u":12,"v":"f"}}'
    tokens = [text_signer.sign(written), text_signer.sign(written)]
    # then
    assert tokens == [signing.sign(DOWNLOAD_PURPOSE, claims, expires_at)] * 2
