"""Synthetic, deterministic demo pictures (no real children): drawn with Pillow, JPEG-encoded."""

from __future__ import annotations

import functools
import io
import random
from dataclasses import dataclass

from PIL import Image, ImageDraw, ImageFont

WIDTH, HEIGHT = 640, 480
THUMBNAIL_SIZE = 160

_PALETTES = (
    ((135, 206, 250), (255, 250, 205)),
    ((255, 183, 77), (255, 236, 179)),
    ((129, 199, 132), (232, 245, 233)),
    ((186, 104, 200), (243, 229, 245)),
    ((77, 182, 172), (224, 242, 241)),
    ((240, 98, 146), (252, 228, 236)),
)
_COLOURS = (
    (229, 57, 53),
    (30, 136, 229),
    (253, 216, 53),
    (67, 160, 71),
    (142, 36, 170),
    (251, 140, 0),
    (0, 172, 193),
    (216, 27, 96),
)


@dataclass(frozen=True)
class Picture:
    theme: str
    jpeg: bytes
    thumbnail: bytes
    width: int
    height: int


def _jpeg(image: Image.Image, quality: int = 82) -> bytes:
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=quality, optimize=True)
    return out.getvalue()


def _thumbnail(image: Image.Image) -> bytes:
    small = image.copy()
    small.thumbnail((THUMBNAIL_SIZE, THUMBNAIL_SIZE), Image.Resampling.LANCZOS)
    return _jpeg(small, quality=78)


def _gradient(top: tuple[int, int, int], bottom: tuple[int, int, int]) -> Image.Image:
    mask = Image.linear_gradient("L").resize((WIDTH, HEIGHT))
    return Image.composite(
        Image.new("RGB", (WIDTH, HEIGHT), bottom), Image.new("RGB", (WIDTH, HEIGHT), top), mask
    )


def draw_picture(theme: str, rng: random.Random) -> Picture:
    """A cheerful scene (sky, grass, sun, balloons, blocks) with the theme written on it."""
    top, bottom = rng.choice(_PALETTES)
    image = _gradient(top, bottom)
    draw = ImageDraw.Draw(image)
    horizon = rng.randint(300, 380)
    draw.rectangle((0, horizon, WIDTH, HEIGHT), fill=(102, 187, 106))
    sun_x, sun_r = rng.randint(60, 580), rng.randint(30, 55)
    draw.ellipse(
        (sun_x - sun_r, 40 - sun_r // 2, sun_x + sun_r, 40 + sun_r * 2 - sun_r // 2),
        fill=(255, 213, 79),
    )
    for _ in range(rng.randint(2, 5)):  # balloons on a string
        x, y, r = rng.randint(40, 600), rng.randint(90, horizon - 120), rng.randint(18, 34)
        draw.line((x, y + r, x + rng.randint(-15, 15), y + r + 90), fill=(80, 80, 80), width=2)
        draw.ellipse((x - r, y - int(r * 1.2), x + r, y + r), fill=rng.choice(_COLOURS))
    x = rng.randint(20, 200)
    for _ in range(rng.randint(3, 6)):  # a row of blocks
        size = rng.randint(36, 64)
        draw.rectangle(
            (x, horizon + 40 - size, x + size, horizon + 40),
            fill=rng.choice(_COLOURS),
            outline=(60, 60, 60),
            width=2,
        )
        x += size + rng.randint(4, 20)
    overlay = Image.new("RGBA", (WIDTH, HEIGHT), (0, 0, 0, 0))
    ImageDraw.Draw(overlay).rectangle((0, HEIGHT - 70, WIDTH, HEIGHT), fill=(0, 0, 0, 120))
    image = Image.alpha_composite(image.convert("RGBA"), overlay).convert("RGB")
    draw = ImageDraw.Draw(image)
    draw.text((24, HEIGHT - 58), theme, font=ImageFont.load_default(size=34), fill="white")
    draw.text(
        (WIDTH - 150, HEIGHT - 30),
        "Ouderlink demo",
        font=ImageFont.load_default(size=14),
        fill=(230, 230, 230),
    )
    return Picture(theme, _jpeg(image), _thumbnail(image), WIDTH, HEIGHT)


@functools.cache
def picture_pool(themes: tuple[str, ...], seed: int = 2026) -> tuple[Picture, ...]:
    """One picture per theme, the same bytes on every run (cached per process)."""
    rng = random.Random(seed)
    return tuple(draw_picture(theme, rng) for theme in themes)


@functools.cache
def avatar(initials: str, colour_index: int) -> Picture:
    """A round coloured avatar with initials, for staff profile photos."""
    size = 256
    image = Image.new("RGB", (size, size), (245, 245, 245))
    draw = ImageDraw.Draw(image)
    draw.ellipse((8, 8, size - 8, size - 8), fill=_COLOURS[colour_index % len(_COLOURS)])
    font = ImageFont.load_default(size=96)
    left, top, right, bottom = draw.textbbox((0, 0), initials, font=font)
    xy = ((size - (right - left)) / 2 - left, (size - (bottom - top)) / 2 - top)
    draw.text(xy, initials, font=font, fill="white")
    return Picture(initials, _jpeg(image), _thumbnail(image), size, size)
