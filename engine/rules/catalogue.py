"""The rule book: every rule set in force (the plug-ins' files and the workspace's own),
which of them a run uses, and the rule parameters merged for it.

Loading, overrides between plug-ins, selection and parameter merging live here; running the
rules is ``engine.rules.audit``'s.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from engine.errors import UserError
from engine.parameters import PARAMS_SETTING, checked, known, workspace_values
from engine.plugins import PluginSet, or_installed
from engine.rules.ruleset import Rule, RuleFileError, RuleSet, load_file, rule_files
from engine.workspace import Workspace

DISABLED_SETTING = "disabled_rulesets"


@dataclass
class RuleBook:
    """The rule sets in force: the plug-ins' and the workspace's own, and the problems found
    loading them. (Not the DIP ``Catalogue`` of groups, nor the item ``catalogue`` table.)"""

    rulesets: list[RuleSet] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    def rules(self) -> list[Rule]:
        return [r for rs in self.rulesets for r in rs.rules]

    def rule(self, rule_id: str) -> Rule | None:
        """The rule a stored finding names (its ``rule_id``), e.g. for its ``points_effect``."""
        return next((r for r in self.rules() if r.id == rule_id), None)


def load_rulebook(plugins: PluginSet, ws: Workspace | None = None) -> RuleBook:
    """Load every rule file, then the workspace's own rule sets (``engine.rules.local``); a
    broken file is reported and skipped. Duplicate rule ids across plug-ins are an error
    unless the later rule declares ``overrides``."""
    from engine.rules.local import local_sources

    book = RuleBook()
    owners: dict[str, tuple[str, Rule]] = {}
    files = [
        (contribution.plugin, file, None)
        for contribution in plugins.rule_paths()
        for file in rule_files(contribution.path)
    ]
    for plugin_name, file, text in files + (local_sources(ws) if ws is not None else []):
        try:
            ruleset = load_file(file, plugin_name, text)
        except RuleFileError as exc:
            book.problems.append(str(exc))
            continue
        for rule in list(ruleset.rules):
            if rule.id in owners:
                other_plugin, other = owners[rule.id]
                if rule.overrides == rule.id:
                    other_set = next(rs for rs in book.rulesets if other in rs.rules)
                    other_set.rules.remove(other)
                elif other.overrides == rule.id:
                    ruleset.rules.remove(rule)
                    continue
                else:
                    raise UserError(
                        f"rule {rule.id} is defined by both {other_plugin} ({other.file}) and "
                        f"{plugin_name} ({rule.file}); one must declare 'overrides: {rule.id}'"
                    )
            owners[rule.id] = (plugin_name, rule)
        book.rulesets.append(ruleset)
    return book


def rule_parameters(ws: Workspace, plugins: PluginSet) -> dict:
    """National defaults ← regional plug-ins ← the workspace's own overrides."""
    merged = plugins.rule_parameters({})
    merged.update(workspace_values(ws, plugins))
    return merged


def disabled_rulesets(ws: Workspace) -> list[str]:
    """The ids of the rule sets the workspace turned off (a run without names skips them)."""
    return list(ws.get_setting(DISABLED_SETTING, []) or [])


def rule_choices(ws: Workspace) -> tuple[list[str], dict]:
    """(the rule sets the workspace turned off, its own rule parameter values as stored)."""
    return disabled_rulesets(ws), dict(ws.get_setting(PARAMS_SETTING, {}) or {})


def save_rule_choices(
    ws: Workspace,
    disabled: list[str],
    overrides: dict,
    *,
    plugins: PluginSet | None = None,
    where: str = "",
) -> None:
    """Keep the rule sets turned off and the workspace's own rule parameter values, in one
    transaction; a value of the wrong type or out of range is a ``UserError`` naming it
    (``where``: the words for the source in the message)."""
    overrides = checked(overrides, known(or_installed(plugins)), where or PARAMS_SETTING)
    with ws.transaction():
        ws.set_setting(DISABLED_SETTING, list(disabled))
        ws.set_setting(PARAMS_SETTING, overrides)


def select_rulesets(book: RuleBook, names: list[str] | None, disabled: list[str]) -> list[RuleSet]:
    """The rule sets ``names`` asks for (a name also takes the sets under it: ``national``
    takes ``national.catalogue``), else the enabled ones the workspace has not disabled."""
    if names:
        known = {rs.id for rs in book.rulesets}
        missing = [
            n for n in names if n not in known and not any(k.startswith(n + ".") for k in known)
        ]
        if missing:
            raise UserError(
                f"no rule set named {', '.join(missing)} (known: {', '.join(sorted(known))})"
            )
        return [
            rs
            for rs in book.rulesets
            if rs.id in names or any(rs.id.startswith(n + ".") for n in names)
        ]
    return [rs for rs in book.rulesets if rs.enabled and rs.id not in disabled]
