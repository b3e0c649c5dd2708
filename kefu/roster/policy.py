"""Roster policy: the scheduling rules of the seeds (004:L737-787 排班制度).

The shift templates are not here: they are the center's shift calendar (policy section `shifts`,
kefu/workcal/policy.py, which cites the seeds' hours), read by kefu.roster.services.ensure_templates and shared
with the handover diary, QA, the floor ladder and attendance. `with_shifts(preset)` gives the solver's whole
policy (this section plus the preset's templates) to tests and benchmarks that run without a database.
"""

from __future__ import annotations

import copy

from pydantic import Field

from kefu.org.policy_types import Choice, Int, List, MonthDay, Num, PolicyModel, Text, Time
from kefu.workcal import shifts as shift_calendar
from kefu.workcal.policy import PRESETS as SHIFT_PRESETS

SECTION = "roster"

# Seats wanted per half hour on an ordinary day when no forecast is given (kefu.wfm's Erlang output
# replaces it): traffic follows the time of day (004:L741 按各时段话务量安排相应人员).
_PROFILE_24H = [2] * 14 + [
    4,
    6,
    8,
    10,
    12,
    12,
    12,
    12,
    11,
    10,
    9,
    10,
    12,
    12,
    12,
    12,
    11,
    10,
    9,
    8,
    8,
    7,
    6,
    6,
    5,
    4,
    3,
    3,
    2,
    2,
    2,
    2,
    2,
    2,
]

_BASE = {
    "interval_minutes": 30,
    "max_week_hours_avg": 40,  # 004:L743 员工的平均周工作长不超过40小时
    "rest_days_per_month": 8,  # two rest days a week follow from 40 h in five 8-9 h shifts (004:L743)
    "max_consecutive_days": 6,  # 002:L311 每周轮休一天: never a full week without rest
    "min_consecutive_days_off": 1,
    "min_rest_hours": 12,  # 004:L745 生理及心理承受能力: no night followed by a morning
    "max_weekends_ratio": 0.75,  # share of the period's weekends one agent may work (fair weekend load)
    "skill_cover": [
        # VIP/key-account seats (004:L2019 高级座席/VIP话务员) and complaint handlers
        {"skill": "vip", "seats": 1, "from": "08:00", "to": "22:00"},
        {"skill": "complaint", "seats": 1, "from": "08:00", "to": "20:00"},
    ],
    "holiday_reserve_seats": 5,  # 004:L787 保证有5-7个额外台席作为应急台席
    "holiday_slack_ratio": 0.10,
    "special_dates": [
        "05-17"
    ],  # 004:L787 "5.17"电信日, besides the statutory holidays of kefu.workcal  # 004:L787 每个时段的台席都应有富裕
    "month_start_days": 5,  # 004:L761 月初出帐日话务增长: more work at the start of the month
    "month_start_uplift": 0.15,
    "weights": {
        "under": 100,  # a missing seat in a half hour
        "over": 1,
        "day_off_request": 20,
        "shift_request": 10,
        "fair_night": 30,
        "fair_weekend": 15,
        # re-rostering a published roster (kefu.roster.repair): each changed cell costs this much, so a shift moves
        # when that fills at least half a missing seat-half-hour (under 100) net, not to trim a little over-cover
        "move": 50,
    },
    "default_profile": _PROFILE_24H,
    "time_limit_seconds": 30,
}

PRESETS = {
    "hotline": copy.deepcopy(_BASE),
    "gov12345": {
        **copy.deepcopy(_BASE),
        "skill_cover": [{"skill": "complaint", "seats": 2, "from": "08:00", "to": "20:00"}],
    },
    "ecommerce": {
        **copy.deepcopy(_BASE),
        "rest_days_per_month": 4,  # 000:L189 / 003:L14 每月四天休息 (001:L88 and L107 say 2)
        "max_consecutive_days": 6,
        "min_rest_hours": 11,  # 17:00-01:00 then 09:00 常班 is 8 h: forbidden; 01:00 → 12:00+ allowed
        "skill_cover": [],
        "holiday_reserve_seats": 0,  # the Taobao rulebooks have no standby seats
        "default_profile": [0] * 16 + [2] * 32,  # 08:00-24:00 (shops answer 08:00-01:00)
    },
}


class SkillCover(PolicyModel):
    """Minimum seats of one skill over a time of day."""

    skill: Text(min_length=1, max_length=40) = Field(description="技能代码")
    seats: Int(ge=1) = Field(description="最少在岗人数")
    from_: Time() = Field(alias="from", description="开始时间")
    to: Time() = Field(description="结束时间")


class Weights(PolicyModel):
    """Penalty weights of the roster solver."""

    under: Int(ge=0) = Field(description="每缺一个台席半小时的罚分")
    over: Int(ge=0) = Field(description="每多一个台席半小时的罚分")
    day_off_request: Int(ge=0) = Field(description="未满足休息申请的罚分")
    shift_request: Int(ge=0) = Field(description="未满足班次申请的罚分")
    fair_night: Int(ge=0) = Field(description="夜班分配不均的罚分")
    fair_weekend: Int(ge=0) = Field(description="周末班分配不均的罚分")
    move: Int(ge=0) = Field(description="调整已发布排班时每改一格的罚分")


class RosterPolicy(PolicyModel):
    """排班表：工时、休息、连续上班、技能覆盖、需求曲线和求解器设置（班次模板在班次日历 shifts 中）。"""

    interval_minutes: Choice(15, 30, 60) = Field(description="排班需求的时段长度（分钟）")  # not from the seeds
    max_week_hours_avg: Num(gt=0, le=60) = Field(description="平均每周工时上限（小时）")  # 004:L743
    rest_days_per_month: Int(ge=0, le=31) = Field(description="每月休息天数")  # 004:L743, 000:L189
    max_consecutive_days: Int(ge=1) = Field(description="最多连续上班天数")  # 002:L311
    min_consecutive_days_off: Int(ge=0) = Field(description="一次休息最少连续天数")  # not from the seeds
    min_rest_hours: Num(ge=0, le=24) = Field(description="两个班次之间最少休息小时数")  # 004:L745
    max_weekends_ratio: Num(ge=0, le=1) = Field(description="一人最多上班的周末比例")  # not from the seeds
    skill_cover: List(SkillCover) = Field(description="各技能在各时段的最少在岗人数")  # 004:L2019
    holiday_reserve_seats: Int(ge=0) = Field(description="节假日另备的应急台席数")  # 004:L787
    holiday_slack_ratio: Num(ge=0, lt=1) = Field(description="节假日每个时段的台席富余比例")  # 004:L787
    special_dates: List(MonthDay()) = Field(description="法定节假日之外按节假日安排的日期（MM-DD）")  # 004:L787
    month_start_days: Int(ge=0, le=31) = Field(description="月初话务上升的天数（出帐日）")  # 004:L761
    month_start_uplift: Num(ge=0, lt=10) = Field(description="月初需求增加的比例（如 0.15）")  # 004:L761
    weights: Weights = Field(description="求解器的罚分权重")  # not from the seeds
    default_profile: List(Int(ge=0)) = Field(description="无预测时每个时段需要的台席数（一天的全部时段）")  # 004:L741
    time_limit_seconds: Int(ge=1, le=600) = Field(description="求解器的时间上限（秒）")  # not from the seeds


MODEL = RosterPolicy


def engine_shifts(templates: list[shift_calendar.ShiftTemplate]) -> list[dict]:
    """Templates in the solver's shape (kefu.roster.center.shift_types)."""
    return [
        {"code": t.code, "name": t.name, "start": t.start, "hours": t.minutes / 60, "night": t.night, "color": t.color}
        for t in templates
    ]


def with_shifts(preset: str) -> dict:
    """The roster preset with the shift calendar preset's templates under "shifts" (plain data, no database)."""
    return {
        **copy.deepcopy(PRESETS[preset]),
        "shifts": engine_shifts(shift_calendar.templates_from(SHIFT_PRESETS[preset])),
    }


def validate(data: dict) -> list[tuple[str, str]]:
    errors: list[tuple[str, str]] = []
    if not 0 < data.get("max_week_hours_avg", 0) <= 60:
        errors.append(("max_week_hours_avg", "周平均工时上限应在 0-60 小时之间（教材规定为 40 小时）"))
    if data.get("max_consecutive_days", 1) < 1:
        errors.append(("max_consecutive_days", "最多连续上班天数至少为 1"))
    profile = data.get("default_profile", [])
    if len(profile) != 1440 // data.get("interval_minutes", 30):
        errors.append(("default_profile", "默认需求曲线的长度应等于一天的时段数"))
    return errors
