"""Reading donated CSV and JSON into one table shape, judged by content, with a clear error for each problem."""
import csv
import io
import json
from collections import Counter
from typing import Any

from flask_babel import lazy_gettext as _l

from gwangju_civic import json_input
from gwangju_civic.donations.schema import apply_schema
from gwangju_civic.donations.tables import DonationFileError, Limits, Table
from gwangju_civic.models import DonationKind
from gwangju_civic.submissions.photos import PhotoRejected, PhotoTooLarge, check_photo

SIGNATURES = {  # what a file that is not a table starts with, so the donor is told what they sent
    b"%PDF": _l("a PDF document"),
    b"PK\x03\x04": _l("a ZIP archive or an Excel workbook"),
    b"\xd0\xcf\x11\xe0": _l("an old Excel or Word file"),
}


def _not_a_table(data: bytes, expected: str) -> None:
    """Refuse binary files with a message that says what the file really is."""
    for signature, what in SIGNATURES.items():
        if data.startswith(signature):
            raise DonationFileError(_l("This file is %(what)s, not a %(expected)s file.", what=what, expected=expected))
    try:
        check_photo(data)
    except PhotoTooLarge:
        is_image = True
    except PhotoRejected:
        is_image = False
    else:
        is_image = True
    if is_image:
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


def _check_header(header: list[str], limits: Limits) -> list[str]:
    """Every column named, and named once; one pass over the header, so a huge header costs little."""
    limits.check_columns(len(header))
    names = [name.strip() for name in header]
    for number, name in enumerate(names, start=1):
        if not name:
            raise DonationFileError(_l("Column %(n)s has no name in the header row.", n=number))
    counts = Counter(names)
    for name in names:
        if counts[name] > 1:
            raise DonationFileError(_l("The header names the column “%(name)s” twice.", name=name))
    return names


def _is_json(text: str) -> bool:
    try:
        json_input.loads(text)
    except json_input.UnsafeJson:
        return True
    except ValueError:
        return False
    return True


def read_csv(data: bytes, limits: Limits) -> Table:
    _not_a_table(data, "CSV")
    text = _decode(data)
    if not text.strip():
        raise DonationFileError(_l("The file is empty."))
    stripped = text.lstrip()
    if stripped[:1] in "[{" and _is_json(stripped):
        raise DonationFileError(_l("This file is JSON, not a CSV file."))
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
        delimiter = dialect.delimiter
    except csv.Error:
        delimiter = ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    rows: list[list[Any]] = []
    try:
        header = _check_header(next(reader), limits)
        for values in reader:
            limits.check_time()
            if not any(value.strip() for value in values):
                continue
            if len(values) != len(header):
                raise DonationFileError(_l(
                    "Line %(line)s has %(found)s values but the header has %(expected)s columns.",
                    line=reader.line_num, found=len(values), expected=len(header),
                ))
            rows.append([value.strip() for value in values])
            if len(rows) > limits.max_rows:
                raise DonationFileError(_l("The file has more than %(max)s rows.", max=limits.max_rows))
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


def read_json(data: bytes, limits: Limits) -> Table:
    _not_a_table(data, "JSON")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise DonationFileError(_l("The file is not UTF-8 text.")) from None
    if not text.strip():
        raise DonationFileError(_l("The file is empty."))
    try:
        document = json_input.loads(text)
    except json.JSONDecodeError as error:
        raise DonationFileError(_l("The JSON is not valid at line %(line)s, column %(column)s.",
                                   line=error.lineno, column=error.colno)) from None
    except json_input.UnsafeJson as error:
        raise DonationFileError(error.message) from None
    records = _records(document)
    if not records:
        raise DonationFileError(_l("The file has no records."))
    if len(records) > limits.max_rows:
        raise DonationFileError(_l("The file has more than %(max)s rows.", max=limits.max_rows))
    flat = []
    columns: dict[str, None] = {}
    for number, record in enumerate(records, start=1):
        limits.check_time()
        if not isinstance(record, dict):
            raise DonationFileError(_l("Item %(n)s is not an object with named fields.", n=number))
        limits.check_columns(len(record))
        flat.append(_flatten(record))
        columns.update(dict.fromkeys(flat[-1]))
        limits.check_columns(len(columns))
    return Table(list(columns), [[record.get(name) for name in columns] for record in flat])


def read_table(data: bytes, kind: DonationKind, schema: list[dict] | None, limits: Limits) -> Table:
    """The upload as a table in the campaign's shape, or DonationFileError."""
    reader = read_json if kind == DonationKind.JSON else read_csv
    return apply_schema(reader(data, limits), schema, limits)


def sniff_kind(data: bytes) -> DonationKind:
    """Tell an image, a JSON document and a CSV file apart by their bytes (for `flask donations scan`)."""
    try:
        check_photo(data)
        return DonationKind.IMAGES
    except PhotoTooLarge:
        return DonationKind.IMAGES
    except PhotoRejected:
        pass
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return DonationKind.CSV
    return DonationKind.JSON if _is_json(text) else DonationKind.CSV
