"""Use cases of leave, swaps and attendance. Every write goes through here."""
from __future__ import annotations

import csv
import hashlib
import io
from calendar import monthrange
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from kefu.attendance import rules
from kefu.attendance.models import AttendanceSheet, ClockEvent, ClockImport, LeaveRequest, ShiftSwap
from kefu.errors import NotAllowed, Problem, RuleViolation
from kefu.org.models import Staff
from kefu.org.policy import policy_for
from kefu.org.roles import Role, roles_of
from kefu.workcal.services import center_calendar


def policy(center) -> dict:
    return policy_for("attendance", center)


def _tz(center) -> ZoneInfo:
    return ZoneInfo(center.time_zone)


# ------------------------------------------------------------- schedule source

def scheduled_shifts(center, start: date, end: date) -> dict[str, list[rules.Shift]]:
    """Scheduled shifts per staff number in [start, end] (dates), from the published roster.

    kefu.roster provides `selectors.scheduled_intervals(center, start_dt, end_dt)`; without a roster
    nothing is scheduled, and attendance shows no planned shifts.
    """
    try:
        from kefu.roster.selectors import scheduled_intervals
    except ImportError:
        return {}
    tz = _tz(center)
    lo = datetime.combine(start, time(0), tz)
    hi = datetime.combine(end + timedelta(days=1), time(0), tz)
    out: dict[str, list[rules.Shift]] = {}
    for row in scheduled_intervals(center, lo, hi):
        staff_no, s, e = row[0], row[1], row[2]
        code = row[3] if len(row) > 3 else ""
        out.setdefault(staff_no, []).append(rules.Shift(staff_no, s.astimezone(tz), e.astimezone(tz), code))
    for shifts in out.values():
        shifts.sort(key=lambda s: s.start)
    return out


# ------------------------------------------------------------- leave

def _holidays(start: date, end: date) -> set[date]:
    cal = center_calendar()
    return {d for d in rules.each_day(start, end) if cal.is_holiday(d)}


def _violation(findings: list[rules.Finding]) -> None:
    refused = [f for f in findings if f.severity == rules.REFUSE]
    if refused:
        raise RuleViolation.many([Problem(_FIELD.get(f.rule, f.rule), f.rule, f.message) for f in refused])


_FIELD = {"date_order": "end", "kind": "kind", "night_deadline": "start", "holiday_notice": "start",
          "department_cap": "start", "quarter_allowance": "end", "counterpart": "counterpart", "skill_level": "counterpart",
          "monthly_limit": "requester_shift_start", "consecutive": "requester_shift_start", "holiday": "requester_shift_start",
          "back_to_back": "counterpart_shift_start", "leave_on_swap": "requester_shift_start"}


@transaction.atomic
def submit_leave(staff: Staff, *, kind: str, start: date, end: date, reason: str, now: datetime | None = None) -> LeaveRequest:
    """Submit a leave request; notice, night-shift, holiday and cap rules are checked now (002:L69-74, 003:L451-454)."""
    if not reason or len(reason) > 300:
        raise RuleViolation("请假事由必填，且不超过300个字符", field="reason", rule="max_length")
    now = now or timezone.now()
    pol = policy(staff.center)
    shifts = scheduled_shifts(staff.center, start, start).get(staff.staff_no, [])
    first_shift = shifts[0] if shifts else None
    same_day = _most_off_same_day(staff, start, end)
    q_start = date(start.year, 3 * ((start.month - 1) // 3) + 1, 1)
    taken = sum(r.days for r in LeaveRequest.objects.filter(staff=staff, state=LeaveRequest.State.APPROVED, kind__in=pol.get("allowance_kinds", []), start__gte=q_start, start__lt=_add_months(q_start, 3)))
    findings = rules.check_leave(kind=kind, start=start, end=end, submitted_at=now.astimezone(_tz(staff.center)),
                                 first_shift=first_shift, holidays=_holidays(start, end) if end >= start else set(),
                                 rules=pol, same_day_off_in_department=same_day, taken_this_quarter=taken)
    _violation(findings)
    days = rules.leave_days(start, end)
    manager_required = any(f.severity == rules.MANAGER for f in findings)
    steps = rules.approval_steps(days, pol["approval_ladder"])
    if manager_required and Role.MANAGER.value not in steps:
        steps.append(Role.MANAGER.value)
    cert = rules.needs_certificate(kind, days, pol)
    return LeaveRequest.objects.create(
        staff=staff, kind=kind, start=start, end=end, days=days, reason=reason, submitted_at=now, steps=steps,
        manager_required=manager_required, findings=[f.message for f in findings], certificate_required=cert,
        certificate_due=rules.certificate_due(end) if cert else None)


@transaction.atomic
def decide_leave(leave_id: int, approver: Staff, *, approve: bool, note: str = "", version: int | None = None) -> LeaveRequest:
    """The next approver in the ladder approves or rejects; no skipping levels (002:L70)."""
    leave = LeaveRequest.objects.select_for_update(of=("self",)).select_related("staff").filter(
        pk=leave_id, staff__center_id=approver.center_id).first()  # another center's request is not found
    if leave is None:
        raise RuleViolation("请假申请不存在", field="id", rule="not_found", status=404)
    if version is not None and version != leave.version:
        raise RuleViolation("该申请已被他人处理，请刷新后重试", field="version", rule="stale", status=409)
    step = leave.next_step
    if step is None:
        raise RuleViolation(f"该申请当前状态为“{leave.get_state_display()}”，不能审批", field="state", rule="state", status=409)
    if Role(step) not in roles_of(approver.user):
        raise NotAllowed(f"当前审批环节需要“{_role_label(step)}”审批，不允许越级审批", rule="approval_level")
    if approver.pk == leave.staff_id:
        raise NotAllowed("不能审批自己的申请", rule="self_approval")
    if len(note) > 300:
        raise RuleViolation("审批意见不超过300个字符", field="note", rule="max_length")
    leave.approvals = [*leave.approvals, {"role": step, "staff_no": approver.staff_no, "at": timezone.now().isoformat(),
                                           "decision": "approve" if approve else "reject", "note": note}]
    if not approve:
        leave.state = LeaveRequest.State.REJECTED
    elif leave.next_step is None:
        leave.state = LeaveRequest.State.APPROVED
    leave.version += 1
    leave.save()
    return leave


@transaction.atomic
def cancel_leave(leave_id: int, staff: Staff) -> LeaveRequest:
    leave = LeaveRequest.objects.select_for_update().filter(pk=leave_id, staff=staff).first()
    if leave is None:
        raise RuleViolation("请假申请不存在", field="id", rule="not_found", status=404)
    if leave.state not in (LeaveRequest.State.SUBMITTED, LeaveRequest.State.APPROVED):
        raise RuleViolation("该申请已结束，不能撤销", field="state", rule="state", status=409)
    leave.state = LeaveRequest.State.CANCELLED
    leave.version += 1
    leave.save()
    return leave


def _most_off_same_day(staff: Staff, start: date, end: date) -> int:
    """The most colleagues of the same department already off on any one day of [start, end]."""
    if not staff.department_id or end < start:
        return 0
    others = list(LeaveRequest.objects.filter(
        staff__department_id=staff.department_id, state__in=[LeaveRequest.State.SUBMITTED, LeaveRequest.State.APPROVED],
        start__lte=end, end__gte=start).exclude(staff=staff).values_list("start", "end"))
    return max((sum(s <= d <= e for s, e in others) for d in rules.each_day(start, end)), default=0)


def _role_label(code: str) -> str:
    from kefu.org.roles import ROLE_LABELS

    return ROLE_LABELS.get(Role(code), code)


def _add_months(d: date, n: int) -> date:
    y, m = divmod(d.month - 1 + n, 12)
    return date(d.year + y, m + 1, 1)


_OPEN_LEAVE = (LeaveRequest.State.SUBMITTED, LeaveRequest.State.APPROVED)


def leave_days(start: date, end: date, *, states=_OPEN_LEAVE, **staff_filter) -> dict[int, set[date]]:
    """Days of [start, end] on leave, per staff id, in one query (staff_filter: e.g. staff__center=center)."""
    out: dict[int, set[date]] = {}
    for staff_id, s, e in LeaveRequest.objects.filter(state__in=states, start__lte=end, end__gte=start, **staff_filter) \
            .values_list("staff_id", "start", "end"):
        out.setdefault(staff_id, set()).update(rules.each_day(max(s, start), min(e, end)))
    return out


def leave_dates(staff_no: str, start: date, end: date) -> set[date]:
    """Days of [start, end] the person has asked for or been granted leave."""
    return set().union(*leave_days(start, end, staff__staff_no=staff_no).values())


# ------------------------------------------------------------- swaps

def _find_shift(shifts: dict[str, list[rules.Shift]], staff_no: str, start: datetime, field: str) -> rules.Shift:
    for s in shifts.get(staff_no, []):
        if s.start == start:
            return s
    raise RuleViolation(f"排班表中没有工号 {staff_no} 在 {start:%Y-%m-%d %H:%M} 开始的班次", field=field, rule="no_such_shift")


def _swap_days(staff: Staff, month_start: date) -> list[tuple[date, date]]:
    """The swaps of this month that the person is part of, each as the two days it touches."""
    tz, month_end = _tz(staff.center), _add_months(month_start, 1)
    out = []
    for s in ShiftSwap.objects.filter(Q(requester=staff) | Q(counterpart=staff), state__in=[ShiftSwap.State.REQUESTED, ShiftSwap.State.APPROVED]):
        days = (s.requester_shift_start.astimezone(tz).date(), s.counterpart_shift_start.astimezone(tz).date())
        if any(month_start <= d < month_end for d in days):
            out.append(days)
    return out


@transaction.atomic
def request_swap(requester: Staff, *, counterpart_staff_no: str, requester_shift_start: datetime,
                 counterpart_shift_start: datetime, reason: str) -> ShiftSwap:
    """Ask to swap shifts with a colleague (002:L77-85)."""
    counterpart = Staff.objects.filter(staff_no=counterpart_staff_no, is_active=True).first()
    if counterpart is None:
        raise RuleViolation(f"工号 {counterpart_staff_no} 不存在或已离职", field="counterpart", rule="unknown_staff")
    if not reason or len(reason) > 300:
        raise RuleViolation("换班事由必填，且不超过300个字符", field="reason", rule="max_length")
    tz = _tz(requester.center)
    lo = min(requester_shift_start, counterpart_shift_start).astimezone(tz).date() - timedelta(days=2)
    hi = max(requester_shift_start, counterpart_shift_start).astimezone(tz).date() + timedelta(days=2)
    shifts = scheduled_shifts(requester.center, lo, hi)
    mine = _find_shift(shifts, requester.staff_no, requester_shift_start, "requester_shift_start")
    theirs = _find_shift(shifts, counterpart.staff_no, counterpart_shift_start, "counterpart_shift_start")
    month = date(mine.day.year, mine.day.month, 1)
    pol = policy(requester.center)
    findings = rules.check_swap(
        requester_shift=mine, counterpart_shift=theirs, requester_level=requester.level, counterpart_level=counterpart.level,
        requester_swaps_this_month=_swap_days(requester, month), counterpart_swaps_this_month=_swap_days(counterpart, month),
        requester_schedule=shifts.get(requester.staff_no, []), counterpart_schedule=shifts.get(counterpart.staff_no, []),
        holidays=_holidays(lo, hi), leave_days_requester=leave_dates(requester.staff_no, lo, hi),
        leave_days_counterpart=leave_dates(counterpart.staff_no, lo, hi), rules=pol["swap"])
    _violation(findings)
    return ShiftSwap.objects.create(requester=requester, counterpart=counterpart, requester_shift_start=mine.start,
                                    requester_shift_end=mine.end, counterpart_shift_start=theirs.start,
                                    counterpart_shift_end=theirs.end, reason=reason)


def swap_leads(swap: ShiftSwap) -> dict[str, int | None]:
    """The team lead of each side (002:L78: both shift leaders must agree)."""
    return {side: getattr(getattr(getattr(swap, side), "team", None), "lead_id", None) for side in ("requester", "counterpart")}


@transaction.atomic
def decide_swap(swap_id: int, lead: Staff, *, approve: bool) -> ShiftSwap:
    swap = ShiftSwap.objects.select_for_update(of=("self",)).select_related("requester__team", "counterpart__team").filter(pk=swap_id).first()
    if swap is None:
        raise RuleViolation("换班申请不存在", field="id", rule="not_found", status=404)
    if swap.state != ShiftSwap.State.REQUESTED:
        raise RuleViolation(f"该申请当前状态为“{swap.get_state_display()}”，不能审批", field="state", rule="state", status=409)
    leads = swap_leads(swap)
    sides = [side for side, lead_id in leads.items() if lead_id == lead.pk]
    if not sides and Role.SUPERVISOR not in roles_of(lead.user):
        raise NotAllowed("只有换班双方的班长（或值班长）可以审批", rule="swap_approver")
    sides = sides or [side for side in leads if side not in {a["for"] for a in swap.approvals}][:1]
    swap.approvals = [*swap.approvals, *({"staff_no": lead.staff_no, "for": side, "at": timezone.now().isoformat(),
                                          "decision": "approve" if approve else "reject"} for side in sides)]
    if not approve:
        swap.state = ShiftSwap.State.REJECTED
    elif {a["for"] for a in swap.approvals if a["decision"] == "approve"} >= {"requester", "counterpart"}:
        swap.state = ShiftSwap.State.APPROVED
    swap.save()
    return swap


# ------------------------------------------------------------- clock import

_DIRECTIONS = {"in": "in", "上班": "in", "签到": "in", "out": "out", "下班": "out", "签退": "out"}
_HEADERS = {"staff_no": ("staff_no", "工号"), "time": ("time", "时间", "打卡时间"), "direction": ("direction", "方向", "类型")}


@transaction.atomic
def import_clock_csv(center, data: bytes, file_name: str, user=None) -> tuple[ClockImport, bool]:
    """Import clock-in/out punches: all-or-nothing and idempotent. Returns (batch, created)."""
    sha = hashlib.sha256(data).hexdigest()
    existing = ClockImport.objects.filter(sha256=sha).first()
    if existing:
        return existing, False
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise RuleViolation("文件应为 UTF-8 编码的 CSV", field="file", rule="encoding")
    reader = csv.DictReader(io.StringIO(text))
    columns = {}
    for key, names in _HEADERS.items():
        found = next((h for h in (reader.fieldnames or []) if h and h.strip() in names), None)
        if found is None:
            raise RuleViolation(f"缺少列：{names[1]}（或 {names[0]}）", field="file", rule="missing_column")
        columns[key] = found
    staff_by_no = dict(Staff.objects.filter(center=center).values_list("staff_no", "id"))
    tz = _tz(center)
    problems, rows = [], []
    for line, row in enumerate(reader, start=2):
        no = (row.get(columns["staff_no"]) or "").strip()
        raw_time = (row.get(columns["time"]) or "").strip()
        raw_dir = (row.get(columns["direction"]) or "").strip().lower()
        if no not in staff_by_no:
            problems.append(Problem("file", "unknown_staff", f"第{line}行：工号“{no}”不存在"))
            continue
        try:
            at = datetime.fromisoformat(raw_time.replace("/", "-"))
        except ValueError:
            problems.append(Problem("file", "time_format", f"第{line}行：时间“{raw_time}”格式不正确，应为 YYYY-MM-DD HH:MM[:SS]"))
            continue
        if raw_dir not in _DIRECTIONS:
            problems.append(Problem("file", "direction", f"第{line}行：方向“{raw_dir}”应为 上班/下班（in/out）"))
            continue
        rows.append((staff_by_no[no], at if at.tzinfo else at.replace(tzinfo=tz), _DIRECTIONS[raw_dir]))
    if problems:
        raise RuleViolation.many(problems[:50])
    if not rows:
        raise RuleViolation("文件中没有打卡记录", field="file", rule="empty")
    batch = ClockImport.objects.create(file_name=file_name[:200], sha256=sha, rows=len(rows), imported_by=user)
    ClockEvent.objects.bulk_create([ClockEvent(staff_id=s, at=a, direction=d, batch=batch) for s, a, d in rows], ignore_conflicts=True)
    return batch, True


# ------------------------------------------------------------- monthly sheet

def month_rows(center, month: date, now: datetime | None = None) -> list[dict]:
    """Per agent: planned shifts, attended, late, early, absent, leave days, violations, attendance rate (004:L1585-1591).

    Only shifts that have ended by `now` are judged; later ones are counted as still to come.
    """
    now = now or timezone.now()
    first, last = date(month.year, month.month, 1), date(month.year, month.month, monthrange(month.year, month.month)[1])
    pol = policy(center)
    shifts = scheduled_shifts(center, first, last)
    tz = _tz(center)
    lo, hi = datetime.combine(first, time(0), tz) - timedelta(hours=6), datetime.combine(last + timedelta(days=1), time(0), tz) + timedelta(hours=12)
    punches: dict[int, list] = {}
    for staff_id, at, d in ClockEvent.objects.filter(staff__center=center, at__range=(lo, hi)).values_list("staff_id", "at", "direction"):
        punches.setdefault(staff_id, []).append((at.astimezone(tz), d))
    approved = leave_days(first, last, states=(LeaveRequest.State.APPROVED,), staff__center=center)
    out = []
    for staff in Staff.objects.filter(center=center, is_active=True).select_related("team").order_by("staff_no"):
        all_planned = shifts.get(staff.staff_no, [])
        planned = [s for s in all_planned if s.end <= now]
        approved_leave = approved.get(staff.id, set())
        if not all_planned and not approved_leave:
            continue
        results = [rules.classify_shift(s, punches.get(staff.id, []), pol, on_leave=s.day in approved_leave) for s in planned]
        worked = [r for r in results if r.status not in ("absent", "leave")]
        expected = [r for r in results if r.status != "leave"]
        out.append({
            "staff_no": staff.staff_no, "team": staff.team.name if staff.team else "",
            "planned": len(planned), "upcoming": len(all_planned) - len(planned), "attended": len(worked),
            "late": sum(r.status in ("late", "late_early") for r in results),
            "early": sum(r.status in ("early", "late_early") for r in results),
            "absent": sum(r.status == "absent" for r in results),
            "leave_days": len(approved_leave), "violations": sum(r.violation for r in results),
            "attendance_rate": rules.rate(len(worked), len(expected)),
            "days": [{"day": r.day.isoformat(), "status": r.status, "late": r.late_minutes, "early": r.early_minutes,
                      "violation": r.violation, "note": r.note} for r in results],
        })
    return out


@transaction.atomic
def publish_sheet(center, month: date, by: Staff) -> AttendanceSheet:
    if date(month.year, month.month, 1) > timezone.localdate().replace(day=1):
        raise RuleViolation("不能公布尚未开始的月份的考勤表", field="month", rule="future_month")
    return AttendanceSheet.objects.create(center=center, month=date(month.year, month.month, 1), rows=month_rows(center, month), published_by=by)
