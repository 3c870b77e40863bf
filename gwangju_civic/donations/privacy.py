"""Donated images: which metadata they carry. The text and table masking is `gwangju_civic.privacy`."""
import io

from PIL import ExifTags, Image, UnidentifiedImageError


def image_metadata(data: bytes) -> list[str]:
    """Which metadata the original image carries (EXIF, GPS); the stored copy is re-encoded without it."""
    try:
        with Image.open(io.BytesIO(data)) as image:
            exif = image.getexif()
            found = []
            if exif:
                found.append("exif")
            if exif.get_ifd(ExifTags.IFD.GPSInfo):
                found.append("gps")
            return found
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        return []
