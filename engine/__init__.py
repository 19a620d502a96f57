"""yibao's engine: everything a user can do, headless. The CLI and the desktop call this.

The public API is importable from ``engine`` itself; the front ends import nothing else.

The pipeline:

- ``Workspace`` — one audit case in one SQLite file (``Workspace.open(path)``);
  ``workspace_path`` — the file a front end was given, else ``$YIBAO_WORKSPACE``
- ``import_package`` / ``import_any`` / ``export_package`` — data packages in and out
  (``ImportResult``; ``LOG_HEAD_FILE``, the export's record of the log's head);
  ``describe_package`` — a package's files, encodings and headers before importing it
- ``load_plugins`` / ``PluginSet`` — the plug-ins in use, and what each contributes
- ``run_audit`` — rule sets over a workspace: an ``AuditResult`` of ``Finding``s (each
  amount once, as a Decimal; ``to_json()`` is the ``audit --json`` contract)
- ``list_findings`` / ``findings_query`` / ``latest_run`` / ``stored_settlement`` — runs,
  findings and their latest decisions as stored
- ``claims_query`` / ``claim_fields`` — the claims, as the desktop pages through them
- ``decide`` — review decisions (and the log, the audit trail); ``decide_from_csv`` (a batch
  from a file), ``bulk_finding_ids`` (a run's findings of a rule and/or an institution)
- ``settle`` / ``explain_case`` / ``build_catalogue`` / ``use_catalogue`` — DIP
- ``special`` — special-case review, 特例单议 (``special.status`` / ``special.decide``)
- ``for_workspace`` — the doctors' points and status, per doctor and department
- ``write_report`` — the xlsx and PDF reports

One calling convention: ``fn(ws, <its subject>, *, plugins=None, progress=no_progress,
cancel=NEVER, <options>)`` — everything after the subject keyword-only; ``plugins`` where
plug-ins matter (None: the installed ones, ``load_plugins()``), ``progress`` and ``cancel``
where the work is long.

Errors, progress and cancel:
``UserError`` (bad input, said to the user), ``ImportRejected`` (with the import's problems),
``Cancelled``, ``Progress`` (``progress(stage, done, total)``), ``CancelToken``;
``no_progress`` and ``NEVER`` (the defaults: nothing shown, never cancelled);
``storage_error`` (a full disk or a damaged file as a ``UserError`` naming the file, else None).

Reading a workspace for a front end's tables (each query a ``(sql, args)`` pair read a page at a
time by ``read_page`` on a ``live_reader``): ``claim_lines_query``, ``institution_cases_query``,
``log_query``; ``institution_choices``, ``claim_years``, ``finding_count``, ``flagged_lines``,
``summarise`` (findings by rule), ``summarise_run`` (a stored run's, in SQL), ``case_mix`` and ``ratio_buckets`` (a settlement's charts).

Words and money: ``label`` (a coded value as a word), ``known_values`` (a kind's codes),
``units_text`` (stored 1/10000 units), ``yuan_text``, ``points_text``, ``money_json`` (an amount
as a JSON number), ``log_sentence`` (a log entry as a sentence).

Rules: ``load_rulebook`` (the rule sets in force), ``rule_choices`` / ``save_rule_choices`` /
``disabled_rulesets`` (what a workspace turned off, its own parameter values),
``parameter_definitions``, ``check_rulesets``, ``try_rules`` (a dry run), a workspace's own
rule sets: ``local_rulesets``, ``validate_local``, ``save_local``, ``export_local``;
the rule parameters in force and who set them, ``parameter_overview``, and a workspace's own
value, ``set_parameter``.

The region's kit (rule files before they are installed): ``check_rule_files``,
``read_rule_files``, ``run_rule_examples`` (the rules' own examples); the rules in force
(规则说明): ``rules_in_force``, ``rules_for`` (a file's, or one rule by id or code),
``rules_markdown``, ``rules_xlsx_rows`` written by ``write_xlsx_table``; the fact fields:
``field_reference``, ``with_field_reference`` (a README's copy of it brought up to date).

DIP and analytics: ``resolve_params`` (the year's DIP parameters), ``appraise`` /
``apply_appraisal`` / ``APPRAISAL_PARTS`` (考核), ``monitor`` (基金监测), ``rank`` /
``part_cases`` / ``RANK_BY`` (异常排名); the doctors' ledger: ``Ledger``, ``consequence``,
``DOCTOR_STATUSES``.

Reports, the log and settings: ``write_doctor_notice``, ``NOTICE_SETTINGS`` /
``notice_settings`` / ``set_notice_setting`` (the notice's issuer and number);
``pseudonym`` (a module: ``describe``, ``is_pseudonymised``, ``export_key``, ``import_key``,
``key_store``),
``set_passphrase_prompt`` (an encrypted workspace's passphrase dialog), ``run_demo``.

Signing and evidence: the tamper-evident log's ``log_entries``, its head ``log_head`` (a
``LogHead``, written down and parsed back), ``verify_log``; ``signing`` (a module: a region's
plug-in signing keys, ``keygen``, ``sign``, ``read_public_key``, ``trusted_key_dirs``).

Plug-ins: ``plugin_dirs``, ``user_plugin_dir``, ``use_plugin_dir``, ``install_plugin``,
``remove_plugin``, ``write_plugin_skeleton`` (a new plug-in to start from).

Spark (the ``[spark]`` extra): ``spark_audit``, ``spark_settle``; ``import_findings`` brings a
Spark run's findings into a workspace (no Spark needed).

Bench and self-test: ``run_bench`` (import, audit and settle timed on a generated region),
``run_selftest`` (this installation, end to end).

Each name is imported when first used, so ``import engine`` stays cheap for the CLI.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

__version__ = "0.1.0"

#: Public name → the module it lives in (``module:attribute`` when the names differ).
_HOMES = {
    "Workspace": "engine.workspace",
    "workspace_path": "engine.workspace:resolve_path",
    "import_package": "engine.ingest",
    "import_any": "engine.ingest",
    "export_package": "engine.ingest",
    "LOG_HEAD_FILE": "engine.ingest.export",
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
    "decide_from_csv": "engine.review",
    "bulk_finding_ids": "engine.review:bulk_ids",
    "settle": "engine.dip.settlement",
    "explain_case": "engine.dip.explain",
    "build_catalogue": "engine.dip.catalogue_builder",
    "use_catalogue": "engine.dip.params",
    "special": "engine.dip.special",  # a module (_MODULES)
    "for_workspace": "engine.accountability",
    "write_report": "engine.reports",
    # errors, progress and cancel
    "UserError": "engine.errors",
    "ImportRejected": "engine.errors",
    "Cancelled": "engine.errors",
    "Progress": "engine.progress",
    "CancelToken": "engine.progress",
    "no_progress": "engine.progress",
    "NEVER": "engine.progress",
    "storage_error": "engine.errors",
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
    "money_json": "engine.money",
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
    "parameter_overview": "engine.parameters:overview",
    "set_parameter": "engine.parameters:set_override",
    # the region's kit
    "check_rule_files": "engine.rules.kit:check",
    "read_rule_files": "engine.rules.kit:rules_of",
    "run_rule_examples": "engine.rules.kit:run_examples",
    "rules_in_force": "engine.rules.listing",
    "rules_for": "engine.rules.listing",
    "rules_markdown": "engine.rules.listing:markdown",
    "rules_xlsx_rows": "engine.rules.listing:xlsx_rows",
    "write_xlsx_table": "engine.reports.xlsx:write_table",
    "field_reference": "engine.rules.fields:reference_markdown",
    "with_field_reference": "engine.rules.fields:with_reference",
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
    # signing and evidence
    "log_entries": "engine.audit_log:entries",
    "log_head": "engine.audit_log:head",
    "LogHead": "engine.audit_log:Head",
    "verify_log": "engine.audit_log:verify",
    "signing": "engine.signing",  # a module (_MODULES)
    "pseudonym": "engine.pseudonym",  # a module (_MODULES)
    "set_passphrase_prompt": "engine.encryption:set_prompt",
    "run_demo": "engine.demo.run",
    # plug-ins
    "plugin_dirs": "engine.plugins",
    "user_plugin_dir": "engine.plugins",
    "use_plugin_dir": "engine.plugins",
    "install_plugin": "engine.plugins:install",
    "remove_plugin": "engine.plugins:remove",
    "write_plugin_skeleton": "engine.plugin_skeleton:write_skeleton",
    # Spark
    "spark_audit": "engine.spark.audit",
    "spark_settle": "engine.spark.settle",
    "import_findings": "engine.rules.import_findings",
    # bench and self-test
    "run_bench": "engine.demo.bench",
    "run_selftest": "engine.selftest",
}

#: Public names that are a module, not a name in it.
_MODULES = ("special", "pseudonym", "signing")

__all__ = [
    "APPRAISAL_PARTS",
    "AuditResult",
    "CancelToken",
    "Cancelled",
    "DOCTOR_STATUSES",
    "Finding",
    "ImportRejected",
    "ImportResult",
    "LOG_HEAD_FILE",
    "Ledger",
    "LogHead",
    "NEVER",
    "NOTICE_SETTINGS",
    "PluginSet",
    "Progress",
    "RANK_BY",
    "UserError",
    "Workspace",
    "apply_appraisal",
    "appraise",
    "build_catalogue",
    "bulk_finding_ids",
    "case_mix",
    "check_rule_files",
    "check_rulesets",
    "claim_fields",
    "claim_lines_query",
    "claim_years",
    "claims_query",
    "consequence",
    "decide",
    "decide_from_csv",
    "describe_package",
    "disabled_rulesets",
    "explain_case",
    "export_local",
    "export_package",
    "field_reference",
    "finding_count",
    "findings_query",
    "flagged_lines",
    "for_workspace",
    "import_any",
    "import_findings",
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
    "log_entries",
    "log_head",
    "log_query",
    "log_sentence",
    "money_json",
    "monitor",
    "no_progress",
    "notice_settings",
    "parameter_definitions",
    "parameter_overview",
    "part_cases",
    "plugin_dirs",
    "points_text",
    "pseudonym",
    "rank",
    "ratio_buckets",
    "read_page",
    "read_rule_files",
    "remove_plugin",
    "resolve_params",
    "rule_choices",
    "rules_for",
    "rules_in_force",
    "rules_markdown",
    "rules_xlsx_rows",
    "run_audit",
    "run_bench",
    "run_demo",
    "run_rule_examples",
    "run_selftest",
    "save_local",
    "save_rule_choices",
    "set_notice_setting",
    "set_parameter",
    "set_passphrase_prompt",
    "settle",
    "signing",
    "spark_audit",
    "spark_settle",
    "special",
    "storage_error",
    "stored_settlement",
    "summarise",
    "summarise_run",
    "try_rules",
    "units_text",
    "use_catalogue",
    "use_plugin_dir",
    "user_plugin_dir",
    "validate_local",
    "verify_log",
    "with_field_reference",
    "workspace_path",
    "write_doctor_notice",
    "write_plugin_skeleton",
    "write_report",
    "write_xlsx_table",
    "yuan_text",
]

if TYPE_CHECKING:
    from engine import pseudonym, signing
    from engine.accountability import STATUSES as DOCTOR_STATUSES
    from engine.accountability import Ledger, consequence, for_workspace
    from engine.analytics.appraise import PARTS as APPRAISAL_PARTS
    from engine.analytics.appraise import apply as apply_appraisal
    from engine.analytics.appraise import appraise
    from engine.analytics.monitor import monitor
    from engine.analytics.params import claim_years
    from engine.analytics.rank import BY as RANK_BY
    from engine.analytics.rank import part_cases, rank
    from engine.audit_log import Head as LogHead
    from engine.audit_log import entries as log_entries
    from engine.audit_log import head as log_head
    from engine.audit_log import log_query
    from engine.audit_log import verify as verify_log
    from engine.claims import claim_fields, claim_lines_query, claims_query
    from engine.demo.bench import run_bench
    from engine.demo.run import run_demo
    from engine.dip import special
    from engine.dip.catalogue_builder import build_catalogue
    from engine.dip.explain import explain_case
    from engine.dip.params import resolve_params, use_catalogue
    from engine.dip.settlement import settle
    from engine.encryption import set_prompt as set_passphrase_prompt
    from engine.errors import Cancelled, ImportRejected, UserError, storage_error
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
    from engine.ingest.export import LOG_HEAD_FILE
    from engine.ingest.inspect import describe_package
    from engine.labels import known as known_values
    from engine.labels import label
    from engine.log_text import sentence as log_sentence
    from engine.money import money_json, points_text, units_text, yuan_text
    from engine.parameters import known as parameter_definitions
    from engine.parameters import overview as parameter_overview
    from engine.parameters import set_override as set_parameter
    from engine.plugin_skeleton import write_skeleton as write_plugin_skeleton
    from engine.plugins import (
        PluginSet,
        load_plugins,
        plugin_dirs,
        use_plugin_dir,
        user_plugin_dir,
    )
    from engine.plugins import install as install_plugin
    from engine.plugins import remove as remove_plugin
    from engine.progress import NEVER, CancelToken, Progress, no_progress
    from engine.reports import write_doctor_notice, write_report
    from engine.reports.notice_settings import NOTICE_SETTINGS, notice_settings, set_notice_setting
    from engine.reports.xlsx import write_table as write_xlsx_table
    from engine.review import bulk_ids as bulk_finding_ids
    from engine.review import decide, decide_from_csv
    from engine.rules import run_audit
    from engine.rules.catalogue import (
        disabled_rulesets,
        load_rulebook,
        rule_choices,
        save_rule_choices,
    )
    from engine.rules.fields import reference_markdown as field_reference
    from engine.rules.fields import with_reference as with_field_reference
    from engine.rules.import_findings import import_findings
    from engine.rules.kit import check as check_rule_files
    from engine.rules.kit import check_rulesets
    from engine.rules.kit import rules_of as read_rule_files
    from engine.rules.kit import run_examples as run_rule_examples
    from engine.rules.listing import markdown as rules_markdown
    from engine.rules.listing import rules_for, rules_in_force, try_rules
    from engine.rules.listing import xlsx_rows as rules_xlsx_rows
    from engine.rules.local import export_local, local_rulesets, save_local
    from engine.rules.local import validate as validate_local
    from engine.selftest import run_selftest
    from engine.spark.audit import spark_audit
    from engine.spark.settle import spark_settle
    from engine.views import institution_choices, live_reader, read_page
    from engine.workspace import Workspace
    from engine.workspace import resolve_path as workspace_path


def __getattr__(name: str):
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'engine' has no attribute {name!r}")
    home, _, attribute = home.partition(":")
    module = importlib.import_module(home)
    value = module if name in _MODULES else getattr(module, attribute or name)
    globals()[name] = value
    return value
