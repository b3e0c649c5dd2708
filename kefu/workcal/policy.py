"""班次日历 (the shift calendar): the center's shift templates, defined once. Read with
kefu.workcal.selectors.shift_calendar(center), never from another section.

Why a section of its own in workcal rather than the roster's: the handover diary (planning), the QA shift
summaries (reporting), the floor ladder, attendance and the leave rules all need the hours, and workcal is the
ground layer every one of them may read (kefu/tests/test_layers.py); the roster section keeps the solver's rules.
Before, "白班" had one definition per app (diary 08-20, QA 08-18, roster 08-17, floor ladder night 20-08); the
old keys of stored center edits were moved here by kefu/roster/migrations/0002_one_shift_calendar.py.

- templates: code, 中文 name, start "HH:MM", hours (a start plus hours past midnight ends the next day),
  colour on the roster grid. Whether a shift is a night shift is not written: it follows from its hours.
- night_window: a shift is a night shift when it works at least min_hours between start and end (22:00-06:00 by
  default; the seeds give no hours for 夜班, 004:L785, so this is a center setting).
- default: the template assumed for someone without a rostered shift (a leave's notice, a diary's guess).

The seeds disagree on shift hours: the Taobao rulebooks give 白班 08:00-17:00, 晚班 17:00-01:00 and 常班 09:00-18:00
(003:L5-13 = 000:L180-188); 001:L94-97 gives 09-19 / 13-23 / 14-24 / 12:30-23:30; the telecom textbook names 白班
and 夜班 (004:L763, L785), hands the night shift over in the morning (004:L885) and demands 24-hour service (004:L741)
but gives no hours. The hotline and 12345 presets therefore add an overnight shift (大夜班 01:00-09:00, handed over in
the morning) to the three Taobao shifts so that the 24 hours are covered; the e-commerce preset keeps the three.
"""

from __future__ import annotations

import copy
import re

from pydantic import Field

from kefu.org.policy_types import Code, List, Num, PolicyModel, Text, Time

SECTION = "shifts"

_TAOBAO = [
    {"code": "D", "name": "白班", "start": "08:00", "hours": 9, "color": "#ffd666"},  # 003:L5 = 000:L180
    {
        "code": "N",
        "name": "晚班",
        "start": "17:00",
        "hours": 8,
        "color": "#597ef7",
    },  # 003:L8 = 000:L183 (ends 01:00, 003:L14)
    {"code": "R", "name": "常班", "start": "09:00", "hours": 9, "color": "#95de64"},  # 003:L11 = 000:L186
]
_OVERNIGHT = {"code": "O", "name": "大夜班", "start": "01:00", "hours": 8, "color": "#9254de"}  # 004:L741, L885
_NIGHT = {"start": "22:00", "end": "06:00", "min_hours": 3}  # center setting: the seeds give no night hours

PRESETS = {
    "hotline": {
        "templates": [*copy.deepcopy(_TAOBAO), copy.deepcopy(_OVERNIGHT)],
        "night_window": dict(_NIGHT),
        "default": "D",
    },
    "gov12345": {
        "templates": [*copy.deepcopy(_TAOBAO), copy.deepcopy(_OVERNIGHT)],
        "night_window": dict(_NIGHT),
        "default": "D",
    },
    "ecommerce": {
        "templates": copy.deepcopy(_TAOBAO),
        "night_window": dict(_NIGHT),
        "default": "R",
    },  # 常班 09:00 (003:L11): the shop's office hours
}

_TIME = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")
_CODE = re.compile(r"^[A-Za-z0-9_-]{1,8}$")


class Template(PolicyModel):
    """One shift template."""

    code: Code(r"^[A-Za-z0-9_-]{1,8}$", "必须是 1-8 位字母、数字、下划线或连字符", kind="代码（1–8 位）") = Field(
        description="班次代码（排班表上显示）"
    )
    name: Text(min_length=1, max_length=30) = Field(description="班次名称")  # 004:L763, L785
    start: Time() = Field(description="上班时间")  # 003:L5-11
    hours: Num(gt=0, le=16) = Field(description="班次时长（小时，整分钟）；过了午夜的班次次日结束")  # 003:L5-11
    color: Text(max_length=20) = Field(default="", description="排班表上的颜色（如 #ffd666）")


class NightWindow(PolicyModel):
    """When a shift counts as a night shift (a center setting: the seeds give no night hours, 004:L785)."""

    start: Time() = Field(description="夜间时段开始")
    end: Time() = Field(description="夜间时段结束")
    min_hours: Num(gt=0, le=24) = Field(description="班次在夜间时段内工作至少此小时数即为夜班")


class ShiftsPolicy(PolicyModel):
    """班次日历：本中心的班次模板，交接班、质检、排班、现场应急、考勤和请假共用。"""

    templates: List(Template, min_length=1) = Field(description="班次模板")  # 003:L5-13, 004:L741
    night_window: NightWindow = Field(description="判断夜班的夜间时段")  # 004:L785
    default: Text(min_length=1) = Field(description="无排班时默认的班次代码")  # 003:L11


MODEL = ShiftsPolicy


def validate(data: dict) -> list[tuple[str, str]]:
    errors: list[tuple[str, str]] = []
    templates = data.get("templates")
    if not isinstance(templates, list) or not templates:
        return [("templates", "至少需要一个班次")]
    seen: set[str] = set()
    for i, t in enumerate(templates):
        where = f"templates[{i}]"
        if not isinstance(t, dict):
            errors.append((where, "班次应为对象"))
            continue
        code = t.get("code")
        if not isinstance(code, str) or not _CODE.match(code):
            errors.append((f"{where}.code", "班次代码应为 1-8 位字母、数字、下划线或连字符"))
        elif code in seen:
            errors.append((f"{where}.code", f"班次代码重复：{code}"))
        else:
            seen.add(code)
        if not isinstance(t.get("name"), str) or not t["name"].strip() or len(t["name"]) > 30:
            errors.append((f"{where}.name", "班次名称必填，最多 30 个字"))
        if not isinstance(t.get("start"), str) or not _TIME.match(t["start"]):
            errors.append((f"{where}.start", "上班时间格式应为 HH:MM（00:00-23:59）"))
        hours = t.get("hours")
        if isinstance(hours, bool) or not isinstance(hours, (int, float)) or not 0 < hours <= 16:
            errors.append((f"{where}.hours", "班次时长应大于 0 且不超过 16 小时"))
        elif abs(hours * 60 - round(hours * 60)) > 1e-6:
            errors.append((f"{where}.hours", "班次时长应为整分钟（如 8.5 小时）"))
    night = data.get("night_window") or {}
    for key in ("start", "end"):
        if not isinstance(night.get(key), str) or not _TIME.match(night[key]):
            errors.append((f"night_window.{key}", "夜间时段的时间格式应为 HH:MM（00:00-23:59）"))
    low = night.get("min_hours")
    if isinstance(low, bool) or not isinstance(low, (int, float)) or not 0 < low <= 24:
        errors.append(("night_window.min_hours", "计为夜班的最少夜间工时应大于 0 且不超过 24 小时"))
    if data.get("default") not in seen:
        errors.append(("default", f"默认班次应为已设班次的代码之一（{'、'.join(sorted(seen))}）"))
    return errors
