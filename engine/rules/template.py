"""Message templates of rules: ``{field}``, ``{param[name]}`` and a bounded ``{field:spec}``.

A template is text from a rule file, which a region may write, rendered with the values of
claims and lines. Python's own ``str.format`` would let it reach attributes
(``{x.__class__.__mro__}``) or ask for a field 99,999,999 characters wide (gigabytes of
memory); here a field is a plain name or a parameter, the spec is a standard number/text
spec of at most ``MAX_WIDTH`` characters wide and ``MAX_PRECISION`` digits, and no ``!r``.
"""

from __future__ import annotations

import functools
import re
import string

MAX_WIDTH = 200
MAX_PRECISION = 20
_FIELD = re.compile(r"(?P<name>[A-Za-z_]\w*)(?:\[(?P<key>[A-Za-z]\w*)\]|\.(?P<attr>[A-Za-z]\w*))?")
_SPEC = re.compile(
    r"(?:.?[<>=^])?[+\- ]?z?#?0?(?P<width>\d+)?[,_]?(?:\.(?P<precision>\d+))?[bcdeEfFgGnosxX%]?"
)


def _field(name: str) -> re.Match:
    match = _FIELD.fullmatch(name)
    if match is None or ((match["key"] or match["attr"]) and match["name"] != "param"):
        raise ValueError(
            f"{{{name}}}: a template names a field ({{name}}) or a rule parameter"
            " ({param[name]}), nothing else"
        )
    return match


def _spec(spec: str) -> None:
    match = _SPEC.fullmatch(spec)
    if match is None:
        raise ValueError(f"format spec {spec!r} is not a plain number or text format")
    if int(match["width"] or 0) > MAX_WIDTH or int(match["precision"] or 0) > MAX_PRECISION:
        raise ValueError(
            f"format spec {spec!r} is too wide (width at most {MAX_WIDTH},"
            f" precision at most {MAX_PRECISION})"
        )


def check_template(template: str) -> None:
    """Raise ValueError saying what a template may not do."""
    _parts(template)


#: A template as parsed once: (literal text, field name or None, parameter key, spec).
Part = tuple[str, str | None, str | None, str]


@functools.lru_cache(maxsize=4096)
def _parts(template: str) -> tuple[Part, ...]:
    """The template's pieces, each field checked (a rule's message is rendered for every
    finding: parsing it once makes rendering a join)."""
    out = []
    for literal, name, spec, conversion in string.Formatter().parse(template):
        if name is None:
            out.append((literal, None, None, ""))
            continue
        match = _field(name)
        if conversion:
            raise ValueError(f"{{{name}!{conversion}}}: conversions (!r, !s, !a) are not allowed")
        if spec:
            _spec(spec)
        out.append((literal, match["name"], match["key"] or match["attr"], spec))
    return tuple(out)


def _text(value, spec: str) -> str:
    if not spec and isinstance(value, float):
        return f"{value:.4f}".rstrip("0").rstrip(".") or "0"
    try:
        return format(value, spec)
    except (TypeError, ValueError):  # e.g. "-" (an empty field) under a number spec
        return str(value)


def render(template: str, fact: dict) -> str:
    """The template filled from ``fact`` (an absent field shows as ``-``)."""
    out = []
    for literal, name, key, spec in _parts(template):
        out.append(literal)
        if name is None:
            continue
        value = fact.get(name, "-")
        if key is not None:
            value = value.get(key, "-") if isinstance(value, dict) else "-"
        out.append(_text(value, spec))
    return "".join(out)
