"""The sample package's expected findings and settlement (spec/sample/expected.json)."""

import pytest

from engine.dip.settlement import settle
from engine.errors import UserError
from engine.findings import list_findings
from engine.review import decide
from engine.rules import lanes as lanes_module
from engine.rules import run_audit
from engine.rules.lanes import claim_bounds, lane_count


def test_expected_findings_exactly(sample_ws, plugins, expected):
    result = run_audit(sample_ws, plugins=plugins)
    claim_findings = {
        (f.claim_id, f.line_no, f.code): f.to_json()["amount"]
        for f in result.findings
        if f.claim_id
    }
    want = {(c, line, code): amount for c, line, code, amount in expected["findings"]}
    assert set(claim_findings) == set(want)
    for key, amount in want.items():
        if amount is not None:
            assert claim_findings[key] == amount
    institutions = {(f.institution_code, f.code) for f in result.findings if not f.claim_id}
    assert institutions == {tuple(x) for x in expected["institution_findings"]}
    flagged = {f.claim_id for f in result.findings}
    assert not flagged & set(expected["clean_claims"])


def test_expected_settlement_exactly(sample_ws, plugins, expected):
    want = expected["settlement"]
    out = settle(sample_ws, 2025, plugins=plugins)
    for key in ("year", "region_code", "point_value", "fund_payment_ratio", "total_points"):
        assert out[key] == want[key]
    assert out.get("funds", want.get("funds")) == want.get("funds", out.get("funds"))
    got_inst = {i["institution_code"]: i for i in out["institutions"]}
    for inst in want["institutions"]:
        assert {k: got_inst[inst["institution_code"]][k] for k in inst} == inst
    got = {c["claim_id"]: c for c in out["cases"]}
    for case in want["cases"]:
        for key in ("group_code", "case_type", "payment_method", "rw", "coefficient", "points"):
            assert got[case["claim_id"]][key] == case[key], (case["claim_id"], key)


def test_confirmed_split_stay_changes_the_settlement(r2_ws, plugins):
    """(The revision-2 sample: S-STAY3 at H002.) With its rule's points effect zero, the readmission is disallowed and its deduction
    not also taken; without one, the 500 is recovered in full after sharing (r2)."""
    before = settle(r2_ws, 2025, plugins=plugins, store=False)
    run_audit(r2_ws, plugins=plugins)
    split = next(f for f in list_findings(r2_ws) if f["code"] == "GZ10000204001000")
    decide(r2_ws, [split["finding_id"]], "confirm", reviewer="审核员甲", deduction="500")
    after = settle(r2_ws, 2025, plugins=plugins, store=False)
    code = split["institution_code"]
    inst_before = next(i for i in before["institutions"] if i["institution_code"] == code)
    inst_after = next(i for i in after["institutions"] if i["institution_code"] == code)
    effect = r2_ws.conn.execute(
        "SELECT points_effect FROM findings WHERE finding_id = ?", (split["finding_id"],)
    ).fetchone()[0]
    case = next(c for c in after["cases"] if c["claim_id"] == split["claim_id"])
    if effect == "zero":
        assert (case["case_type"], case["effect_source"]) == ("disallowed", split["finding_id"])
        assert inst_after["deductions"] == 0.0
        assert after["total_points"] < before["total_points"]
    else:
        assert inst_after["deductions"] == 500.0
        assert inst_after["payment"] == inst_before["payment"]
        assert round(inst_before["final_payment"] - inst_after["final_payment"], 2) == 500.0
    assert (
        next(f for f in list_findings(r2_ws) if f["code"] == "GZ10000204001000")["decision"]
        == "confirm"
    )


def _comparable(result) -> list[tuple]:
    return sorted(
        (f.rule_id, f.claim_id or "", f.line_no or 0, f.institution_code or "")
        + (f.subject or "", f.amount, f.message, f.message_en)
        for f in result.findings
    )


@pytest.mark.parametrize("per_lane", [0.5, 0.2, 0])
def test_audit_split_into_lanes_finds_exactly_what_one_lane_finds(sample_ws, plugins, per_lane):
    """Down to one claim a lane, so every fact that spans claims (a patient's visits, a
    course of treatment, an institution's sums) crosses lanes."""
    claims = sample_ws.count("claims")
    lanes = max(2, round(1 / per_lane)) if per_lane else claims
    whole = run_audit(sample_ws, plugins=plugins, lanes=1)
    assert whole.findings
    assert _comparable(run_audit(sample_ws, plugins=plugins, lanes=lanes)) == _comparable(whole)


@pytest.mark.parametrize("lanes", [1, 2])
def test_audit_in_many_ranges_finds_exactly_what_one_range_finds(
    sample_ws, plugins, monkeypatch, lanes
):
    """A workspace of more lines than a range holds is split into more ranges than lanes,
    handed out as lanes come free, each range's facts evaluated as it comes: here ranges of
    about 7 lines, so facts that span claims cross ranges and lanes."""
    whole = run_audit(sample_ws, plugins=plugins, lanes=1)
    monkeypatch.setattr(lanes_module, "RANGE_LINES", 7)
    ranges = lanes_module.range_count(sample_ws.conn, lanes)
    assert ranges >= 3 * lanes
    assert len(claim_bounds(sample_ws.conn, ranges)) > 2 * lanes
    assert _comparable(run_audit(sample_ws, plugins=plugins, lanes=lanes)) == _comparable(whole)


def test_lane_bounds_cover_every_claim_once(sample_ws):
    claims = [r[0] for r in sample_ws.conn.execute("SELECT claim_id FROM claims")]
    bounds = claim_bounds(sample_ws.conn, 3)
    assert len(bounds) == 3 and bounds[0][0] is None and bounds[-1][1] is None
    for claim in claims:
        inside = [(lo is None or claim >= lo) and (hi is None or claim < hi) for lo, hi in bounds]
        assert inside.count(True) == 1


def test_lanes_setting_is_read_and_checked(sample_ws, monkeypatch):
    monkeypatch.setenv("YIBAO_AUDIT_LANES", "3")
    assert lane_count(sample_ws.conn) == 3
    assert lane_count(sample_ws.conn, 1) == 1
    monkeypatch.setenv("YIBAO_AUDIT_LANES", "many")
    with pytest.raises(UserError, match="YIBAO_AUDIT_LANES"):
        lane_count(sample_ws.conn)
    monkeypatch.delenv("YIBAO_AUDIT_LANES")
    assert lane_count(sample_ws.conn) == 1  # eight claims: one lane is faster


def test_ranges_come_in_order_with_the_held_facts_bounded(sample_ws, monkeypatch):
    """run_lanes' scheduling, with the lanes faked (threads, a range a few milliseconds): the
    results come in range order, this process and the workers both make ranges, and never
    more than lanes + 2 ranges are made or being made and not yet given out (the test counts
    one more: the range just given out, until this loop has taken it)."""
    import threading
    import time
    from concurrent.futures import ThreadPoolExecutor

    lanes, ranges = 3, 17
    lock = threading.Lock()
    begun, given, most, here = [], [], [0], []

    def fake_lane(_job, _conn, bounds):
        with lock:
            begun.append(bounds)
            most[0] = max(most[0], len(begun) - len(given))
        time.sleep(0.002 * (1 + len(begun) % 3))
        return bounds

    def made_here(job, conn, bounds):
        here.append(bounds)
        return fake_lane(job, conn, bounds)

    monkeypatch.setattr(lanes_module, "claim_bounds", lambda _conn, n: list(range(n)))
    monkeypatch.setattr(lanes_module, "range_count", lambda _conn, _lanes: ranges)
    monkeypatch.setattr(lanes_module, "run_lane", made_here)
    monkeypatch.setattr(
        lanes_module, "_run_on_reader", lambda _p, _k, job, b: fake_lane(job, None, b)
    )
    monkeypatch.setattr(lanes_module.processes, "pool", lambda n: ThreadPoolExecutor(n))
    for result in lanes_module.run_lanes(sample_ws.conn, None, lanes):
        given.append(result)
        time.sleep(0.003)  # the caller evaluates it
    assert given == list(range(ranges))
    assert 0 < len(here) < ranges
    assert most[0] <= lanes + 3
