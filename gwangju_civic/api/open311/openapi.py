"""OpenAPI 3 description of the JSON side of /open311/v2, served at /open311/v2/openapi.json."""
from typing import Any

from gwangju_civic.api.open311.forms import MAX_DESCRIPTION

NULLABLE_STRING = {"type": ["string", "null"]}
DATETIME = {"type": ["string", "null"], "format": "date-time"}
ERRORS = {"description": "Errors, as the spec lists them", "content": {"application/json": {"schema": {
    "type": "array", "minItems": 1, "items": {"type": "object", "required": ["code", "description"],
                                              "properties": {"code": {"type": "integer"},
                                                             "description": {"type": "string"}}}}}}}
REQUEST = {"type": "object", "required": ["service_request_id", "status", "requested_datetime"], "properties": {
    "service_request_id": {"type": "string"}, "status": {"enum": ["open", "closed"]},
    "status_notes": NULLABLE_STRING, "service_name": NULLABLE_STRING, "service_code": NULLABLE_STRING,
    "description": NULLABLE_STRING, "agency_responsible": NULLABLE_STRING, "service_notice": NULLABLE_STRING,
    "requested_datetime": DATETIME, "updated_datetime": DATETIME, "expected_datetime": DATETIME,
    "address": NULLABLE_STRING, "lat": {"type": ["number", "null"]}, "long": {"type": ["number", "null"]},
    "media_url": NULLABLE_STRING}, "additionalProperties": False}
SERVICE = {"type": "object", "required": ["service_code", "service_name", "metadata", "type"], "properties": {
    "service_code": {"type": "string"}, "service_name": {"type": "string"}, "description": {"type": "string"},
    "metadata": {"type": "boolean"}, "type": {"enum": ["realtime", "batch", "blackbox"]},
    "keywords": {"type": "string"}, "group": {"type": "string"}}}
DEFINITION = {"type": "object", "required": ["service_code", "attributes"], "properties": {
    "service_code": {"type": "string"}, "attributes": {"type": "array", "items": {"type": "object", "required": [
        "variable", "code", "datatype", "required", "order", "description"]}}}}
DISCOVERY = {"type": "object", "required": ["changeset", "contact", "key_service", "endpoints"], "properties": {
    "changeset": {"type": "string"}, "contact": {"type": "string"}, "key_service": {"type": "string"},
    "endpoints": {"type": "array", "items": {"type": "object", "required": [
        "specification", "url", "changeset", "type", "formats"]}}}}
FILED = {"type": "array", "items": {"type": "object", "properties": {
    "service_request_id": NULLABLE_STRING, "service_notice": NULLABLE_STRING, "account_id": NULLABLE_STRING,
    "token": {"type": "string"}}}}
TOKEN = {"type": "array", "items": {"type": "object", "required": ["service_request_id", "token"], "properties": {
    "service_request_id": NULLABLE_STRING, "token": {"type": "string"}}}}


def _ok(schema: dict[str, Any], description: str = "OK") -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _query(name: str, description: str, schema: dict[str, Any] | None = None) -> dict[str, Any]:
    return {"name": name, "in": "query", "required": False, "description": description,
            "schema": schema or {"type": "string"}}


def _path(name: str) -> dict[str, Any]:
    return {"name": name, "in": "path", "required": True, "schema": {"type": "string", "minLength": 1,
                                                                       "maxLength": 40, "pattern": "^[^/.]+$"}}


LOCALE = _query("locale", "ko, en or fr: names in that language", {"enum": ["ko", "en", "fr"]})
COMMON_ERRORS = {"429": ERRORS, "503": ERRORS}


def document(server_url: str) -> dict[str, Any]:
    """The document; `server_url` is where the endpoint is served (PUBLIC_URL + /open311/v2)."""
    post_fields: dict[str, dict[str, Any]] = {name: {"type": "string"} for name in (
        "api_key", "service_code", "address_string", "address_id", "email", "first_name", "last_name", "phone",
        "device_id", "account_id", "media_url", "jurisdiction_id")}
    post_fields.update({"lat": {"type": "number", "minimum": -90, "maximum": 90},
                        "long": {"type": "number", "minimum": -180, "maximum": 180},
                        "description": {"type": "string", "maxLength": MAX_DESCRIPTION},
                        "attribute[kind]": {"enum": ["problem", "idea"]}})
    return {
        "openapi": "3.1.0",
        "info": {"title": "Gwangju Civic Open311 GeoReport v2", "version": "2",
                 "description": "GeoReport v2 (http://wiki.open311.org/GeoReport_v2); XML at the same paths "
                                "ending in .xml. Answers never carry contact data or tracking codes."},
        "servers": [{"url": server_url}],
        "paths": {
            "/discovery.json": {"get": {"operationId": "discovery", "responses": {
                "200": _ok(DISCOVERY), **COMMON_ERRORS}}},
            "/services.json": {"get": {"operationId": "services", "parameters": [LOCALE], "responses": {
                "200": _ok({"type": "array", "items": SERVICE}), **COMMON_ERRORS}}},
            "/services/{service_code}.json": {"get": {
                "operationId": "serviceDefinition", "parameters": [_path("service_code"), LOCALE],
                "responses": {"200": _ok(DEFINITION), "404": ERRORS, **COMMON_ERRORS}}},
            "/requests.json": {
                "get": {"operationId": "listRequests", "parameters": [
                    _query("service_request_id", "comma-separated ids; overrides every other filter"),
                    _query("service_code", "comma-separated service codes"),
                    _query("start_date", "W3C date-time with offset"),
                    _query("end_date", "W3C date-time with offset"),
                    _query("status", "open, closed or both (comma-separated)"), LOCALE],
                    "responses": {"200": _ok({"type": "array", "maxItems": 1000, "items": REQUEST}),
                                  "400": ERRORS, **COMMON_ERRORS}},
                "post": {"operationId": "createRequest", "requestBody": {"required": True, "content": {
                    "application/x-www-form-urlencoded": {"schema": {
                        "type": "object", "required": ["api_key", "service_code"], "properties": post_fields}}}},
                    "responses": {"201": _ok(FILED, "Filed"), "202": _ok(FILED, "Spooled: resolve the token later"),
                                  "400": ERRORS, "403": ERRORS, "404": ERRORS, **COMMON_ERRORS}}},
            "/requests/{service_request_id}.json": {"get": {
                "operationId": "showRequest", "parameters": [_path("service_request_id"), LOCALE],
                "responses": {"200": _ok({"type": "array", "maxItems": 1, "items": REQUEST}), "404": ERRORS,
                              **COMMON_ERRORS}}},
            "/tokens/{token}.json": {"get": {
                "operationId": "resolveToken", "parameters": [_path("token")],
                "responses": {"200": _ok(TOKEN), "404": ERRORS, **COMMON_ERRORS}}},
        },
    }
