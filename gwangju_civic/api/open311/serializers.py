"""GeoReport v2 answers in both formats: JSON (bare arrays, ids as strings) and XML (one element per field)."""
import json
from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta, timezone
from typing import Any
from xml.etree.ElementTree import Element, SubElement, tostring

from flask import Response

JSON_TYPE = "application/json; charset=utf-8"
XML_TYPE = "text/xml; charset=utf-8"
KOREA = timezone(timedelta(hours=9))
# Characters XML 1.0 cannot carry at all, even escaped: dropped from XML answers (JSON keeps them escaped).
_XML_FORBIDDEN = dict.fromkeys([*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0xFFFE, 0xFFFF])


def w3c(moment: datetime | None) -> str | None:
    """Korea time with its real offset, e.g. 2024-05-01T09:30:00+09:00 (never Korea time labelled Z)."""
    if moment is None:
        return None
    return moment.astimezone(KOREA).isoformat(timespec="seconds")


def respond(fmt: str, data: Any, root: str | None = None, item: str | None = None, status: int = 200) -> Response:
    """`data` is a list of records (root/item name the XML wrapper and each record) or one record (root only)."""
    if fmt == "json":
        body = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
        return Response(body, status=status, content_type=JSON_TYPE)
    assert root is not None
    element = Element(root)
    if isinstance(data, list):
        for record in data:
            _fill(SubElement(element, item or "item"), record)
    else:
        _fill(element, data)
    body = b'<?xml version="1.0" encoding="utf-8"?>\n' + tostring(element, encoding="utf-8", xml_declaration=False)
    return Response(body, status=status, content_type=XML_TYPE)


def errors(fmt: str, status: int, *descriptions: str) -> Response:
    """The spec's error list: [{"code": 400, "description": "…"}] or <errors><error><code/><description/>…"""
    records = [{"code": status, "description": text} for text in descriptions]
    return respond(fmt, records, root="errors", item="error", status=status)


# Containers whose XML children are named after their singular.
_SINGULAR = {"endpoints": "endpoint", "formats": "format", "attributes": "attribute", "values": "value"}


def _fill(element: Element, record: Mapping[str, Any]) -> None:
    for name, value in record.items():
        child = SubElement(element, name)
        _value(child, name, value)


def _value(element: Element, name: str, value: Any) -> None:
    if isinstance(value, Mapping):
        _fill(element, value)
    elif isinstance(value, Sequence) and not isinstance(value, str):
        for entry in value:
            _value(SubElement(element, _SINGULAR.get(name, "item")), name, entry)
    elif value is None:
        return
    elif isinstance(value, bool):
        element.text = "true" if value else "false"
    else:
        element.text = str(value).translate(_XML_FORBIDDEN)
