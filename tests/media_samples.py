"""Sample files for media tests, and the whole upload flow through the API."""

from __future__ import annotations

import io

import httpx
from PIL import ExifTags, Image

CREATE_UPLOAD = """
mutation($input: CreateUploadInput!) {
  createUpload(input: $input) {
    __typename
    ... on UploadTicket { mediaId uploadUrl expiresAt maxBytes }
    ... on Refused { code messageNl messageEn field }
  }
}"""


def jpeg_with_location(width: int = 40, height: int = 20) -> bytes:
    """A JPEG taken 'on its side' (EXIF orientation 6) with GPS, XMP and a comment."""
    image = Image.new("RGB", (width, height), (200, 30, 30))
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = 6
    exif[ExifTags.Base.Make] = "Phone"
    exif[ExifTags.IFD.GPSInfo] = {
        ExifTags.GPS.GPSLatitudeRef: "N",
        ExifTags.GPS.GPSLatitude: (52.0, 5.0, 7.0),
        ExifTags.GPS.GPSLongitudeRef: "E",
        ExifTags.GPS.GPSLongitude: (5.0, 7.0, 1.0),
    }
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif, xmp=b"<x:xmpmeta>GPS 52.0871</x:xmpmeta>", comment=b"Home")
    return out.getvalue()


def png(width: int = 600, height: int = 300) -> bytes:
    out = io.BytesIO()
    Image.new("RGBA", (width, height), (0, 120, 200, 128)).save(out, "PNG")
    return out.getvalue()


def jpeg(width: int = 64, height: int = 48) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), (30, 160, 60)).save(out, "JPEG")
    return out.getvalue()


def mp4(size: int = 2048) -> bytes:
    """The start of an MP4 file (an ftyp box with brand isom) padded to `size` bytes."""
    head = b"\x00\x00\x00\x18ftypisom\x00\x00\x02\x00isomiso2"
    return head + b"\x00" * (size - len(head))


def pdf() -> bytes:
    return b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


async def ticket(
    gql, token: str, *, kind: str, data: bytes, content_type: str, filename: str = "file.jpg"
) -> dict:
    result = await gql(
        CREATE_UPLOAD,
        {
            "input": {
                "kind": kind,
                "filename": filename,
                "contentType": content_type,
                "size": len(data),
            }
        },
        token=token,
    )
    return result["data"]["createUpload"]


async def upload(
    client: httpx.AsyncClient,
    gql,
    token: str,
    data: bytes,
    *,
    kind: str = "PHOTO",
    content_type: str = "image/jpeg",
    filename: str = "foto.jpg",
) -> str:
    """Ticket + PUT; returns the READY file's global id."""
    issued = await ticket(
        gql, token, kind=kind, data=data, content_type=content_type, filename=filename
    )
    assert issued["__typename"] == "UploadTicket", issued
    response = await client.put(
        issued["uploadUrl"], content=data, headers={"Authorization": f"Bearer {token}"}
    )
    assert response.status_code == 200, response.text
    return issued["mediaId"]
