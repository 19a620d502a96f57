"""Points a confirmed finding gives its doctor, and the status a year's points put them in.

Every number is a region's to change: a rule file's ``doctor_points`` (else the national
defaults below), and the thresholds as rule parameters (national values in
``engine.national.RULE_PARAMETERS``; a plug-in's ``yibao_rule_parameters`` or the workspace's
own overrides replace them).
"""

from __future__ import annotations

from dataclasses import dataclass

from engine.national import RULE_PARAMETERS

STATUSES = ("normal", "warning", "suspended", "terminated")

#: National ``doctor_points`` of a rule that does not set it, by scope.
SCOPE_POINTS = {"line": 1, "claim": 2, "institution": 0}
#: ... and for the codes the policy weighs heavier (分解住院, 低标准入院, 挂床).
CODE_POINTS = {"GZ10000204001000": 3, "GZ10000204005000": 3, "XW01": 3, "XW02": 3}

#: The rule parameters of this module, with their national values.
PARAMETERS = {
    name: RULE_PARAMETERS[name]
    for name in (
        "warn_points",
        "suspend_points",
        "terminate_points",
        "suspend_months_per_point_over",
        "suspend_months_max",
        "terminate_bar_years",
    )
}


def rule_points(doctor_points: int | None, scope: str, code: str) -> int:
    """The points of one confirmed finding of a rule: its own ``doctor_points``, else the
    national default for its code, else for its scope."""
    if doctor_points is not None:
        return doctor_points
    if scope == "institution":
        return 0
    return CODE_POINTS.get(code, SCOPE_POINTS.get(scope, 0))


@dataclass(frozen=True)
class Thresholds:
    warn_points: int = PARAMETERS["warn_points"]
    suspend_points: int = PARAMETERS["suspend_points"]
    terminate_points: int = PARAMETERS["terminate_points"]
    suspend_months_per_point_over: int = PARAMETERS["suspend_months_per_point_over"]
    suspend_months_max: int = PARAMETERS["suspend_months_max"]
    terminate_bar_years: int = PARAMETERS["terminate_bar_years"]

    @classmethod
    def from_parameters(cls, params: dict) -> Thresholds:
        """The thresholds among the merged rule parameters (missing ones: national)."""
        return cls(**{k: int(params.get(k, v)) for k, v in PARAMETERS.items()})

    def status(self, points: int) -> str:
        if points >= self.terminate_points:
            return "terminated"
        if points >= self.suspend_points:
            return "suspended"
        if points >= self.warn_points:
            return "warning"
        return "normal"

    def suspend_months(self, points: int) -> int:
        """Months a suspended doctor may not bill the fund: per point above suspend − 1,
        capped; 0 for any other status (9 points → 1 month, 10 → 2, …)."""
        if self.status(points) != "suspended":
            return 0
        over = points - (self.suspend_points - 1)
        return min(self.suspend_months_max, over * self.suspend_months_per_point_over)

    def to_json(self) -> dict:
        return {
            "warn_points": self.warn_points,
            "suspend_points": self.suspend_points,
            "terminate_points": self.terminate_points,
        }


def consequence(t: Thresholds, points: int, lang: str = "zh") -> str:
    """What a year's points mean for the doctor, in words (the notice and the desktop)."""
    status = t.status(points)
    if lang == "en":
        return {
            "normal": f"{points} points: below the warning threshold ({t.warn_points}); "
            "no action this year.",
            "warning": f"{points} points (≥ {t.warn_points}): the doctor is called in for a "
            "warning talk (约谈提醒).",
            "suspended": f"{points} points (≥ {t.suspend_points}): the right to bill the fund is "
            f"suspended for {t.suspend_months(points)} month(s); services ordered meanwhile are "
            "not paid by the fund.",
            "terminated": f"{points} points (≥ {t.terminate_points}): the right to bill the fund "
            f"is terminated; the doctor may not register again for {t.terminate_bar_years} "
            "year(s).",
        }[status]
    return {
        "normal": f"本年度累计记分 {points} 分，未达到约谈提醒标准（{t.warn_points} 分），"
        "本年度不作处理。",
        "warning": f"本年度累计记分 {points} 分，已达到 {t.warn_points} 分，依规予以约谈提醒，"
        "请严格遵守医疗保障基金使用管理规定。",
        "suspended": f"本年度累计记分 {points} 分，已达到 {t.suspend_points} 分，暂停医保支付资格 "
        f"{t.suspend_months(points)} 个月；暂停期间开具的医疗费用，医保基金不予支付。",
        "terminated": f"本年度累计记分 {points} 分，已达到 {t.terminate_points} 分，终止医保支付资格；"
        f"自终止之日起 {t.terminate_bar_years} 年内不得再次登记备案。",
    }[status]
