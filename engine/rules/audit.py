"""An audit run: load the enabled rule sets, enrich, evaluate, store the run and findings."""

from __future__ import annotations

import sqlite3
import time
import uuid

from engine.analytics import scores as peer_scores
from engine.analytics import tj
from engine.errors import UserError
from engine.findings import (
    AuditResult,
    Finding,
    FindingSpool,
    StoredFindings,
    finding_order,
    store_audit,
)
from engine.overlay import reference_overlay
from engine.plugins import PluginSet, or_installed
from engine.progress import NEVER, CancelToken, Progress, no_progress
from engine.rules.catalogue import (
    DISABLED_SETTING,
    load_rulebook,
    rule_parameters,
    select_rulesets,
)
from engine.rules.enrich import add_custom, institution_facts
from engine.rules.found import make_finding
from engine.rules.lanes import LaneJob, lane_count, run_lanes
from engine.rules.ruleset import SCOPES, Rule
from engine.rules.runner import ScopeRunner
from engine.rules.wording import catalogue_names
from engine.workspace import Workspace, data_version


def _evaluate(
    ws: Workspace, job: LaneJob, lanes: int, custom, on_finding, problems, progress, cancel, scores
):
    """Enrich and select the facts that can match a rule (in ranges of claims, over the
    cores), evaluating each range's facts as it comes and dropping them; the institution
    facts, from every range's sums, last."""
    progress("enrich", 0, 1)
    runners: dict[str, ScopeRunner] = {}
    rules: dict[str, list] | None = None
    parts: list = []
    try:
        for result in run_lanes(ws.conn, job, lanes):
            cancel.check()
            if rules is None:  # every range finds the same rules usable
                rules = result.rules
                problems.extend(result.problems)
                for scope in SCOPES:
                    if scope != "institution" and rules.get(scope):
                        runners[scope] = ScopeRunner(scope, rules[scope], job.params, on_finding)
            parts.append(result.institution)
            for scope, runner in runners.items():
                progress(f"audit {scope}", 0, 0)
                facts = result.facts.pop(scope)
                runner.post(_checked(add_custom(custom, scope, facts), cancel))
            del result
        progress("enrich", 1, 1)
        if rules and rules.get("institution"):
            progress("audit institution", 0, 0)
            runners["institution"] = ScopeRunner(
                "institution", rules["institution"], job.params, on_finding
            )
            facts = institution_scope_facts(ws.conn, job, parts, scores)
            runners["institution"].post(_checked(add_custom(custom, "institution", facts), cancel))
    finally:
        for runner in runners.values():
            runner.close()


def institution_scope_facts(
    conn: sqlite3.Connection, job: LaneJob, parts: list[dict], scores: list
) -> list[dict]:
    """The institution facts (indicators, procurement, TJ comparisons) of a run from every
    part's sums; the peer scores they carry go to ``scores``. Parts may be local lanes or the
    buckets of a Spark run."""
    facts = institution_facts(conn, job.dip_params, parts, job.params)
    scores.extend(peer_scores.from_indicator_facts(facts))
    tj_facts, comparisons = tj.enrich(conn, parts, job.params)
    facts.extend(tj_facts)
    scores.extend(peer_scores.from_comparisons(comparisons))
    return facts


def lane_job(ws: Workspace, plugins, rules: list[Rule], params: dict) -> LaneJob:
    """What every part of a run needs: reference data, DIP parameters, the rules by scope."""
    from engine.dip.params import catalogue_source, resolve_params

    try:
        dip = resolve_params(ws, None, plugins=plugins)
    except UserError:
        dip = None
    custom = plugins.fact_fields()
    return LaneJob(
        plugins.reference_data(),
        dip,
        catalogue_source(ws),
        {scope: [r for r in rules if r.scope == scope] for scope in SCOPES},
        params,
        {scope: {f.name for f in custom if f.scope == scope} for scope in SCOPES},
    )


def run_audit(
    ws: Workspace,
    *,
    plugins: PluginSet | None = None,
    progress: Progress = no_progress,
    cancel: CancelToken = NEVER,
    rulesets: list[str] | None = None,
    lanes: int | None = None,
    only: list[Rule] | None = None,
    store: bool = True,
) -> AuditResult:
    """Evaluate the chosen ``rulesets`` (default: the enabled ones) over the workspace and
    store the run (``plugins``: default the installed ones). ``lanes``: how many parts to enrich at once (default: one a core, for a big
    enough workspace; see ``lanes.lane_count``). ``only``: these rules instead of rule sets
    (a rule being written); ``store=False``: a dry run that stores nothing (``rules try``)."""
    started = time.perf_counter()
    plugins = or_installed(plugins)
    snapshot = data_version(ws.conn)  # before anything is read; store_audit checks it
    book = load_rulebook(plugins, ws)
    chosen = select_rulesets(book, rulesets, ws.get_setting(DISABLED_SETTING, []))
    rules = only if only is not None else [r for rs in chosen for r in rs.rules]
    params = rule_parameters(ws, plugins)
    run_id = "A" + uuid.uuid4().hex[:12]
    custom = plugins.fact_fields()
    job = lane_job(ws, plugins, rules, params)
    reference = job.reference
    problems = plugins.problems() + book.problems
    scores: list[peer_scores.Score] = []
    # a run that stores its findings spools them to the workspace's temp store as they are
    # made; a dry run holds them (it is one rule, or a few)
    spool = FindingSpool(ws.conn, run_id) if store else None
    held: list[Finding] = []
    keep = spool.add if spool is not None else held.append
    try:
        with reference_overlay(ws.conn, reference):
            names = catalogue_names(ws.conn)
            _evaluate(
                ws,
                job,
                lane_count(ws.conn, lanes),
                custom,
                lambda rule, fact: keep(make_finding(run_id, rule, fact, params, names)),
                problems,
                progress,
                cancel,
                scores,
            )
        held.sort(key=finding_order)
        result = AuditResult(
            run_id,
            [rs.ref for rs in chosen] if only is None else sorted({r.ruleset_id for r in rules}),
            ws.count("lines"),
            ws.count("claims"),
            spool if spool is not None else held,
            problems,
            time.perf_counter() - started,
        )
        if spool is not None:
            store_audit(
                ws, result, parameters=params, plugins=plugins, snapshot=snapshot, scores=scores
            )
            result.findings = StoredFindings(ws.conn, run_id, spool.count)
    finally:
        if spool is not None:
            spool.close()
    return result


def _checked(facts, cancel: CancelToken):
    for index, fact in enumerate(facts):
        if index % 10_000 == 0:
            cancel.check()
        yield fact
