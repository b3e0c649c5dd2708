"""Violation types, penalty ladders, rewards and the appraisal scheme per preset, from the seeds' 奖惩制度.

hotline   — the telecom centre's attendance rule (002:L75) and the after-sales company's office rules (002:L489-498)
gov12345  — the government office's rules (000:L30-87 = 003:L443-500): deductions from the monthly bonus, grades
ecommerce — the Taobao shop rules (000:L195-203 = 003:L20-28) and the company handbook (001:L115-118, L157, L326)

Each type: `label` (a message code), `sources` (where kefu finds its evidence: attendance, qa, tickets, manual),
`ladder` (kefu.discipline.ladder.ladder_from_data). Where a seed gives no amount or period, the value is marked
"center setting". Money is a string of yuan.
"""

from __future__ import annotations

from pydantic import Field

from kefu.org.policy_types import Bool, Choice, DecimalText, Int, List, Map, Num, PolicyModel, Row, Text

SECTION = "discipline"


def _t(
    code: str,
    steps: list[dict],
    *,
    seed: str,
    period: str = "month",
    group: str = "",
    sources: tuple[str, ...] = ("manual",),
) -> dict:
    return {
        "label": f"discipline.type.{code}",
        "sources": list(sources),
        "ladder": {"steps": steps, "period": period, "group": group, "seed": seed},
    }


_WARN = [{"warning": True}]  # center setting: the seed names the violation without an amount

_REWARDS_SHOP = {
    # 000:L202: finding a data error / an adopted suggestion: "X元" (the amount is left to the center: entered)
    "data_error": {"label": "discipline.reward.data_error", "amount": None, "seed": "000:L202"},
    "suggestion": {"label": "discipline.reward.suggestion", "amount": None, "seed": "000:L202"},
    "report_violation": {"label": "discipline.reward.report_violation", "amount": "50", "seed": "002:L489"},
    "outstanding": {"label": "discipline.reward.outstanding", "amount": "200", "seed": "001:L157"},
}

_APPRAISAL_SCORE = {
    "scheme": "score",  # no grades in the seed: a score from KPIs and QA, weights as policy (center setting)
    "weights": {"qa": 0.5, "attendance": 0.3, "discipline": 0.2},
    "bands": [[90, "excellent"], [80, "good"], [60, "fair"], [0, "poor"]],
    "points_per_violation": 10,
    # center setting: the bonus of a score-based center, base × the grade's coefficient as in 000:L84
    "bases": {"staff": "200"},
    "factors": {"excellent": "1.3", "good": "1.0", "fair": "0.9", "poor": "0.7"},
}

PRESETS = {
    "hotline": {
        "types": {
            # 002:L498: late or early leave: 10 yuan, from the 2nd time (inclusive) 20 each; counted per month,
            # no carry-over across months. Late and early leave share one tally ("迟到/早退").
            "late": _t(
                "late",
                [{"fine": "10"}, {"fine": "20"}],
                seed="002:L498",
                group="late_early",
                sources=("attendance", "manual"),
            ),
            "early_leave": _t(
                "early_leave",
                [{"fine": "10"}, {"fine": "20"}],
                seed="002:L498",
                group="late_early",
                sources=("attendance", "manual"),
            ),
            "left_post": _t("left_post", _WARN, seed="002:L75", sources=("attendance", "manual")),  # away 20+ min: 违纪
            "absenteeism": _t("absenteeism", [{"serious": True}], seed="002:L496", sources=("attendance", "manual")),
            "private_call": _t(
                "private_call",
                [{"fine": "50"}, {"fine": "100"}, {"dismissal_proposal": True, "forfeit_salary": True}],
                seed="002:L492",
                period="year",
            ),  # period: center setting
            "registration_error": _t("registration_error", [{"fine": "10"}], seed="002:L493"),
            "careless_details": _t("careless_details", [{"fine": "10"}], seed="002:L491"),
            "chatting": _t("chatting", [{"fine": "10"}], seed="002:L495"),
            "qa_red_line": _t("qa_red_line", _WARN, seed="004:L1525", sources=("qa",)),
            "overdue_order": _t("overdue_order", _WARN, seed="004:L2181", sources=("tickets",)),
            "attitude_complaint": _t("attitude_complaint", _WARN, seed="002:L114", sources=("manual",)),
        },
        "rewards": _REWARDS_SHOP,
        "outstanding": {"count": 2, "period_months": 1, "seed": "001:L87"},
        "appraisal": _APPRAISAL_SCORE,
        "appeal_days": 3,  # center setting: the seeds give no appeal window
        "left_post_minutes": 20,  # 002:L75
        # attendance's findings at the post (kefu/attendance rules.judge_left_post / judge_spot_check) -> a type here
        "post_findings": {
            "left_post": "left_post",
            "absent_from_post": "left_post",
            "absenteeism": "absenteeism",
            "early_leave": "early_leave",
        },
    },
    "gov12345": {
        "types": {
            # 000:L39: not at post, late or early: 20 yuan off the month's bonus each; the three together reaching
            # 3 in the month: the whole month's bonus. Absenteeism: 50, the second time the whole bonus.
            "late": _t(
                "late",
                [{"bonus_deduction": "20"}, {"bonus_deduction": "20"}, {"forfeit_bonus": True}],
                seed="000:L39",
                group="attendance",
                sources=("attendance", "manual"),
            ),
            "early_leave": _t(
                "early_leave",
                [{"bonus_deduction": "20"}, {"bonus_deduction": "20"}, {"forfeit_bonus": True}],
                seed="000:L39",
                group="attendance",
                sources=("attendance", "manual"),
            ),
            "absent_from_post": _t(
                "absent_from_post",
                [{"bonus_deduction": "20"}, {"bonus_deduction": "20"}, {"forfeit_bonus": True}],
                seed="000:L39",
                group="attendance",
                sources=("attendance", "manual"),
            ),
            "absenteeism": _t(
                "absenteeism",
                [{"bonus_deduction": "50"}, {"forfeit_bonus": True}],
                seed="000:L39",
                sources=("attendance", "manual"),
            ),
            "chatting": _t("chatting", [{"bonus_deduction": "30"}], seed="000:L45"),  # 聚众聊天、串岗
            "games": _t("games", [{"bonus_deduction": "50"}], seed="000:L45"),
            "qa_red_line": _t("qa_red_line", _WARN, seed="004:L1525", sources=("qa",)),
            "overdue_order": _t("overdue_order", _WARN, seed="004:L2181", sources=("tickets",)),
            "attitude_complaint": _t("attitude_complaint", _WARN, seed="003:L20"),
        },
        "rewards": {k: v for k, v in _REWARDS_SHOP.items() if k in ("report_violation",)},
        "outstanding": {"count": 0, "period_months": 1, "seed": ""},
        "appraisal": {
            "scheme": "grades",
            # 000:L84: monthly base by rank, coefficient by grade
            "bases": {
                "staff": "160",
                "station_deputy": "180",
                "station_head": "200",
                "deputy_section": "280",
                "section": "360",
            },
            "factors": {"excellent": "1.3", "good": "1.0", "fair": "0.9", "poor": "0.7"},
            "fair_max_violations": 5,  # 000:L57, L59
            "poor_over_supervised": 2,  # 000:L61
            "form_day": 5,  # 000:L53
            "opinion_day": 8,  # 000:L53
            "leave_allowance_days": 5,  # 000:L40, per quarter
            "leave_overage_per_day": "20",
        },
        "appeal_days": 3,
        "left_post_minutes": 60,  # 000:L31: explained within 1 h of the spot check
        # 000:L31: a spot check explained within 1 h 不在岗, later 旷工, in the last half hour 早退
        "post_findings": {
            "left_post": "absent_from_post",
            "absent_from_post": "absent_from_post",
            "absenteeism": "absenteeism",
            "early_leave": "early_leave",
        },
    },
    "ecommerce": {
        "types": {
            # 001:L115: lates 1-3: a warning and a day of cleaning each; from the 4th, 20 yuan off the pay each
            "late": _t(
                "late",
                [{"warning": True, "cleaning_days": 1}] * 3 + [{"salary_deduction": "20"}],
                seed="001:L115",
                sources=("attendance", "manual"),
            ),
            "early_leave": _t("early_leave", [{"cleaning_days": 1}], seed="001:L116", sources=("attendance", "manual")),
            # 001:L117: proxy clock-in found twice or more: a day of cleaning each (the first: a warning)
            "proxy_clock_in": _t("proxy_clock_in", [{"warning": True}, {"cleaning_days": 1}], seed="001:L117"),
            # 000:L198 (= 003:L23): non-work apps, video, games, installing software: 10, 30, dismissal
            "non_work": _t("non_work", [{"fine": "10"}, {"fine": "30"}, {"dismissal_proposal": True}], seed="000:L198"),
            "attitude_complaint": _t("attitude_complaint", [{"fine": "20"}], seed="001:L326"),
            "missing_remark": _t("missing_remark", _WARN, seed="000:L196"),  # the agent bears the lost commission
            "qa_red_line": _t("qa_red_line", _WARN, seed="004:L1525", sources=("qa",)),
            "overdue_order": _t("overdue_order", _WARN, seed="004:L2181", sources=("tickets",)),
        },
        "rewards": _REWARDS_SHOP,
        "outstanding": {"count": 1, "period_months": 2, "seed": "001:L157"},
        "appraisal": _APPRAISAL_SCORE,
        "appeal_days": 3,
        "left_post_minutes": 20,
        "post_findings": {"early_leave": "early_leave"},  # the shop rules have no 离岗 or 旷工 type (center setting)
    },
}


_GRADES = ("excellent", "good", "fair", "poor")


class Step(PolicyModel):
    """What the n-th occurrence of a violation in its period costs (only the keys that apply)."""

    fine: DecimalText(ge=0) = Field(default=None, description="罚款（元），交入部门基金")  # 000:L203
    bonus_deduction: DecimalText(ge=0) = Field(default=None, description="扣当月考核奖（元）")  # 000:L39
    salary_deduction: DecimalText(ge=0) = Field(default=None, description="扣工资（元）")  # 001:L115
    warning: Bool() = Field(default=False, description="警告")
    cleaning_days: Int(ge=0, le=31) = Field(default=0, description="值日打扫的天数")  # 001:L115
    forfeit_bonus: Bool() = Field(default=False, description="扣除当月全部考核奖")  # 000:L39
    dismissal_proposal: Bool() = Field(default=False, description="提请开除（由人事和经理决定，不自动执行）")
    forfeit_salary: Bool() = Field(default=False, description="无当月工资")  # 002:L492
    serious: Bool() = Field(default=False, description="严重处理：报经理，不定金额")  # 001:L118


class LadderSpec(PolicyModel):
    """The penalty ladder of a violation type."""

    steps: List(Step, min_length=1) = Field(description="第 1、2、… 次的处理；超过的次数按最后一级")
    period: Choice("month", "quarter", "year", "ever") = Field(
        description="计次周期：month 月，quarter 季，year 年，ever 不清零"
    )
    group: Text(max_length=40) = Field(default="", description="共用一个计次的类型组（如迟到与早退）")
    seed: Text() = Field(default="", description="依据（制度条文的位置）")


class ViolationType(PolicyModel):
    """A violation type."""

    label: Text(min_length=1) = Field(description="名称的消息代码")
    sources: List(Choice("attendance", "qa", "tickets", "manual"), min_length=1) = Field(
        description="证据来源：attendance 考勤，qa 质检红线，tickets 超时工单，manual 人工登记"
    )
    ladder: LadderSpec = Field(description="处罚阶梯")


class Reward(PolicyModel):
    """A reward type."""

    label: Text(min_length=1) = Field(description="名称的消息代码")
    amount: DecimalText(ge=0, null=True) = Field(description="奖励金额（元）；null＝每次录入")
    seed: Text() = Field(default="", description="依据（制度条文的位置）")


class Outstanding(PolicyModel):
    """When staff are named outstanding (001:L87, L157)."""

    count: Int(ge=0) = Field(description="周期内评为优秀的人数（0＝不评）")
    period_months: Int(ge=1) = Field(description="评选周期（月）")
    seed: Text() = Field(default="", description="依据（制度条文的位置）")


class Appraisal(PolicyModel):
    """Monthly appraisal: a score from weights (scheme "score") or the government's grades (scheme "grades")."""

    scheme: Choice("score", "grades") = Field(description="考核方式：score 按分数，grades 按等次")  # 000:L53-84
    bases: Map(DecimalText(ge=0)) = Field(description="各职级的月度考核奖基数（元）")  # 000:L84
    factors: Map(DecimalText(ge=0)) = Field(description="各等次的奖金系数")  # 000:L84
    weights: Map(Num(ge=0)) = Field(default=None, description="score：质检、考勤、奖惩的权重")
    bands: List(Row(Num(), Choice(*_GRADES))) = Field(default=None, description="score：[最低分, 等次]，从高到低")
    points_per_violation: Num(ge=0) = Field(default=None, description="score：每次违纪扣的分数")
    fair_max_violations: Int(ge=0) = Field(
        default=None, description="grades：违纪超过此次数最高为“合格”"
    )  # 000:L57, L59
    poor_over_supervised: Int(ge=0) = Field(default=None, description="grades：被督办超过此次数为“不合格”")  # 000:L61
    form_day: Int(ge=1, le=28) = Field(default=None, description="grades：每月几号前交考核表")  # 000:L53
    opinion_day: Int(ge=1, le=28) = Field(default=None, description="grades：每月几号前给出考核意见")  # 000:L53
    leave_allowance_days: Num(ge=0) = Field(default=None, description="grades：每季度不扣奖的请假天数")  # 000:L40
    leave_overage_per_day: DecimalText(ge=0) = Field(default=None, description="grades：超出的每天扣奖金额（元）")


class DisciplinePolicy(PolicyModel):
    """奖惩：违纪类型与处罚阶梯、奖励、优秀评选、月度考核、申诉期限、考勤发现的对应类型。"""

    types: Map(ViolationType) = Field(
        description="违纪类型（代码 → 名称、证据来源、处罚阶梯）"
    )  # 002:L489-498, 000:L39, 001:L115
    rewards: Map(Reward) = Field(description="奖励类型")  # 000:L202, 002:L489, 001:L157
    outstanding: Outstanding = Field(description="优秀评选")  # 001:L87, L157
    appraisal: Appraisal = Field(description="月度考核")  # 000:L53-84
    appeal_days: Int(ge=0, le=30) = Field(description="对违纪记录提出申诉的天数")  # not from the seeds
    left_post_minutes: Int(ge=1) = Field(description="离岗达到此分钟数计违纪")  # 002:L75, 000:L31
    post_findings: Map(Text(min_length=1)) = Field(description="考勤在岗检查的发现 → 违纪类型代码")


MODEL = DisciplinePolicy


def validate(data: dict) -> list[tuple[str, str]]:
    """Every ladder parses (no negative fine, no unknown key, one period per tally); appeal days are 0-30."""
    from kefu.messages import render

    from .ladder import LadderError, ladders_from_types

    errors: list[tuple[str, str]] = []
    types = data.get("types")
    if not isinstance(types, dict) or not types:
        return [("types", render("discipline.policy.no_types"))]
    try:
        ladders_from_types(types)
    except LadderError as exc:
        errors.append((exc.field, render(exc.code, {"field": exc.field, **exc.params})))
    days = data.get("appeal_days")
    if not isinstance(days, int) or isinstance(days, bool) or not 0 <= days <= 30:
        errors.append(("appeal_days", render("discipline.policy.appeal_days")))
    for finding, type_code in (data.get("post_findings") or {}).items():
        if type_code not in types:
            errors.append(
                (
                    f"post_findings.{finding}",
                    render("discipline.policy.post_finding_type", {"finding": finding, "type": type_code}),
                )
            )
    return errors
