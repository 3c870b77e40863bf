"""JSON from outside (donated files): the standard parser, with hooks that refuse what would break us later."""
import json
import math
import re
from typing import Any

from flask_babel import lazy_gettext as _l

MAX_DEPTH = 32  # nesting of arrays and objects; real records are a few levels deep
MAX_NUMBER_CHARS = 40  # a 16-digit card number or a 13-digit RRN fits; 5,000 digits do not
LONE_SURROGATE = re.compile("[\ud800-\udfff]")


class UnsafeJson(ValueError):
    """Valid JSON we refuse to keep; `message` is shown to the person who sent it."""

    def __init__(self, message: Any) -> None:
        super().__init__(message)
        self.message = message  # a lazy string, rendered in the reader's language


def _refuse_constant(name: str) -> Any:
    raise UnsafeJson(_l("The JSON contains %(value)s, which is not a number JSON allows.", value=name))


def _number_text(text: str) -> str:
    if len(text) > MAX_NUMBER_CHARS:
        raise UnsafeJson(_l("The JSON contains a number with more than %(n)s digits.", n=MAX_NUMBER_CHARS))
    return text


def _float(text: str) -> float:
    value = float(_number_text(text))
    if not math.isfinite(value):  # 1e999 reads as infinity
        raise UnsafeJson(_l("The JSON contains %(value)s, which is not a number JSON allows.", value=text))
    return value


def _check_values(document: Any) -> None:
    """Walk the document without recursion: refuse deep nesting and text that cannot be written as UTF-8."""
    stack: list[tuple[Any, int]] = [(document, 0)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, str):
            texts: list[Any] = [value]
        elif isinstance(value, (dict, list)):
            if depth >= MAX_DEPTH:
                raise UnsafeJson(_l("The JSON is nested more than %(n)s levels deep.", n=MAX_DEPTH))
            texts = list(value) if isinstance(value, dict) else []
            stack.extend((item, depth + 1) for item in (value.values() if isinstance(value, dict) else value))
        else:
            continue
        if any(not text.isascii() and LONE_SURROGATE.search(text) for text in texts):
            raise UnsafeJson(_l("The JSON contains an escaped character that is not valid Unicode text."))


def loads(text: str) -> Any:
    """Parse JSON text; JSONDecodeError when it is not JSON, UnsafeJson when it is JSON we will not keep.

    Refused: NaN and Infinity (the export would not be valid JSON), numbers too long for Python's int limit or
    for anyone's use, nesting deeper than MAX_DEPTH (RecursionError otherwise), and lone surrogates (they cannot
    be written as UTF-8).
    """
    try:
        document = json.loads(text, parse_constant=_refuse_constant, parse_float=_float,
                               parse_int=lambda digits: int(_number_text(digits)))
    except RecursionError:
        raise UnsafeJson(_l("The JSON is nested more than %(n)s levels deep.", n=MAX_DEPTH)) from None
    _check_values(document)
    return document


def dumps(document: Any, **options: Any) -> str:
    """JSON text that every reader accepts: NaN or Infinity raise ValueError instead of being written."""
    return json.dumps(document, ensure_ascii=False, allow_nan=False, **options)
