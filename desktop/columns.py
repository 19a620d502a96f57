"""A table's columns, declared once: each its name (a field of the rows: a query's column, a
dict's key or an object's attribute), its header in the UI's language (``self.tr`` where the
page declares the list, so Qt Linguist translates it with the page's other words) and how its
value reads in a cell. A page declares the list; the headers, the cells and every lookup of a
row's field come from it by name, never by position."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from engine import units_text


def cell_text(value: Any) -> str:
    """A value as a cell shows it when its column has no formatter: nothing for None,
    Decimals (money in yuan) with two decimals, other floats with four at most."""
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return f"{value:,.2f}"
    if isinstance(value, float):
        return f"{value:,.4f}".rstrip("0").rstrip(".")
    return str(value)


def is_number(value: Any) -> bool:
    """A number: right-aligned in its cell, so the digits line up."""
    return isinstance(value, int | float | Decimal) and not isinstance(value, bool)


def yuan(value: Any) -> str:
    """An amount in yuan (a number) with two decimals: 14,737.50, not 14,737.5."""
    return "" if value is None else f"{value:,.2f}"


def four(value: Any) -> str:
    """Points and ratios: four decimals."""
    return "" if value is None else f"{value:,.4f}"


units = units_text  # a stored amount (1/10000 yuan) in yuan


@dataclass(frozen=True)
class Column:
    """One column of a table: its field ``name``, its ``header``, its cell text (``format``
    of the value, else ``cell_text``) and, for a cell made of several fields, ``value``: the
    value from the whole row (as the table holds it: a ``Row``, a dict or an object)."""

    name: str
    header: str
    format: Callable[[Any], str] | None = None
    value: Callable[[Mapping[str, Any]], Any] | None = None

    def get(self, row: Any) -> Any:
        """This column's value in ``row``: a mapping (a key it lacks reads as None: an older
        run without a later field) or an object (a field it lacks is an error, at once)."""
        if self.value is not None:
            return self.value(row)
        if isinstance(row, Mapping):
            return row.get(self.name)
        return getattr(row, self.name)

    def text(self, value: Any) -> str:
        return self.format(value) if self.format is not None else cell_text(value)


def headers(columns: Sequence[Column]) -> list[str]:
    return [c.header for c in columns]


def position(columns: Sequence[Column], name: str) -> int:
    """Where the column ``name`` is shown."""
    for number, column in enumerate(columns):
        if column.name == name:
            return number
    raise KeyError(f"no column named {name!r}")


class Row(Mapping[str, Any]):
    """A row of a query's results by field name (``at``: name → position in ``values``)."""

    __slots__ = ("at", "values")

    def __init__(self, values: Sequence, at: Mapping[str, int]):
        self.values, self.at = values, at

    def __getitem__(self, name: str) -> Any:
        return self.values[self.at[name]]

    def __iter__(self) -> Iterator[str]:
        return iter(self.at)

    def __len__(self) -> int:
        return len(self.at)
