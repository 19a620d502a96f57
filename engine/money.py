"""Exact decimals: every `dec` value of the contract is stored as an integer of 1/10000 units.

Storing scaled integers keeps sums in SQL exact and fast; values leave the engine as
``Decimal`` (or as a rounded float only inside JSON outputs).
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

SCALE = 10_000
_CENT = Decimal("0.01")
_POINT = Decimal("0.0001")


class DecimalFormatError(ValueError):
    """A text that is not a decimal of at most four places, or is too large to store;
    ``code`` says which (``not_decimal``, ``decimals``, ``out_of_range``) for messages."""

    def __init__(self, message: str, code: str = "not_decimal"):
        super().__init__(message)
        self.code = code


#: Magnitude a stored decimal stays under: a trillion. A sum of many such values still fits
#: SQLite's 64-bit integers, so totals stay exact; anything larger is a broken cell.
LIMIT = 10**12


def parse_units(text: str) -> int:
    """Parse ``"12.5"`` into 125000 units, exactly; reject more than four decimals and
    magnitudes of ``LIMIT`` or more."""
    s = text.strip()
    neg = s.startswith("-")
    if neg or s.startswith("+"):
        s = s[1:]
    whole, dot, frac = s.partition(".")
    if not (whole.isdecimal() or (whole == "" and frac)) or (
        dot and not frac.isdecimal() and frac != ""
    ):
        raise DecimalFormatError(f"not a decimal number: {text!r}")
    if len(frac) > 4:
        frac = frac.rstrip("0")
        if len(frac) > 4:
            raise DecimalFormatError(f"more than 4 decimals: {text!r}", "decimals")
    value = int(whole or "0") * SCALE + (int(frac.ljust(4, "0")) if frac else 0)
    if value >= LIMIT * SCALE:
        raise DecimalFormatError(
            f"out of range (must be under {LIMIT:,} in magnitude): {text!r}", "out_of_range"
        )
    return -value if neg else value


def units_to_decimal(units: int | None) -> Decimal | None:
    if units is None:
        return None
    return Decimal(units).scaleb(-4)


def decimal_to_units(value: Decimal | float | int | str) -> int:
    """``value`` in units, rounded half-up; a ``DecimalFormatError`` for what is not a
    number SQLite can store as an integer."""
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        raise DecimalFormatError(f"not a decimal number: {value!r}") from None
    if not number.is_finite() or abs(number * SCALE) >= 2**63:
        raise DecimalFormatError(f"not a storable amount: {value!r}")
    return int((number * SCALE).to_integral_value(ROUND_HALF_UP))


def units_to_text(units: int | None) -> str:
    """The shortest exact text of a stored value (``125000`` → ``"12.5"``)."""
    if units is None:
        return ""
    d = units_to_decimal(units).normalize()
    text = format(d, "f")
    return text


def round_money(value: Decimal | float | int) -> Decimal:
    return Decimal(str(value)).quantize(_CENT, ROUND_HALF_UP)


def round_points(value: Decimal | float | int) -> Decimal:
    return Decimal(str(value)).quantize(_POINT, ROUND_HALF_UP)


def money_json(value: Decimal | float | int) -> float:
    """Money for a JSON output: rounded half-up to the fen, as a number."""
    return float(round_money(value))


def points_json(value: Decimal | float | int) -> float:
    return float(round_points(value))


def yuan_text(value: Decimal | float | int | None) -> str:
    """Money as every front end shows it: yuan to the fen, half-up, grouped (``1,234.56``)."""
    return "" if value is None else f"{round_money(value):,.2f}"


def units_text(units: int | None) -> str:
    """A stored amount (1/10000 yuan) as ``yuan_text`` shows it."""
    return "" if units is None else yuan_text(units_to_decimal(units))


def points_text(value: Decimal | float | int | None) -> str:
    """DIP points as every front end shows them: four decimals, grouped (``8,800.0000``)."""
    return "" if value is None else f"{round_points(value):,.4f}"
