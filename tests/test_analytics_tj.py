"""TJ01–TJ04 (analytics.md §2): every code planted with a trigger and a clean twin in one
package (tests/analytics_region.py), audited once."""

import pytest

from engine.analytics import scores
from engine.rules import run_audit
from tests.analytics_region import make_workspace


@pytest.fixture(scope="module")
def audited(tmp_path_factory):
    from engine.plugins import load_plugins

    ws = make_workspace(tmp_path_factory.mktemp("tj"))
    result = run_audit(ws, plugins=load_plugins())
    yield ws, result
    ws.close()


def _tj(result):
    return {
        (f.code, f.subject, f.institution_code): f
        for f in result.findings
        if f.code.startswith("TJ")
    }


def test_each_code_fires_on_its_trigger_only(audited):
    _ws, result = audited
    found = _tj(result)
    # D1–D9 and H1–H7 are judged in A01.0-CONS; in every comparison the median is 1.0 (or
    # 0.30 drug share) with MAD 0, so the scale is 0.05 × median and the threshold
    # 1.0 + 3 × 0.05 = 1.15 (drug share: 0.30 + 3 × 0.015 = 0.345). D9 (1.04, 1.08, 0.33)
    # and H7 (1.04) stay under; D10 (4 cases) and the 19-case group B01.0 are not judged.
    assert sorted(found) == [
        ("TJ01", "D6", "H6"),
        ("TJ02", "D7", "H1"),
        ("TJ03", "D8", "H2"),
        ("TJ04", "A01.0-CONS", "H6"),
    ]
    for f in found.values():
        assert f.severity == "suspicious" and f.scope == "institution"


def test_amount_and_message(audited):
    _ws, result = audited
    found = _tj(result)
    # m_cost = the median of the peers' mean costs (1000 × 7, 1040, 3000) = 1000;
    # D6: 5 × (3000 − 1000) × 0.8 = 8000. H6 the same over its five cases.
    assert found[("TJ01", "D6", "H6")].amount == 8000
    assert found[("TJ04", "A01.0-CONS", "H6")].amount == 8000
    # D7 and D8 cost the median: nothing above it
    assert found[("TJ02", "D7", "H1")].amount == 0
    message = found[("TJ01", "D6", "H6")].message
    assert "3.00倍" in message and "1.00倍" in message and "1.15倍" in message
    assert "5例" in message and "9名医师" in message
    assert "34.5%" in found[("TJ03", "D8", "H2")].message


def test_every_comparison_is_stored_with_its_score(audited):
    ws, result = audited
    stored = scores.load(ws.conn, result.run_id)
    by = {(s.code, s.kind, s.subject): s for s in stored}
    d6 = by[("TJ01", "doctor", "D6")]
    assert d6.score == pytest.approx(40.0)  # (3.0 − 1.0) / 0.05
    assert d6.peers == 9 and d6.cases == 5 and d6.amount == 8000 * 10_000
    assert by[("TJ01", "doctor", "D9")].score == pytest.approx(0.8)  # 0.04 / 0.05
    assert ("TJ01", "doctor", "D10") not in by
    assert not any(s.group_code == "B01.0-CONS" for s in stored)
    # departments: D6 and D7 share SUR, so SUR's mean cost ratio is (5 × 3 + 5 × 1) / 10 = 2
    assert by[("TJ01", "department", "SUR")].value == pytest.approx(2.0)


def test_ranking_by_doctor_department_and_institution(audited):
    from engine.analytics.rank import rank

    ws, result = audited
    doctors = rank(ws, "doctor")
    assert doctors["run_id"] == result.run_id
    top = [(r["subject"], r["score"]) for r in doctors["ranking"][:4]]
    # D6: TJ01 (3.0 − 1.0) / 0.05 = 40; D7: TJ02 40; D8: TJ03 (0.9 − 0.3) / 0.015 = 40;
    # D9: 0.04 / 0.05 + 0.08 / 0.05 + 0.03 / 0.015 = 0.8 + 1.6 + 2 = 4.4 (ties by subject)
    assert top == [("D6", 40.0), ("D7", 40.0), ("D8", 40.0), ("D9", 4.4)]
    assert doctors["ranking"][0]["parts"][0]["code"] == "TJ01"
    assert doctors["ranking"][0]["institution_codes"] == ["H6"]
    assert len(rank(ws, "doctor", top=2)["ranking"]) == 2
    # departments: SUR (D6 + D7) is 2.0 × the group in cost and stay: 20 + 20; K8 40
    depts = [(r["subject"], r["score"]) for r in rank(ws, "department")["ranking"][:2]]
    assert depts == [("K8", 40.0), ("SUR", 40.0)]
    institutions = rank(ws, "institution")["ranking"]
    assert [(r["subject"], r["score"]) for r in institutions[:2]] == [("H6", 40.0), ("H7", 0.8)]


def test_drill_down_to_the_cases_of_a_part(audited):
    from engine.analytics.rank import part_cases
    from engine.plugins import load_plugins

    ws, _result = audited
    cases = part_cases(ws, "doctor", "D6", "TJ01", "A01.0-CONS", plugins=load_plugins())
    assert len(cases) == 5 and {c["cost"] for c in cases} == {3000}
    assert {c["doctor_id"] for c in cases} == {"D6"}
    h6 = part_cases(ws, "institution", "H6", "TJ04", "A01.0-CONS", plugins=load_plugins())
    assert len(h6) == 5
