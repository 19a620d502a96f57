"""The interchange contract (spec/interchange.md) as data: tables, columns, labels, types.

Everything that reads or writes a data package (import, export, the demo generator, the
desktop's header-mapping view) takes its column list from here, so there is one copy. The
columns themselves are derived from the workspace tables (``engine.models``), where each
package column is declared once with its label, type and codes (``models.package``); this
module adds what belongs to a file rather than a column: its folder, whether it must be
there, and the key the file must keep unique where the table numbers its rows instead.

The package is data, never formulas: ``yibao export`` puts a ``'`` before a text cell that
starts with ``= + - @``, tab or CR (a plain number such as ``-12.50`` excepted) so that
opening it in a spreadsheet runs nothing; ``--raw`` writes the cells exactly as stored, for a
lossless round trip. The limits on what a package may hold are listed in the README (Limits).
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlmodel import SQLModel

from engine import models
from engine.models import DATE as DATE
from engine.models import DATETIME as DATETIME
from engine.models import DEC as DEC
from engine.models import INT as INT
from engine.models import LIST as LIST
from engine.models import STR as STR


@dataclass(frozen=True)
class Column:
    name: str
    label: str  # Chinese header(s); several are separated by "/"
    type: str
    required: bool = False
    choices: tuple[str, ...] = ()
    code: bool = False  # a code column whose name does not end in _code or _id

    @property
    def labels(self) -> tuple[str, ...]:
        return tuple(part for part in self.label.split("/") if part) + (self.label,)

    @property
    def is_code(self) -> bool:
        """A column of codes, which must stay text: a spreadsheet number in it has lost its
        leading zeros (r2)."""
        return self.type in (STR, LIST) and (self.name.endswith(("_code", "_id")) or self.code)


#: Extra columns that name or identify a person, dropped by a pseudonymised import (r2).
IDENTIFYING_COLUMNS = frozenset(
    {
        "姓名",
        "患者姓名",
        "参保人姓名",
        "身份证号",
        "身份证号码",
        "公民身份号码",
        "证件号码",
        "name",
        "patient_name",
        "id_card",
    }
)


@dataclass(frozen=True)
class Table:
    name: str  # the workspace table and the file stem
    folder: str  # "" for the package root, "reference" for reference data
    columns: tuple[Column, ...]
    key: tuple[str, ...] = ()
    required_file: bool = False
    extra: bool = True  # unknown columns are kept as JSON

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]


#: Columns of a package table's model that are not in the package, and why. Any other
#: column of such a model must be declared with ``models.package`` (checked on import).
WORKSPACE_ONLY = {
    "extra": "the file's unknown columns, kept as JSON",
    "id": "a row number, where the package's key is not the table's primary key",
    "source": "whose DIP catalogue a group is: official (imported) or built from history",
}


def _column(model: type[SQLModel], stored: sa.Column) -> Column | None:
    info = stored.info.get(models.PACKAGE)
    if info is None:
        if stored.name not in WORKSPACE_ONLY:
            raise TypeError(
                f"{model.__name__}.{stored.name}: declare it with models.package(…) or list"
                " it in contract.WORKSPACE_ONLY"
            )
        return None
    kind = INT if isinstance(stored.type, sa.Integer) else STR
    return Column(
        stored.name,
        info["label"],
        info["type"] or kind,
        not stored.nullable,
        info["choices"],
        info["code"],
    )


def package_table(
    model: type[SQLModel],
    folder: str = "reference",
    *,
    key: tuple[str, ...] | None = None,
    required_file: bool = False,
) -> Table:
    """The package table of a workspace model: its package columns in the model's order;
    ``key`` (the columns unique in the file) defaults to the model's primary key."""
    stored: sa.Table = model.__table__  # type: ignore[attr-defined]
    columns = tuple(c for c in (_column(model, s) for s in stored.columns) if c is not None)
    if key is None:
        names = {c.name for c in columns}
        key = tuple(c.name for c in stored.primary_key.columns if c.name in names)
    return Table(stored.name, folder, columns, key, required_file, "extra" in stored.columns)


#: insurance_type: the national codes accepted for the first three types.
INSURANCE_CODES = {"310": "employee", "390": "resident", "510": "maternity"}

CLAIMS = package_table(models.Claim, "", required_file=True)
LINES = package_table(models.Line, "", required_file=True)
INSTITUTIONS = package_table(models.Institution)
# the item catalogue (医保目录), not a DIP Catalogue
ITEM_CATALOGUE = package_table(models.CatalogueItem)
# Tables the workspace numbers by row: the package's key is only checked on import.
PROCUREMENT = package_table(models.Procurement, key=("item_code", "valid_from"))
PROCUREMENT_VOLUMES = package_table(
    models.ProcurementVolume, key=("institution_code", "generic_name", "period_start")
)
ITEM_PAIRS = package_table(models.ItemPair, key=("item_a", "item_b", "kind"))
CODE_LIMITS = package_table(models.CodeLimit, key=())
DIP_GROUPS = package_table(models.DipGroup)
DOCTORS = package_table(models.Doctor)

CASE_TABLES = (CLAIMS, LINES)
REFERENCE_TABLES = (
    INSTITUTIONS,
    ITEM_CATALOGUE,
    PROCUREMENT,
    PROCUREMENT_VOLUMES,
    ITEM_PAIRS,
    CODE_LIMITS,
    DIP_GROUPS,
    DOCTORS,
)
ALL_TABLES = CASE_TABLES + REFERENCE_TABLES
BY_NAME = {t.name: t for t in ALL_TABLES}
DIP_PARAMS_FILE = "dip_params.json"
