"""What each fact field means, for the analysts who write rules.

The fields of a scope are read from the enrichment SQL (``kit.scope_fields``); the columns of
the contract take their Chinese labels from ``engine.contract``; every field enrichment derives
is described here. ``reference_markdown`` renders the table that ``rulesets/README.md`` carries
between its ``fields`` markers, and a test fails when the two differ or a field has no
description, so the reference cannot drift from the code.
"""

from __future__ import annotations

from engine import contract

# name: (中文, English, unit) — the fields enrichment derives (not columns of the contract).
DERIVED: dict[str, tuple[str, str, str]] = {
    "charge_date": ("费用发生日期", "date of the charge", "date"),
    "is_refund": (
        "是否冲销明细（恒为0：冲销明细不参与规则）",
        "always 0: refund lines reach no rule",
        "0/1",
    ),
    "cancelled": (
        "已被全额冲销（恒为0：不参与规则）",
        "always 0: cancelled lines reach no rule",
        "0/1",
    ),
    "refunded": ("有部分冲销", "some of the line was refunded", "0/1"),
    "charged_quantity": (
        "明细原始数量（冲销前）",
        "the line's own quantity, before refunds",
        "units",
    ),
    "charged_amount": ("明细原始金额（冲销前）", "the line's own amount, before refunds", "yuan"),
    "daily_dose": ("日用量", "net quantity / max(days_supply, 1)", "units a day"),
    "dose_days": ("用药天数（至少1）", "max(days_supply, 1)", "days"),
    "amount_mismatch": ("金额与数量×单价之差", "|amount − quantity × unit_price|", "yuan"),
    "upload_delay_hours": ("上传延迟", "hours from charge to upload", "hours"),
    "charge_outside_stay": ("计费日期在住院期外", "charged outside the stay", "0/1"),
    "age_years": ("年龄（周岁）", "age in full years", "years"),
    "age_days": ("年龄（天）", "age in days", "days"),
    "institution_level": ("医院等级", "institution level", "0–3"),
    "institution_public": ("是否公立", "public institution", "0/1"),
    "institution_name": ("机构名称", "institution name", "text"),
    "in_catalogue": ("在医保目录内", "item is in the catalogue", "0/1"),
    "visit_type_allowed": ("就医方式符合限定", "visit type is allowed for the item", "0/1"),
    "dept_allowed": ("科室符合限定", "department is allowed for the item", "0/1"),
    "daily_qty": ("当日该项目总数量", "the item's quantity on the claim that day", "units"),
    "daily_excess_qty": ("本条超日限量部分", "this line's part past the daily limit", "units"),
    "claim_item_amount": ("本结算该项目总金额", "the item's amount on the claim", "yuan"),
    "is_last_item_line": ("该项目最后一条明细", "the item's last line on the claim", "0/1"),
    "surgery_lines_day": ("当日手术条数", "surgery lines of the claim that day", "count"),
    "surgery_rank_day": (
        "当日手术价格排序",
        "rank of this surgery by price that day",
        "1 = dearest",
    ),
    "included_in": ("包含本项目的项目编码", "item that includes this one (charged too)", "code"),
    "bundled_with": ("应合并收费的项目编码", "item this one must be charged with as one", "code"),
    "requires_missing": ("缺少的必需项目", "required service missing from the claim", "code"),
    "dup_therapy": ("同类药重复", "another drug of the same ATC class that day", "0/1"),
    "interacts_with": ("相互作用的药品", "interacting drug charged the same day", "code"),
    "first_line_before": ("此前已用一线药", "a first-line drug of the class came earlier", "0/1"),
    "course_days": (
        "第几个用药/治疗日",
        "day of use of this line's date (per stay; per year outside a stay)",
        "days",
    ),
    "course_day_first": ("当日首条明细", "the first line of its day of use", "0/1"),
    "course_day_amount": ("当日该项目净金额", "the item's net amount that day of use", "yuan"),
    "drug_kind_rank": ("当日第几种药品", "rank of the drug that day by first line", "count"),
    "drug_kinds_day": ("当日药品种数", "drug kinds on the claim that day", "count"),
    "item_day_amount": ("当日该药品净金额", "the drug's net amount that day", "yuan"),
    "herbal_conflict_with": (
        "配伍禁忌的饮片",
        "incompatible herbal piece charged earlier that day (十八反/十九畏)",
        "code",
    ),
    "herbal_day_all_not_alone": (
        "当日饮片均为单方不支付",
        "every herbal line that day is not payable alone",
        "0/1",
    ),
    "dx_restriction_met": ("诊断符合适应症", "a diagnosis meets the item's indication", "0/1"),
    "disease_list_met": ("诊断在限定病种内", "a diagnosis is in the item's disease list", "0/1"),
    "proc_selected": ("集采中选产品", "a selected product of procurement", "0/1"),
    "procurement_price": ("中选价格", "selected price", "yuan"),
    "payment_standard": ("医保支付标准", "payment standard of the generic", "yuan"),
    "generic_has_selected": (
        "该通用名有中选产品",
        "the generic has a selected product then",
        "0/1",
    ),
    "los": ("住院天数", "length of stay", "days"),
    "lines_total": ("明细金额合计", "sum of the claim's lines", "yuan"),
    "total_diff": ("总额与明细合计之差", "|total_amount − lines_total|", "yuan"),
    "paid_diff": ("统筹+个人与总额之差", "|fund_paid + personal_paid − total_amount|", "yuan"),
    "discharge_before_admission": ("出院早于入院", "discharged before admitted", "0/1"),
    "surgery_lines": ("手术收费条数", "surgery lines of the claim", "count"),
    "exam_amount": ("检查检验类金额", "exam, lab, CT and MRI amount", "yuan"),
    "has_procedure": ("有手术操作编码", "the claim has a procedure code", "0/1"),
    "dx_gender_conflict": ("与性别不符的诊断", "diagnosis that does not fit the gender", "code"),
    "px_gender_conflict": (
        "与性别不符的手术操作",
        "procedure that does not fit the gender",
        "code",
    ),
    "dx_age_conflict": ("与年龄不符的诊断", "diagnosis that does not fit the age", "code"),
    "days_since_prev_discharge": (
        "距同类疾病上次出院天数",
        "days since the patient's last discharge with the same main-diagnosis category (any"
        " institution)",
        "days",
    ),
    "main_dx_category": ("主诊断类目", "first 3 characters of the main diagnosis", "code"),
    "split_stay_exempt_dx": (
        "主诊断属分解住院豁免",
        "the main diagnosis starts with a split_stay_exempt prefix",
        "0/1",
    ),
    "idle_days": (
        "挂床日数",
        "days strictly inside the stay with only bed, nursing or other services",
        "days",
    ),
    "during_stay_of": ("所在住院结算", "the inpatient claim this visit falls inside", "code"),
    "bad_diagnosis_code": ("不规范的诊断编码", "a diagnosis code of the wrong form", "code"),
    "main_dx_external_cause": (
        "主诊断为外因编码",
        "the main diagnosis is in V01–Y98",
        "0/1",
    ),
    "claims": ("本批结算数", "claims of the institution in the run", "count"),
    "days_to_next_admission": ("距下次入院天数", "days to the patient's next admission", "days"),
    "outpatient_visits_30d": ("30天内门诊次序", "rank among outpatient visits in 30 days", "count"),
    "pharmacy_visits_30d": ("30天内购药次序", "rank among pharmacy claims in 30 days", "count"),
    "admissions_365d": ("365天内住院次序", "rank among admissions in 365 days", "count"),
    "dip_payment_method": ("DIP支付方式", "DIP payment method", "code"),
    "dip_group": ("DIP病种组", "DIP group", "code"),
    "dip_case_type": ("DIP病例类型", "DIP case type", "code"),
    "dip_avg_los": ("病种平均住院日", "the group's average LOS", "days"),
    "dip_ratio": ("费用倍率", "cost ratio to the group's average", "ratio"),
    "main_procedure_kind": ("主手术操作类别", "kind of the main procedure", "code"),
    "level": ("医院等级", "institution level", "0–3"),
    "peers": ("同级机构数", "institutions of the same level compared", "count"),
    "december_discharges": ("12月出院人次", "discharges in December", "count"),
    "jan_nov_discharges": ("1–11月出院人次", "discharges January–November", "count"),
    "jan_nov_monthly_mean": ("1–11月月均出院", "monthly mean discharges Jan–Nov", "count"),
    "dip_cases": ("DIP病例数", "DIP cases", "count"),
    "low_cases": ("低倍率病例数", "low-ratio cases", "count"),
    "low_case_share": ("低倍率病例占比", "share of low-ratio cases", "ratio"),
    "selected_qty": ("中选产品用量", "quantity of selected products", "units"),
    "nonselected_qty": ("非中选产品用量", "quantity of non-selected products", "units"),
    "generic_qty": ("该通用名总用量", "quantity of the generic", "units"),
    "nonselected_share": ("非中选产品占比", "share of non-selected products", "ratio"),
    "agreed_quantity": ("约定采购量", "agreed quantity", "units"),
    "used_selected_qty": ("协议期内中选产品用量", "selected quantity used in the period", "units"),
    "elapsed_share": ("协议期已过比例", "share of the agreement period elapsed", "ratio"),
    "volume_completion": ("约定量完成率", "completion of the agreed volume", "ratio"),
    "tj_code": ("同组比较编码", "TJ comparison code", "code"),
    "tj_kind": ("比较对象类型", "subject kind (doctor or institution)", "code"),
    "tj_subject": ("比较对象", "the doctor id, or the group code for institutions", "code"),
    "peer_group": ("比较所在病种组", "the DIP group compared in", "code"),
    "tj_value": ("对象指标值", "the subject's value", "ratio"),
    "tj_median": ("同组中位数", "the peers' median", "ratio"),
    "tj_threshold": ("异常阈值", "the outlier threshold", "ratio"),
    "tj_score": ("稳健得分", "robust score", "score"),
    "tj_cases": ("对象病例数", "the subject's cases in the group", "count"),
    "tj_peers": ("同组比较对象数", "subjects compared in the group", "count"),
    "tj_amount": ("高于中位数的基金金额", "fund money above the peers' median cost", "yuan"),
    "tj_median_cost": ("同组中位费用", "the peers' median mean cost", "yuan"),
}

_INDICATORS = {
    "drug": ("药品", "drug"),
    "exam": ("检查检验", "exam and lab"),
    "consumable": ("耗材", "consumable"),
    "treatment": ("治疗", "treatment"),
    "ct": ("CT", "CT"),
    "mri": ("MRI", "MRI"),
    "readmission": ("31天再入院", "31-day readmission"),
}
for _key, (_zh, _en) in _INDICATORS.items():
    DERIVED.setdefault(f"{_key}_share", (f"{_zh}占比", f"{_en} share", "ratio"))
    DERIVED.setdefault(
        f"{_key}_median", (f"同级{_zh}占比中位数", f"peers' median {_en} share", "ratio")
    )
    DERIVED.setdefault(
        f"{_key}_threshold", (f"{_zh}占比判定阈值", f"{_en} share threshold", "ratio")
    )
    DERIVED.setdefault(f"{_key}_outlier", (f"{_zh}占比离群", f"{_en} share above threshold", "0/1"))
    DERIVED.setdefault(
        f"{_key}_score", (f"{_zh}占比稳健得分", f"{_en} share robust score", "score")
    )


def _contract_columns() -> dict[str, tuple[str, str]]:
    out: dict[str, tuple[str, str]] = {}
    for table in contract.ALL_TABLES:
        for column in table.columns:
            out.setdefault(column.name, (column.labels[0], column.type))
    return out


def describe(name: str) -> tuple[str, str, str] | None:
    """(中文, English, unit) of a field, or None when nothing describes it."""
    if name in DERIVED:
        return DERIVED[name]
    column = _contract_columns().get(name)
    if column is None:
        return None
    unit = {"dec": "yuan / units", "int": "number", "date": "date", "datetime": "time"}
    return column[0], name.replace("_", " "), unit.get(column[1], "text")


def field_label(name: str, lang: str = "zh") -> str:
    doc = describe(name)
    if doc is None:
        return name
    return doc[0] if lang == "zh" else doc[1]


def reference_markdown() -> str:
    """The field reference of every scope, as the rule analysts' README carries it."""
    from engine.rules.kit import scope_fields

    out = []
    for scope, fields in scope_fields().items():
        out += [f"### {scope}", "", "| field | 含义 | meaning | unit |", "|---|---|---|---|"]
        for name in fields:
            zh, en, unit = describe(name) or ("?", "?", "?")
            out.append(f"| `{name}` | {zh} | {en} | {unit} |")
        out.append("")
    return "\n".join(out).rstrip() + "\n"


START, END = "<!-- fields:start -->", "<!-- fields:end -->"


def with_reference(readme: str) -> str:
    """``readme`` with the text between the field markers replaced by the current reference."""
    head, _, rest = readme.partition(START)
    _, _, tail = rest.partition(END)
    return f"{head}{START}\n{reference_markdown()}{END}{tail}"
