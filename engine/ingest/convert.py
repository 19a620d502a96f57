"""Cell converters: text of a data package → the value stored in the workspace.

Each converter returns ``None`` for an empty cell and raises ``ValueError`` with a reason a
user understands for anything that cannot be stored.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime

from engine.contract import DATE, DATETIME, DEC, INSURANCE_CODES, INT, LIST, STR, Column
from engine.money import parse_units

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
        raise ValueError(f"not a whole number: {text!r}")
    value = int(s)
    if abs(value) >= INT_LIMIT:
        raise ValueError(f"out of range (must be under {INT_LIMIT:,} in magnitude): {text!r}")
    return value


def to_dec(text: str):
    s = text.strip()
    if not s:
        return None
    return parse_units(s)


def to_date(text: str):
    s = text.strip()
    if not s:
        return None
    if len(s) != 10 or s[4] != "-" or s[7] != "-":
        raise ValueError(f"not a date YYYY-MM-DD: {text!r}")
    try:
        date.fromisoformat(s)
    except ValueError:
        raise ValueError(f"not a valid date: {text!r}") from None
    return s


def to_datetime(text: str):
    s = text.strip()
    if not s:
        return None
    n = len(s)
    if n not in (10, 16, 19) or s[4] != "-" or s[7] != "-" or (n > 10 and s[10] not in " T"):
        raise ValueError(f"not a date-time YYYY-MM-DD HH:MM[:SS]: {text!r}")
    try:
        datetime.fromisoformat(s)
    except ValueError:
        raise ValueError(f"not a valid date-time: {text!r}") from None
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


def converter_for(column: Column) -> Converter:
    """The converter of a column, memoized (see ``_Memo``)."""
    return _Memo(_checked(column)).__getitem__


def _checked(column: Column) -> Converter:
    base = _BY_TYPE[column.type]
    if not column.choices:
        return base
    allowed = set(column.choices)
    aliases = INSURANCE_CODES if column.name == "insurance_type" else {}
    numeric = column.type == INT

    def checked(text: str):
        value = base(text)
        if value is None:
            return None
        value = aliases.get(value, value)
        if (str(value) if numeric else value) not in allowed:
            raise ValueError(f"{text.strip()!r} is not one of {', '.join(column.choices)}")
        return value

    return checked
