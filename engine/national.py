"""The national baseline, as a built-in plug-in: nothing national is special-cased.

It contributes the national rule sets (``rulesets/national``) and the national defaults of
the rule parameters (``rules_spec.md``); DIP defaults live in ``engine.dip.params``.
"""

from __future__ import annotations

from engine import __version__  # noqa: F401  (the plug-in's version is the product's)
from engine.hookspecs import hookimpl
from engine.paths import national_rulesets

PLUGIN_NAME = "national"
PLUGIN_API = 1

RULE_PARAMETERS = {
    "realtime_upload_hours": 24,
    "split_stay_days": 15,
    "outpatient_visits_30d": 8,
    "pharmacy_visits_30d": 6,
    "admissions_365d": 4,
    "low_standard_los": 3,
    "low_standard_exam_share": 0.6,
    "indicator_z": 2.0,
    "volume_completion_min": 0.8,
    "non_selected_share_max": 0.3,
    "long_stay_factor": 2.0,
    "cost_shift_days": 7,
    "year_end_drop": 0.6,
    "low_case_share_max": 0.25,
    # accountability.md: a doctor's yearly points → status, and what follows
    "warn_points": 4,
    "suspend_points": 9,
    "terminate_points": 12,
    "suspend_months_per_point_over": 1,
    "suspend_months_max": 6,
    "terminate_bar_years": 1,
    # analytics.md §1–2: the robust peer test and the TJ peer comparisons in DIP groups
    "peer_k": 3.0,
    "peer_min": 5,
    "group_min_cases": 20,
    "subject_min_cases": 5,
}


@hookimpl
def yibao_rulesets(register):
    register(national_rulesets())


@hookimpl
def yibao_rule_parameters(params):
    return RULE_PARAMETERS
