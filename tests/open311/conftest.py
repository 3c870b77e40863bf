"""Open311 fixtures: an API key made by the real operation, and helpers to read both formats."""
import json
import xml.etree.ElementTree as ET

import pytest

from gwangju_civic.api.open311.operations import create_key
from gwangju_civic.extensions import db

# A point in Seo-gu (near Gwangju City Hall) and one in Seoul.
INSIDE = {"lat": "35.1595", "long": "126.8526"}
SEOUL = {"lat": "37.5665", "long": "126.9780"}


@pytest.fixture
def api_key(app) -> str:
    with app.app_context():
        _row, key = create_key("Test app")
        db.session.commit()
    return key


def as_json(response):
    assert response.content_type == "application/json; charset=utf-8", response.content_type
    return json.loads(response.get_data(as_text=True))


def as_xml(response) -> ET.Element:
    assert response.content_type == "text/xml; charset=utf-8", response.content_type
    body = response.get_data()
    assert body.startswith(b'<?xml version="1.0" encoding="utf-8"?>')
    return ET.fromstring(body)


def children(element: ET.Element) -> list[str]:
    return [child.tag for child in element]


def post(client, key: str | None, fmt: str = "json", **fields):
    data = {"service_code": "pothole", "description": "A deep pothole in front of the bus stop.", **INSIDE}
    if key is not None:
        data["api_key"] = key
    data.update(fields)
    return client.post(f"/open311/v2/requests.{fmt}", data={k: v for k, v in data.items() if v is not None})


@pytest.fixture
def outage_app(tmp_path):
    """The same application and spool folder, but its database server cannot be reached."""
    from gwangju_civic import create_app
    from tests.conftest import make_config
    from tests.intake.conftest import UNREACHABLE_DATABASE

    app = create_app(make_config(tmp_path, SQLALCHEMY_DATABASE_URI=UNREACHABLE_DATABASE))
    yield app
    with app.app_context():
        db.engine.dispose()
