"""yibao's engine: everything a user can do, headless. The CLI and the desktop call this.

The public API is importable from ``engine`` itself; the front ends import nothing else.

The pipeline:

- ``Workspace`` — one audit case in one SQLite file (``Workspace.open(path)``)
- ``import_package`` / ``import_any`` / ``export_package`` — data packages in and out
  (``ImportResult``);
  ``describe_package`` — a package's files, encodings and headers before importing it
- ``load_plugins`` / ``PluginSet`` — the plug-ins in use, and what each contributes
- ``run_audit`` — rule sets over a workspace: an ``AuditResult`` of ``Finding``s (each
  amount once, as a Decimal; ``to_json()`` is the ``audit --json`` contract)
- ``list_findings`` / ``findings_query`` / ``latest_run`` / ``stored_settlement`` — runs,
  findings and their latest decisions as stored
- ``claims_query`` / ``claim_fields`` — the claims, as the desktop pages through them
- ``decide`` — review decisions (and the log, the audit trail)
- ``settle`` / ``explain_case`` / ``build_catalogue`` — DIP
- ``special`` — special-case review, 特例单议 (``special.status`` / ``special.decide``)
- ``for_workspace`` — the doctors' points and status, per doctor and department
- ``write_report`` — the xlsx and PDF reports

One calling convention: ``fn(ws, <its subject>, *, plugins=None, progress=no_progress,
cancel=NEVER, <options>)`` — everything after the subject keyword-only; ``plugins`` where
plug-ins matter (None: the installed ones, ``load_plugins()``), ``progress`` and ``cancel``
where the work is long.

Errors, progress and cancel:
``UserError`` (bad input, said to the user), ``ImportRejected`` (with the import's problems),
``Cancelled``, ``Progress`` (``progress(stage, done, total)``), ``CancelToken``.

Reading a workspace for a front end's tables (each query a ``(sql, args)`` pair read a page at a
time by ``read_page`` on a ``live_reader``): ``claim_lines_query``, ``institution_cases_query``,
``log_query``; ``institution_choices``, ``claim_years``, ``finding_count``, ``flagged_lines``,
``summarise`` (findings by rule), ``summarise_run`` (a stored run's, in SQL), ``case_mix`` and ``ratio_buckets`` (a settlement's charts).

Words and money: ``label`` (a coded value as a word), ``known_values`` (a kind's codes),
``units_text`` (stored 1/10000 units), ``yuan_text``, ``points_text``, ``log_sentence`` (a log
entry as a sentence).

Rules: ``load_rulebook`` (the rule sets in force), ``rule_choices`` / ``save_rule_choices`` /
``disabled_rulesets`` (what a workspace turned off, its own parameter values),
``parameter_definitions``, ``check_rulesets``, ``try_rules`` (a dry run), a workspace's own
rule sets: ``local_rulesets``, ``validate_local``, ``save_local``, ``export_local``.

DIP and analytics: ``resolve_params`` (the year's DIP parameters), ``appraise`` /
``apply_appraisal`` / ``APPRAISAL_PARTS`` (考核), ``monitor`` (基金监测), ``rank`` /
``part_cases`` / ``RANK_BY`` (异常排名); the doctors' ledger: ``Ledger``, ``consequence``,
``DOCTOR_STATUSES``.

Reports, the log and settings: ``write_doctor_notice``, ``NOTICE_SETTINGS`` /
``notice_settings`` / ``set_notice_setting`` (the notice's issuer and number), ``verify_log``;
``pseudonym`` (a module: ``describe``, ``is_pseudonymised``, ``export_key``, ``import_key``),
``set_passphrase_prompt`` (an encrypted workspace's passphrase dialog), ``run_demo``.

Plug-ins: ``plugin_dirs``, ``user_plugin_dir``, ``use_plugin_dir``, ``install_plugin``.

Each name is imported when first used, so ``import engine`` stays cheap for the CLI.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

__version__ = "0.1.0"

#: Public name → the module it lives in (``module:attribute`` when the names differ).
_HOMES = {
    "Workspace": "engine.workspace",
    "import_package": "engine.ingest",
    "import_any": "engine.ingest",
    "export_package": "engine.ingest",
    "describe_package": "engine.ingest.inspect",
    "load_plugins": "engine.plugins",
    "PluginSet": "engine.plugins",
    "run_audit": "engine.rules",
    "AuditResult": "engine.findings",
    "Finding": "engine.findings",
    "ImportResult": "engine.ingest",
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
    "special": "engine.dip.special",  # a module (_MODULES)
    "for_workspace": "engine.accountability",
    "write_report": "engine.reports",
    # errors, progress and cancel
    "UserError": "engine.errors",
    "ImportRejected": "engine.errors",
    "Cancelled": "engine.errors",
    "Progress": "engine.progress",
    "CancelToken": "engine.progress",
    # reading a workspace for a front end's tables
    "live_reader": "engine.views",
    "read_page": "engine.views",
    "institution_choices": "engine.views",
    "claim_lines_query": "engine.claims",
    "institution_cases_query": "engine.findings",
    "log_query": "engine.audit_log",
    "claim_years": "engine.analytics.params",
    "finding_count": "engine.findings",
    "flagged_lines": "engine.findings",
    "summarise": "engine.findings",
    "summarise_run": "engine.findings",
    "case_mix": "engine.findings",
    "ratio_buckets": "engine.findings",
    # words and money
    "label": "engine.labels",
    "known_values": "engine.labels:known",
    "units_text": "engine.money",
    "yuan_text": "engine.money",
    "points_text": "engine.money",
    "log_sentence": "engine.log_text:sentence",
    # rules
    "load_rulebook": "engine.rules.catalogue",
    "rule_choices": "engine.rules.catalogue",
    "save_rule_choices": "engine.rules.catalogue",
    "disabled_rulesets": "engine.rules.catalogue",
    "parameter_definitions": "engine.parameters:known",
    "check_rulesets": "engine.rules.kit",
    "try_rules": "engine.rules.listing",
    "local_rulesets": "engine.rules.local",
    "validate_local": "engine.rules.local:validate",
    "save_local": "engine.rules.local",
    "export_local": "engine.rules.local",
    # DIP, analytics, the doctors' ledger
    "resolve_params": "engine.dip.params",
    "appraise": "engine.analytics.appraise:appraise",
    "apply_appraisal": "engine.analytics.appraise:apply",
    "APPRAISAL_PARTS": "engine.analytics.appraise:PARTS",
    "monitor": "engine.analytics.monitor:monitor",
    "rank": "engine.analytics.rank:rank",
    "part_cases": "engine.analytics.rank",
    "RANK_BY": "engine.analytics.rank:BY",
    "Ledger": "engine.accountability",
    "consequence": "engine.accountability",
    "DOCTOR_STATUSES": "engine.accountability:STATUSES",
    # reports, the log, settings
    "write_doctor_notice": "engine.reports",
    "NOTICE_SETTINGS": "engine.reports.notice_settings",
    "notice_settings": "engine.reports.notice_settings",
    "set_notice_setting": "engine.reports.notice_settings",
    "verify_log": "engine.audit_log:verify",
    "pseudonym": "engine.pseudonym",  # a module (_MODULES)
    "set_passphrase_prompt": "engine.encryption:set_prompt",
    "run_demo": "engine.demo.run",
    # plug-ins
    "plugin_dirs": "engine.plugins",
    "user_plugin_dir": "engine.plugins",
    "use_plugin_dir": "engine.plugins",
    "install_plugin": "engine.plugins:install",
}

#: Public names that are a module, not a name in it.
_MODULES = ("special", "pseudonym")

__all__ = [
    "APPRAISAL_PARTS",
    "AuditResult",
    "CancelToken",
    "Cancelled",
    "DOCTOR_STATUSES",
    "Finding",
    "ImportRejected",
    "ImportResult",
    "Ledger",
    "NOTICE_SETTINGS",
    "PluginSet",
    "Progress",
    "RANK_BY",
    "UserError",
    "Workspace",
    "apply_appraisal",
    "appraise",
    "build_catalogue",
    "case_mix",
    "check_rulesets",
    "claim_fields",
    "claim_lines_query",
    "claim_years",
    "claims_query",
    "consequence",
    "decide",
    "describe_package",
    "disabled_rulesets",
    "explain_case",
    "export_local",
    "export_package",
    "finding_count",
    "findings_query",
    "flagged_lines",
    "for_workspace",
    "import_any",
    "import_package",
    "install_plugin",
    "institution_cases_query",
    "institution_choices",
    "known_values",
    "label",
    "latest_run",
    "list_findings",
    "live_reader",
    "load_plugins",
    "load_rulebook",
    "local_rulesets",
    "log_query",
    "log_sentence",
    "monitor",
    "notice_settings",
    "parameter_definitions",
    "part_cases",
    "plugin_dirs",
    "points_text",
    "pseudonym",
    "rank",
    "ratio_buckets",
    "read_page",
    "resolve_params",
    "rule_choices",
    "run_audit",
    "run_demo",
    "save_local",
    "save_rule_choices",
    "set_notice_setting",
    "set_passphrase_prompt",
    "settle",
    "special",
    "stored_settlement",
    "summarise",
    "summarise_run",
    "try_rules",
    "units_text",
    "use_plugin_dir",
    "user_plugin_dir",
    "validate_local",
    "verify_log",
    "write_doctor_notice",
    "write_report",
    "yuan_text",
]

if TYPE_CHECKING:
    from engine import pseudonym
    from engine.accountability import STATUSES as DOCTOR_STATUSES
    from engine.accountability import Ledger, consequence, for_workspace
    from engine.analytics.appraise import PARTS as APPRAISAL_PARTS
    from engine.analytics.appraise import apply as apply_appraisal
    from engine.analytics.appraise import appraise
    from engine.analytics.monitor import monitor
    from engine.analytics.params import claim_years
    from engine.analytics.rank import BY as RANK_BY
    from engine.analytics.rank import part_cases, rank
    from engine.audit_log import log_query
    from engine.audit_log import verify as verify_log
    from engine.claims import claim_fields, claim_lines_query, claims_query
    from engine.demo.run import run_demo
    from engine.dip import special
    from engine.dip.catalogue_builder import build_catalogue
    from engine.dip.explain import explain_case
    from engine.dip.params import resolve_params
    from engine.dip.settlement import settle
    from engine.encryption import set_prompt as set_passphrase_prompt
    from engine.errors import Cancelled, ImportRejected, UserError
    from engine.findings import (
        AuditResult,
        Finding,
        case_mix,
        finding_count,
        findings_query,
        flagged_lines,
        institution_cases_query,
        latest_run,
        list_findings,
        ratio_buckets,
        stored_settlement,
        summarise,
        summarise_run,
    )
    from engine.ingest import ImportResult, export_package, import_any, import_package
    from engine.ingest.inspect import describe_package
    from engine.labels import known as known_values
    from engine.labels import label
    from engine.log_text import sentence as log_sentence
    from engine.money import points_text, units_text, yuan_text
    from engine.parameters import known as parameter_definitions
    from engine.plugins import (
        PluginSet,
        load_plugins,
        plugin_dirs,
        use_plugin_dir,
        user_plugin_dir,
    )
    from engine.plugins import install as install_plugin
    from engine.progress import CancelToken, Progress
    from engine.reports import write_doctor_notice, write_report
    from engine.reports.notice_settings import NOTICE_SETTINGS, notice_settings, set_notice_setting
    from engine.review import decide
    from engine.rules import run_audit
    from engine.rules.catalogue import (
        disabled_rulesets,
        load_rulebook,
        rule_choices,
        save_rule_choices,
    )
    from engine.rules.kit import check_rulesets
    from engine.rules.listing import try_rules
    from engine.rules.local import export_local, local_rulesets, save_local
    from engine.rules.local import validate as validate_local
    from engine.views import institution_choices, live_reader, read_page
    from engine.workspace import Workspace


def __getattr__(name: str):
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'engine' has no attribute {name!r}")
    home, _, attribute = home.partition(":")
    module = importlib.import_module(home)
    value = module if name in _MODULES else getattr(module, attribute or name)
    globals()[name] = value
    return value
