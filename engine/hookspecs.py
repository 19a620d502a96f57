"""Every plug-in hook of yibao, with its contract. This is the plug-in API.

A plug-in is a module (or package) that sets two attributes and implements any of the
hooks below with ``@hookimpl``::

    PLUGIN_NAME = "example_city"   # unique, also used by --plugin/--no-plugin
    PLUGIN_API = 1                 # the API version this module was written for
    __version__ = "1.0.0"

Hooks that collect several things receive a ``register`` callback (as in simonw/llm), so a
plug-in contributes any number of items from one function. The national baseline is itself
a plug-in (``engine.national``) using exactly these hooks; regional plug-ins are called after
it, so where results are merged a regional value wins.

A hook is called only when marked ``@hookimpl``. One that raises, or returns (or registers)
something of the wrong type, is reported by its plug-in's name (``yibao plugins list``, the
desktop, the run's problems) and left out for the rest of the command; the work goes on
without it. The exceptions are ``yibao_dip_point_value`` and ``yibao_case_factor``: leaving
them out halfway would settle some money with them and some without, so their failure is an
error naming the plug-in. Each ``register`` call becomes a record of
``engine.contributions`` naming the plug-in.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import pluggy

if TYPE_CHECKING:
    from engine.parameters import ParamDef
    from engine.workspace import Workspace

PROJECT = "yibao"
PLUGIN_API = 1

hookspec = pluggy.HookspecMarker(PROJECT)
hookimpl = pluggy.HookimplMarker(PROJECT)


# ----------------------------------------------------------------------------------------
# Rules: rule files, their parameters, and fields computed in Python
# ----------------------------------------------------------------------------------------


@hookspec
def yibao_rulesets(register: Callable[[str | Path], None]) -> None:
    """Contribute rule-set files.

    Call ``register(path)`` with a rule file (``.yaml``) or a folder of them. Rule ids must be
    unique across plug-ins unless a rule declares ``overrides: <rule id>``. Returns nothing.
    """


@hookspec
def yibao_rule_parameters(params: dict[str, object]) -> dict[str, object] | None:
    """Return a dict of rule parameter overrides (``rules_spec.md``'s table), or None.

    ``params`` is the merged dict so far (read-only). Later plug-ins win; a workspace's own
    overrides (set by the user) win over every plug-in.
    """


@hookspec
def yibao_parameter_definitions(register: Callable[[ParamDef], None]) -> None:
    """Define the rule parameters this plug-in adds (or redefine a national one).

    Call ``register(ParamDef(name, type, default, min=…, max=…, label_zh=…, label_en=…,
    help_zh=…, help_en=…))`` (``engine.parameters.ParamDef``; type ``"int"`` or ``"float"``)
    once for each. Every value of the parameter — a plug-in's, the workspace's, one typed in
    the desktop or ``yibao settings`` — must then be of that type and in that range. A
    parameter set through ``yibao_rule_parameters`` without a definition keeps the type of
    its first value.
    """


@hookspec
def yibao_fact_fields(
    register: Callable[[str, str, Callable[[dict], object], str], None],
) -> None:
    """Contribute fields computed in Python that rule conditions may then use.

    Call ``register(scope, name, func, description)``: ``scope`` is ``line``, ``claim`` or
    ``institution``; ``func(fact) -> value`` receives the enriched fact dict (after SQL
    enrichment) and returns a str, int, float or None.
    """


# ----------------------------------------------------------------------------------------
# Reference data laid over the workspace's
# ----------------------------------------------------------------------------------------


@hookspec
def yibao_reference_data(register: Callable[[str, list[dict[str, str]]], None]) -> None:
    """Contribute reference rows that overlay the workspace's own during a run.

    Call ``register(table, rows)`` with a contract table name (``catalogue``,
    ``institutions``, ``procurement``, ``procurement_volumes``, ``item_pairs``,
    ``code_limits``, ``dip_groups``, ``doctors``) and a list of dicts keyed by contract column
    names, values as text as in a CSV cell. Keyed tables (catalogue by item_code, institutions
    by institution_code, dip_groups by group_code, doctors by doctor_id) replace rows with the
    same key; other tables are appended to. Nothing is written to the workspace: disabling the
    plug-in restores it. (The doctors' registry is laid over the workspace's for the ledger.)
    """


# ----------------------------------------------------------------------------------------
# DIP settlement
# ----------------------------------------------------------------------------------------


@hookspec
def yibao_dip_parameters(params: dict[str, object]) -> dict[str, object] | None:
    """Return a dict of DIP parameter overrides (``dip_spec.md``), or None.

    ``params`` is the dict so far (national defaults, then the workspace's dip_params.json).
    Later plug-ins win. Keys must be known DIP parameters.
    """


@hookspec(firstresult=True)
def yibao_dip_point_value(
    total_points: float, budget: float, fund_ratio: float, params: dict[str, object]
) -> float | None:
    """Compute the point value differently (e.g. a fixed or capped value); first non-None wins.

    Receives Σ points of the region's DIP cases, the fund budget, φ and the parameters;
    returns a float, or None to keep the national formula ``(budget / φ) / Σ points``.
    """


@hookspec
def yibao_case_factor(case: dict[str, object]) -> float | None:
    """Multiply one DIP case's points by a factor (auxiliary directories: severity by secondary
    diagnoses, age, death; a TCM bonus), or return None (no change, as 1.0).

    Called once per DIP case of the year, after grouping and any confirmed points effect
    (disallowed cases are not asked). ``case`` is a dict: ``claim_id``, ``institution_code``,
    ``level``, ``kind`` (of the institution), ``group_code``, ``group_type`` (core,
    comprehensive, basic), ``case_type``, ``fund``, ``insurance_type``, ``gender``,
    ``birth_date``, ``admission_date``, ``discharge_date``, ``los``, ``main_diagnosis``,
    ``secondary_diagnoses`` (``;``-joined), ``main_procedure``, ``other_procedures``,
    ``discharge_status``, ``cost`` and ``fund_paid`` (yuan). Return a positive float.
    Factors of several plug-ins multiply; ``dip explain`` shows each with its plug-in.
    Only regions with such a plug-in pay for the per-case call.
    """


# ----------------------------------------------------------------------------------------
# Import and reports
# ----------------------------------------------------------------------------------------


@hookspec
def yibao_import_adapters(
    register: Callable[[str, Callable[[Path], bool], Callable[[Path, Path], object]], None],
) -> None:
    """Contribute converters from a local export format to a contract data package.

    Call ``register(name, detect, convert)``: ``detect(path) -> bool`` says whether the folder
    or file at ``path`` is in this format; ``convert(path, out_dir)`` writes a contract data
    package into ``out_dir``. ``yibao import`` tries adapters when the path is not a package.
    """


@hookspec
def yibao_report_sections(
    register: Callable[[str, Callable[[Workspace], list[list]]], None],
) -> None:
    """Contribute sections to reports.

    Call ``register(title, func)``: ``func(workspace) -> list[list]`` returns a table whose
    first row is the header. Sections are added as sheets to the xlsx report.
    """
