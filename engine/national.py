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
    ),
    ParamDef(
        "split_stay_days",
        "int",
        15,
        min=1,
        max=365,
        label_zh="分解住院间隔（天）",
        label_en="split-stay window (days)",
    ),
    ParamDef(
        "outpatient_visits_30d",
        "int",
        8,
        min=1,
        max=1000,
        label_zh="30日门诊次数上限",
        label_en="outpatient visits in 30 days",
    ),
    ParamDef(
        "pharmacy_visits_30d",
        "int",
        6,
        min=1,
        max=1000,
        label_zh="30日购药次数上限",
        label_en="pharmacy visits in 30 days",
    ),
    ParamDef(
        "admissions_365d",
        "int",
        4,
        min=1,
        max=365,
        label_zh="一年住院次数上限",
        label_en="admissions in 365 days",
    ),
    ParamDef(
        "low_standard_los",
        "int",
        3,
        min=0,
        max=365,
        label_zh="低标准入院住院日",
        label_en="low-standard admission stay",
    ),
    ParamDef(
        "low_standard_exam_share",
        "float",
        0.6,
        min=0,
        max=1,
        label_zh="低标准入院检查占比",
        label_en="exam share",
    ),
    ParamDef(
        "indicator_z",
        "float",
        2.0,
        min=0,
        max=100,
        label_zh="指标离群 z 值",
        label_en="indicator z",
    ),
    ParamDef(
        "volume_completion_min",
        "float",
        0.8,
        min=0,
        max=1,
        label_zh="集采完成率下限",
        label_en="volume completion",
    ),
    ParamDef(
        "non_selected_share_max",
        "float",
        0.3,
        min=0,
        max=1,
        label_zh="非中选占比上限",
        label_en="non-selected share",
    ),
    ParamDef(
        "long_stay_factor",
        "float",
        2.0,
        min=1,
        max=100,
        label_zh="超长住院倍数",
        label_en="long-stay factor",
    ),
    ParamDef(
        "cost_shift_days",
        "int",
        7,
        min=0,
        max=365,
        label_zh="费用转移窗口（天）",
        label_en="cost-shift window (days)",
    ),
    ParamDef(
        "year_end_drop",
        "float",
        0.6,
        min=0,
        max=1,
        label_zh="年末骤降比例",
        label_en="year-end drop",
    ),
    ParamDef(
        "low_case_share_max",
        "float",
        0.25,
        min=0,
        max=1,
        label_zh="低倍率病例占比上限",
        label_en="low-ratio case share",
    ),
    ParamDef(
        "warn_points",
        "int",
        4,
        min=0,
        max=1000,
        label_zh="医师记分预警分值",
        label_en="doctor warning points",
    ),
    ParamDef(
        "suspend_points",
        "int",
        9,
        min=0,
        max=1000,
        label_zh="医师暂停分值",
        label_en="doctor suspension points",
    ),
    ParamDef(
        "terminate_points",
        "int",
        12,
        min=0,
        max=1000,
        label_zh="医师终止分值",
        label_en="doctor termination points",
    ),
    ParamDef(
        "suspend_months_per_point_over",
        "int",
        1,
        min=0,
        max=120,
        label_zh="超分每分暂停月数",
        label_en="months a point",
    ),
    ParamDef(
        "suspend_months_max",
        "int",
        6,
        min=0,
        max=120,
        label_zh="最长暂停月数",
        label_en="longest suspension (months)",
    ),
    ParamDef(
        "terminate_bar_years",
        "int",
        1,
        min=0,
        max=100,
        label_zh="终止后禁入年数",
        label_en="years barred",
    ),
    ParamDef(
        "peer_k",
        "float",
        3.0,
        min=0,
        max=100,
        label_zh="同组离群阈值 k",
        label_en="peer threshold k",
    ),
    ParamDef(
        "peer_min", "int", 5, min=1, max=100000, label_zh="同组最少比较对象数", label_en="least peers"
    ),
    ParamDef(
        "group_min_cases",
        "int",
        20,
        min=1,
        max=1000000,
        label_zh="病种组最少病例",
        label_en="least group cases",
    ),
    ParamDef(
        "subject_min_cases",
        "int",
        5,
        min=1,
        max=1000000,
        label_zh="对象最少病例",
        label_en="least subject cases",
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
