"""The robust peer test on hand-made values (analytics.md §1)."""

import pytest

from engine.analytics.peer import compare, peer_stats


def test_five_peers_with_one_outlier():
    # values 0.9, 1.0, 1.05, 1.1, 3.0: median m = 1.05;
    # |v − m| = 0.15, 0.05, 0, 0.05, 1.95 → MAD = 0.05;
    # scale = max(1.4826 × 0.05 = 0.07413, 0.05 × 1.05 = 0.0525) = 0.07413;
    # threshold = 1.05 + 3 × 0.07413 = 1.27239; score(3.0) = 1.95 / 0.07413 = 26.3052.
    result = compare({"a": 0.9, "b": 1.0, "c": 1.05, "d": 1.1, "e": 3.0})
    e = result["e"]
    assert e.stats.median == pytest.approx(1.05)
    assert e.stats.mad == pytest.approx(0.05)
    assert e.stats.threshold == pytest.approx(1.27239)
    assert e.score == pytest.approx(26.3052, abs=1e-4)
    assert e.outlier
    assert [k for k, r in result.items() if r.outlier] == ["e"]
    assert result["d"].score == pytest.approx(0.05 / 0.07413)


def test_mad_zero_uses_the_median_floor():
    # 2, 2, 2, 2, 2.05, 3: m = 2, MAD = median(0, 0, 0, 0, 0.05, 1) = 0;
    # scale = max(0, 0.05 × 2) = 0.1; threshold = 2 + 3 × 0.1 = 2.3.
    result = compare(dict(enumerate([2, 2, 2, 2, 2.05, 3])))
    assert result[0].stats.mad == 0
    assert result[0].stats.threshold == pytest.approx(2.3)
    assert not result[4].outlier  # 2.05 is a hair above a tight set: not flagged
    assert result[5].outlier and result[5].score == pytest.approx(10.0)


def test_fewer_than_peer_min_judges_nobody():
    assert compare({"a": 1, "b": 1, "c": 1, "d": 50}) == {}
    assert peer_stats([1, 1, 1, 50], peer_min=5) is None
    # the same four with peer_min 4 do judge: m = 1, MAD = 0, scale 0.05, threshold 1.15
    assert compare({"a": 1, "b": 1, "c": 1, "d": 50}, peer_min=4)["d"].outlier


def test_k_moves_the_threshold():
    values = {"a": 0.9, "b": 1.0, "c": 1.05, "d": 1.1, "e": 1.3}
    assert compare(values)["e"].outlier  # 1.3 > 1.27239
    assert not compare(values, k=4.0)["e"].outlier  # 1.3 < 1.05 + 4 × 0.07413


def test_zero_median_and_zero_mad():
    result = compare(dict(enumerate([0, 0, 0, 0, 0.1])))
    assert result[4].outlier and result[4].score is None
    assert result[0].score == 0.0 and not result[0].outlier
    assert result[4].fields("x") == {"x_median": 0, "x_threshold": 0, "x_outlier": 1}


def test_indicator_facts_become_peer_scores():
    from engine.analytics.scores import from_indicator_facts

    shares = {"H1": 0.30, "H2": 0.31, "H3": 0.29, "H4": 0.30, "H5": 0.60}
    judged = compare(shares)
    facts = [
        {"institution_code": code, "institution_level": 3, "peers": 5, "drug_share": value}
        | judged[code].fields("drug")
        for code, value in shares.items()
    ]
    facts.append({"institution_code": "H1", "generic_name": "阿莫西林", "drug_share": 1.0})
    scores = {s.subject: s for s in from_indicator_facts(facts)}
    assert sorted(scores) == ["H1", "H2", "H3", "H4", "H5"]
    h5 = scores["H5"]
    # m = 0.30, MAD = 0.01 → scale max(0.014826, 0.015) = 0.015, threshold 0.345
    assert h5.code == "ZB10000205001000" and h5.group_code == "level 3"
    assert h5.threshold == pytest.approx(0.345) and h5.score == pytest.approx(20.0)
    assert [s.subject for s in scores.values() if s.value > s.threshold] == ["H5"]
