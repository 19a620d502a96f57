"""The national baseline, as a built-in plug-in: nothing national is special-cased.

It contributes the national rule sets (``rulesets/national``) and the national defaults of
the rule parameters (``rules_spec.md``); DIP defaults live in ``engine.dip.params``.
"""

from __future__ import annotations

from engine import __version__  # noqa: F401  (the plug-in's version is the product's)
from engine.hookspecs import hookimpl
from engine.parameters import ParamDef
from engine.paths import national_rulesets

PLUGIN_NAME = "national"
PLUGIN_API = 1


# The national rule parameters (rules_spec.md; accountability.md: a doctor's yearly points →
# status, and what follows; analytics.md §1–2: the robust peer test and the TJ comparisons):
# type, range, default and words of each, in one place (``engine.parameters.ParamDef``).
PARAMETER_DEFINITIONS: tuple[ParamDef, ...] = (
    ParamDef(
        "realtime_upload_hours",
        "int",
        24,
        min=1,
        max=8760,
        label_zh="实时上传时限（小时）",
        label_en="upload deadline (hours)",
        help_zh="收费时间与上传时间相差超过此小时数，视为非实时上传。",
        help_en="A line uploaded more than this many hours after its charge is not real-time.",
    ),
    ParamDef(
        "split_stay_days",
        "int",
        15,
        min=1,
        max=365,
        label_zh="分解住院间隔（天）",
        label_en="split-stay window (days)",
        help_zh="同一参保人同类主诊断出院后此天数内再次入院，疑似分解住院。",
        help_en="A readmission for the same diagnosis category within this many days is suspect.",
    ),
    ParamDef(
        "outpatient_visits_30d",
        "int",
        8,
        min=1,
        max=1000,
        label_zh="30日门诊次数上限",
        label_en="outpatient visits in 30 days",
        help_zh="30 天内门诊（含慢特病）超过此次数，超出的每次列为疑点。",
        help_en="Outpatient visits past this number within 30 days are each flagged.",
    ),
    ParamDef(
        "pharmacy_visits_30d",
        "int",
        6,
        min=1,
        max=1000,
        label_zh="30日购药次数上限",
        label_en="pharmacy visits in 30 days",
        help_zh="30 天内药店购药超过此次数，超出的每次列为疑点。",
        help_en="Pharmacy claims past this number within 30 days are each flagged.",
    ),
    ParamDef(
        "admissions_365d",
        "int",
        4,
        min=1,
        max=365,
        label_zh="一年住院次数上限",
        label_en="admissions in 365 days",
        help_zh="365 天内住院超过此次数，超出的每次列为疑点。",
        help_en="Admissions past this number within 365 days are each flagged.",
    ),
    ParamDef(
        "low_standard_los",
        "int",
        3,
        min=0,
        max=365,
        label_zh="低标准入院住院日",
        label_en="low-standard admission stay",
        help_zh="住院天数不超过此值、无手术且以检查为主的住院，疑似低标准入院。",
        help_en="Stays this short, without procedure and mostly examinations, are suspect.",
    ),
    ParamDef(
        "low_standard_exam_share",
        "float",
        0.6,
        min=0,
        max=1,
        label_zh="低标准入院检查占比",
        label_en="exam share",
        help_zh="检查、化验、CT、磁共振费用占总费用不低于此比例（0–1）。",
        help_en="Share of examinations, tests, CT and MRI in the total (0–1).",
    ),
    ParamDef(
        "indicator_z",
        "float",
        2.0,
        min=0,
        max=100,
        label_zh="指标离群 z 值",
        label_en="indicator z",
        help_zh="机构指标高于同级机构均值此倍标准差时列为疑点。",
        help_en="An institution's indicator this many standard deviations above its peers.",
    ),
    ParamDef(
        "volume_completion_min",
        "float",
        0.8,
        min=0,
        max=1,
        label_zh="集采完成率下限",
        label_en="volume completion",
        help_zh="中选产品使用量低于约定采购量（按已过时间折算）的此比例（0–1）列为疑点。",
        help_en="Selected products used below this share of the pro-rated agreed volume.",
    ),
    ParamDef(
        "non_selected_share_max",
        "float",
        0.3,
        min=0,
        max=1,
        label_zh="非中选占比上限",
        label_en="non-selected share",
        help_zh="非中选产品用量占同通用名总用量超过此比例（0–1）列为疑点。",
        help_en="Non-selected products above this share of the generic's use.",
    ),
    ParamDef(
        "long_stay_factor",
        "float",
        2.0,
        min=1,
        max=100,
        label_zh="超长住院倍数",
        label_en="long-stay factor",
        help_zh="DIP 病例住院天数超过病种平均住院日的此倍数，列为超长住院。",
        help_en="A DIP stay longer than this multiple of the group's average stay.",
    ),
    ParamDef(
        "cost_shift_days",
        "int",
        7,
        min=0,
        max=365,
        label_zh="费用转移窗口（天）",
        label_en="cost-shift window (days)",
        help_zh="入院前此天数内同一机构的门诊检查费用，疑似费用转嫁。",
        help_en="Outpatient examinations this many days before an admission there.",
    ),
    ParamDef(
        "year_end_drop",
        "float",
        0.6,
        min=0,
        max=1,
        label_zh="年末骤降比例",
        label_en="year-end drop",
        help_zh="12 月出院人数低于 1–11 月月均的此比例（0–1），疑似年末推诿患者。",
        help_en="December discharges below this share of the monthly mean.",
    ),
    ParamDef(
        "low_case_share_max",
        "float",
        0.25,
        min=0,
        max=1,
        label_zh="低倍率病例占比上限",
        label_en="low-ratio case share",
        help_zh="机构低倍率病例占 DIP 病例超过此比例（0–1）列为疑点。",
        help_en="Low-ratio cases above this share of an institution's DIP cases.",
    ),
    ParamDef(
        "warn_points",
        "int",
        4,
        min=0,
        max=1000,
        label_zh="医师记分预警分值",
        label_en="doctor warning points",
        help_zh="医保医师一个自然年度累计记分达到此值，予以约谈提醒。",
        help_en="A doctor with this many points in a year is called in for a warning talk.",
    ),
    ParamDef(
        "suspend_points",
        "int",
        9,
        min=0,
        max=1000,
        label_zh="医师暂停分值",
        label_en="doctor suspension points",
        help_zh="累计记分达到此值，暂停医保支付资格。",
        help_en="From this many points the doctor's right to bill the fund is suspended.",
    ),
    ParamDef(
        "terminate_points",
        "int",
        12,
        min=0,
        max=1000,
        label_zh="医师终止分值",
        label_en="doctor termination points",
        help_zh="累计记分达到此值，终止医保支付资格。",
        help_en="From this many points the doctor's right to bill the fund is terminated.",
    ),
    ParamDef(
        "suspend_months_per_point_over",
        "int",
        1,
        min=0,
        max=120,
        label_zh="超分每分暂停月数",
        label_en="months a point",
        help_zh="暂停期限：超过（暂停分值 − 1）的每 1 分暂停的月数。",
        help_en="Months of suspension per point above the suspension threshold minus one.",
    ),
    ParamDef(
        "suspend_months_max",
        "int",
        6,
        min=0,
        max=120,
        label_zh="最长暂停月数",
        label_en="longest suspension (months)",
        help_zh="暂停医保支付资格最长月数。",
        help_en="The longest suspension, in months.",
    ),
    ParamDef(
        "terminate_bar_years",
        "int",
        1,
        min=0,
        max=100,
        label_zh="终止后禁入年数",
        label_en="years barred",
        help_zh="终止医保支付资格后不得再次登记备案的年数。",
        help_en="Years a terminated doctor may not register again.",
    ),
    ParamDef(
        "peer_k",
        "float",
        3.0,
        min=0,
        max=100,
        label_zh="同组离群阈值 k",
        label_en="peer threshold k",
        help_zh="高于同行中位数此倍稳健离散度（MAD）时列为疑点。",
        help_en="Flagged above the peers' median by this many robust spreads (MAD).",
    ),
    ParamDef(
        "peer_min",
        "int",
        5,
        min=1,
        max=100000,
        label_zh="同组最少比较对象数",
        label_en="least peers",
        help_zh="参与比较的对象少于此数时不做比较。",
        help_en="Fewer peers than this: no comparison.",
    ),
    ParamDef(
        "group_min_cases",
        "int",
        20,
        min=1,
        max=1000000,
        label_zh="病种组最少病例",
        label_en="least group cases",
        help_zh="病种组在统筹区内至少有此例数，才在组内做同行比较。",
        help_en="A DIP group needs this many cases in the region for a peer comparison.",
    ),
    ParamDef(
        "subject_min_cases",
        "int",
        5,
        min=1,
        max=1000000,
        label_zh="对象最少病例",
        label_en="least subject cases",
        help_zh="医师或机构在病种组内至少有此例数，才参与比较。",
        help_en="A doctor or institution needs this many cases in the group to be compared.",
    ),
)

RULE_PARAMETERS = {d.name: d.default for d in PARAMETER_DEFINITIONS}


@hookimpl
def yibao_rulesets(register):
    register(national_rulesets())


@hookimpl
def yibao_rule_parameters(params):
    return RULE_PARAMETERS


@hookimpl
def yibao_parameter_definitions(register):
    for definition in PARAMETER_DEFINITIONS:
        register(definition)
