"""A campaign's column schema: the admin's text form of it, and donated tables checked and converted against it."""
import json
import math
from datetime import date, datetime
from typing import Any

from flask_babel import lazy_gettext as _l

from gwangju_civic import json_input
from gwangju_civic.donations.tables import DonationFileError, Limits, Table

FIELD_TYPES = ("string", "integer", "number", "boolean", "date", "datetime")
TRUE_WORDS = {"true", "yes", "y", "1", "예", "네"}
FALSE_WORDS = {"false", "no", "n", "0", "아니오", "아니요"}
MAX_REPORTED = 10
MAX_NUMBER_CHARS = json_input.MAX_NUMBER_CHARS


def _convert(value: Any, field_type: str) -> Any:
    """The value in the schema's type; ValueError when it is not one."""
    if field_type == "string":
        return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    if isinstance(value, bool) and field_type != "boolean":
        raise ValueError(value)
    text = str(value).strip()
    if field_type in ("integer", "number") and len(text) > MAX_NUMBER_CHARS:
        raise ValueError(value)
    if field_type == "integer":
        return value if isinstance(value, int) else int(text)
    if field_type == "number":
        number = value if isinstance(value, (int, float)) else float(text)
        if not math.isfinite(number):  # "NaN" and "inf" read as floats, and JSON has no way to write them
            raise ValueError(value)
        return number
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


def apply_schema(table: Table, schema: list[dict] | None, limits: Limits | None = None) -> Table:
    """Check the columns against the campaign's schema and convert values; every problem is reported.

    Columns the campaign does not ask for are left out (listed in `dropped`, never kept), not refused."""
    if not schema:
        return table
    expected = [field["name"] for field in schema]
    given, asked = set(table.columns), set(expected)
    missing = [f["name"] for f in schema if f.get("required", True) and f["name"] not in given]
    unexpected = [name for name in table.columns if name not in asked]
    problems: list = []
    if missing:
        problems.append(_l("Columns missing: %(names)s.", names=", ".join(missing)))
    if missing and unexpected:  # a renamed column, most likely: say which names the campaign expects
        problems.append(_l("Columns this campaign does not ask for: %(names)s. Expected: %(expected)s.",
                           names=", ".join(unexpected), expected=", ".join(expected)))
    if problems:
        raise DonationFileError(*problems)
    position_of = {name: position for position, name in enumerate(table.columns)}
    columns = [name for name in expected if name in given]
    positions = [position_of[name] for name in columns]
    fields = {field["name"]: field for field in schema}
    rows = []
    for number, row in enumerate(table.rows, start=1):
        if limits is not None:
            limits.check_time()
        converted: list[Any] = []
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
    return Table(columns, rows, dropped=unexpected)


def parse_schema(text: str, max_columns: int | None = None) -> list[dict] | None:
    """Admin's schema, one column per line: `name: type` or `name: type, optional`."""
    schema: list[dict] = []
    names: set[str] = set()
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
        if name.strip() in names:
            raise ValueError(_l("Line %(n)s: the column “%(name)s” is named twice.", n=number, name=name.strip()))
        if max_columns is not None and len(names) >= max_columns:
            raise ValueError(_l("At most %(max)s columns.", max=max_columns))
        names.add(name.strip())
        schema.append({"name": name.strip(), "type": parts[0], "required": "optional" not in parts[1:]})
    return schema or None


def schema_text(schema: list[dict] | None) -> str:
    return "\n".join(
        f"{field['name']}: {field['type']}{'' if field.get('required', True) else ', optional'}"
        for field in schema or []
    )
