"""Factory fixtures: submissions through the real service, and real image bytes."""
import io
import itertools

import pytest
from PIL import ExifTags, Image

from gwangju_civic.extensions import db
from gwangju_civic.intake.services import receive
from gwangju_civic.models import SubmissionKind
from gwangju_civic.submissions.operations import SubmissionDraft

_counter = itertools.count(1)


def image_bytes(fmt: str = "JPEG", size: tuple[int, int] = (64, 48), gps: bool = False) -> bytes:
    """A real image; with gps=True a JPEG carries camera EXIF and a GPS position in Gwangju."""
    image = Image.new("RGB", size, (200, 40, 40))
    buffer = io.BytesIO()
    if gps:
        exif = Image.Exif()
        exif[ExifTags.Base.Make] = "TestCam"
        gps_ifd = exif.get_ifd(ExifTags.IFD.GPSInfo)
        gps_ifd[ExifTags.GPS.GPSLatitudeRef] = "N"
        gps_ifd[ExifTags.GPS.GPSLatitude] = (35.0, 9.0, 36.0)
        gps_ifd[ExifTags.GPS.GPSLongitudeRef] = "E"
        gps_ifd[ExifTags.GPS.GPSLongitude] = (126.0, 51.0, 10.0)
        image.save(buffer, format=fmt, exif=exif)
    else:
        image.save(buffer, format=fmt)
    return buffer.getvalue()


def form_data(**overrides) -> dict:
    """A valid report form submission."""
    data = {
        "kind": "problem",
        "title": "가로등이 꺼졌어요",
        "description": "금남로 4가 버스정류장 앞 가로등이 사흘째 꺼져 있어 밤에 너무 어둡습니다.",
        "address": "광주 동구 금남로 4가",
        "latitude": "",
        "longitude": "",
        "contact_email": "",
        "contact_phone": "",
    }
    data.update(overrides)
    return data


@pytest.fixture
def make_submission(app):
    """Create a stored submission through the intake service, as the form would."""

    def make(**fields):
        fields.setdefault("kind", SubmissionKind.PROBLEM)
        fields.setdefault("title", f"Pothole number {next(_counter)}")
        fields.setdefault("description", "A deep pothole on the right lane near the bus stop.")
        fields.setdefault("address", "Gwangju Seo-gu Sangmu-daero 1")
        with app.test_request_context():
            code = receive(SubmissionDraft(**fields)).tracking_code
            db.session.remove()
            return code

    return make
