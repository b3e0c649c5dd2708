"""Leave, swap and attendance rules as data. The seeds disagree (requirements-B §4.3 lists six variants);
each preset takes the closest source and cites it. Values not in any seed are marked "center setting".

hotline   — the telecom call centre's rules (002 篇一, L68-85), the closest to a hotline
gov12345  — the government office rules (003 第五篇, L443-456) for a 12345 hotline run by a government office
ecommerce — the Taobao rulebooks (003:L22, L67, L277) plus the telecom numbers where Taobao is silent

Shift hours are not here: a leave's first shift is the agent's rostered one, or else the default shift of the
center's shift calendar (kefu/workcal/policy.py); a night shift is known by its hours there.
"""

from pydantic import Field

from kefu.org.policy_types import Bool, Choice, Int, List, Map, Num, PolicyModel, RoleCode, Text, Time

SECTION = "attendance"

_TELECOM_KINDS = {
    # 002:L69: ordinary personal leave one day ahead; special personal leave one hour before the shift.
    "personal": {"label": "事假", "notice_hours": 24, "certificate_from_days": None},
    "special_personal": {"label": "特殊事假", "notice_hours": 1, "certificate_from_days": None},
    # 002:L72: sick leave of a full day needs a certificate; emergencies phone the shift leader before the shift.
    "sick": {"label": "病假", "notice_hours": 0, "certificate_from_days": 1},
    "annual": {"label": "年假", "notice_hours": 24, "certificate_from_days": None},
    "compensatory": {"label": "调休", "notice_hours": 24, "certificate_from_days": None},
    "marriage": {
        "label": "婚假",
        "notice_hours": 72,
        "certificate_from_days": None,
    },  # 002:L312 lists it; notice: center setting
    "bereavement": {"label": "丧假", "notice_hours": 0, "certificate_from_days": None},
    "official": {
        "label": "公假",
        "notice_hours": 24,
        "certificate_from_days": None,
    },  # 002:L76: official business, center director
}

PRESETS = {
    "hotline": {
        "kinds": _TELECOM_KINDS,
        # 002:L70: one day -> CS department director; more than one day -> center director.
        "approval_ladder": [
            {"max_days": 1, "steps": ["supervisor"]},
            {"max_days": None, "steps": ["manager"]},
        ],
        "night_leave_deadline": "12:00",  # 002:L73
        "holiday_leave_notice_days": 2,  # 002:L74
        "department_daily_cap": 3,  # center setting (the telecom rules give no cap)
        "quarter_allowance_days": None,
        "allowance_kinds": [],
        # Attendance (002:L75): late >= 20 min, or away >= 20 min, without leave is a violation.
        "late_violation_minutes": 20,
        "early_violation_minutes": 20,
        "grace_minutes": 0,
        "absent_if_late_minutes": None,
        "punch_window_hours": 3,
        # At the post: away 20 min or more is a violation (002:L75); a spot check explained within 60 min is 不在岗,
        # later 旷工 (000:L31 — the telecom rules have no spot-check rule: center setting, as the government's)
        "left_post_violation_minutes": 20,
        "spot_check_explain_minutes": 60,
        "spot_check_early_minutes": None,
        "arrive_early_minutes": 10,  # 004:L659: the incoming shift arrives 10-15 minutes early
        "max_leave_days": None,
        "short_notice_role": "manager",  # 002:L69: short notice valid only with a manager's approval
        # Swaps (002:L77-85)
        "swap": {
            "max_per_month": 2,
            "max_level_gap": 0,
            "no_swap_on_holidays": True,
            "min_rest_hours": 8,
            "approvals": "both_team_leads",
        },
    },
    "gov12345": {
        "kinds": {
            "personal": {"label": "事假", "notice_hours": 24, "certificate_from_days": None},
            "sick": {"label": "病假", "notice_hours": 0, "certificate_from_days": 1},  # 003:L449: hospital certificate
            "official": {"label": "公假", "notice_hours": 0, "certificate_from_days": None},  # 003:L449
            "annual": {"label": "年假", "notice_hours": 24, "certificate_from_days": None},
        },
        # 003:L451: up to 3 days the leader in charge; more, the leader in charge then the principal leader.
        "approval_ladder": [
            {"max_days": 3, "steps": ["team_lead"]},
            {"max_days": None, "steps": ["team_lead", "manager"]},
        ],
        "night_leave_deadline": "12:00",
        "holiday_leave_notice_days": 2,
        "department_daily_cap": 1,  # 003:L451: two people of one department may not be on leave at the same time
        "quarter_allowance_days": 5,  # 003:L454: five days a quarter, personal plus sick
        "allowance_kinds": ["personal", "sick"],
        "late_violation_minutes": 20,
        "early_violation_minutes": 30,  # 003:L445: absent in the last 30 minutes counts as leaving early
        "grace_minutes": 0,
        "absent_if_late_minutes": 60,  # 003:L444: no sign-in more than 1 h after start is absenteeism
        "punch_window_hours": 3,
        "left_post_violation_minutes": 20,  # center setting (002:L75's number; the government rules count spot checks)
        "spot_check_explain_minutes": 60,  # 000:L31 = 003:L445: explained within 1 h 不在岗, later 旷工
        "spot_check_early_minutes": 30,  # 000:L31: away in the last half hour before the end of the day is 早退
        "arrive_early_minutes": 10,  # 004:L659
        "max_leave_days": None,
        "short_notice_role": "manager",
        "swap": {
            "max_per_month": 2,
            "max_level_gap": 0,
            "no_swap_on_holidays": True,
            "min_rest_hours": 8,
            "approvals": "both_team_leads",
        },
    },
    "ecommerce": {
        "kinds": {
            # 001:L101: leave is told to the supervisor three days ahead (请假必须提前三天告知上级主管), else 旷工 unless
            # the department head accepts a special case (部门主管酌情处理: short_notice_role)
            "personal": {"label": "事假", "notice_hours": 72, "certificate_from_days": None},
            "sick": {"label": "病假", "notice_hours": 0, "certificate_from_days": 1},
            "annual": {"label": "年假", "notice_hours": 72, "certificate_from_days": None},
        },
        # 003:L22: a leave note takes effect only after the supervisor signs it.
        "approval_ladder": [{"max_days": None, "steps": ["supervisor"]}],
        "night_leave_deadline": "12:00",
        "holiday_leave_notice_days": 2,
        "department_daily_cap": 2,  # 001:L103: at most 2 of a department on leave the same day (a third is refused)
        "quarter_allowance_days": None,
        "allowance_kinds": [],
        "late_violation_minutes": 20,
        "early_violation_minutes": 20,
        "grace_minutes": 0,
        "absent_if_late_minutes": None,
        "punch_window_hours": 3,
        "left_post_violation_minutes": 20,  # center setting (002:L75's number)
        "spot_check_explain_minutes": 60,  # center setting (000:L31's hour)
        "spot_check_early_minutes": None,
        "arrive_early_minutes": None,  # the shop rules set no early arrival
        "max_leave_days": 3,  # 001:L104: 请假时间最长不得超过3天
        "short_notice_role": "supervisor",  # 001:L101: 联系部门主管,由部门主管酌情处理
        # 003:L67: swaps need the prior consent of those concerned; both answer for a missed shift.
        "swap": {
            "max_per_month": 2,
            "max_level_gap": 1,
            "no_swap_on_holidays": True,
            "min_rest_hours": 8,
            "approvals": "both_team_leads",
        },
    },
}

_ROLES = {
    "agent",
    "senior_agent",
    "team_lead",
    "supervisor",
    "qa",
    "editor",
    "dispatcher",
    "dept_handler",
    "manager",
    "hr",
    "admin",
    "auditor",
}


class LeaveKind(PolicyModel):
    """A kind of leave."""

    label: Text(min_length=1, max_length=20) = Field(description="假别名称")
    notice_hours: Num(ge=0) = Field(description="须提前多少小时申请")  # 002:L69
    certificate_from_days: Num(gt=0, null=True) = Field(description="请假达到此天数须交证明；null＝不需要")  # 002:L72


class Rung(PolicyModel):
    """One rung of the approval ladder: leave up to max_days days is approved by these roles in order."""

    max_days: Num(gt=0, null=True) = Field(description="本级审批的最多天数；最后一级为 null（不设上限）")  # 002:L70
    steps: List(RoleCode(), min_length=1) = Field(description="依次审批的角色")


class Swap(PolicyModel):
    """Shift swaps (002:L77-85)."""

    max_per_month: Int(ge=0) = Field(description="每人每月最多换班次数")  # 002:L77-85
    max_level_gap: Int(ge=0) = Field(description="换班双方的座席等级最多相差几级")  # 002:L77-85, 003:L67
    no_swap_on_holidays: Bool() = Field(description="节假日不得换班")  # 002:L77-85
    min_rest_hours: Num(ge=0, le=24) = Field(description="换班后两个班次之间最少休息小时数")  # 002:L77-85
    approvals: Choice("both_team_leads") = Field(description="审批方式：both_team_leads 双方班长都同意")  # 002:L77-85


class AttendancePolicy(PolicyModel):
    """考勤与请假：假别、审批层级、请假限制、迟到早退与离岗、换班。"""

    kinds: Map(LeaveKind) = Field(description="假别（代码 → 名称、提前申请小时数、须交证明的天数）")  # 002:L69-76
    approval_ladder: List(Rung, min_length=1) = Field(description="按请假天数的审批层级")  # 002:L70, 003:L451
    night_leave_deadline: Time() = Field(description="夜班请假须在当天此时间前申请")  # 002:L73
    holiday_leave_notice_days: Int(ge=0) = Field(description="节假日请假须提前的天数")  # 002:L74
    department_daily_cap: Int(ge=1, null=True) = Field(description="同一部门同一天最多请假人数")  # 003:L451, 001:L103
    quarter_allowance_days: Num(ge=0, null=True) = Field(description="每季度可请假的天数；null＝不限")  # 003:L454
    allowance_kinds: List(Text(min_length=1)) = Field(description="计入季度额度的假别代码")  # 003:L454
    late_violation_minutes: Num(ge=0) = Field(description="迟到达到此分钟数为违纪")  # 002:L75
    early_violation_minutes: Num(ge=0) = Field(description="早退达到此分钟数为违纪")  # 002:L75, 003:L445
    grace_minutes: Num(ge=0) = Field(description="上班打卡的宽限分钟数")  # not from the seeds
    absent_if_late_minutes: Int(ge=0, null=True) = Field(
        description="上班后超过此分钟数未签到计旷工；null＝不计"
    )  # 003:L444
    punch_window_hours: Num(ge=0) = Field(description="班次前后多少小时内的打卡归入该班次")  # not from the seeds
    left_post_violation_minutes: Num(ge=0) = Field(description="离岗达到此分钟数为违纪")  # 002:L75
    spot_check_explain_minutes: Num(ge=0) = Field(
        description="抽查不在岗后，多少分钟内说明原因计“不在岗”，否则计旷工"
    )  # 000:L31
    spot_check_early_minutes: Int(ge=0, null=True) = Field(
        description="下班前多少分钟内抽查不在岗计早退；null＝不计"
    )  # 000:L31
    arrive_early_minutes: Int(ge=0, null=True) = Field(description="须提前到岗的分钟数；null＝不要求")  # 004:L659
    max_leave_days: Int(ge=0, null=True) = Field(description="一次请假最多天数；null＝不限")  # 001:L104
    short_notice_role: RoleCode() = Field(description="未按时提前申请时，可以特批的角色")  # 002:L69, 001:L101
    swap: Swap = Field(description="换班规则")  # 002:L77-85


MODEL = AttendancePolicy


def validate(data: dict) -> list[tuple[str, str]]:
    errors = []
    ladder = data.get("approval_ladder") or []
    if not ladder or ladder[-1].get("max_days") is not None:
        errors.append(("approval_ladder", "审批层级的最后一级必须不设天数上限（max_days 为 null）"))
    for i, rung in enumerate(ladder):
        bad = [r for r in rung.get("steps", []) if r not in _ROLES]
        if not rung.get("steps") or bad:
            errors.append((f"approval_ladder[{i}].steps", f"审批角色无效：{bad or '空'}"))
    for key in (
        "late_violation_minutes",
        "early_violation_minutes",
        "grace_minutes",
        "punch_window_hours",
        "left_post_violation_minutes",
        "spot_check_explain_minutes",
    ):
        if not isinstance(data.get(key), (int, float)) or data[key] < 0:
            errors.append((key, "应为非负数"))
    for key in ("spot_check_early_minutes", "arrive_early_minutes", "max_leave_days"):
        if data.get(key) is not None and (not isinstance(data[key], int) or data[key] < 0):
            errors.append((key, "应为非负整数或留空"))
    if data.get("short_notice_role", "manager") not in _ROLES:
        errors.append(("short_notice_role", f"审批角色无效：{data.get('short_notice_role')}"))
    if data.get("swap", {}).get("max_per_month", 0) < 0:
        errors.append(("swap.max_per_month", "应为非负整数"))
    return errors
