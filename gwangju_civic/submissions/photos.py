"""Photo checks and storage: judged by content, re-encoded without EXIF or GPS, kept under random names."""
import io
import secrets
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageOps, UnidentifiedImageError

FORMATS = {"JPEG": ("image/jpeg", ".jpg"), "PNG": ("image/png", ".png"), "WEBP": ("image/webp", ".webp")}
MAX_PIXELS = 50_000_000
MAX_SIDE = 2560


class PhotoRejected(ValueError):
    """The file is not a photo we accept; the message is shown to the resident."""


@dataclass(frozen=True)
class StoredPhoto:
    filename: str
    content_type: str
    width: int
    height: int
    size_bytes: int


def check_photo(data: bytes) -> str:
    """Return the image format if the bytes are a whole JPEG, PNG or WebP image, else raise PhotoRejected."""
    try:
        with Image.open(io.BytesIO(data)) as image:
            fmt = image.format
            if fmt not in FORMATS:
                raise PhotoRejected(f"unsupported image format {fmt}")
            if image.width * image.height > MAX_PIXELS:
                raise PhotoRejected("image has too many pixels")
            image.verify()
    except PhotoRejected:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError) as error:
        raise PhotoRejected("not a readable image") from error
    return fmt


def strip_and_store(data: bytes, folder: Path) -> StoredPhoto:
    """Re-encode the image (upright, at most MAX_SIDE pixels) so no metadata survives, and save it."""
    fmt = check_photo(data)
    content_type, extension = FORMATS[fmt]
    with Image.open(io.BytesIO(data)) as original:
        image = ImageOps.exif_transpose(original)
        image.thumbnail((MAX_SIDE, MAX_SIDE))
        if fmt == "JPEG" and image.mode not in ("RGB", "L"):
            image = image.convert("RGB")
        buffer = io.BytesIO()
        image.save(buffer, format=fmt, **({"quality": 88} if fmt in ("JPEG", "WEBP") else {}))
    folder.mkdir(parents=True, exist_ok=True)
    filename = secrets.token_urlsafe(18) + extension
    (folder / filename).write_bytes(buffer.getvalue())
    return StoredPhoto(filename, content_type, image.width, image.height, buffer.tell())
