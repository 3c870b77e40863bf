"""CSV cells that spreadsheets will not run as formulas (CSV injection), and the mark that makes them read UTF-8."""
from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> Any:
    """Prefix text that a spreadsheet would read as a formula with an apostrophe; numbers pass untouched."""
    if not isinstance(value, str) or not value.startswith(FORMULA_STARTS):
        return value
    try:
        float(value)
    except ValueError:
        return "'" + value
    return value


# Korean Excel and Hancell read a CSV as the legacy code page (CP949) unless it starts with this mark.
BOM = "\ufeff"
