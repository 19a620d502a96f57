"""Cell converters: text of a data package → the value stored in the workspace.

Each converter returns ``None`` for an empty cell and raises ``ValueError`` with a reason a
user understands for anything that cannot be stored.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, datetime

from engine.contract import DATE, DATETIME, DEC, INSURANCE_CODES, INT, LIST, STR, Column
from engine.ingest.problems import CellError, shown
from engine.ingest.readers import NumberCell
from engine.labels import FIELD_KINDS, input_words, label
from engine.money import DecimalFormatError, parse_units

Converter = Callable[[str], object]


def to_str(text: str):
    return text.strip() or None


#: Whole numbers stay under this in magnitude, so they and their sums fit SQLite's integers.
INT_LIMIT = 10**15


def to_int(text: str):
    s = text.strip()
    if not s:
        return None
    if not (s[1:] if s[0] in "+-" else s).isdecimal():
        raise CellError("not_int", text=shown(text))
    value = int(s)
    if abs(value) >= INT_LIMIT:
        raise CellError("out_of_range", limit=f"{INT_LIMIT:,}", text=shown(text))
    return value


def to_dec(text: str):
    s = text.strip()
    if not s:
        return None
    try:
        return parse_units(s)
    except DecimalFormatError as exc:
        raise CellError(exc.code, limit="1,000,000,000,000", text=shown(text)) from None


def to_date(text: str):
    s = text.strip()
    if not s:
        return None
    if len(s) != 10 or s[4] != "-" or s[7] != "-":
        raise CellError("not_date", text=shown(text))
    try:
        date.fromisoformat(s)
    except ValueError:
        raise CellError("bad_date", text=shown(text)) from None
    return s


def to_datetime(text: str):
    s = text.strip()
    if not s:
        return None
    n = len(s)
    if n not in (10, 16, 19) or s[4] != "-" or s[7] != "-" or (n > 10 and s[10] not in " T"):
        raise CellError("not_datetime", text=shown(text))
    try:
        datetime.fromisoformat(s)
    except ValueError:
        raise CellError("bad_datetime", text=shown(text)) from None
    if n == 10:
        return s + " 00:00:00"
    s = s[:10] + " " + s[11:]
    return s + ":00" if n == 16 else s


def to_list(text: str):
    parts = [p.strip() for p in text.replace("；", ";").split(";")]
    parts = [p for p in parts if p]
    return ";".join(parts) or None


_BY_TYPE: dict[str, Converter] = {
    STR: to_str,
    INT: to_int,
    DEC: to_dec,
    DATE: to_date,
    DATETIME: to_datetime,
    LIST: to_list,
}


#: Distinct texts remembered per column; past it the memo starts again (bounds memory on
#: columns such as charge times, where most texts are new).
MEMO_LIMIT = 50_000


class _Memo(dict):
    """A converter's results by cell text. A package repeats the same prices, quantities,
    dates and codes on most of its lines; a dictionary hit costs far less than parsing the
    text again, and equal texts become one object, lighter to hold and to send from a worker
    process. A text that raises is not remembered, so its error is raised every time."""

    def __init__(self, convert: Converter):
        super().__init__()
        self.convert = convert

    def __missing__(self, text: str):
        value = self.convert(text)
        if len(self) >= MEMO_LIMIT:
            self.clear()
        self[text] = value
        return value


def converter_for(
    column: Column, spreadsheet: bool = False, then: Converter | None = None
) -> Converter:
    """The converter of a column, memoized (see ``_Memo``); ``then`` maps each value it
    stores (a pseudonym for a patient id). A code column refuses what a spreadsheet has
    already changed: a code in scientific notation, and in a spreadsheet a number or date
    cell (``NumberCell``): its leading zeros are gone, and guessing them back would store
    wrong codes silently."""
    checked = _checked(column)
    if column.is_code:
        checked = _not_scientific(checked)
    if then is not None:
        checked = _then(checked, then)
    convert = _Memo(checked).__getitem__
    if not (spreadsheet and column.is_code):
        return convert

    def text_only(text: str):
        if isinstance(text, NumberCell):
            raise CellError("code_number", text=shown(text))
        return convert(text)

    return text_only


#: A number as a spreadsheet writes it in scientific notation (3.10100E+12).
_SCIENTIFIC = re.compile(r"[0-9](?:\.[0-9]+)?[eE]\+[0-9]+")


def _not_scientific(convert: Converter) -> Converter:
    """A code in scientific notation comes from a spreadsheet that read it as a number and
    has already lost digits: refused, as a number cell of an .xlsx is."""

    def checked(text: str):
        value = convert(text)
        if value is not None and _SCIENTIFIC.fullmatch(value):
            raise CellError("code_scientific", text=shown(text))
        return value

    return checked


def _then(convert: Converter, then: Converter) -> Converter:
    def both(text: str):
        value = convert(text)
        return None if value is None else then(value)

    return both


def _word_kind(column: Column) -> str | None:
    """The kind of a column's coded values (its words are taken too); any other 0/1 column
    takes 是/否."""
    return FIELD_KINDS.get(column.name) or ("flag" if column.choices == ("0", "1") else None)


def _words(column: Column) -> dict[str, str]:
    kind = _word_kind(column)
    words = input_words(kind) if kind else {}
    if column.name == "insurance_type":
        words |= INSURANCE_CODES
    return words


def _choices_zh(column: Column) -> str:
    """The allowed codes with their Chinese words: 1（男）、2（女）、9（未知）."""
    kind = _word_kind(column) or ""
    parts = []
    for code in column.choices:
        word = label(kind, code)
        parts.append(code if word == code else f"{code}（{word}）")
    return "、".join(parts)


def _list_of_codes(column: Column) -> Converter:
    """A list column of coded values: each word given for a code stored as the code."""
    words = _words(column)

    def listed(text: str):
        value = to_list(text)
        if value is None:
            return None
        return ";".join(words.get(item, item) for item in value.split(";"))

    return listed


def _worded(base: Converter, words: dict[str, str]) -> Converter:
    def worded(text: str):
        s = text.strip()
        return base(words.get(s, s))

    return worded


def _checked(column: Column) -> Converter:
    base = _BY_TYPE[column.type]
    if column.type == LIST and column.name in FIELD_KINDS:
        return _list_of_codes(column)
    words = _words(column)
    if not column.choices:
        return _worded(base, words) if words else base
    allowed = set(column.choices)
    numeric = column.type == INT
    choices, choices_zh = ", ".join(column.choices), _choices_zh(column)

    def checked(text: str):
        s = text.strip()
        value = base(words.get(s, s))
        if value is None:
            return None
        if (str(value) if numeric else value) not in allowed:
            raise CellError(
                "not_choice",
                text=shown(s),
                choices=choices,
                choices_zh=choices_zh,
            )
        return value

    return checked
