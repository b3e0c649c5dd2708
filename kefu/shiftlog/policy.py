"""交接班制度参数 (shift handover policy). Read with policy_for("shiftlog", center).

The seeds disagree on shift hours; each preset cites where its shifts come from.
- shifts: code, 中文 name, start and end "HH:MM" (end <= start means the shift ends the next day;
  "24:00" is midnight at the end of the day).
- arrive_early_minutes: the incoming agent arrives this long before the shift (004:L659 10-15 min;
  002:L62 10 min; 003:L65 10-15 min).
- sign_out_grace_minutes: how long after the shift end the outgoing agent may still sign the diary
  (004:L663 "交班人员下班前必须认真填写交班日记" → 0: before going off duty).
- countersign_grace_minutes: how long after the shift end the incoming agent must have countersigned
  (004:L663 "接班人员要认真查看交班日记并签字确认"; the seeds give no number: 30 min is our default).
- backfill_days: how many days back a forgotten diary may still be opened (no seed number; 31 by default).
- require_equipment_state: the log must state equipment/system status (002:L67 "交接日志要对设备情况…记录清楚";
  004:L809 check the machine room at handover).
"""
from __future__ import annotations

import re

SECTION = "shiftlog"

PRESETS = {
    # The textbook (004) names 白班 and 夜班 (004:L763, L785) and a morning handover of the night shift
    # (004:L885 "下夜班人员在当天早上交接完毕后") but gives no hours: 12-hour 08:00/20:00 halves are our default.
    "hotline": {
        "shifts": [
            {"code": "day", "name": "白班", "start": "08:00", "end": "20:00"},  # 004:L763 (hours: our default)
            {"code": "night", "name": "夜班", "start": "20:00", "end": "08:00"},  # 004:L785, L885
        ],
        "arrive_early_minutes": 15,  # 004:L659
        "sign_out_grace_minutes": 0,  # 004:L663
        "countersign_grace_minutes": 30,  # no seed number
        "require_equipment_state": True,  # 004:L809
        "backfill_days": 31,
    },
    # 12345 government hotline: handover rules of the telecom centre (002 篇一). No hours in the seeds either:
    # three 8-hour shifts cover 24×7 (our default).
    "gov12345": {
        "shifts": [
            {"code": "early", "name": "早班", "start": "08:00", "end": "16:00"},
            {"code": "middle", "name": "中班", "start": "16:00", "end": "24:00"},
            {"code": "night", "name": "夜班", "start": "00:00", "end": "08:00"},
        ],
        "arrive_early_minutes": 10,  # 002:L62 提前10分钟到岗
        "sign_out_grace_minutes": 0,  # 002:L65 接班人未到机台,交班人不得离台; 004:L663
        "countersign_grace_minutes": 15,  # no seed number
        "require_equipment_state": True,  # 002:L67 设备情况、疑难问题、人员调班情况
        "backfill_days": 31,
    },
    # Taobao rulebooks: 003:L5-13 (= 000:L180-188) 白班 08:00-17:00, 晚班 17:00-01:00, 常班 09:00-18:00.
    # Other articles differ: 001:L94-97 (09-19, 13-23, 14-24, 12:30-23:30), 003:L269 (09:00-16:30, 16:00-22:30).
    "ecommerce": {
        "shifts": [
            {"code": "day", "name": "白班", "start": "08:00", "end": "17:00"},  # 003:L5
            {"code": "night", "name": "晚班", "start": "17:00", "end": "01:00"},  # 003:L8, L14 (原则上01点下班)
            {"code": "regular", "name": "常班", "start": "09:00", "end": "18:00"},  # 003:L11
        ],
        "arrive_early_minutes": 15,  # 003:L65 提前10-15分钟
        "sign_out_grace_minutes": 30,  # 003:L14 night shift auto-extends while customers still chat
        "countersign_grace_minutes": 30,  # no seed number
        "require_equipment_state": False,  # the Taobao log lists customers, urgent items, prospects (003:L18)
        "backfill_days": 31,
    },
}

_TIME = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$|^24:00$")


def validate(data: dict) -> list[tuple[str, str]]:
    errors: list[tuple[str, str]] = []
    shifts = data.get("shifts")
    if not isinstance(shifts, list) or not shifts:
        return [("shifts", "至少需要一个班次")]
    seen = set()
    for i, shift in enumerate(shifts):
        where = f"shifts[{i}]"
        if not isinstance(shift, dict):
            errors.append((where, "班次应为对象"))
            continue
        code, name = shift.get("code"), shift.get("name")
        if not code or not isinstance(code, str):
            errors.append((f"{where}.code", "班次代码必填"))
        elif code in seen:
            errors.append((f"{where}.code", f"班次代码重复：{code}"))
        seen.add(code)
        if not name or not isinstance(name, str):
            errors.append((f"{where}.name", "班次名称必填"))
        for key in ("start", "end"):
            value = shift.get(key)
            if not isinstance(value, str) or not _TIME.match(value):
                errors.append((f"{where}.{key}", "时间格式应为 HH:MM（00:00-24:00）"))
        if shift.get("start") == shift.get("end"):
            errors.append((f"{where}.end", "下班时间不能与上班时间相同"))
    backfill = data.get("backfill_days")
    if not isinstance(backfill, int) or isinstance(backfill, bool) or not 0 <= backfill <= 366:
        errors.append(("backfill_days", "应为 0 到 366 之间的整数（天）"))
    for key in ("arrive_early_minutes", "sign_out_grace_minutes", "countersign_grace_minutes"):
        value = data.get(key)
        if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= 24 * 60:
            errors.append((key, "应为 0 到 1440 之间的整数（分钟）"))
    return errors
