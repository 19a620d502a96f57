"""What a plug-in's ``register`` callbacks build: one named record per kind of contribution.

Each record names the plug-in it came from and says what is wrong with it (``problem``), so
``PluginSet`` can refuse a malformed contribution by the plug-in's name instead of failing
somewhere later with a traceback.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from engine.parameters import TYPES, ParamDef

#: The scopes a computed fact field may belong to.
FACT_SCOPES = ("line", "claim", "institution")


@dataclass(frozen=True)
class RuleFiles:
    """``yibao_rulesets``: a rule file (``.yaml``) or a folder of them."""

    plugin: str
    path: Path

    def __post_init__(self) -> None:
        if isinstance(self.path, str):
            object.__setattr__(self, "path", Path(self.path))

    def problem(self) -> str | None:
        return None if isinstance(self.path, Path) else f"a rule path must be a path: {self.path!r}"


@dataclass(frozen=True)
class ReferenceRows:
    """``yibao_reference_data``: rows of a reference table laid over the workspace's."""

    plugin: str
    table: str
    rows: list[dict]

    def __post_init__(self) -> None:
        if isinstance(self.rows, tuple | Iterator):  # rows given as a tuple or a generator
            object.__setattr__(self, "rows", list(self.rows))

    def problem(self) -> str | None:
        from engine import contract

        if self.table not in contract.BY_NAME or self.table in ("claims", "lines"):
            return f"rows for unknown table {self.table!r}"
        if not isinstance(self.rows, list) or not all(isinstance(r, dict) for r in self.rows):
            return f"the rows of {self.table} must be a list of dicts"
        return None


@dataclass(frozen=True)
class ParameterDefinition:
    """``yibao_parameter_definitions``: a rule parameter's type, range and words."""

    plugin: str
    definition: object  # engine.parameters.ParamDef (or the keywords of one)

    def __post_init__(self) -> None:
        if isinstance(self.definition, dict):
            object.__setattr__(self, "definition", ParamDef(**self.definition))

    def problem(self) -> str | None:
        if isinstance(self.definition, ParamDef) and self.definition.type in TYPES:
            return None
        return f"a parameter definition must be a ParamDef of type {', '.join(TYPES)}"


@dataclass(frozen=True)
class FactField:
    """``yibao_fact_fields``: a field computed in Python that rule conditions may use."""

    plugin: str
    scope: str
    name: str
    func: Callable[[dict], object]
    description: str = ""

    def problem(self) -> str | None:
        if self.scope not in FACT_SCOPES:
            return f"fact field {self.name!r}: scope must be one of {', '.join(FACT_SCOPES)}"
        if not isinstance(self.name, str) or not self.name.isidentifier():
            return f"fact field name must be a plain name: {self.name!r}"
        if not callable(self.func):
            return f"fact field {self.name!r}: its function is not callable"
        return None


@dataclass(frozen=True)
class ImportAdapter:
    """``yibao_import_adapters``: a converter from a local export format to a data package."""

    plugin: str
    name: str
    detect: Callable[[Path], bool]
    convert: Callable[[Path, Path], object]

    def problem(self) -> str | None:
        if not isinstance(self.name, str):
            return f"an import adapter's name must be text: {self.name!r}"
        if not (callable(self.detect) and callable(self.convert)):
            return f"import adapter {self.name!r}: detect and convert must be callable"
        return None


@dataclass(frozen=True)
class ReportSection:
    """``yibao_report_sections``: a sheet of the xlsx report."""

    plugin: str
    title: str
    build: Callable[[object], list[list]]

    def problem(self) -> str | None:
        if not isinstance(self.title, str):
            return f"a report section's title must be text: {self.title!r}"
        if not callable(self.build):
            return f"report section {self.title!r}: its function is not callable"
        return None
