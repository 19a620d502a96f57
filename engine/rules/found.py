"""What a rule found on a fact, as a ``Finding``: the money at stake and the message in both
languages. The audit, the rule kit's examples and a Spark run's buckets all make them here."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

from engine.findings import Finding, finding_id
from engine.money import round_money
from engine.rules import expr
from engine.rules.ruleset import Rule
from engine.rules.template import render
from engine.rules.wording import overrides


def no_names(_code: str) -> None:
    """No catalogue names: an item's code stays as it is in messages."""
    return None


def make_finding(
    run_id: str,
    rule: Rule,
    fact: dict,
    params: dict,
    names: Callable[[str], str | None] = no_names,
) -> Finding:
    """The finding ``rule`` makes on ``fact`` in run ``run_id``; ``names``: an item's name
    beside its code in the messages (``wording.catalogue_names``)."""
    if rule.amount is not None:
        amount = expr.evaluate_amount(rule.amount, fact, params)
    elif rule.scope == "line":
        amount = Decimal(repr(fact.get("amount", 0.0)))
    else:
        amount = Decimal(0)
    amount = max(round_money(amount), Decimal(0))
    view = {**fact, "param": params}
    message = {}
    for lang in ("zh", "en"):  # the coded values as words of each language, in place
        view.update(overrides(fact, lang, names))
        message[lang] = render(rule.message[lang], view)
    claim_id = fact.get("claim_id") if rule.scope != "institution" else None
    line_no = fact.get("line_no") if rule.scope == "line" else None
    institution = fact.get("institution_code")
    subject = fact.get(rule.subject) if rule.subject else None
    # a subject judged in several peer groups (a doctor in two DIP groups) has one finding each
    key = f"{subject}|{fact['peer_group']}" if "peer_group" in fact else subject
    return Finding(
        finding_id=finding_id(run_id, rule.id, claim_id, line_no, institution, key),
        run_id=run_id,
        rule_id=rule.id,
        code=rule.code,
        severity=rule.severity,
        scope=rule.scope,
        claim_id=claim_id,
        line_no=line_no,
        institution_code=institution,
        subject=subject,
        amount=amount,
        message=message["zh"],
        message_en=message["en"],
        points_effect=rule.points_effect,
    )
