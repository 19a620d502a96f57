"""The one table of coded values → words (engine/labels.py)."""

from engine.labels import TABLES, label, labels


def test_coded_values_read_as_words_in_both_languages():
    assert label("insurance_type", "employee") == "职工医保"
    assert label("insurance_type", "resident", "en") == "resident insurance"
    assert label("visit_type", "chronic_outpatient") == "门诊慢特病"
    assert label("gender", 2) == "女"
    assert label("gender", "1", "en") == "male"
    assert label("catalogue", 1) == "目录内"
    assert label("catalogue", 0) == "目录外"
    assert label("flag", True) == "是"
    assert label("severity", "violation") == "明确违规"
    assert label("payment_method", "other_fund") == "其他基金支付"
    assert label("case_type", "disallowed") == "不予支付病例"


def test_unknown_values_pass_through_and_empty_stays_empty():
    assert label("insurance_type", "X99") == "X99"
    assert label("no_such_kind", "a") == "a"
    assert label("gender", None) == ""
    assert labels("visit_type", "inpatient;outpatient") == "住院、门诊"
    assert labels("visit_type", ["pharmacy"], "en") == "pharmacy purchase"


def test_every_word_has_both_languages():
    for kind, words in TABLES.items():
        for code, (zh, en) in words.items():
            assert zh and en, (kind, code)
            assert zh != en or zh.isascii(), (kind, code)
