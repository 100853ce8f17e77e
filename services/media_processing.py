"""What an uploaded file really is, and making photos safe: pure functions, no database.

- `sniff(head)` recognises the real type from the first bytes (magic numbers), never from
  the file name or the declared type.
- `process_photo(data)` decodes with Pillow (bounded by MEDIA_MAX_IMAGE_PIXELS against
  decompression bombs), applies the EXIF orientation, re-encodes without any metadata (no
  EXIF, no GPS, no XMP, no comments) and makes a JPEG thumbnail.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

from PIL import Image, ImageOps, UnidentifiedImageError

import settings
from models import MediaKind

try:  # HEIC/HEIF (iPhone photos) only when the optional pillow-heif plugin is installed.
    from pillow_heif import register_heif_opener  # type: ignore[import-not-found]

    register_heif_opener()
    HEIF_SUPPORTED = True
except ImportError:  # pragma: no cover - depends on the environment
    HEIF_SUPPORTED = False

# Pillow's own guard (it raises above twice this); ours is checked explicitly below too.
Image.MAX_IMAGE_PIXELS = settings.MEDIA_MAX_IMAGE_PIXELS

SNIFF_BYTES = 64

# content type -> (kind, file extension)
ALLOWED_TYPES: dict[str, tuple[MediaKind, str]] = {
    "image/jpeg": (MediaKind.PHOTO, "jpg"),
    "image/png": (MediaKind.PHOTO, "png"),
    "image/webp": (MediaKind.PHOTO, "webp"),
    "video/mp4": (MediaKind.VIDEO, "mp4"),
    "video/quicktime": (MediaKind.VIDEO, "mov"),
    "application/pdf": (MediaKind.DOCUMENT, "pdf"),
}
if HEIF_SUPPORTED:  # pragma: no cover - depends on the environment
    ALLOWED_TYPES["image/heic"] = (MediaKind.PHOTO, "heic")
    ALLOWED_TYPES["image/heif"] = (MediaKind.PHOTO, "heic")

ALIASES = {"image/jpg": "image/jpeg", "image/pjpeg": "image/jpeg", "video/x-m4v": "video/mp4"}

_PILLOW_FORMATS = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp"}
_PILLOW_FORMATS.update({"HEIF": "image/heic"} if HEIF_SUPPORTED else {})
_MP4_BRANDS = {b"isom", b"iso2", b"iso4", b"iso5", b"iso6", b"mp41", b"mp42", b"avc1", b"M4V "}
_HEIF_BRANDS = {b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx", b"mif1", b"msf1"}


class MediaRejected(Exception):
    """The bytes are not acceptable; carries the HTTP status and a stable code."""

    def __init__(self, status: int, code: str, message_en: str, message_nl: str) -> None:
        super().__init__(code)
        self.status = status
        self.code = code
        self.message_en = message_en
        self.message_nl = message_nl


def normalise_content_type(value: str) -> str:
    base = value.split(";", 1)[0].strip().lower()
    return ALIASES.get(base, base)


def sniff(head: bytes) -> str | None:
    """The real content type from the first bytes, or None when it is not one we accept."""
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    if head.startswith(b"%PDF-"):
        return "application/pdf"
    if head[4:8] == b"ftyp":
        brand = head[8:12]
        if brand == b"qt  ":
            return "video/quicktime"
        if brand in _MP4_BRANDS:
            return "video/mp4"
        if brand in _HEIF_BRANDS and HEIF_SUPPORTED:  # pragma: no cover
            return "image/heic"
    return None


def unsupported() -> MediaRejected:
    return MediaRejected(
        415,
        "MEDIA_TYPE_NOT_ALLOWED",
        "This kind of file is not accepted.",
        "Dit soort bestand wordt niet geaccepteerd.",
    )


@dataclass(frozen=True)
class ProcessedPhoto:
    data: bytes
    content_type: str
    extension: str
    width: int
    height: int
    thumbnail: bytes


def _encode(image: Image.Image, fmt: str, **options: object) -> bytes:
    out = io.BytesIO()
    image.save(out, format=fmt, **options)
    return out.getvalue()


def _flatten(image: Image.Image) -> Image.Image:
    """RGB for JPEG: transparency on white."""
    if image.mode in ("RGB", "L"):
        return image
    rgba = image.convert("RGBA")
    background = Image.new("RGB", rgba.size, (255, 255, 255))
    background.paste(rgba, mask=rgba.getchannel("A"))
    return background


def _open(data: bytes) -> Image.Image:
    try:
        image = Image.open(io.BytesIO(data))
    except Image.DecompressionBombError:
        raise _too_many_pixels() from None
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError):
        raise unsupported() from None
    width, height = image.size
    if width * height > settings.MEDIA_MAX_IMAGE_PIXELS:
        raise _too_many_pixels()
    try:
        image.load()
    except Image.DecompressionBombError:
        raise _too_many_pixels() from None
    except (OSError, ValueError, SyntaxError):
        raise unsupported() from None
    return image


def _too_many_pixels() -> MediaRejected:
    return MediaRejected(
        413,
        "MEDIA_IMAGE_TOO_LARGE",
        "The picture has too many pixels.",
        "De foto heeft te veel pixels.",
    )


def process_photo(data: bytes) -> ProcessedPhoto:
    """Decode, orient, strip every piece of metadata, re-encode, and make a thumbnail."""
    image = _open(data)
    content_type = _PILLOW_FORMATS.get(image.format or "")
    if content_type is None:
        raise unsupported()
    oriented = ImageOps.exif_transpose(image)
    clean = oriented.copy()
    clean.info = {}  # nothing of the original (EXIF, GPS, XMP, comments) is carried over
    if content_type == "image/png":
        if clean.mode not in ("1", "L", "LA", "P", "RGB", "RGBA", "I", "I;16"):
            clean = clean.convert("RGBA")
        body, content_type, ext = _encode(clean, "PNG", optimize=True), "image/png", "png"
    elif content_type == "image/webp":
        if clean.mode not in ("RGB", "RGBA"):
            clean = clean.convert("RGBA")
        body, ext = _encode(clean, "WEBP", quality=85), "webp"
    else:  # JPEG, and HEIC converted to JPEG
        body = _encode(_flatten(clean), "JPEG", quality=88, optimize=True)
        content_type, ext = "image/jpeg", "jpg"
    return ProcessedPhoto(
        data=body,
        content_type=content_type,
        extension=ext,
        width=clean.width,
        height=clean.height,
        thumbnail=make_thumbnail(clean),
    )


def make_thumbnail(image: Image.Image) -> bytes:
    """A JPEG that fits in MEDIA_THUMBNAIL_PX by MEDIA_THUMBNAIL_PX."""
    size = settings.MEDIA_THUMBNAIL_PX
    small = _flatten(image.copy())
    small.thumbnail((size, size), Image.Resampling.LANCZOS)
    return _encode(small, "JPEG", quality=80, optimize=True)
