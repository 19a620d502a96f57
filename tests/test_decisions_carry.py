"""A decision stays in view when the workspace is audited again: the new run's finding of the
same claim, rule and line shows it, as the settlement and the doctors' ledger count it."""

from engine.findings import list_findings
from engine.review import decide
from engine.rules import run_audit


def test_a_decision_shows_on_the_same_finding_of_a_later_run(sample_ws, plugins):
    first = run_audit(sample_ws, plugins=plugins)
    claim_finding = next(f for f in first.findings if f.claim_id and f.amount > 0)
    decide(sample_ws, [claim_finding.finding_id], "confirm", reviewer="张三")
    second = run_audit(sample_ws, plugins=plugins)
    assert second.run_id != first.run_id
    shown = {
        (f["claim_id"], f["rule_id"], f["line_no"]): f
        for f in list_findings(sample_ws, second.run_id)
    }
    again = shown[(claim_finding.claim_id, claim_finding.rule_id, claim_finding.line_no)]
    assert again["finding_id"] != claim_finding.finding_id
    assert (
        again["decision"] == "confirm" and again["deduction"] == claim_finding.to_json()["amount"]
    )
    others = [f for f in shown.values() if f is not again]
    assert others and all(f["decision"] is None for f in others)  # only that one was decided
