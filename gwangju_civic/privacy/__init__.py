"""One masking engine for everything published or donated: personal data found and replaced by placeholders."""
from gwangju_civic.privacy.found import COORDINATE, HIDDEN_NUMBER, PLACEHOLDERS, Masked
from gwangju_civic.privacy.numbers import integer_kind, luhn_valid
from gwangju_civic.privacy.tables import MaskedTable, column_kind, mask_table, mask_value
from gwangju_civic.privacy.text import mask_text, public_text

__all__ = [
    "COORDINATE", "HIDDEN_NUMBER", "PLACEHOLDERS", "Masked", "MaskedTable", "column_kind", "integer_kind",
    "luhn_valid", "mask_table", "mask_text", "mask_value", "public_text",
]
