"""Workforce-management policy: staffing targets, forecast settings and the emergency staffing ladder.

Every value cites the seed line it comes from; where a seed is silent the textbook's value is used
(and says so). Times are in seconds unless the key says minutes.
"""

from __future__ import annotations

import copy

from pydantic import Field

from kefu.org.policy_types import Choice, Int, List, MonthDay, Num, PolicyModel, Text

SECTION = "wfm"

_LADDER = {
    # 004:L767-771: 5人 < 呼入等待人数 ≤ 10人 且已持续5分钟以上 → next group signs in
    "band_low": 5,  # waiting must be strictly above this (5 is not > 5)
    "band_high": 10,  # 004:L773: waiting > 10 after the first three steps → back office
    "persist_minutes": 5,  # 004:L767 "5分钟以上", read as >= 5 minutes
    "signout_at_or_below": 5,  # 004:L781: 等待人数 ≤ 5 → sign out in reverse order
    "signout_persist_minutes": 5,  # 004:L781 "时段": a period of 5 minutes (same as the sign-in rule)
    # 004:L767-773: floating experts, then 2-3 outbound seats, then 2-3 QC staff; back office when > 10
    "steps": [
        {"group": "floating_expert", "label": "流动专家组", "seats": 3, "trigger": "band"},  # 004:L767
        {"group": "outbound", "label": "呼出台席", "seats": 3, "trigger": "band"},  # 004:L769 (2-3)
        {"group": "qa", "label": "品质控制人员", "seats": 3, "trigger": "band"},  # 004:L771 (2-3)
        {"group": "back_office", "label": "后台处理人员", "seats": 3, "trigger": "over"},  # 004:L773 (2-3)
    ],
    "max_extra_seats": 9,  # 004:L783: at most 6-9 seats can be added at the peak
    # 004:L785 夜班: night on the floor is when only night shifts of the shift calendar are on duty
    # (kefu.workcal.shifts.is_night_time); the ladder keeps no hours of its own
    "night_keep_supervisors": 1,  # 004:L785: all non-traffic seats join except 1 现场业务督导
    "holiday_reserve_seats": 5,  # 004:L787: 5-7 extra emergency seats on call on holidays
    "holiday_dates": ["05-17"],  # 004:L787: "5.17" 电信日 besides the statutory holidays of the calendar
}

_FORECAST = {
    "interval_minutes": 30,  # 004:L1477-1483: ASA reported per half hour
    "history_weeks": 8,  # weeks of history behind the day-of-week × interval profile
    "month_start_days": 5,  # 004:L761: traffic rises at the start of the month (出帐日)
    "max_calls_per_agent_hour": 12,  # 004:L749: 忙时每员工每小时的最高接通量 (center's own sampling)
}

PRESETS = {
    "hotline": {
        "targets": {
            "service_level": 0.80,
            "threshold": 20,  # 004:L1703-1709 M20 80/20
            "asa": 20,  # 004:L1477-1483 M8 ASA 20 s
            "max_abandon": 0.05,  # 004:L1551-1557 M13 abandon rate 3%-5%
            "occupancy_cap": 0.90,  # 004:L1539-1545 M12 occupancy ≥ 90% is "best"; planned as the ceiling
            "shrinkage": 0.30,  # SPEC reference: 14 on the phones → 20 scheduled with 30 %
            "patience": 60,  # 004:L1393-1399 M3 average time to abandon 60 s (mean patience)
        },
        "model": "A",
        "forecast": copy.deepcopy(_FORECAST),
        "ladder": copy.deepcopy(_LADDER),
    },
    "gov12345": {
        "targets": {
            "service_level": 0.80,
            "threshold": 15,  # 004:L1307: answer within 15 s, overtime rate ≤ 20 %
            "asa": 20,  # 004:L1477-1483 (no 12345-specific value in the seeds)
            "max_abandon": 0.05,  # 004:L1551-1557
            "occupancy_cap": 0.90,  # 004:L1539-1545
            "shrinkage": 0.30,
            "patience": 60,  # 004:L1393-1399
        },
        "model": "A",
        "forecast": copy.deepcopy(_FORECAST),
        "ladder": copy.deepcopy(_LADDER),
    },
    "ecommerce": {
        "targets": {
            "service_level": 0.80,
            "threshold": 9,  # 001:L149: 原则上是9秒内必须回复
            "asa": 9,  # 001:L149
            "max_abandon": 0.05,  # 004:L1551-1557 (the Taobao rulebooks name none)
            "occupancy_cap": 0.90,
            "shrinkage": 0.25,  # 000:L189 / 003:L129: four rest days a month, two shifts
            "patience": 120,  # chat customers wait longer than callers; an administrator's value
        },
        "model": "C",
        "forecast": {**copy.deepcopy(_FORECAST), "interval_minutes": 60},
        "ladder": copy.deepcopy(_LADDER),
    },
}


class Targets(PolicyModel):
    """Planning targets of the Erlang staffing calculation."""

    service_level: Num(gt=0, lt=1) = Field(description="服务水平目标（比例，如 0.8）")  # 004:L1703-1709
    threshold: Num(gt=0) = Field(description="服务水平的应答时限（秒）")  # 004:L1709, 004:L1307, 001:L149
    asa: Num(gt=0) = Field(description="平均应答速度目标（秒）")  # 004:L1477-1483
    max_abandon: Num(gt=0, lt=1) = Field(description="放弃率上限（比例）")  # 004:L1551-1557
    occupancy_cap: Num(gt=0, le=1) = Field(description="测算时的占线率上限（比例）")  # 004:L1539-1545
    shrinkage: Num(ge=0, lt=1) = Field(description="缺勤率：排班人数＝在线人数 ÷（1 − 缺勤率）")  # SPEC, 000:L189
    patience: Num(gt=0) = Field(description="来电者平均耐心时长（秒，Erlang A 用）")  # 004:L1393-1399


class Forecast(PolicyModel):
    """Forecast grain and history."""

    interval_minutes: Choice(15, 30, 60) = Field(description="预测和测算的时段长度（分钟）")  # 004:L1477-1483
    history_weeks: Int(ge=1) = Field(description="按星期×时段求话务曲线所用的历史周数")  # not from the seeds
    month_start_days: Int(ge=0, le=31) = Field(description="月初话务上升的天数（出帐日）")  # 004:L761
    max_calls_per_agent_hour: Num(gt=0) = Field(description="忙时每人每小时最多接通量")  # 004:L749


class LadderStep(PolicyModel):
    """One group that signs in on the floor when the queue grows (004:L767-773)."""

    group: Text(min_length=1, max_length=40) = Field(description="支援组的代码")
    label: Text(min_length=1, max_length=40) = Field(description="支援组的名称")
    seats: Int(ge=0) = Field(description="该组签入的台席数")
    trigger: Choice("band", "over") = Field(description="签入条件：band 等待人数在区间内，over 超过区间上限")


class Ladder(PolicyModel):
    """The emergency staffing ladder on the floor (004:L767-787)."""

    band_low: Int(ge=0) = Field(description="应急签入：等待人数须大于此数")  # 004:L767-771
    band_high: Int(ge=1) = Field(description="应急签入：前三步后等待人数仍超过此数，后台人员签入")  # 004:L773
    persist_minutes: Int(gt=0) = Field(description="等待人数在区间内持续多少分钟后签入下一组")  # 004:L767
    signout_at_or_below: Int(ge=0) = Field(description="等待人数不超过此数时按相反顺序签出")  # 004:L781
    signout_persist_minutes: Int(gt=0) = Field(description="签出前等待人数须保持低位的分钟数")  # 004:L781
    steps: List(LadderStep, min_length=1) = Field(description="依次签入的支援组")  # 004:L767-773
    max_extra_seats: Int(ge=0) = Field(description="高峰时最多增加的台席数")  # 004:L783
    night_keep_supervisors: Int(ge=0) = Field(description="夜班除话务外全部签入时保留的现场督导人数")  # 004:L785
    holiday_reserve_seats: Int(ge=0) = Field(description="节假日另备的应急台席数")  # 004:L787
    holiday_dates: List(MonthDay()) = Field(description="法定节假日之外按节假日安排的日期（MM-DD）")  # 004:L787


class WfmPolicy(PolicyModel):
    """排班测算与现场应急：测算目标、预测设置、应急签入梯队。"""

    targets: Targets = Field(description="人员测算的目标")
    model: Choice("A", "C") = Field(
        description="测算模型：A 为 Erlang A（考虑放弃），C 为 Erlang C"
    )  # not from the seeds
    forecast: Forecast = Field(description="话务预测的设置")
    ladder: Ladder = Field(description="现场应急签入的梯队")


MODEL = WfmPolicy


def validate(data: dict) -> list[tuple[str, str]]:
    errors: list[tuple[str, str]] = []
    t = data.get("targets", {})
    if not 0 < t.get("service_level", 0.8) < 1:
        errors.append(("targets.service_level", "服务水平目标应在0到1之间（例如0.8）"))
    if t.get("threshold", 20) <= 0:
        errors.append(("targets.threshold", "服务水平的应答时限应大于0秒"))
    if not 0 <= t.get("shrinkage", 0.3) < 1:
        errors.append(("targets.shrinkage", "缺勤率（shrinkage）应在0到1之间"))
    if not 0 < t.get("occupancy_cap", 0.9) <= 1:
        errors.append(("targets.occupancy_cap", "占线率上限应在0到1之间"))
    if not 0 < t.get("max_abandon", 0.05) < 1:
        errors.append(("targets.max_abandon", "放弃率上限应在0到1之间"))
    if t.get("patience", 60) <= 0:
        errors.append(("targets.patience", "平均耐心时长应大于0秒"))
    if data.get("model") not in ("A", "C"):
        errors.append(("model", "排班模型只能是 A（Erlang A）或 C（Erlang C）"))
    f = data.get("forecast", {})
    if f.get("interval_minutes") not in (15, 30, 60):
        errors.append(("forecast.interval_minutes", "时段长度只能是15、30或60分钟"))
    ladder = data.get("ladder", {})
    if ladder.get("band_low", 5) >= ladder.get("band_high", 10):
        errors.append(("ladder.band_low", "应急签入区间下限应小于上限（5 < 等待人数 ≤ 10）"))
    if ladder.get("persist_minutes", 5) <= 0:
        errors.append(("ladder.persist_minutes", "持续时长应大于0分钟"))
    return errors
