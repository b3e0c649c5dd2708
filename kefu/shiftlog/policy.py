"""交接班制度参数 (shift handover policy). Read with policy_for("shiftlog", center).

The shift hours are the center's shift calendar (kefu/workcal/policy.py, read through
kefu.workcal.selectors.shift_calendar), shared with the roster; an agent's diary follows the agent's rostered
shift when there is one (kefu.shiftlog.services.start_handover).

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

from pydantic import Field

from kefu.org.policy_types import Bool, Int, PolicyModel

SECTION = "shiftlog"


class ShiftlogPolicy(PolicyModel):
    """交接班：到岗、签字与补填的时限，日记是否须写设备状态。"""

    arrive_early_minutes: Int(ge=0, le=1440) = Field(description="接班人员提前多少分钟到岗")  # 004:L659, 002:L62
    sign_out_grace_minutes: Int(ge=0, le=1440) = Field(
        description="交班人员在班次结束后还可签字的分钟数（0＝下班前签）"
    )  # 004:L663
    countersign_grace_minutes: Int(ge=0, le=1440) = Field(
        description="接班人员须在交班班次结束后多少分钟内签字确认"
    )  # not from the seeds
    require_equipment_state: Bool() = Field(description="交班日记是否必须写明设备和系统状态")  # 004:L809, 002:L67
    backfill_days: Int(ge=0, le=366) = Field(description="漏填的交班日记最多可补填几天前的")  # not from the seeds


MODEL = ShiftlogPolicy

PRESETS = {
    "hotline": {
        "arrive_early_minutes": 15,  # 004:L659
        "sign_out_grace_minutes": 0,  # 004:L663
        "countersign_grace_minutes": 30,  # no seed number
        "require_equipment_state": True,  # 004:L809
        "backfill_days": 31,
    },
    # 12345 government hotline: handover rules of the telecom centre (002 篇一).
    "gov12345": {
        "arrive_early_minutes": 10,  # 002:L62 提前10分钟到岗
        "sign_out_grace_minutes": 0,  # 002:L65 接班人未到机台,交班人不得离台; 004:L663
        "countersign_grace_minutes": 15,  # no seed number
        "require_equipment_state": True,  # 002:L67 设备情况、疑难问题、人员调班情况
        "backfill_days": 31,
    },
    # Taobao rulebooks (their shift hours, 003:L5-13, are in the shift calendar)
    "ecommerce": {
        "arrive_early_minutes": 15,  # 003:L65 提前10-15分钟
        "sign_out_grace_minutes": 30,  # 003:L14 night shift auto-extends while customers still chat
        "countersign_grace_minutes": 30,  # no seed number
        "require_equipment_state": False,  # the Taobao log lists customers, urgent items, prospects (003:L18)
        "backfill_days": 31,
    },
}


def validate(data: dict) -> list[tuple[str, str]]:
    errors: list[tuple[str, str]] = []
    backfill = data.get("backfill_days")
    if not isinstance(backfill, int) or isinstance(backfill, bool) or not 0 <= backfill <= 366:
        errors.append(("backfill_days", "应为 0 到 366 之间的整数（天）"))
    for key in ("arrive_early_minutes", "sign_out_grace_minutes", "countersign_grace_minutes"):
        value = data.get(key)
        if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= 24 * 60:
            errors.append((key, "应为 0 到 1440 之间的整数（分钟）"))
    return errors
