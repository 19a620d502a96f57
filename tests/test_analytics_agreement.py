"""The institution indicators of the rules (ZB10000205…) and the analytics' stored peer
scores come from the one robust peer test: the institutions the rules flag are exactly the
outliers the ranking reads."""

from engine.analytics import scores
from engine.analytics.rank import rank
from engine.plugins import load_plugins
from engine.rules import run_audit
from tests.analytics_region import DRUG, SERVICE, claim, make_workspace

# six level-3 institutions with 30 outpatient claims each (indicator_min_claims) and drug
# shares 0.30, 0.31, 0.29, 0.30, 0.30, 0.60: m = 0.30, |v − m| = 0, 0.01, 0.01, 0, 0, 0.30 →
# MAD = 0.005, scale = max(0.0074, 0.015) = 0.015, threshold = 0.30 + 3 × 0.015 = 0.345:
# H6 only, with score (0.60 − 0.30) / 0.015 = 20. H7 has 29 claims: neither judged nor a peer.
SHARES = {"H1": 0.30, "H2": 0.31, "H3": 0.29, "H4": 0.30, "H5": 0.30, "H6": 0.60, "H7": 0.90}


def _outpatient(inst: str, n: int, share: float):
    row, _ = claim(f"{inst}-{n}", inst, "outpatient", "2025-04-01", "", "J06.900", 100, 80, 100)
    drug = round(100 * share, 2)
    when = "2025-04-01 10:00"
    return row, [
        (row[0], 1, DRUG, when, 1, drug, drug),
        (row[0], 2, SERVICE, when, 1, round(100 - drug, 2), round(100 - drug, 2)),
    ]


def test_rules_and_peer_scores_flag_the_same_institutions(tmp_path):
    extra = [
        _outpatient(inst, n, share)
        for inst, share in SHARES.items()
        for n in range(29 if inst == "H7" else 30)
    ]
    ws = make_workspace(tmp_path, doctors=[], extra_claims=extra)
    result = run_audit(ws, plugins=load_plugins())
    flagged = {f.institution_code for f in result.findings if f.code == "ZB10000205001000"}
    stored = [s for s in scores.load(ws.conn, result.run_id) if s.code == "ZB10000205001000"]
    assert sorted(s.subject for s in stored) == ["H1", "H2", "H3", "H4", "H5", "H6"]
    outliers = {s.subject for s in stored if s.value > s.threshold}
    assert flagged == outliers == {"H6"}
    h6 = next(s for s in stored if s.subject == "H6")
    assert round(h6.threshold, 6) == 0.345 and round(h6.score, 6) == 20.0
    top = rank(ws, "institution")["ranking"][0]
    assert top["subject"] == "H6" and top["parts"][0]["code"] == "ZB10000205001000"
    ws.close()
