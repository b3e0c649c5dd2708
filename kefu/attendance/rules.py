"""Leave, shift-swap and attendance rules (pure: plain data in, plain data out; no Django import).

The numbers come from the policy section `attendance` (see policy.py, which cites the seed lines).
Each check returns a list of `Finding(rule, message, severity)`: severity "refuse" blocks the request,
"manager" means it is valid only with a manager's approval (002:L69, L73, L74).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

REFUSE = "refuse"
MANAGER = "manager"


@dataclass(frozen=True)
class Finding:
    rule: str
    message: str
    severity: str = REFUSE


@dataclass(frozen=True)
class Shift:
    """One scheduled shift of one agent. night: a night shift by its hours (kefu.workcal.shifts.is_night), whatever
    its code or name (a 01:00-09:00 shift is one, though it does not cross midnight)."""

    staff_no: str
    start: datetime
    end: datetime
    code: str = ""
    night: bool = False

    @property
    def day(self) -> date:
        return self.start.date()

    @property
    def is_night(self) -> bool:
        return self.night


# ---------------------------------------------------------------- leave


def leave_days(start: date, end: date) -> int:
    return (end - start).days + 1


def approval_steps(days: int, ladder: list[dict]) -> list[str]:
    """Roles that must approve, in order. ladder: [{"max_days": 1, "steps": ["supervisor"]}, {"max_days": None, ...}].

    002:L70 (1 day: CS director; more: center director), 002:L372, 003:L451 (> 3 days: two levels).
    """
    for rung in ladder:
        if rung["max_days"] is None or days <= rung["max_days"]:
            return list(rung["steps"])
    raise ValueError("approval ladder must end with max_days = None")


def check_leave(
    *,
    kind: str,
    start: date,
    end: date,
    submitted_at: datetime,
    first_shift: Shift | None,
    holidays: set[date],
    rules: dict,
    same_day_off_in_department: int,
    taken_this_quarter: float,
    default_start: str,
) -> list[Finding]:
    """Findings for a leave request, checked when it is submitted. default_start ("HH:MM"): when the day's shift
    starts for someone not rostered that day (the shift calendar's default shift)."""
    findings: list[Finding] = []
    if end < start:
        return [Finding("date_order", "结束日期不能早于开始日期")]
    kind_rules = rules["kinds"].get(kind)
    if kind_rules is None:
        return [Finding("kind", f"未知的请假类型：{kind}")]
    shift_start = (
        first_shift.start if first_shift else datetime.combine(start, _parse_time(default_start), submitted_at.tzinfo)
    )
    notice = shift_start - submitted_at
    need = timedelta(hours=kind_rules["notice_hours"])
    if notice < need:
        # 002:L69: a request without the notice is valid only with a manager's approval, else absenteeism.
        findings.append(
            Finding(
                "notice",
                f"{kind_rules['label']}需在班前{_hours(kind_rules['notice_hours'])}提出（已不足），须经管理人员批准方可生效",
                MANAGER,
            )
        )
    if first_shift is not None and first_shift.is_night and rules.get("night_leave_deadline"):
        deadline = datetime.combine(first_shift.day, _parse_time(rules["night_leave_deadline"]), shift_start.tzinfo)
        # 002:L73: night-shift leave only in special cases, before 12:00 of the day, with manager approval.
        if submitted_at > deadline:
            findings.append(Finding("night_deadline", f"夜班请假须在当日{rules['night_leave_deadline']}之前提出"))
        else:
            findings.append(Finding("night_shift", "原则上夜班不允许请假，特殊情况须经管理人员批准", MANAGER))
    holiday_days = sorted(d for d in each_day(start, end) if d in holidays)
    if holiday_days and rules.get("holiday_leave_notice_days") is not None:
        # 002:L74: no leave on public holidays; in extreme cases 2 days ahead with manager approval.
        ahead = datetime.combine(holiday_days[0], _parse_time(default_start), submitted_at.tzinfo) - submitted_at
        if ahead < timedelta(days=rules["holiday_leave_notice_days"]):
            findings.append(Finding("holiday_notice", f"节假日请假须提前{rules['holiday_leave_notice_days']}天提出"))
        else:
            findings.append(Finding("holiday", "节假日原则上不允许请假，须经管理人员批准", MANAGER))
    longest = rules.get("max_leave_days")
    if longest is not None and leave_days(start, end) > longest:
        # 001:L104 (shop): a leave is at most 3 days (请假时间最长不得超过3天)
        findings.append(Finding("max_days", f"请假时间最长不得超过{longest}天（本次{leave_days(start, end)}天）"))
    cap = rules.get("department_daily_cap")
    if cap is not None and same_day_off_in_department >= cap:
        # 003:L451 (gov: two people of one department may not be on leave at the same time); a cap per center otherwise.
        findings.append(Finding("department_cap", f"本部门同日请假人数已达上限（{cap}人）"))
    allowance = rules.get("quarter_allowance_days")
    if (
        allowance is not None
        and kind in rules.get("allowance_kinds", [])
        and taken_this_quarter + leave_days(start, end) > allowance
    ):
        # 003:L454: 5 days a quarter of personal plus sick leave.
        findings.append(
            Finding("quarter_allowance", f"本季度事假病假合计不得超过{allowance}天（已用{taken_this_quarter:g}天）")
        )
    return findings


def needs_certificate(kind: str, days: int, rules: dict) -> bool:
    """002:L72: sick leave of a full day needs a medical certificate (emergencies excepted)."""
    min_days = rules["kinds"].get(kind, {}).get("certificate_from_days")
    return min_days is not None and days >= min_days


def certificate_due(end: date) -> date:
    """002:L72: the note goes to the shift leader on the first day after the sick leave ends."""
    return end + timedelta(days=1)


# ---------------------------------------------------------------- swaps


def check_swap(
    *,
    requester_shift: Shift,
    counterpart_shift: Shift,
    requester_level: int,
    counterpart_level: int,
    requester_swaps_this_month: list[tuple[date, ...]],
    counterpart_swaps_this_month: list[tuple[date, ...]],
    requester_schedule: list[Shift],
    counterpart_schedule: list[Shift],
    holidays: set[date],
    leave_days_requester: set[date],
    leave_days_counterpart: set[date],
    rules: dict,
) -> list[Finding]:
    """002:L77-85 (换班制度). The requester works the counterpart's shift and vice versa.

    *_swaps_this_month: one tuple per swap already asked or approved this month, with the days it touches.
    """
    f: list[Finding] = []
    if requester_shift.staff_no == counterpart_shift.staff_no:
        return [Finding("counterpart", "不能与自己换班")]
    if abs(requester_level - counterpart_level) > rules["max_level_gap"]:
        f.append(Finding("skill_level", "换班双方须同工种、技术业务水平相当"))
    limit = rules["max_per_month"]
    for who, swaps in (("申请人", requester_swaps_this_month), ("对方", counterpart_swaps_this_month)):
        if len(swaps) >= limit:
            f.append(Finding("monthly_limit", f"{who}本月换班已达{limit}次上限"))
    days = {requester_shift.day, counterpart_shift.day}
    for who, swaps in (("申请人", requester_swaps_this_month), ("对方", counterpart_swaps_this_month)):
        if any(abs((d - s).days) == 1 for d in days for swap in swaps for s in swap):
            f.append(Finding("consecutive", f"{who}不允许连续换班"))
    if rules["no_swap_on_holidays"] and any(d in holidays for d in days):
        f.append(Finding("holiday", "节假日当班人员不允许换班"))
    min_rest = timedelta(hours=rules["min_rest_hours"])
    # After the swap each person works the other's shift: it must not touch their remaining shifts (连班, 002:L79).
    for who, new_shift, schedule, given_away in (
        ("申请人", counterpart_shift, requester_schedule, requester_shift),
        ("对方", requester_shift, counterpart_schedule, counterpart_shift),
    ):
        for s in schedule:
            if s.start == given_away.start and s.end == given_away.end:
                continue
            if s.start < new_shift.end + min_rest and new_shift.start < s.end + min_rest:
                f.append(
                    Finding(
                        "back_to_back",
                        f"换班后{who}将连班（与{s.start:%m-%d %H:%M}的班次间隔不足{rules['min_rest_hours']}小时）",
                    )
                )
                break
    if (
        requester_shift.day in leave_days_requester
        or counterpart_shift.day in leave_days_requester
        or requester_shift.day in leave_days_counterpart
        or counterpart_shift.day in leave_days_counterpart
    ):
        f.append(Finding("leave_on_swap", "换班和还班均不得请假"))
    return f


# ---------------------------------------------------------------- attendance


@dataclass(frozen=True)
class DayResult:
    staff_no: str
    day: date
    status: str  # normal / late / early / late_early / absent / leave
    late_minutes: int
    early_minutes: int
    violation: bool
    note: str = ""
    early_arrival: bool | None = None  # arrived the policy's minutes early (004:L659); None: no rule or no clock-in
    arrived_minutes_before: int = 0


def classify_shift(shift: Shift, punches: list[tuple[datetime, str]], rules: dict, on_leave: bool = False) -> DayResult:
    """Lateness, early leave and absence of one scheduled shift from its clock-in/out punches.

    002:L75: arriving 20 minutes or more late without leave is a violation (违纪);
    003:L444-445 (gov): no sign-in more than 1 h after start counts as absenteeism.
    """
    if on_leave:
        return DayResult(shift.staff_no, shift.day, "leave", 0, 0, False)
    window_before = timedelta(hours=rules["punch_window_hours"])
    ins = sorted(t for t, d in punches if d == "in" and shift.start - window_before <= t <= shift.end)
    outs = sorted(t for t, d in punches if d == "out" and shift.start <= t <= shift.end + window_before)
    if not ins:
        return DayResult(shift.staff_no, shift.day, "absent", 0, 0, True, "未打卡上班，按旷工处理")
    late_s = max(0.0, (ins[0] - shift.start).total_seconds())
    absent_after = rules.get("absent_if_late_minutes")
    if absent_after is not None and late_s > absent_after * 60:
        return DayResult(
            shift.staff_no, shift.day, "absent", int(late_s // 60), 0, True, f"迟到超过{absent_after}分钟，按旷工处理"
        )
    early_s = max(0.0, (shift.end - outs[-1]).total_seconds()) if outs else 0.0
    grace = rules["grace_minutes"] * 60
    is_late, is_early = late_s > grace, early_s > grace
    status = {(False, False): "normal", (True, False): "late", (False, True): "early", (True, True): "late_early"}[
        (is_late, is_early)
    ]
    violation = late_s >= rules["late_violation_minutes"] * 60 or early_s >= rules["early_violation_minutes"] * 60
    on_time = arrived_early_enough(shift, ins[0], rules)
    return DayResult(
        shift.staff_no,
        shift.day,
        status,
        int(late_s // 60) if is_late else 0,
        int(early_s // 60) if is_early else 0,
        violation,
        "" if outs else "未打卡下班",
        early_arrival=on_time,
        arrived_minutes_before=int((shift.start - ins[0]).total_seconds() // 60),
    )


# ---------------------------------------------------------------- at the post


def judge_spot_check(shift: Shift, checked_at: datetime, explained_at: datetime | None, rules: dict) -> tuple[str, int]:
    """A spot check (查岗) that found the person away and not registered (000:L31 = 003:L445).

    Returns (finding, minutes until the explanation). Within the last `spot_check_early_minutes` before the shift
    ends: 早退 ("early_leave", 离下班时间半小时不在岗的视为早退). Otherwise explained within
    `spot_check_explain_minutes` of the check (1 h, 自查岗时记起): 不在岗 ("absent_from_post"); explained later, or
    not at all: 旷工 ("absenteeism", 超过1小时的视为旷工).
    """
    if explained_at is not None and explained_at < checked_at:
        raise ValueError("explained_at before checked_at")
    waited = int((explained_at - checked_at).total_seconds() // 60) if explained_at is not None else 0
    early = rules.get("spot_check_early_minutes")
    if early is not None and timedelta(0) <= shift.end - checked_at <= timedelta(minutes=early):
        return "early_leave", waited
    if explained_at is None or explained_at - checked_at > timedelta(minutes=rules["spot_check_explain_minutes"]):
        return "absenteeism", waited
    return "absent_from_post", waited


def judge_left_post(left_at: datetime, back_at: datetime, rules: dict) -> tuple[str, int]:
    """002:L75: leaving the post without leave for 20 minutes or more is a violation (擅离值守脱岗二十分钟及以上者
    按违纪处理). Returns ("left_post" or "", whole minutes away)."""
    if back_at < left_at:
        raise ValueError("back_at before left_at")
    minutes = int((back_at - left_at).total_seconds() // 60)
    return ("left_post" if minutes >= rules["left_post_violation_minutes"] else ""), minutes


def arrived_early_enough(shift: Shift, first_in: datetime | None, rules: dict) -> bool | None:
    """004:L659: the incoming shift arrives 10-15 minutes early to take over (接班人员要提前10-15分钟到达工作岗位).
    None when the preset sets no such rule or there is no clock-in; else whether the clock-in was early enough."""
    need = rules.get("arrive_early_minutes")
    if need is None or first_in is None:
        return None
    return shift.start - first_in >= timedelta(minutes=need)


def rate(numerator: float, denominator: float) -> float | None:
    """A ratio, or None (shown "—") when the denominator is zero (SPEC)."""
    return None if not denominator else numerator / denominator


def each_day(start: date, end: date):
    """Every date of [start, end]."""
    d = start
    while d <= end:
        yield d
        d += timedelta(days=1)


def _parse_time(text: str):
    return datetime.strptime(text, "%H:%M").time()


def _hours(h: float) -> str:
    return f"{int(h / 24)}天" if h >= 24 and h % 24 == 0 else f"{h:g}小时"
