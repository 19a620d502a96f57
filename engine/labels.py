"""The one table of coded values → words, in Chinese and English.

Messages, reports, the CLI and the desktop show a coded value (``employee``, ``1``, ``surgery``) as
the word a hospital reads (职工医保, 男, 手术). Extend the tables here; never keep a second copy.

    >>> label("insurance_type", "employee")
    '职工医保'
    >>> label("gender", 2, "en")
    'female'
"""

from __future__ import annotations

from collections.abc import Mapping

Words = Mapping[str, tuple[str, str]]

LANGS = ("zh", "en")

_FLAG: Words = {"0": ("否", "no"), "1": ("是", "yes")}

TABLES: dict[str, Words] = {
    "insurance_type": {
        "employee": ("职工医保", "employee insurance"),
        "resident": ("城乡居民医保", "resident insurance"),
        "maternity": ("生育保险", "maternity insurance"),
        "work_injury": ("工伤保险", "work-injury insurance"),
    },
    "visit_type": {
        "inpatient": ("住院", "inpatient"),
        "outpatient": ("门诊", "outpatient"),
        "chronic_outpatient": ("门诊慢特病", "chronic-disease outpatient"),
        "pharmacy": ("药店购药", "pharmacy purchase"),
    },
    "gender": {"1": ("男", "male"), "2": ("女", "female"), "9": ("未知", "unknown")},
    "item_type": {
        "drug": ("药品", "drug"),
        "herbal": ("中药饮片", "herbal pieces"),
        "service": ("医疗服务项目", "medical service"),
        "consumable": ("医用耗材", "medical consumable"),
    },
    "service_class": {
        "exam": ("检查", "examination"),
        "lab": ("化验", "laboratory test"),
        "ct": ("CT", "CT"),
        "mri": ("磁共振", "MRI"),
        "surgery": ("手术", "surgery"),
        "treatment": ("治疗", "treatment"),
        "bed": ("床位", "bed"),
        "nursing": ("护理", "nursing"),
        "other": ("其他", "other"),
    },
    "payment_class": {"A": ("甲类", "class A"), "B": ("乙类", "class B"), "C": ("丙类", "class C")},
    "herbal_rule": {
        "never": ("单复方均不予支付", "never payable"),
        "not_alone": ("单方使用不予支付", "not payable alone"),
    },
    "institution_kind": {
        "general": ("综合医院", "general hospital"),
        "tcm": ("中医医院", "TCM hospital"),
        "specialist": ("专科医院", "specialist hospital"),
        "primary": ("基层医疗机构", "primary care"),
        "pharmacy": ("定点药店", "pharmacy"),
    },
    "level": {
        "0": ("未定级", "ungraded"),
        "1": ("一级", "level 1"),
        "2": ("二级", "level 2"),
        "3": ("三级", "level 3"),
    },
    "discharge_status": {
        "1": ("医嘱离院", "discharged by order"),
        "2": ("医嘱转院", "transferred"),
        "3": ("转社区/乡镇卫生院", "to community care"),
        "4": ("非医嘱离院", "left against advice"),
        "5": ("死亡", "death"),
        "9": ("其他", "other"),
    },
    "severity": {
        "violation": ("明确违规", "violation"),
        "suspicious": ("可疑", "suspicious"),
    },
    "decision": {
        "confirm": ("确认违规", "confirmed"),
        "dismiss": ("不予认定", "dismissed"),
        "info": ("待补充材料", "more information requested"),
    },
    "case_type": {
        "normal": ("正常病例", "normal case"),
        "low": ("低倍率病例", "low-ratio case"),
        "high": ("高倍率病例", "high-ratio case"),
        "special": ("特殊病例", "special case"),
        "special_approved": ("特例单议（已批准）", "special case (approved)"),
        "disallowed": ("不予支付病例", "disallowed case"),
        "ungrouped": ("未入组", "ungrouped"),
        "excluded": ("除外病例", "excluded case"),
    },
    "payment_method": {
        "dip": ("按病种分值", "DIP"),
        "bed_day": ("按床日", "per bed-day"),
        "by_disease": ("按病种", "by disease"),
        "fee_for_service": ("按项目", "fee for service"),
        "other_fund": ("其他基金支付", "other fund"),
    },
    "procedure_kind": {
        "surgical": ("手术操作", "surgical"),
        "therapeutic": ("治疗性操作", "therapeutic"),
        "diagnostic": ("诊断性操作", "diagnostic"),
        "conservative": ("保守治疗", "conservative"),
    },
    "fund": {
        "all": ("统筹基金", "pooled fund"),
        "employee": ("职工医保统筹基金", "employee fund"),
        "resident": ("居民医保统筹基金", "resident fund"),
        "work_injury": ("工伤保险基金", "work-injury fund"),
    },
    "points_effect": {
        "zero": ("不予计分", "no points"),
        "regroup_conservative": ("按保守治疗重新入组", "regrouped as conservative"),
        "special_approved": ("特例单议", "special case approved"),
    },
    "doctor_status": {
        "normal": ("正常", "normal"),
        "warning": ("约谈提醒", "warning (talk)"),
        "suspended": ("暂停医保支付资格", "billing suspended"),
        "terminated": ("终止医保支付资格", "billing terminated"),
    },
    "catalogue": {"1": ("目录内", "in catalogue"), "0": ("目录外", "not in catalogue")},
    "flag": _FLAG,
    "selected": {"1": ("中选", "selected"), "0": ("非中选", "not selected")},
    "public": {"1": ("公立", "public"), "0": ("非公立", "private")},
    # analytics.md: the ranking's subjects, its parts' codes, the appraisal's parts
    "rank_by": {
        "doctor": ("医师", "doctor"),
        "department": ("科室", "department"),
        "institution": ("定点机构", "institution"),
    },
    "peer_code": {
        "TJ01": ("同病组费用", "cost in the DIP group"),
        "TJ02": ("同病组住院日", "length of stay in the DIP group"),
        "TJ03": ("同病组药占比", "drug share in the DIP group"),
        "TJ04": ("同级同病组费用", "cost among same-level institutions"),
        "ZB10000205001000": ("药费占比", "drug share"),
        "ZB10000205002000": ("检验检查占比", "exam and lab share"),
        "ZB10000205003000": ("耗材占比", "consumable share"),
        "ZB10000205004000": ("治疗费占比", "treatment share"),
        "ZB10000205005000": ("CT占比", "CT share"),
        "ZB10000205006000": ("磁共振占比", "MRI share"),
        "ZB10000205008000": ("31天再入院率", "31-day readmission rate"),
    },
    "forecast_method": {
        "last_year_share": ("按上年同期占比", "last year's share to date"),
        "linear": ("按月线性外推", "linear by month"),
    },
    "appraisal_part": {
        "compliance": ("合规", "compliance"),
        "cost_control": ("费用控制", "cost control"),
        "length_of_stay": ("住院日", "length of stay"),
        "data_quality": ("数据质量", "data quality"),
    },
}

# Words for things that are not claim fields: rule and DIP parameters, log actions, where a
# plug-in came from, what a finding is about. Same shape as above, one table each.
TABLES.update(
    {
        "dip_parameter": {
            "region_code": ("统筹区编码", "pooling region"),
            "year": ("结算年度", "settlement year"),
            "multiplier": ("分值放大系数", "score multiplier"),
            "year_weights": ("历史年度权重", "history year weights"),
            "core_case_threshold": ("核心病种最少病例数", "core group case threshold"),
            "level_coefficients": ("医院等级系数", "hospital level coefficients"),
            "low_ratio": ("低倍率界值", "low ratio bound"),
            "high_ratio": ("高倍率界值", "high ratio bound"),
            "special_review_ratio": ("特例单议界值", "special review bound"),
            "bed_day_min_los": ("按床日付费最短住院天数", "bed-day minimum stay"),
            "fund_budget": ("基金预算（元）", "fund budget (yuan)"),
            "fund_payment_ratio": ("基金支付比例", "fund payment ratio"),
            "appraisal_coefficients": ("考核系数", "appraisal coefficients"),
            "surplus_retention_share": ("结余留用比例", "surplus retention share"),
            "overspend_share": ("超支分担比例", "overspend share"),
            "budget_point_value": ("预算点值", "budget point value"),
            "advance_ratio": ("月度预付比例", "monthly advance ratio"),
            "basic_coefficient": ("基础病种系数", "basic group coefficient"),
            "special_case_cap": ("特例单议病例上限比例", "special case cap"),
            "bed_day_rates": ("按床日付费标准（元/日）", "bed-day rates (yuan/day)"),
            "by_disease_rates": ("按病种付费标准（元）", "by-disease rates (yuan)"),
            "capitation_rates": ("按人头付费标准（元/人·年）", "capitation rates"),
        },
        "log_action": {
            "import": ("导入数据包", "import"),
            "audit": ("运行审核", "audit"),
            "review": ("审核结论", "review"),
            "settle": ("DIP 结算", "settlement"),
            "dip-build-catalogue": ("生成 DIP 目录", "DIP catalogue built"),
            "settings": ("修改设置", "settings changed"),
            "special_case": ("特例单议", "special case"),
            "appraisal_apply": ("写入考核系数", "appraisal applied"),
            "local_ruleset": ("保存规则集", "rule set saved"),
            "local_ruleset_removed": ("删除规则集", "rule set removed"),
        },
        "plugin_source": {
            "builtin": ("内置", "built in"),
            "entry point": ("已安装的软件包", "installed package"),
            "drop-in": ("插件文件夹", "plug-in folder"),
            "drop-in file": ("插件文件夹中的文件", "drop-in file"),
            "drop-in folder": ("插件文件夹中的目录", "drop-in folder"),
            "wheel": ("插件文件夹中的安装包", "drop-in wheel"),
        },
        "contribution": {
            "rule files": ("规则文件", "rule files"),
            "reference tables": ("参考数据表", "reference tables"),
            "fact fields": ("事实字段", "fact fields"),
            "import adapters": ("导入适配器", "import adapters"),
            "report sections": ("报告章节", "report sections"),
            "rule parameters": ("规则参数", "rule parameters"),
            "DIP parameters": ("DIP 参数", "DIP parameters"),
            "point value method": ("点值算法", "point value method"),
        },
        "scope": {
            "line": ("明细", "line"),
            "claim": ("结算", "claim"),
            "patient": ("参保人", "patient"),
            "institution": ("机构", "institution"),
            "doctor": ("医师", "doctor"),
        },
        "progress_stage": {
            "reference": ("导入参考数据", "reference data"),
            "claims": ("导入结算", "claims"),
            "lines": ("导入明细", "lines"),
            "enrich": ("准备审核数据", "preparing facts"),
            "audit line": ("审核明细", "auditing lines"),
            "audit claim": ("审核结算", "auditing claims"),
            "audit patient": ("审核参保人", "auditing patients"),
            "audit institution": ("审核机构", "auditing institutions"),
            "audit doctor": ("审核医师", "auditing doctors"),
            "settle": ("DIP 结算", "settling"),
        },
        "catalogue_source": {
            "official": ("官方目录", "official catalogue"),
            "built": ("历史数据生成目录", "catalogue built from history"),
        },
    }
)


def _key(value: object) -> str:
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def label(kind: str, value: object, lang: str = "zh") -> str:
    """The word for ``value`` of the coded field ``kind`` in ``lang``; the value itself if unknown.

    An empty value gives an empty string, so a message never shows ``None``.
    """
    if value is None or value == "":
        return ""
    words = TABLES.get(kind, {}).get(_key(value))
    if words is None:
        return str(value)
    return words[1] if lang == "en" else words[0]


def labels(kind: str, values: object, lang: str = "zh", sep: str | None = None) -> str:
    """Words for a list (or a ``;``-joined text) of coded values, joined for a message."""
    if values is None or values == "":
        return ""
    items = values.split(";") if isinstance(values, str) else list(values)  # type: ignore[call-overload]
    joiner = sep if sep is not None else ("、" if lang != "en" else ", ")
    return joiner.join(label(kind, v.strip() if isinstance(v, str) else v, lang) for v in items)


def known(kind: str) -> tuple[str, ...]:
    """The coded values of ``kind`` that have words."""
    return tuple(TABLES.get(kind, {}))


#: Words a data package may use for a coded value besides those of ``TABLES``
#: (spec/interchange.md, r2: 职工 → employee, 男 → 1, 是 → 1, …); the import stores the code.
INPUT_WORDS: dict[str, dict[str, str]] = {
    "insurance_type": {
        "职工": "employee",
        "职工医保": "employee",
        "职工基本医疗保险": "employee",
        "居民": "resident",
        "城乡居民": "resident",
        "居民医保": "resident",
        "城乡居民基本医疗保险": "resident",
        "生育": "maternity",
        "生育保险": "maternity",
        "工伤": "work_injury",
        "工伤保险": "work_injury",
    },
    "visit_type": {
        "住院": "inpatient",
        "门诊": "outpatient",
        "普通门诊": "outpatient",
        "门诊慢特病": "chronic_outpatient",
        "门慢": "chronic_outpatient",
        "门特": "chronic_outpatient",
        "药店": "pharmacy",
        "药店购药": "pharmacy",
        "定点药店": "pharmacy",
    },
    "gender": {"男": "1", "女": "2", "未知": "9"},
    "item_type": {
        "药品": "drug",
        "西药": "drug",
        "中成药": "drug",
        "中药饮片": "herbal",
        "医疗服务": "service",
        "诊疗项目": "service",
        "耗材": "consumable",
        "医用耗材": "consumable",
    },
}

#: Kinds whose codes are 1/0 and so also take 是/否.
_YES_NO_KINDS = ("flag", "selected", "public", "catalogue")


def input_words(kind: str) -> dict[str, str]:
    """Every word accepted on import for a value of ``kind`` → its code: the Chinese and English
    words of ``TABLES``, the further ``INPUT_WORDS``, and 是/否 for a 1/0 kind."""
    words: dict[str, str] = {}
    tables = [TABLES.get(kind, {})] + ([_FLAG] if kind in _YES_NO_KINDS else [])
    for table in tables:
        for code, (zh, en) in table.items():
            words.setdefault(zh, code)
            words.setdefault(en, code)
    words.update(INPUT_WORDS.get(kind, {}))
    return words


def date_words(value: object, lang: str = "zh") -> str:
    """A date (or the date of a timestamp) as a document writes it: ``2025年3月1日``."""
    text = str(value or "")[:10]
    try:
        year, month, day = (int(part) for part in text.split("-"))
    except ValueError:
        return str(value or "")
    return f"{year}-{month:02d}-{day:02d}" if lang == "en" else f"{year}年{month}月{day}日"


#: The kind of value (a table above) of each coded column of the contract and fact field of the
#: rules: the import takes its words, messages and conditions show them. One map for all.
FIELD_KINDS: dict[str, str] = {
    "insurance_type": "insurance_type",
    "restrict_insurance": "insurance_type",
    "visit_type": "visit_type",
    "restrict_visit_type": "visit_type",  # a list: each item
    "gender": "gender",
    "restrict_gender": "gender",
    "gender_only": "gender",
    "item_type": "item_type",
    "service_class": "service_class",
    "payment_class": "payment_class",
    "herbal_rule": "herbal_rule",
    "kind": "institution_kind",
    "level": "level",
    "institution_level": "level",
    "restrict_min_level": "level",
    "public": "public",
    "institution_public": "public",
    "selected": "selected",
    "proc_selected": "selected",
    "in_catalogue": "catalogue",
    "discharge_status": "discharge_status",
    "dip_case_type": "case_type",
    "dip_payment_method": "payment_method",
}
