"""Photo checks and storage: judged by content, re-encoded without EXIF or GPS, kept under random names.

Report photos and donated images both go through here. Decoding is what costs memory (width × height × 4 bytes
for RGBA), so images are capped at MAX_PHOTO_PIXELS, shrunk while decoding where the format allows it (JPEG
draft mode), and at most PHOTO_CONCURRENCY of them are decoded at once in a process.
"""
import io
import secrets
import threading
from dataclasses import dataclass
from pathlib import Path

from flask import current_app, has_app_context
from flask_babel import lazy_gettext as _l
from flask_babel.speaklater import LazyString
from PIL import Image, ImageOps, UnidentifiedImageError

FORMATS = {"JPEG": ("image/jpeg", ".jpg"), "PNG": ("image/png", ".png"), "WEBP": ("image/webp", ".webp")}
MAX_PIXELS = 25_000_000  # default of MAX_PHOTO_PIXELS: a 24-megapixel camera's photo fits
CONCURRENCY = 1  # default of PHOTO_CONCURRENCY: one image in memory at a time per process
MAX_SIDE = 2560
_DEFAULT_SLOTS = threading.BoundedSemaphore(CONCURRENCY)


class PhotoRejected(ValueError):
    """The file is not a photo we accept; the message is shown to the resident."""


class PhotoTooLarge(PhotoRejected):
    """A real image, but with more pixels than MAX_PHOTO_PIXELS: decoding it would cost too much memory."""

    def __init__(self, width: int, height: int, max_pixels: int) -> None:
        super().__init__(f"image has too many pixels ({width}x{height}, at most {max_pixels})")
        self.width, self.height, self.max_pixels = width, height, max_pixels

    def message(self, name: str) -> LazyString:
        """The form error for the file called `name` (a lazy string, rendered in the reader's language)."""
        return _l("%(name)s is %(width)s × %(height)s pixels; images may have at most %(megapixels)s megapixels.",
                  name=name, width=self.width, height=self.height, megapixels=f"{self.max_pixels / 1e6:g}")


@dataclass(frozen=True)
class StoredPhoto:
    filename: str
    content_type: str
    width: int
    height: int
    size_bytes: int


def max_pixels() -> int:
    return current_app.config.get("MAX_PHOTO_PIXELS", MAX_PIXELS) if has_app_context() else MAX_PIXELS


def _slots() -> threading.BoundedSemaphore:
    """The per-process bound on images being decoded at once (one per app, so tests can configure it)."""
    if not has_app_context():
        return _DEFAULT_SLOTS
    size = current_app.config.get("PHOTO_CONCURRENCY", CONCURRENCY)
    return current_app.extensions.setdefault("photo_slots", threading.BoundedSemaphore(size))


def check_photo(data: bytes) -> str:
    """Return the image format if the bytes are a whole JPEG, PNG or WebP image, else raise PhotoRejected.

    Only the header is decoded, so an image with too many pixels is refused before it costs any memory.
    """
    limit = max_pixels()
    try:
        with Image.open(io.BytesIO(data), formats=list(FORMATS)) as image:
            fmt = image.format
            if fmt not in FORMATS:
                raise PhotoRejected(f"unsupported image format {fmt}")
            if image.width * image.height > limit:
                raise PhotoTooLarge(image.width, image.height, limit)
            image.verify()
    except PhotoRejected:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError) as error:
        raise PhotoRejected("not a readable image") from error
    return fmt


def _shrink(image: Image.Image) -> None:
    """At most MAX_SIDE on each side and upright, in place, never holding a full-size copy.

    JPEG is decoded straight at 1/2, 1/4 or 1/8 scale (draft) but never below the stored size; thumbnail() then
    reduces and resamples. thumbnail's own draft() aims at the square bound, so it would miss most photos.
    """
    scale = min(1.0, MAX_SIDE / max(image.size))
    image.draft(None, (max(1, int(image.width * scale)), max(1, int(image.height * scale))))
    image.thumbnail((MAX_SIDE, MAX_SIDE))
    ImageOps.exif_transpose(image, in_place=True)  # on the small image; the bound is square, so order is free


def strip_and_store(data: bytes, folder: Path) -> StoredPhoto:
    """Re-encode the image (upright, at most MAX_SIDE pixels) so no metadata survives, and save it."""
    fmt = check_photo(data)
    content_type, extension = FORMATS[fmt]
    buffer = io.BytesIO()
    with _slots(), Image.open(io.BytesIO(data), formats=[fmt]) as image:
        _shrink(image)
        kept = image.convert("RGB") if fmt == "JPEG" and image.mode not in ("RGB", "L") else image
        kept.save(buffer, format=fmt, **({"quality": 88} if fmt in ("JPEG", "WEBP") else {}))
        width, height = kept.size
    folder.mkdir(parents=True, exist_ok=True)
    filename = secrets.token_urlsafe(18) + extension
    (folder / filename).write_bytes(buffer.getvalue())
    return StoredPhoto(filename, content_type, width, height, buffer.tell())
