"""Rule parameters are typed: each has one definition (type, range, default, words), and every
value — a plug-in's, the workspace's, one typed in the desktop or ``yibao settings`` — is
checked against it before a rule sees it.

A value of the wrong type is refused, never converted: the text ``"15"`` for
``split_stay_days`` compared as text and silently changed the findings, and ``NaN`` reached
the SQL prefilter as a column name. The national definitions are in ``engine.national``; a
plug-in adds its own through the ``yibao_parameter_definitions`` hook. A parameter a plug-in
sets without a definition keeps the type of its first value, with no range.
"""

from __future__ import annotations

import json
import math
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING

from engine.errors import UserError

if TYPE_CHECKING:
    from engine.plugins import PluginSet
    from engine.workspace import Workspace

TYPES = {"int": int, "float": float, "bool": bool, "list": list}
#: The workspace setting that holds its own rule parameter values.
PARAMS_SETTING = "rule_parameters"


@dataclass(frozen=True)
class ParamDef:
    """One rule parameter: what it is, what values it takes, and how to show it."""

    name: str
    type: str  # "int" (whole numbers), "float" (any finite number), "bool", "list" (of text)
    default: int | float | bool | list
    min: float | None = None
    max: float | None = None
    label_zh: str = ""
    label_en: str = ""
    help_zh: str = ""
    help_en: str = ""

    def check(self, value, where: str = "") -> int | float | bool | list:
        """``value`` if it is of this parameter's type and in its range, else a UserError
        saying what is wrong and ``where`` the value came from."""
        at = f"{where}: " if where else ""
        if self.type in ("bool", "list"):
            return self._check_other(value, at)
        kind = "a whole number" if self.type == "int" else "a number"
        ok = isinstance(value, int | float) and not isinstance(value, bool)
        if ok and self.type == "int" and isinstance(value, float):
            ok = value.is_integer()
            value = int(value) if ok else value
        if ok and isinstance(value, float) and not math.isfinite(value):
            ok = False
        if not ok:
            raise UserError(
                f"{at}rule parameter {self.name} must be {kind}{self.range_text()},"
                f" not {json.dumps(value, ensure_ascii=False, default=repr)}"
            )
        if (self.min is not None and value < self.min) or (
            self.max is not None and value > self.max
        ):
            raise UserError(
                f"{at}rule parameter {self.name} must be {kind}{self.range_text()}, not {value}"
            )
        return value

    def _check_other(self, value, at: str) -> bool | list:
        if self.type == "bool":
            if isinstance(value, bool):
                return value
            kind = "true or false"
        else:
            if isinstance(value, list) and all(isinstance(v, str) and v.strip() for v in value):
                return [v.strip() for v in value]
            kind = 'a list of codes, e.g. ["Z51", "Z49"]'
        raise UserError(
            f"{at}rule parameter {self.name} must be {kind},"
            f" not {json.dumps(value, ensure_ascii=False, default=repr)}"
        )

    def range_text(self) -> str:
        if self.min is not None and self.max is not None:
            return f" from {self.min:g} to {self.max:g}"
        if self.min is not None:
            return f" of at least {self.min:g}"
        if self.max is not None:
            return f" of at most {self.max:g}"
        return ""

    def to_json(self) -> dict:
        return asdict(self)


def definitions(plugins: PluginSet) -> dict[str, ParamDef]:
    """Every known definition: each plug-in's through ``yibao_parameter_definitions`` (the
    national ones are ``engine.national``'s; a later one wins)."""
    return {d.name: d for d in plugins.parameter_definitions()}


def known(plugins: PluginSet) -> dict[str, ParamDef]:
    """The definition of every parameter the plug-ins define or set."""
    values = plugins.rule_parameters({})
    return {**{n: inferred(n, v) for n, v in values.items()}, **definitions(plugins)}


def inferred(name: str, value) -> ParamDef:
    """The definition of a parameter a plug-in sets without defining it: its value's type."""
    if isinstance(value, bool):
        kind = "bool"
    elif isinstance(value, list):
        kind = "list"
    else:
        kind = "int" if isinstance(value, int) else "float"
    return ParamDef(name, kind, value)


def checked(values: dict, defs: dict[str, ParamDef], where: str) -> dict:
    """``values`` with each checked against its definition (``where`` names the source)."""
    if not isinstance(values, dict):
        raise UserError(f"{where}: rule parameters must be a mapping of name to number")
    out = {}
    for name, value in values.items():
        definition = defs.get(name) or inferred(name, value)
        out[name] = definition.check(value, where)
    return out


def parse_value(text: str, definition: ParamDef, where: str = "") -> int | float:
    """A value typed by a person (the desktop, ``yibao settings set``): a JSON number."""
    try:
        value = json.loads(text)
    except ValueError:
        value = text
    return definition.check(value, where)


def workspace_values(ws: Workspace, plugins: PluginSet) -> dict:
    """The workspace's own rule parameter values, each checked against its definition; a
    wrong one is an error naming it and the file."""
    defs = known(plugins)
    own = ws.get_setting(PARAMS_SETTING, {})
    return checked(own, defs, f"{ws.path}: setting {PARAMS_SETTING}")


def overview(ws: Workspace, *, plugins: PluginSet) -> list[dict]:
    """Each rule parameter: its definition, the value in force and who set it."""
    sources: dict[str, str] = {}
    values = plugins.rule_parameters({}, sources)
    defs = definitions(plugins)
    own = ws.get_setting(PARAMS_SETTING, {})
    rows = []
    for name in sorted(set(values) | set(own)):
        definition = defs.get(name) or inferred(name, values.get(name, own.get(name)))
        rows.append(
            {
                **definition.to_json(),
                "plugin_value": values.get(name),
                "value": own.get(name, values.get(name)),
                "set_by": "workspace" if name in own else sources.get(name, "national"),
            }
        )
    return rows


def set_override(
    ws: Workspace, name: str, text: str | None, *, plugins: PluginSet
) -> int | float | None:
    """Set (or with ``text`` None, remove) the workspace's own value of a rule parameter,
    checked against its definition; an unknown name is refused."""
    defs = known(plugins)
    if name not in defs:
        raise UserError(f"no rule parameter named {name} (see: yibao settings list)")
    value = None if text is None else parse_value(text, defs[name])
    with ws.transaction():
        own = dict(ws.get_setting(PARAMS_SETTING, {}))
        if value is None:
            own.pop(name, None)
        else:
            own[name] = value
        ws.set_setting(PARAMS_SETTING, own)
    return value
