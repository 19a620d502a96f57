"""Rule sets kept in a workspace: what an analyst writes and tries on the desktop's rule page
before it goes into a plug-in. They travel with the workspace file, take part in its audits
like any plug-in's rule set (plug-in name ``workspace``), and can be exported to a plug-in's
rule folder."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from engine import audit_log
from engine.errors import UserError
from engine.rules.ruleset import RuleFileError, RuleSet, load_file

if TYPE_CHECKING:
    from engine.workspace import Workspace

SETTING = "local_rulesets"  # {file name: YAML text}
PLUGIN = "workspace"


def _name(name: str) -> str:
    name = Path(name).name
    if not name.endswith((".yaml", ".yml")):
        name += ".yaml"
    if name.startswith((".", "_")) or len(name) > 80:
        raise UserError(f"rule set name {name!r}: a plain file name, e.g. local.yaml")
    return name


def local_rulesets(ws: Workspace) -> dict[str, str]:
    """The rule sets kept in the workspace: {file name: YAML text}."""
    return dict(ws.get_setting(SETTING, {}) or {})


def local_sources(ws) -> list[tuple[str, Path, str]]:
    """(plug-in name, file, text) of each rule set kept in the workspace."""
    stored = ws.get_setting(SETTING, {}) or {}
    return [(PLUGIN, Path(f"workspace:{name}"), text) for name, text in sorted(stored.items())]


def validate(text: str, name: str = "draft.yaml") -> RuleSet:
    """The rule set ``text`` holds, or a ``UserError`` naming file, rule and key."""
    try:
        return load_file(Path(f"workspace:{_name(name)}"), PLUGIN, text)
    except RuleFileError as exc:
        raise UserError(str(exc)) from None


def save_local(ws: Workspace, name: str, text: str) -> str:
    """Keep a valid rule set in the workspace (replacing one of the same name); logged."""
    name = _name(name)
    ruleset = validate(text, name)
    with ws.transaction() as conn:
        stored = dict(ws.get_setting(SETTING, {}) or {})
        stored[name] = text
        ws.set_setting(SETTING, stored)
        audit_log.append(
            conn,
            "local_ruleset",
            {"name": name, "ruleset": ruleset.ref, "rules": [r.id for r in ruleset.rules]},
        )
    return name


def remove_local(ws, name: str) -> None:
    name = _name(name)
    with ws.transaction() as conn:
        stored = dict(ws.get_setting(SETTING, {}) or {})
        if stored.pop(name, None) is None:
            raise UserError(f"the workspace keeps no rule set named {name}")
        ws.set_setting(SETTING, stored)
        audit_log.append(conn, "local_ruleset_removed", {"name": name})


def export_local(text: str, folder: Path, name: str, overwrite: bool = False) -> Path:
    """Write a (valid) rule set into a plug-in's rule folder."""
    name = _name(name)
    validate(text, name)
    if not folder.is_dir():
        raise UserError(f"{folder} is not a folder (choose the plug-in's rules folder)")
    target = folder / name
    if target.exists() and not overwrite:
        raise UserError(f"{target} exists; choose another name")
    target.write_text(text, encoding="utf-8")
    return target
