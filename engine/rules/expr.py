"""The condition and amount language of rule files.

Conditions are written like Python, e.g.::

    item_type == 'drug' and restrict_max_age is not null and age_years > restrict_max_age

- comparisons ``== != < <= > >=``, ``in (…)``/``not in (…)``, ``is null``/``is not null``;
- ``and``, ``or``, ``not`` and parentheses;
- arithmetic ``+ - * /`` on the right of a comparison, ``param.NAME`` for a rule parameter.

A comparison involving an empty (null) field is never true — as in SQL — so ``not``
is pushed down to the comparisons (``not a > b`` becomes ``a <= b``). One parse tree
compiles to a durable-rules condition (the rule engine decides) and to an SQL expression
(used only to skip facts that cannot match any rule; an exact filter, never a looser one).
Amounts are arithmetic over fields, evaluated exactly with ``Decimal``.
"""

from __future__ import annotations

import ast
import math
from dataclasses import dataclass
from decimal import Decimal

_FLIP = {"<": ">", "<=": ">=", ">": "<", ">=": "<=", "==": "==", "!=": "!="}
_NEGATE = {"<": ">=", "<=": ">", ">": "<=", ">=": "<", "==": "!=", "!=": "=="}
_DURABLE_OP = {"<": "$lt", "<=": "$lte", ">": "$gt", ">=": "$gte", "==": None, "!=": "$neq"}
_DURABLE_ARITH = {"+": "$add", "-": "$sub", "*": "$mul", "/": "$div"}
_AST_CMP = {ast.Lt: "<", ast.LtE: "<=", ast.Gt: ">", ast.GtE: ">=", ast.Eq: "==", ast.NotEq: "!="}
_AST_ARITH = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/"}


MAX_TEXT = 100_000  # characters of one condition or amount


class ExprError(ValueError):
    """A condition or amount that cannot be compiled; the message says what and where."""


# --- value expressions -----------------------------------------------------------------------
@dataclass(frozen=True)
class Field:
    name: str


@dataclass(frozen=True)
class Const:
    value: object


@dataclass(frozen=True)
class Param:
    name: str


@dataclass(frozen=True)
class Arith:
    op: str
    left: object
    right: object


# --- conditions ------------------------------------------------------------------------------
@dataclass(frozen=True)
class Cmp:
    op: str
    left: Field
    right: object  # a value expression


@dataclass(frozen=True)
class IsNull:
    field: Field
    negated: bool  # True: "is not null"


@dataclass(frozen=True)
class Fixed:
    """A comparison of parameters and constants alone (``param.x == 0``): decided when the
    rule is compiled with the run's parameters, so a parameter can switch part of a rule."""

    op: str
    left: object
    right: object


@dataclass(frozen=True)
class BoolOp:
    op: str  # "and" / "or"
    items: tuple


def _value(node: ast.AST, text: str):
    if isinstance(node, ast.Name):
        if node.id in ("null", "None"):
            raise ExprError(f"use 'is null' / 'is not null' to test for an empty field in: {text}")
        if node.id in ("true", "True"):
            return Const(1)
        if node.id in ("false", "False"):
            return Const(0)
        return Field(node.id)
    if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
        if node.value.id == "param":
            return Param(node.attr)
        raise ExprError(f"unknown name {node.value.id}.{node.attr} in: {text}")
    if isinstance(node, ast.Constant) and isinstance(node.value, int | float | str):
        value = node.value
        return Const(int(value) if isinstance(value, bool) else value)
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
        inner = _value(node.operand, text)
        if isinstance(inner, Const) and isinstance(inner.value, int | float):
            return Const(-inner.value)
        return Arith("-", Const(0), inner)
    if isinstance(node, ast.BinOp) and type(node.op) in _AST_ARITH:
        return Arith(_AST_ARITH[type(node.op)], _value(node.left, text), _value(node.right, text))
    raise ExprError(f"cannot use {ast.unparse(node)!r} as a value in: {text}")


def _is_null_name(node: ast.AST) -> bool:
    return (isinstance(node, ast.Name) and node.id in ("null", "None")) or (
        isinstance(node, ast.Constant) and node.value is None
    )


def _condition(node: ast.AST, text: str):
    if isinstance(node, ast.BoolOp):
        op = "and" if isinstance(node.op, ast.And) else "or"
        return BoolOp(op, tuple(_condition(v, text) for v in node.values))
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
        return negate(_condition(node.operand, text))
    if isinstance(node, ast.Compare):
        if len(node.ops) != 1:
            raise ExprError(f"write chained comparisons with 'and' in: {text}")
        op_node, right_node = node.ops[0], node.comparators[0]
        if isinstance(op_node, ast.Is | ast.IsNot):
            if not (_is_null_name(right_node) and isinstance(node.left, ast.Name)):
                raise ExprError(f"'is' compares a field with null only, in: {text}")
            return IsNull(Field(node.left.id), isinstance(op_node, ast.IsNot))
        left, right = _value(node.left, text), None
        if isinstance(op_node, ast.In | ast.NotIn):
            if not isinstance(left, Field) or not isinstance(right_node, ast.Tuple | ast.List):
                raise ExprError(f"write 'field in (a, b, …)' in: {text}")
            options = [_value(e, text) for e in right_node.elts]
            if isinstance(op_node, ast.In):
                return BoolOp("or", tuple(Cmp("==", left, o) for o in options))
            return BoolOp("and", tuple(Cmp("!=", left, o) for o in options))
        op = _AST_CMP.get(type(op_node))
        if op is None:
            raise ExprError(f"unsupported comparison {type(op_node).__name__} in: {text}")
        right = _value(right_node, text)
        if not isinstance(left, Field):
            if isinstance(right, Field):
                left, right, op = right, left, _FLIP[op]
            elif not (fields_of(left) or fields_of(right)):
                return Fixed(op, left, right)
            else:
                raise ExprError(f"a comparison needs a field on one side, in: {text}")
        return Cmp(op, left, right)
    if isinstance(node, ast.Name):
        return Cmp("!=", Field(node.id), Const(0))  # a bare flag: "is_refund"
    raise ExprError(f"cannot read {ast.unparse(node)!r} as a condition in: {text}")


def negate(cond):
    if isinstance(cond, BoolOp):
        return BoolOp("or" if cond.op == "and" else "and", tuple(negate(i) for i in cond.items))
    if isinstance(cond, IsNull):
        return IsNull(cond.field, not cond.negated)
    if isinstance(cond, Fixed):
        return Fixed(_NEGATE[cond.op], cond.left, cond.right)
    return Cmp(_NEGATE[cond.op], cond.left, cond.right)


_COMPARE = {
    "<": lambda a, b: a < b,
    "<=": lambda a, b: a <= b,
    ">": lambda a, b: a > b,
    ">=": lambda a, b: a >= b,
    "==": lambda a, b: a == b,
    "!=": lambda a, b: a != b,
}


def _fixed(node, params: dict):
    if isinstance(node, Const):
        return node.value
    if isinstance(node, Param):
        return params[node.name]
    return evaluate_amount(node, {}, params)


def resolve(cond, params: dict):
    """The condition with its parameter-only comparisons decided: True, False, or what is
    left to test on the facts."""
    if isinstance(cond, Fixed):
        return _COMPARE[cond.op](_fixed(cond.left, params), _fixed(cond.right, params))
    if not isinstance(cond, BoolOp):
        return cond
    decisive = cond.op == "or"  # True decides an "or", False an "and"
    items = []
    for item in (resolve(i, params) for i in cond.items):
        if item is decisive:
            return decisive
        if item is not (not decisive):
            items.append(item)
    if not items:
        return not decisive
    return items[0] if len(items) == 1 else BoolOp(cond.op, tuple(items))


def _parse(text: str) -> ast.AST:
    if not isinstance(text, str) or not text.strip():
        raise ExprError("the expression is empty")
    if len(text) > MAX_TEXT:
        raise ExprError(f"the expression is {len(text):,} characters long, more than {MAX_TEXT:,}")
    try:
        return ast.parse(" ".join(text.split()), mode="eval").body
    except (RecursionError, MemoryError):
        raise ExprError("the expression is nested too deeply") from None
    except SyntaxError as exc:
        raise ExprError(f"syntax error at column {exc.offset}: {text}") from None


#: The comparisons one condition may hold (``x in (a, b, …)`` counts one for each value):
#: a longer list belongs in a reference table the enrichment joins.
MAX_COMPARISONS = 1000


def parse_condition(text: str):
    try:
        cond = _condition(_parse(text), text)
    except RecursionError:
        raise ExprError("the condition is nested too deeply") from None
    count = _comparisons(cond)
    if count > MAX_COMPARISONS:
        raise ExprError(
            f"the condition has {count:,} comparisons, more than {MAX_COMPARISONS:,}; put long"
            " lists of codes in a reference table"
        )
    return cond


def _comparisons(cond) -> int:
    if isinstance(cond, BoolOp):
        return sum(_comparisons(i) for i in cond.items)
    return 1


def parse_value(text: str | int | float):
    if isinstance(text, int | float):
        return Const(text)
    try:
        return _value(_parse(text), text)
    except RecursionError:
        raise ExprError("the amount is nested too deeply") from None


def fields_of(node) -> set[str]:
    if isinstance(node, Field):
        return {node.name}
    if isinstance(node, Arith):
        return fields_of(node.left) | fields_of(node.right)
    if isinstance(node, Cmp):
        return {node.left.name} | fields_of(node.right)
    if isinstance(node, IsNull):
        return {node.field.name}
    if isinstance(node, BoolOp):
        return set().union(*(fields_of(i) for i in node.items))
    return set()


def params_of(node) -> set[str]:
    if isinstance(node, Param):
        return {node.name}
    if isinstance(node, Arith):
        return params_of(node.left) | params_of(node.right)
    if isinstance(node, Cmp):
        return params_of(node.right)
    if isinstance(node, Fixed):
        return params_of(node.left) | params_of(node.right)
    if isinstance(node, BoolOp):
        return set().union(*(params_of(i) for i in node.items))
    return set()


# --- durable-rules -----------------------------------------------------------------------------
def _durable_value(node, params: dict):
    if isinstance(node, Field):
        return {"$m": node.name}
    if isinstance(node, Const):
        return node.value
    if isinstance(node, Param):
        return params[node.name]
    left, right = _durable_value(node.left, params), _durable_value(node.right, params)
    if not isinstance(left, dict) and not isinstance(right, dict):
        return _fold(node.op, left, right)
    return {_DURABLE_ARITH[node.op]: {"$l": left, "$r": right}}


def _fold(op: str, a, b):
    return {"+": a + b, "-": a - b, "*": a * b, "/": a / b}[op]


def to_durable(cond, params: dict, always: str = "claim_id") -> dict:
    """The condition as durable-rules JSON; every field it reads must be present. A
    condition the parameters decide alone tests the presence of ``always``, a field every
    fact of the scope has."""
    cond = resolve(cond, params)
    if isinstance(cond, bool):
        return {("$ex" if cond else "$nex"): {always: 1}}
    return _to_durable(cond, params)


def _to_durable(cond, params: dict) -> dict:
    if isinstance(cond, BoolOp):
        key = "$and" if cond.op == "and" else "$or"
        return {key: [_to_durable(i, params) for i in cond.items]}
    if isinstance(cond, IsNull):
        return {("$ex" if cond.negated else "$nex"): {cond.field.name: 1}}
    value = _durable_value(cond.right, params)
    op = _DURABLE_OP[cond.op]
    test = {cond.left.name: value} if op is None else {op: {cond.left.name: value}}
    # A reference to an absent field can match in durable-rules; require presence, as SQL does.
    present = [{"$ex": {name: 1}} for name in sorted(fields_of(cond))]
    return {"$and": present + [test]}


# --- SQL ---------------------------------------------------------------------------------------
def _sql_literal(value) -> str:
    if isinstance(value, float) and not math.isfinite(value):
        raise ExprError(f"{value} is not a number SQL can compare with")
    if isinstance(value, str):
        return "'" + value.replace("'", "''") + "'"
    return repr(float(value)) if isinstance(value, float) else str(int(value))


def _sql_value(node, params: dict) -> str:
    if isinstance(node, Field):
        return f'"{node.name}"'
    if isinstance(node, Const):
        return _sql_literal(node.value)
    if isinstance(node, Param):
        return _sql_literal(params[node.name])
    left, right = _sql_value(node.left, params), _sql_value(node.right, params)
    if node.op == "/":
        return f"(({left}) * 1.0 / ({right}))"
    return f"(({left}) {node.op} ({right}))"


def to_sql(cond, params: dict, columns: set[str], costly: frozenset[str] = frozenset()) -> str:
    """The condition as SQL over the fact columns; parts on Python-computed fields are TRUE.

    SQLite evaluates ``AND`` left to right and stops at the first false part, so parts that
    read a ``costly`` column (one the fact query computes per row) are moved last: most rows
    fail a cheap part first and never compute them.
    """
    cond = resolve(cond, params)
    if isinstance(cond, bool):
        return "1" if cond else "0"
    if isinstance(cond, BoolOp):
        if cond.op == "and":
            return _join("AND", _conjuncts(cond, params, columns, costly))
        return _join("OR", [to_sql(i, params, columns, costly) for i in cond.items])
    if not fields_of(cond) <= columns:
        return "1"
    if isinstance(cond, IsNull):
        return f'"{cond.field.name}" IS {"NOT " if cond.negated else ""}NULL'
    op = "=" if cond.op == "==" else cond.op
    return f'("{cond.left.name}" {op} {_sql_value(cond.right, params)})'


def _conjuncts(cond, params: dict, columns: set[str], costly: frozenset[str]) -> list[str]:
    """The SQL parts of a condition that must all hold, cheap ones first."""
    if not (isinstance(cond, BoolOp) and cond.op == "and"):
        return [to_sql(cond, params, columns, costly)]
    items = sorted(cond.items, key=lambda item: bool(fields_of(item) & costly))
    return [to_sql(item, params, columns, costly) for item in items]


def any_sql(conds: list, params: dict, columns: set[str], costly: frozenset[str]) -> str:
    """SQL true where any of ``conds`` holds: the prefilter of a scope's facts.

    Rules share leading parts (``is_refund == 0 and item_type == 'drug' and …``); each shared
    part is tested once for the rules that start with it, not once per rule.
    """
    decided = [resolve(c, params) for c in conds]
    if any(c is True for c in decided):
        return "1"
    return _factor([_conjuncts(c, params, columns, costly) for c in decided if c is not False])


def _factor(parts: list[list[str]]) -> str:
    if not parts or any(not p for p in parts):
        return "1" if parts else "0"
    groups: dict[str, list[list[str]]] = {}
    for p in parts:
        groups.setdefault(p[0], []).append(p[1:])
    terms = []
    for head, tails in groups.items():
        rest = _factor(tails)
        terms.append(head if rest == "1" else f"({head} AND {rest})")
    return terms[0] if len(terms) == 1 else _join("OR", terms)


def _join(op: str, parts: list[str]) -> str:
    """``parts`` joined by ``op`` as a balanced tree: SQLite parses ``a OR b OR c …`` as a
    chain as deep as it is long and refuses one deeper than 1,000 ("expression tree too
    large"); halves keep the depth to the logarithm, and the order of evaluation."""
    if len(parts) <= 32:
        return "(" + f" {op} ".join(parts) + ")"
    middle = len(parts) // 2
    return f"({_join(op, parts[:middle])} {op} {_join(op, parts[middle:])})"


# --- exact amounts ---------------------------------------------------------------------------
def _decimal(value) -> Decimal:
    if isinstance(value, float):
        return Decimal(repr(value))
    return Decimal(value)


def evaluate_amount(node, fact: dict, params: dict) -> Decimal:
    if isinstance(node, Const):
        return _decimal(node.value)
    if isinstance(node, Param):
        return _decimal(params[node.name])
    if isinstance(node, Field):
        value = fact.get(node.name)
        if value is None:
            raise ExprError(f"the amount needs field {node.name}, which is empty for this fact")
        return _decimal(value)
    left = evaluate_amount(node.left, fact, params)
    right = evaluate_amount(node.right, fact, params)
    if node.op == "/":
        if right == 0:
            raise ExprError("the amount divides by zero for this fact")
        return left / right
    return {"+": left + right, "-": left - right, "*": left * right}[node.op]
