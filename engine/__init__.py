"""yibao's engine: everything a user can do, headless. The CLI and the desktop call this.

The public API is small and stable, importable from ``engine`` itself:

- ``Workspace`` — one audit case in one SQLite file (``Workspace.open(path)``)
- ``import_package`` / ``import_any`` / ``export_package`` — data packages in and out
- ``load_plugins`` / ``PluginSet`` — the plug-ins in use, and what each contributes
- ``run_audit`` — rule sets over a workspace
- ``list_findings`` / ``findings_query`` / ``latest_run`` / ``stored_settlement`` — runs,
  findings and their latest decisions as stored
- ``claims_query`` / ``claim_fields`` — the claims, as the desktop pages through them
- ``decide`` — review decisions (and the log, the audit trail)
- ``settle`` / ``explain_case`` / ``build_catalogue`` — DIP
- ``special`` — special-case review, 特例单议 (``special.status`` / ``special.decide``)
- ``for_workspace`` — the doctors' points and status, per doctor and department
- ``write_report`` — the xlsx and PDF reports

Each name is imported when first used, so ``import engine`` stays cheap for the CLI.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

__version__ = "0.1.0"

#: Public name → the module it lives in.
_HOMES = {
    "Workspace": "engine.workspace",
    "import_package": "engine.ingest",
    "import_any": "engine.ingest",
    "export_package": "engine.ingest",
    "load_plugins": "engine.plugins",
    "PluginSet": "engine.plugins",
    "run_audit": "engine.rules",
    "list_findings": "engine.findings",
    "findings_query": "engine.findings",
    "latest_run": "engine.findings",
    "stored_settlement": "engine.findings",
    "claims_query": "engine.claims",
    "claim_fields": "engine.claims",
    "decide": "engine.review",
    "settle": "engine.dip.settlement",
    "explain_case": "engine.dip.explain",
    "build_catalogue": "engine.dip.catalogue_builder",
    "special": "engine.dip.special",  # a module of its own
    "for_workspace": "engine.accountability",
    "write_report": "engine.reports",
}

__all__ = [
    "PluginSet",
    "Workspace",
    "build_catalogue",
    "claim_fields",
    "claims_query",
    "decide",
    "explain_case",
    "export_package",
    "findings_query",
    "for_workspace",
    "import_any",
    "import_package",
    "latest_run",
    "list_findings",
    "load_plugins",
    "run_audit",
    "settle",
    "special",
    "stored_settlement",
    "write_report",
]

if TYPE_CHECKING:
    from engine.accountability import for_workspace
    from engine.claims import claim_fields, claims_query
    from engine.dip import special
    from engine.dip.catalogue_builder import build_catalogue
    from engine.dip.explain import explain_case
    from engine.dip.settlement import settle
    from engine.findings import findings_query, latest_run, list_findings, stored_settlement
    from engine.ingest import export_package, import_any, import_package
    from engine.plugins import PluginSet, load_plugins
    from engine.reports import write_report
    from engine.review import decide
    from engine.rules import run_audit
    from engine.workspace import Workspace


def __getattr__(name: str):
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'engine' has no attribute {name!r}")
    module = importlib.import_module(home)
    value = module if home.endswith("." + name) else getattr(module, name)
    globals()[name] = value
    return value
