"""Roster policy: shift templates and the scheduling rules of the seeds (004:L737-787 排班制度).

The seeds disagree on shift hours: the Taobao rulebooks give 白班 08:00-17:00, 晚班 17:00-01:00 and
常班 09:00-18:00 (000:L180-189, 003:L5-14); 001:L94-97 gives 09-19 / 13-23 / 14-24; the telecom textbook
gives no hours but demands 24-hour service (004:L741). The hotline and 12345 presets therefore add an
overnight shift (大夜班 01:00-09:00) so that the 24 hours are covered; the e-commerce preset keeps the
three Taobao shifts (no cover between 01:00 and 08:00).
"""
from __future__ import annotations

import copy

SECTION = "roster"

_TAOBAO_SHIFTS = [
    # code, name, start, hours, night flag, colour
    {"code": "D", "name": "白班", "start": "08:00", "hours": 9, "night": False, "color": "#ffd666"},  # 000:L180 / 003:L5
    {"code": "N", "name": "晚班", "start": "17:00", "hours": 8, "night": True, "color": "#597ef7"},  # 000:L183 / 003:L8 (ends 01:00)
    {"code": "R", "name": "常班", "start": "09:00", "hours": 9, "night": False, "color": "#95de64"},  # 000:L186 / 003:L11
]
_OVERNIGHT = {"code": "O", "name": "大夜班", "start": "01:00", "hours": 8, "night": True, "color": "#9254de"}  # 004:L741 24 h

# Seats wanted per half hour on an ordinary day when no forecast is given (kefu.wfm's Erlang output
# replaces it): traffic follows the time of day (004:L741 按各时段话务量安排相应人员).
_PROFILE_24H = [2] * 14 + [4, 6, 8, 10, 12, 12, 12, 12, 11, 10, 9, 10, 12, 12, 12, 12, 11, 10, 9, 8, 8, 7, 6, 6,
                            5, 4, 3, 3, 2, 2, 2, 2, 2, 2]

_BASE = {
    "shifts": [*copy.deepcopy(_TAOBAO_SHIFTS), _OVERNIGHT],
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
    "special_dates": ["05-17"],  # 004:L787 "5.17"电信日, besides the statutory holidays of kefu.workcal  # 004:L787 每个时段的台席都应有富裕
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
        "shifts": copy.deepcopy(_TAOBAO_SHIFTS),  # 000:L180-189 (no cover 01:00-08:00)
        "rest_days_per_month": 4,  # 000:L189 / 003:L14 每月四天休息 (001:L88 and L107 say 2)
        "max_consecutive_days": 6,
        "min_rest_hours": 11,  # 17:00-01:00 then 09:00 常班 is 8 h: forbidden; 01:00 → 12:00+ allowed
        "skill_cover": [],
        "holiday_reserve_seats": 0,  # the Taobao rulebooks have no standby seats
        "default_profile": [0] * 16 + [2] * 32,  # 08:00-24:00 (shops answer 08:00-01:00)
    },
}


def _minutes(hhmm: str) -> int:
    h, m = hhmm.split(":")
    return int(h) * 60 + int(m)


def validate(data: dict) -> list[tuple[str, str]]:
    errors: list[tuple[str, str]] = []
    codes = set()
    for i, s in enumerate(data.get("shifts", [])):
        try:
            start = _minutes(s["start"])
            if not 0 <= start < 1440:
                raise ValueError
        except (KeyError, ValueError):
            errors.append((f"shifts.{i}.start", "班次开始时间格式应为 HH:MM"))
        if not 0 < s.get("hours", 0) <= 16:
            errors.append((f"shifts.{i}.hours", "班次时长应在 0-16 小时之间"))
        if s.get("code") in codes:
            errors.append((f"shifts.{i}.code", "班次代码重复"))
        codes.add(s.get("code"))
    if not 0 < data.get("max_week_hours_avg", 0) <= 60:
        errors.append(("max_week_hours_avg", "周平均工时上限应在 0-60 小时之间（004:L743 为 40）"))
    if data.get("max_consecutive_days", 1) < 1:
        errors.append(("max_consecutive_days", "最多连续上班天数至少为 1"))
    profile = data.get("default_profile", [])
    if len(profile) != 1440 // data.get("interval_minutes", 30):
        errors.append(("default_profile", "默认需求曲线的长度应等于一天的时段数"))
    return errors
