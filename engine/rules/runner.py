"""Compile rules to durable-rules and evaluate facts with them.

Known traps of durable-rules 2.0.28 handled here: each run uses a private ``Host`` whose
background dispatch threads are disabled (all engine calls stay on the calling thread);
ruleset names are made unique per run; facts carry an explicit unique ``id``; facts, not
events, are asserted so one fact can fire several rules; the action queue is drained
explicitly because a batch in which some fact matches nothing raises before running the
actions; and an exception inside an action (which durable-rules would store and hide) is
collected and raised to the caller.
"""

from __future__ import annotations

import itertools
import json
import uuid
from collections.abc import Callable, Iterable

import durable.engine as durable_engine
import durable_rules_engine

from engine.rules import expr
from engine.rules.ruleset import Rule

BATCH = 2_000
ALWAYS = {"line": "claim_id", "claim": "claim_id", "institution": "institution_code"}


class RuleActionError(RuntimeError):
    """An error inside a rule's action (its amount or message), with the rule and fact."""


class _PrivateHost(durable_engine.Host):
    """A Host that never starts the module's timer threads: we dispatch on our own thread."""

    def _run(self) -> None:
        return None


class ScopeRunner:
    """The rules of one scope compiled into one durable-rules ruleset."""

    def __init__(
        self, scope: str, rules: list[Rule], params: dict, on_match: Callable[[Rule, dict], None]
    ):
        self.scope = scope
        self.rules = {r.id: r for r in rules}
        self.params = params
        self.errors: list[RuleActionError] = []
        self.host = _PrivateHost()
        self.name = f"yibao_{scope}_{uuid.uuid4().hex[:10]}"
        definition = {}
        for index, rule in enumerate(rules):
            definition[f"r{index}"] = {
                "all": [{"m": expr.to_durable(rule.condition, params, ALWAYS[scope])}],
                "run": self._action(rule, on_match),
            }
        self.host.register_rulesets({self.name: definition})
        self.ruleset = self.host.get_ruleset(self.name)

    def _action(self, rule: Rule, on_match):
        def act(c):
            fact = dict(c.m._d) if hasattr(c.m, "_d") else dict(c.m)
            try:
                on_match(rule, fact)
            except Exception as exc:  # noqa: BLE001 — surfaced by post(), never swallowed
                self.errors.append(
                    RuleActionError(
                        f"rule {rule.id} ({rule.file}) failed on fact {_describe(fact)}: {exc}"
                    )
                )

        return act

    def post(self, facts: Iterable[dict]) -> int:
        counter = itertools.count(1)
        posted = 0
        for batch in _batches(facts, BATCH):
            for fact in batch:
                fact["id"] = next(counter)
            try:
                self.ruleset.assert_facts(batch)
            except durable_engine.MessageNotHandledException:
                pass
            self._drain()
            # asserted facts are kept by the engine; retract to keep memory flat
            try:
                self.ruleset.retract_facts(batch)
            except durable_engine.MessageNotHandledException:
                pass
            self._drain()
            posted += len(batch)
        return posted

    def _drain(self) -> None:
        handle = self.ruleset._handle
        failures: list = []
        while True:
            result = durable_rules_engine.start_action(handle)
            if not result:
                break

            def complete(error, _state):
                if error:
                    failures.append(error)

            self.ruleset._flush_actions(
                json.loads(result[0]), {"message": json.loads(result[1])}, result[2], complete
            )
        if self.errors:
            raise self.errors[0]
        if failures:
            raise RuleActionError(f"the rule engine failed: {failures[0]}")

    def close(self) -> None:
        try:
            durable_rules_engine.delete_ruleset(self.ruleset._handle)
        except Exception:  # noqa: BLE001 — freeing engine memory is best effort
            pass


def _batches(items: Iterable[dict], size: int):
    batch: list[dict] = []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def _describe(fact: dict) -> str:
    keys = ("claim_id", "line_no", "institution_code", "generic_name")
    return ", ".join(f"{k}={fact[k]}" for k in keys if k in fact) or str(fact.get("id"))
