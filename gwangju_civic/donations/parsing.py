"""Reading donated CSV and JSON into one table shape, judged by content, with a clear error for each problem."""
import csv
import io
import json
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from flask_babel import lazy_gettext as _l

from gwangju_civic.models import DonationKind
from gwangju_civic.submissions.photos import PhotoRejected, check_photo

FIELD_TYPES = ("string", "integer", "number", "boolean", "date", "datetime")
TRUE_WORDS = {"true", "yes", "y", "1", "예", "네"}
FALSE_WORDS = {"false", "no", "n", "0", "아니오", "아니요"}
MAX_REPORTED = 10
SIGNATURES = {  # what a file that is not a table starts with, so the donor is told what they sent
    b"%PDF": _l("a PDF document"),
    b"PK\x03\x04": _l("a ZIP archive or an Excel workbook"),
    b"\xd0\xcf\x11\xe0": _l("an old Excel or Word file"),
}


class DonationFileError(ValueError):
    """The upload cannot be used; `messages` are shown to the donor as they are."""

    def __init__(self, *messages) -> None:
        super().__init__(*messages)
        self.messages = list(messages)  # lazy strings, rendered in the language of whoever reads them

    def __str__(self) -> str:
        return "; ".join(str(message) for message in self.messages)


@dataclass
class Table:
    columns: list[str]
    rows: list[list[Any]]


def _not_a_table(data: bytes, expected: str) -> None:
    """Refuse binary files with a message that says what the file really is."""
    for signature, what in SIGNATURES.items():
        if data.startswith(signature):
            raise DonationFileError(_l("This file is %(what)s, not a %(expected)s file.", what=what, expected=expected))
    try:
        check_photo(data)
    except PhotoRejected:
        pass
    else:
        raise DonationFileError(_l("This file is an image, not a %(expected)s file.", expected=expected))
    if b"\x00" in data[:4096]:
        raise DonationFileError(_l("This is not a %(expected)s file: it contains binary data.", expected=expected))


def _decode(data: bytes) -> str:
    """UTF-8 (with or without BOM), else CP949, the encoding of Korean Excel exports."""
    for encoding in ("utf-8-sig", "cp949"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise DonationFileError(_l("The file is not text in UTF-8 or EUC-KR (CP949)."))


def _check_header(header: list[str]) -> list[str]:
    names = [name.strip() for name in header]
    for number, name in enumerate(names, start=1):
        if not name:
            raise DonationFileError(_l("Column %(n)s has no name in the header row.", n=number))
    for name in names:
        if names.count(name) > 1:
            raise DonationFileError(_l("The header names the column “%(name)s” twice.", name=name))
    return names


def read_csv(data: bytes, max_rows: int) -> Table:
    _not_a_table(data, "CSV")
    text = _decode(data)
    if not text.strip():
        raise DonationFileError(_l("The file is empty."))
    stripped = text.lstrip()
    if stripped[:1] in "[{":
        try:
            json.loads(stripped)
        except ValueError:
            pass
        else:
            raise DonationFileError(_l("This file is JSON, not a CSV file."))
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
        delimiter = dialect.delimiter
    except csv.Error:
        delimiter = ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    rows: list[list[Any]] = []
    try:
        header = _check_header(next(reader))
        for values in reader:
            if not any(value.strip() for value in values):
                continue
            if len(values) != len(header):
                raise DonationFileError(_l(
                    "Line %(line)s has %(found)s values but the header has %(expected)s columns.",
                    line=reader.line_num, found=len(values), expected=len(header),
                ))
            rows.append([value.strip() for value in values])
            if len(rows) > max_rows:
                raise DonationFileError(_l("The file has more than %(max)s rows.", max=max_rows))
    except csv.Error:
        raise DonationFileError(
            _l("The CSV file is malformed near line %(line)s (an unclosed quote?).", line=reader.line_num)
        ) from None
    if not rows:
        raise DonationFileError(_l("The file has a header but no rows."))
    return Table(header, rows)


def _flatten(record: dict, prefix: str = "") -> dict[str, Any]:
    """Nested objects become dotted columns; lists are kept as JSON text in one column."""
    flat: dict[str, Any] = {}
    for key, value in record.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            flat.update(_flatten(value, name + "."))
        elif isinstance(value, list):
            flat[name] = json.dumps(value, ensure_ascii=False)
        else:
            flat[name] = value
    return flat


def _records(document: Any) -> list:
    """A list of records, an object holding one such list (e.g. {"records": [...]}), or a single record."""
    if isinstance(document, list):
        return document
    if isinstance(document, dict):
        lists = [value for value in document.values() if isinstance(value, list)]
        if len(lists) == 1 and len(document) == 1:
            return lists[0]
        return [document]
    raise DonationFileError(_l("The JSON must be a list of records (objects with named fields)."))


def read_json(data: bytes, max_rows: int) -> Table:
    _not_a_table(data, "JSON")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise DonationFileError(_l("The file is not UTF-8 text.")) from None
    if not text.strip():
        raise DonationFileError(_l("The file is empty."))
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        raise DonationFileError(_l("The JSON is not valid at line %(line)s, column %(column)s.",
                                   line=error.lineno, column=error.colno)) from None
    records = _records(document)
    if not records:
        raise DonationFileError(_l("The file has no records."))
    if len(records) > max_rows:
        raise DonationFileError(_l("The file has more than %(max)s rows.", max=max_rows))
    flat = []
    for number, record in enumerate(records, start=1):
        if not isinstance(record, dict):
            raise DonationFileError(_l("Item %(n)s is not an object with named fields.", n=number))
        flat.append(_flatten(record))
    columns = list(dict.fromkeys(name for record in flat for name in record))
    return Table(columns, [[record.get(name) for name in columns] for record in flat])


def _convert(value: Any, field_type: str) -> Any:
    """The value in the schema's type; ValueError when it is not one."""
    if field_type == "string":
        return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    if isinstance(value, bool) and field_type != "boolean":
        raise ValueError(value)
    text = str(value).strip()
    if field_type == "integer":
        return value if isinstance(value, int) else int(text)
    if field_type == "number":
        return value if isinstance(value, (int, float)) else float(text)
    if field_type == "boolean":
        if isinstance(value, bool):
            return value
        if text.lower() in TRUE_WORDS | FALSE_WORDS:
            return text.lower() in TRUE_WORDS
        raise ValueError(value)
    if field_type == "date":
        return date.fromisoformat(text).isoformat()
    return datetime.fromisoformat(text).isoformat()


TYPE_NAMES = {"string": _l("text"), "integer": _l("a whole number"), "number": _l("a number"),
              "boolean": _l("yes or no"), "date": _l("a date (YYYY-MM-DD)"),
              "datetime": _l("a date and time (YYYY-MM-DDTHH:MM)")}


def apply_schema(table: Table, schema: list[dict] | None) -> Table:
    """Check the columns against the campaign's schema and convert values; every problem is reported."""
    if not schema:
        return table
    expected = [field["name"] for field in schema]
    missing = [f["name"] for f in schema if f.get("required", True) and f["name"] not in table.columns]
    unexpected = [name for name in table.columns if name not in expected]
    problems: list = []
    if missing:
        problems.append(_l("Columns missing: %(names)s.", names=", ".join(missing)))
    if unexpected:
        problems.append(_l("Columns this campaign does not ask for: %(names)s. Expected: %(expected)s.",
                           names=", ".join(unexpected), expected=", ".join(expected)))
    if problems:
        raise DonationFileError(*problems)
    columns = [name for name in expected if name in table.columns]
    positions = [table.columns.index(name) for name in columns]
    fields = {field["name"]: field for field in schema}
    rows = []
    for number, row in enumerate(table.rows, start=1):
        converted = []
        for name, position in zip(columns, positions, strict=True):
            value, field = row[position], fields[name]
            if value is None or value == "":
                if field.get("required", True):
                    problems.append(_l("Row %(row)s: “%(column)s” is empty.", row=number, column=name))
                converted.append(None)
                continue
            try:
                converted.append(_convert(value, field["type"]))
            except (TypeError, ValueError):
                problems.append(_l("Row %(row)s: “%(column)s” should be %(type)s, not “%(value)s”.", row=number,
                                   column=name, type=TYPE_NAMES[field["type"]], value=str(value)[:40]))
        rows.append(converted)
    if problems:
        more = len(problems) - MAX_REPORTED
        shown = problems[:MAX_REPORTED] + ([_l("…and %(n)s more problems.", n=more)] if more > 0 else [])
        raise DonationFileError(*shown)
    return Table(columns, rows)


def read_table(data: bytes, kind: DonationKind, schema: list[dict] | None, max_rows: int) -> Table:
    """The upload as a table in the campaign's shape, or DonationFileError."""
    reader = read_json if kind == DonationKind.JSON else read_csv
    return apply_schema(reader(data, max_rows), schema)


def sniff_kind(data: bytes) -> DonationKind:
    """Tell an image, a JSON document and a CSV file apart by their bytes (for `flask donations scan`)."""
    try:
        check_photo(data)
        return DonationKind.IMAGES
    except PhotoRejected:
        pass
    try:
        json.loads(data.decode("utf-8-sig"))
        return DonationKind.JSON
    except ValueError:
        return DonationKind.CSV


def parse_schema(text: str) -> list[dict] | None:
    """Admin's schema, one column per line: `name: type` or `name: type, optional`."""
    schema: list[dict] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line:
            continue
        name, colon, rest = line.partition(":")
        parts = [part.strip().lower() for part in rest.split(",")]
        if not colon or not name.strip() or not parts[0]:
            raise ValueError(_l("Line %(n)s: write “name: type”.", n=number))
        if parts[0] not in FIELD_TYPES:
            raise ValueError(_l("Line %(n)s: unknown type “%(type)s”; use %(types)s.", n=number, type=parts[0],
                                types=", ".join(FIELD_TYPES)))
        if any(flag not in ("optional", "required") for flag in parts[1:]):
            raise ValueError(_l("Line %(n)s: after the type, only “optional” may follow.", n=number))
        if any(field["name"] == name.strip() for field in schema):
            raise ValueError(_l("Line %(n)s: the column “%(name)s” is named twice.", n=number, name=name.strip()))
        schema.append({"name": name.strip(), "type": parts[0], "required": "optional" not in parts[1:]})
    return schema or None


def schema_text(schema: list[dict] | None) -> str:
    return "\n".join(
        f"{field['name']}: {field['type']}{'' if field.get('required', True) else ', optional'}"
        for field in schema or []
    )
