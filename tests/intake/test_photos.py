"""Photo uploads: checked by content, stripped of EXIF and GPS, stored under random names, size-limited."""
import io
import re
import struct
import zlib
from pathlib import Path

import pytest
from PIL import ExifTags, Image
from sqlalchemy import func, select

from gwangju_civic.extensions import db
from gwangju_civic.models import Photo, Submission
from gwangju_civic.submissions import photos
from tests.factories import form_data, image_bytes

ELF_EXECUTABLE = b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 8 + b"\x02\x00\x3e\x00" + b"\x00" * 200


def upload(client, *files: tuple[bytes, str], **overrides):
    client.set_cookie("lang", "en")
    data = form_data(**overrides)
    data["photos"] = [(io.BytesIO(content), name) for content, name in files]
    return client.post("/report", data=data, content_type="multipart/form-data")


def stored_photos(app) -> list[Photo]:
    with app.app_context():
        return list(db.session.scalars(select(Photo).order_by(Photo.id)))


def test_gps_exif_is_stripped_from_a_jpeg(client, app):
    original = image_bytes(gps=True)
    assert Image.open(io.BytesIO(original)).getexif().get_ifd(0x8825)  # the test photo really has GPS
    response = upload(client, (original, "IMG_0001.JPG"))
    assert response.status_code == 302
    [photo] = stored_photos(app)
    path = Path(app.config["UPLOAD_FOLDER"]) / photo.filename
    stored = path.read_bytes()
    assert b"Exif" not in stored and b"TestCam" not in stored
    with Image.open(path) as image:
        assert image.format == "JPEG"
        assert len(image.getexif()) == 0
    assert photo.content_type == "image/jpeg" and (photo.width, photo.height) == (64, 48)
    assert "IMG_0001" not in photo.filename and re.fullmatch(r"[\w-]{24}\.jpg", photo.filename)


@pytest.mark.parametrize(("fmt", "content_type"), [("PNG", "image/png"), ("WEBP", "image/webp")])
def test_png_and_webp_are_accepted(client, app, fmt, content_type):
    assert upload(client, (image_bytes(fmt), f"photo.{fmt.lower()}")).status_code == 302
    assert [photo.content_type for photo in stored_photos(app)] == [content_type]


def test_up_to_three_photos_are_kept_in_order_and_served(client, app):
    files = [(image_bytes(size=(10 * n, 10)), f"{n}.jpg") for n in (1, 2, 3)]
    response = upload(client, *files)
    assert response.status_code == 302
    photos = stored_photos(app)
    assert [photo.width for photo in photos] == [10, 20, 30]
    with client.get(f"/photos/{photos[0].filename}") as served:
        assert served.status_code == 200 and served.mimetype == "image/jpeg"


def test_a_fourth_photo_is_refused(client, app):
    response = upload(client, *[(image_bytes(), f"{n}.jpg") for n in range(4)])
    assert response.status_code == 400
    assert "You can attach at most 3 photos." in response.text
    assert stored_photos(app) == []


def test_a_renamed_executable_is_refused_with_a_form_error(client, app):
    response = upload(client, (ELF_EXECUTABLE, "photo.jpg"))
    assert response.status_code == 400
    assert "photo.jpg is not a JPEG, PNG or WebP photo." in response.text
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Submission)) == 0


def test_a_gif_is_refused_even_though_it_is_an_image(client):
    gif = io.BytesIO()
    Image.new("RGB", (8, 8)).save(gif, format="GIF")
    response = upload(client, (gif.getvalue(), "anim.gif"))
    assert response.status_code == 400
    assert "anim.gif is not a JPEG, PNG or WebP photo." in response.text


@pytest.mark.app_config(MAX_PHOTO_BYTES=20_000, MAX_CONTENT_LENGTH=200_000)
def test_a_photo_over_the_per_photo_limit_gets_a_form_error(client):
    big = image_bytes("PNG", size=(400, 400)) + b"\x00" * 30_000
    response = upload(client, (big, "big.png"))
    assert response.status_code == 400
    assert "big.png is larger than" in response.text


@pytest.mark.app_config(MAX_CONTENT_LENGTH=100_000)
def test_an_oversized_upload_gets_the_413_page(client, app):
    response = upload(client, (b"\xff\xd8\xff" + b"\x00" * 150_000, "huge.jpg"))
    assert response.status_code == 413
    assert "The upload is too large." in response.text
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Submission)) == 0


def png_of_zeros(width: int, height: int) -> bytes:
    """A valid, fully transparent RGBA PNG: tiny as a file, width × height × 4 bytes once decoded."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    compressor, row = zlib.compressobj(9), bytes(1 + width * 4)
    idat = b"".join(compressor.compress(row) for _ in range(height)) + compressor.flush()
    header = struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


def test_a_7000_by_7000_png_is_refused_before_it_is_decoded(client, app):
    """Three of these cost +650 MB and 24 s per worker under the old 50-megapixel cap."""
    big = png_of_zeros(7000, 7000)
    assert len(big) < 300_000
    response = upload(client, (big, "big.png"))
    assert response.status_code == 400
    assert "big.png is 7000 × 7000 pixels; images may have at most 25 megapixels." in response.text
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Submission)) == 0


@pytest.mark.app_config(MAX_PHOTO_PIXELS=10_000)
def test_the_pixel_cap_is_configured(client):
    assert upload(client, (image_bytes("PNG", size=(100, 100)), "ok.png")).status_code == 302
    response = upload(client, (image_bytes("PNG", size=(101, 100)), "wide.png"))
    assert response.status_code == 400
    assert "wide.png is 101 × 100 pixels; images may have at most 0.01 megapixels." in response.text


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP"])
def test_a_large_rotated_photo_is_stored_upright_within_the_stored_size_and_without_metadata(client, app, fmt):
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "TestCam"
    exif[ExifTags.Base.Orientation] = 6  # the camera was turned: show it rotated a quarter turn
    original = io.BytesIO()
    Image.new("RGB", (3000, 1000), (200, 40, 40)).save(original, format=fmt, exif=exif)
    assert upload(client, (original.getvalue(), f"turned.{fmt.lower()}")).status_code == 302
    [photo] = stored_photos(app)
    assert (photo.width, photo.height) == (853, photos.MAX_SIDE)
    stored = (Path(app.config["UPLOAD_FOLDER"]) / photo.filename).read_bytes()
    with Image.open(io.BytesIO(stored)) as image:
        assert image.size == (853, photos.MAX_SIDE) and len(image.getexif()) == 0
    assert b"TestCam" not in stored


@pytest.mark.app_config(PHOTO_CONCURRENCY=1)
def test_image_work_is_bounded_per_process(app):
    with app.app_context():
        slots = photos._slots()
        assert slots is photos._slots()  # one bound for every request of this app
        assert slots.acquire(blocking=False)  # a photo being decoded...
        assert not slots.acquire(blocking=False)  # ...makes the next one wait its turn
        slots.release()
