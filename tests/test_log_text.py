"""The log read as sentences: each action in words, coded values as words, unknown actions listed."""

from engine.log_text import sentence


def test_each_action_reads_as_a_sentence():
    assert sentence("import", {"package": "p", "claims": 8, "lines": 1200, "replace": True}) == (
        "导入数据包 p：结算 8 条，明细 1,200 条，替换已有结算"
    )
    assert sentence(
        "audit", '{"run_id": "A1", "rulesets": ["national.catalogue"], "findings": 5}'
    ) == ("运行审核（批次 A1，规则集 national.catalogue）：疑点 5 个")
    review = {
        "decision": "confirm",
        "reviewer": "张审核",
        "comment": None,
        "findings": [{"deduction": 100.5}, {"deduction": 20}],
    }
    assert sentence("review", review) == "张审核 对 2 个疑点作出结论：确认违规，扣款 120.50 元"
    assert sentence("review", review, "en") == (
        "张审核 decided 2 finding(s): confirmed, deduction 120.50 yuan"
    )
    settle = {"year": 2025, "catalogue": "built", "point_value": 20.5, "total_points": 8800}
    assert sentence("settle", settle) == (
        "DIP 结算 2025 年度（历史数据生成目录）：点值 20.5，总分值 8,800.0000"
    )
    funds_apart = {**settle, "point_value": None}
    assert sentence("settle", funds_apart, "en") == (
        "DIP settlement 2025 (catalogue built from history): 8,800.0000 points"
    )


def test_special_cases_appraisals_and_local_rule_sets_read_as_sentences():
    special = {"claim_id": "I1", "decision": "approve", "reviewer": "张", "comment": "罕见"}
    assert sentence("special_case", special) == "张 批准结算 I1 的特例单议：罕见"
    applied = {"year": 2025, "applied_to": 2026, "coefficients": {"H1": 1.0, "H2": 0.9}}
    assert (
        sentence("appraisal_apply", applied)
        == "按 2025 年度考核结果写入 2026 年度考核系数（2 家机构）"
    )
    assert sentence("local_ruleset_removed", {"name": "mine"}) == "删除本工作区规则集 mine"


def test_an_unknown_action_or_shape_is_listed_in_words():
    assert sentence("note", {"visit_type": "inpatient"}) == "note：visit_type=住院"
    assert sentence("import", {"claims": "many"}).startswith("导入数据包：")
