"""CSV injection: what a spreadsheet would run as a formula is made inert, numbers stay numbers."""
import pytest

from gwangju_civic.spreadsheets import safe_cell


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=1+1", "'=1+1"), ("+cmd|' /C calc'!A0", "'+cmd|' /C calc'!A0"), ("@SUM(A1)", "'@SUM(A1)"),
        ("-A1", "'-A1"), ("\tTAB", "'\tTAB"), ("-5", "-5"), ("+82", "+82"), ("-3.25", "-3.25"),
        ("plain text", "plain text"), (42, 42), (None, None), ("", ""),
    ],
)
def test_safe_cell(value, expected):
    assert safe_cell(value) == expected
