"""yibao's engine: everything a user can do, headless. The CLI and the desktop call this.

The public API is small and stable:

- ``Workspace.open(path)`` — one audit case in one SQLite file (``engine.workspace``)
- ``import_package`` / ``export_package`` — data packages in and out (``engine.ingest``)
- ``run_audit`` — rule sets over a workspace (``engine.rules``)
- ``list_findings`` / ``findings_query`` / ``latest_run`` / ``stored_settlement`` — runs,
  findings and their latest decisions as stored (``engine.findings``)
- ``settle`` / ``explain_case`` / ``build_catalogue`` — DIP (``engine.dip``)
- ``special.status`` / ``special.decide`` — special-case review, 特例单议 (``engine.dip.special``)
- ``decide`` and the log — review decisions and the audit trail (``engine.review``)
- ``for_workspace`` — the doctors' points and status, per doctor and department
  (``engine.accountability``)
"""

__version__ = "0.1.0"
