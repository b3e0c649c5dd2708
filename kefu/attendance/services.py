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
from kefu.attendance.models import AttendanceSheet, ClockEvent, ClockImport, LeaveRequest, PostCheck, ShiftSwap
from kefu.errors import Problem, RuleViolation
from kefu.messages import Msg
from kefu.org.models import Staff
from kefu.org.policy import policy_for
from kefu.org.roles import Role
from kefu.workcal import shifts as shift_calendar
from kefu.workcal.selectors import default_shift, night_window
from kefu.workcal.services import center_calendar


def policy(center) -> dict:
    return policy_for("attendance", center)


def _tz(center) -> ZoneInfo:
    return ZoneInfo(center.time_zone)


# ------------------------------------------------------------- schedule source


def scheduled_shifts(center, *, start: date, end: date) -> dict[str, list[rules.Shift]]:
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
    night = night_window(center)
    out: dict[str, list[rules.Shift]] = {}
    for row in scheduled_intervals(center, lo, hi):
        staff_no, s, e = row[0], row[1].astimezone(tz), row[2].astimezone(tz)
        code = row[3] if len(row) > 3 else ""
        is_night = shift_calendar.is_night(s.hour * 60 + s.minute, int((e - s).total_seconds() // 60), night)
        out.setdefault(staff_no, []).append(rules.Shift(staff_no, s, e, code, is_night))
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


_FIELD = {
    "date_order": "end",
    "kind": "kind",
    "max_days": "end",
    "night_deadline": "start",
    "holiday_notice": "start",
    "department_cap": "start",
    "quarter_allowance": "end",
    "counterpart": "counterpart",
    "skill_level": "counterpart",
    "monthly_limit": "requester_shift_start",
    "consecutive": "requester_shift_start",
    "holiday": "requester_shift_start",
    "back_to_back": "counterpart_shift_start",
    "leave_on_swap": "requester_shift_start",
}


@transaction.atomic
def submit_leave(
    staff: Staff, *, kind: str, start: date, end: date, reason: str, now: datetime | None = None
) -> LeaveRequest:
    """Submit a leave request; notice, night-shift, holiday and cap rules are checked now (002:L69-74, 003:L451-454)."""
    if not reason or len(reason) > 300:
        raise RuleViolation("请假事由必填，且不超过300个字符", field="reason", rule="max_length")
    now = now or timezone.now()
    pol = policy(staff.center)
    shifts = scheduled_shifts(staff.center, start=start, end=start).get(staff.staff_no, [])
    first_shift = shifts[0] if shifts else None
    same_day = _most_off_same_day(staff, start, end)
    q_start = date(start.year, 3 * ((start.month - 1) // 3) + 1, 1)
    taken = sum(
        r.days
        for r in LeaveRequest.objects.filter(
            staff=staff,
            state=LeaveRequest.State.APPROVED,
            kind__in=pol.get("allowance_kinds", []),
            start__gte=q_start,
            start__lt=_add_months(q_start, 3),
        )
    )
    findings = rules.check_leave(
        kind=kind,
        start=start,
        end=end,
        submitted_at=now.astimezone(_tz(staff.center)),
        first_shift=first_shift,
        holidays=_holidays(start, end) if end >= start else set(),
        rules=pol,
        same_day_off_in_department=same_day,
        taken_this_quarter=taken,
        default_start=default_shift(staff.center).start,
    )
    _violation(findings)
    days = rules.leave_days(start, end)
    manager_required = any(f.severity == rules.MANAGER for f in findings)
    steps = rules.approval_steps(days, pol["approval_ladder"])
    extra = pol.get("short_notice_role", Role.MANAGER.value)  # 002:L69 a manager; 001:L101 the department head
    if manager_required and extra not in steps:
        steps.append(extra)
    cert = rules.needs_certificate(kind, days, pol)
    return LeaveRequest.objects.create(
        staff=staff,
        kind=kind,
        start=start,
        end=end,
        days=days,
        reason=reason,
        submitted_at=now,
        steps=steps,
        manager_required=manager_required,
        findings=[f.message for f in findings],
        certificate_required=cert,
        certificate_due=rules.certificate_due(end) if cert else None,
    )


def _leave(leave_id: int, staff: Staff) -> LeaveRequest:
    leave = LeaveRequest.objects.select_related("staff").filter(pk=leave_id, staff__center_id=staff.center_id).first()
    if leave is None:  # another center's request is not found
        raise RuleViolation.of("common.not_found", field="id", status=404, what=Msg("attendance.leave.noun"))
    return leave


def decide_leave(
    leave_id: int, approver: Staff, *, approve: bool, note: str = "", version: int | None = None
) -> LeaveRequest:
    """The next approver in the ladder approves or rejects, never their own (002:L70; machine.LEAVE)."""
    from kefu.attendance import machine
    from kefu.scope import scope_of
    from kefu.workflow import fire

    return fire(
        machine.LEAVE,
        scope_of(approver),
        _leave(leave_id, approver),
        "approve" if approve else "reject",
        version=version,
        **({"note": note} if note else {}),
    )


def cancel_leave(leave_id: int, staff: Staff, *, version: int | None = None) -> LeaveRequest:
    """The applicant withdraws their request, before or after it is approved."""
    from kefu.attendance import machine
    from kefu.scope import scope_of
    from kefu.workflow import fire

    return fire(machine.LEAVE, scope_of(staff), _leave(leave_id, staff), "cancel", version=version)


def _most_off_same_day(staff: Staff, start: date, end: date) -> int:
    """The most colleagues of the same department already off on any one day of [start, end]."""
    if not staff.department_id or end < start:
        return 0
    others = list(
        LeaveRequest.objects.filter(
            staff__department_id=staff.department_id,
            state__in=[LeaveRequest.State.SUBMITTED, LeaveRequest.State.APPROVED],
            start__lte=end,
            end__gte=start,
        )
        .exclude(staff=staff)
        .values_list("start", "end")
    )
    return max((sum(s <= d <= e for s, e in others) for d in rules.each_day(start, end)), default=0)


def _add_months(d: date, n: int) -> date:
    y, m = divmod(d.month - 1 + n, 12)
    return date(d.year + y, m + 1, 1)


_OPEN_LEAVE = (LeaveRequest.State.SUBMITTED, LeaveRequest.State.APPROVED)


def leave_days(start: date, end: date, *, states=_OPEN_LEAVE, **staff_filter) -> dict[int, set[date]]:
    """Days of [start, end] on leave, per staff id, in one query (staff_filter: e.g. staff__center=center)."""
    out: dict[int, set[date]] = {}
    for staff_id, s, e in LeaveRequest.objects.filter(
        state__in=states, start__lte=end, end__gte=start, **staff_filter
    ).values_list("staff_id", "start", "end"):
        out.setdefault(staff_id, set()).update(rules.each_day(max(s, start), min(e, end)))
    return out


def leave_dates(staff_no: str, *, start: date, end: date) -> set[date]:
    """Days of [start, end] the person has asked for or been granted leave."""
    return set().union(*leave_days(start, end, staff__staff_no=staff_no).values())


# ------------------------------------------------------------- swaps


def _find_shift(shifts: dict[str, list[rules.Shift]], staff_no: str, start: datetime, field: str) -> rules.Shift:
    for s in shifts.get(staff_no, []):
        if s.start == start:
            return s
    raise RuleViolation(
        f"排班表中没有工号 {staff_no} 在 {start:%Y-%m-%d %H:%M} 开始的班次", field=field, rule="no_such_shift"
    )


def _swap_days(staff: Staff, month_start: date) -> list[tuple[date, date]]:
    """The swaps of this month that the person is part of, each as the two days it touches."""
    tz, month_end = _tz(staff.center), _add_months(month_start, 1)
    out = []
    for s in ShiftSwap.objects.filter(
        Q(requester=staff) | Q(counterpart=staff),
        state__in=[ShiftSwap.State.REQUESTED, ShiftSwap.State.AGREED, ShiftSwap.State.APPROVED],
    ):
        days = (s.requester_shift_start.astimezone(tz).date(), s.counterpart_shift_start.astimezone(tz).date())
        if any(month_start <= d < month_end for d in days):
            out.append(days)
    return out


@transaction.atomic
def request_swap(
    requester: Staff,
    *,
    counterpart_staff_no: str,
    requester_shift_start: datetime,
    counterpart_shift_start: datetime,
    reason: str,
) -> ShiftSwap:
    """Ask to swap shifts with a colleague (002:L77-85)."""
    counterpart = Staff.objects.filter(center=requester.center, staff_no=counterpart_staff_no, is_active=True).first()
    if counterpart is None:
        raise RuleViolation(f"工号 {counterpart_staff_no} 不存在或已离职", field="counterpart", rule="unknown_staff")
    if not reason or len(reason) > 300:
        raise RuleViolation("换班事由必填，且不超过300个字符", field="reason", rule="max_length")
    tz = _tz(requester.center)
    lo = min(requester_shift_start, counterpart_shift_start).astimezone(tz).date() - timedelta(days=2)
    hi = max(requester_shift_start, counterpart_shift_start).astimezone(tz).date() + timedelta(days=2)
    shifts = scheduled_shifts(requester.center, start=lo, end=hi)
    mine = _find_shift(shifts, requester.staff_no, requester_shift_start, "requester_shift_start")
    theirs = _find_shift(shifts, counterpart.staff_no, counterpart_shift_start, "counterpart_shift_start")
    month = date(mine.day.year, mine.day.month, 1)
    pol = policy(requester.center)
    findings = rules.check_swap(
        requester_shift=mine,
        counterpart_shift=theirs,
        requester_level=requester.level,
        counterpart_level=counterpart.level,
        requester_swaps_this_month=_swap_days(requester, month),
        counterpart_swaps_this_month=_swap_days(counterpart, month),
        requester_schedule=shifts.get(requester.staff_no, []),
        counterpart_schedule=shifts.get(counterpart.staff_no, []),
        holidays=_holidays(lo, hi),
        leave_days_requester=leave_dates(requester.staff_no, start=lo, end=hi),
        leave_days_counterpart=leave_dates(counterpart.staff_no, start=lo, end=hi),
        rules=pol["swap"],
    )
    _violation(findings)
    swap = ShiftSwap.objects.create(
        requester=requester,
        counterpart=counterpart,
        requester_shift_start=mine.start,
        requester_shift_end=mine.end,
        counterpart_shift_start=theirs.start,
        counterpart_shift_end=theirs.end,
        reason=reason,
    )
    notify_swap(swap, event="asked")  # the counterpart is asked first (000:L242, 003:L67, 004:L671)
    return swap


def swap_leads(swap: ShiftSwap) -> dict[str, int | None]:
    """The team lead of each side (002:L78: both shift leaders must agree)."""
    return {
        side: getattr(getattr(getattr(swap, side), "team", None), "lead_id", None)
        for side in ("requester", "counterpart")
    }


def _swap(swap_id: int, staff: Staff) -> ShiftSwap:
    swap = (
        ShiftSwap.objects.select_related("requester", "counterpart")
        .filter(pk=swap_id, requester__center=staff.center)
        .first()
    )
    if swap is None:
        raise RuleViolation("换班申请不存在", field="id", rule="not_found", status=404)
    return swap


def answer_swap(
    swap_id: int, counterpart: Staff, *, agree: bool, note: str = "", version: int | None = None
) -> ShiftSwap:
    """The counterpart agrees or declines, before any team lead sees it (000:L242, 003:L67, 004:L671)."""
    from kefu.attendance import machine
    from kefu.scope import scope_of
    from kefu.workflow import fire

    fields = {"note": note} if note and not agree else {}
    return fire(
        machine.MACHINE,
        scope_of(counterpart),
        _swap(swap_id, counterpart),
        "agree" if agree else "decline",
        version=version,
        **fields,
    )


def decide_swap(swap_id: int, lead: Staff, *, approve: bool, note: str = "", version: int | None = None) -> ShiftSwap:
    """A team lead of one side approves or rejects a swap the counterpart agreed to (002:L78)."""
    from kefu.attendance import machine
    from kefu.scope import scope_of
    from kefu.workflow import fire

    return fire(
        machine.MACHINE,
        scope_of(lead),
        _swap(swap_id, lead),
        "approve" if approve else "reject",
        version=version,
        **({"note": note} if note else {}),
    )


def cancel_swap(swap_id: int, requester: Staff, *, version: int | None = None) -> ShiftSwap:
    from kefu.attendance import machine
    from kefu.scope import scope_of
    from kefu.workflow import fire

    return fire(machine.MACHINE, scope_of(requester), _swap(swap_id, requester), "cancel", version=version)


def apply_swap(swap: ShiftSwap, by: Staff) -> list[dict]:
    """Write an approved swap into the published roster: the requester's shift goes to the counterpart and the
    counterpart's to the requester (002:L77-81), each cell logged as a roster edit. Attendance (month_rows), the
    KPI engine's adherence and the roster pages all read the roster, so neither person shows absent on the swapped
    day. Shifts that are not on a kefu roster (an imported schedule) are left as they are."""
    from kefu.roster.models import Assignment, Roster, RosterEdit

    tz = _tz(swap.requester.center)
    sides = (
        (swap.requester, swap.counterpart, swap.requester_shift_start),
        (swap.counterpart, swap.requester, swap.counterpart_shift_start),
    )
    cells = []
    for giver, taker, start in sides:
        local = start.astimezone(tz)
        found = [
            a
            for a in Assignment.objects.select_related("shift", "roster").filter(
                roster__center=swap.requester.center,
                roster__status=Roster.Status.PUBLISHED,
                staff=giver,
                day=local.date(),
                shift__isnull=False,
            )
            if datetime.combine(a.day, a.shift.start, tz) == local
        ]
        if found:
            cells.append((found[0], giver, taker))
    if len(cells) == 2 and cells[0][0].day == cells[1][0].day and cells[0][0].roster_id == cells[1][0].roster_id:
        (a, _, _), (b, _, _) = cells  # the same day: the two people trade shifts
        changes = [(a, a.staff, b.shift, b.code), (b, b.staff, a.shift, a.code)]
        for row, _staff, shift, code in changes:
            old = row.code
            Assignment.objects.filter(pk=row.pk).update(shift=shift, code=code)
            RosterEdit.objects.create(
                roster=row.roster, staff=row.staff, day=row.day, old_code=old, new_code=code, by=by
            )
        applied = [
            {"staff_no": row.staff.staff_no, "day": row.day.isoformat(), "old": row.code, "new": code}
            for row, _s, _shift, code in changes
        ]
    else:
        for row, giver, taker in cells:
            if Assignment.objects.filter(roster=row.roster, staff=taker, day=row.day).exists():
                raise RuleViolation.of(
                    "attendance.swap.roster_taken",
                    field="counterpart_shift_start",
                    staff_no=taker.staff_no,
                    day=row.day,
                )
        applied = []
        for row, giver, taker in cells:
            Assignment.objects.filter(pk=row.pk).update(staff=taker)
            RosterEdit.objects.create(
                roster=row.roster, staff=giver, day=row.day, old_code=row.code, new_code="", by=by
            )
            RosterEdit.objects.create(
                roster=row.roster, staff=taker, day=row.day, old_code="", new_code=row.code, by=by
            )
            applied += [
                {"staff_no": giver.staff_no, "day": row.day.isoformat(), "old": row.code, "new": ""},
                {"staff_no": taker.staff_no, "day": row.day.isoformat(), "old": "", "new": row.code},
            ]
    swap.applied = applied
    return applied


def notify_swap(swap: ShiftSwap, *, event: str, now: datetime | None = None) -> None:
    """Tell the people a swap waits on or concerns: the counterpart when asked, both leads when agreed, both sides
    when decided."""
    from kefu.notify.services import notify

    tz = _tz(swap.requester.center)
    params = {
        "requester": swap.requester.staff_no,
        "counterpart": swap.counterpart.staff_no,
        "my_shift": swap.requester_shift_start.astimezone(tz).strftime("%m-%d %H:%M"),
        "their_shift": swap.counterpart_shift_start.astimezone(tz).strftime("%m-%d %H:%M"),
    }
    if event == "asked":
        people, link = [swap.counterpart], "/attendance/"
    elif event == "to_approve":
        leads = {lead_id for lead_id in swap_leads(swap).values() if lead_id}
        people, link = list(Staff.objects.filter(pk__in=leads)), "/attendance/approvals/"
    elif event == "declined":
        people, link = [swap.requester], "/attendance/"
    else:
        people, link = [swap.requester, swap.counterpart], "/attendance/"
    notify(
        people, f"attendance.swap.{event}", key=f"attendance.swap:{swap.pk}:{event}", params=params, link=link, now=now
    )


# ------------------------------------------------------------- at the post


@transaction.atomic
def record_post_check(
    by: Staff,
    *,
    kind: str,
    staff_no: str,
    at: datetime,
    until: datetime | None = None,
    note: str = "",
    now: datetime | None = None,
) -> PostCheck:
    """A team lead or supervisor enters a spot check that found someone away (查岗, `until` = when they explained,
    None if they have not) or a stretch away from the post (离岗, `until` = back). The rule's finding is kept with it
    and discipline records the violation from this evidence (002:L75, 000:L30-31, 003:L444-445)."""
    from kefu.messages import Msg

    now = now or timezone.now()
    if kind not in PostCheck.Kind.values:
        raise RuleViolation.of("attendance.spot.bad_kind", field="kind", value=str(kind)[:20])
    staff = Staff.objects.filter(center=by.center, staff_no=str(staff_no).strip(), is_active=True).first()
    if staff is None:
        raise RuleViolation.of("attendance.spot.unknown_staff", field="staff_no", staff_no=str(staff_no)[:20])
    label = Msg("attendance.spot.field.checked_at")
    tz = _tz(by.center)
    at = at if at.tzinfo else at.replace(tzinfo=tz)
    until = until if until is None or until.tzinfo else until.replace(tzinfo=tz)
    if at < now - timedelta(days=400):
        raise RuleViolation.of("attendance.spot.too_old", field="at", field_label=label)
    if at > now:
        raise RuleViolation.of("attendance.spot.future", field="at", field_label=label)
    if until is not None and until > now:
        raise RuleViolation.of("attendance.spot.future", field="until", field_label=Msg("attendance.spot.field.until"))
    if until is not None and until < at:
        raise RuleViolation.of(
            "attendance.spot.order", field="until", field_label=Msg("attendance.spot.field.until"), other=label
        )
    if kind == PostCheck.Kind.LEFT_POST and until is None:
        raise RuleViolation.of("attendance.spot.back_required", field="until")
    if len(note or "") > 300:
        raise RuleViolation.of(
            "common.too_long", field="note", field_label=Msg("attendance.swap.field.note"), max=300, length=len(note)
        )
    local = at.astimezone(tz)
    shifts = scheduled_shifts(by.center, start=local.date() - timedelta(days=1), end=local.date()).get(
        staff.staff_no, []
    )
    shift = next((s for s in shifts if s.start <= local < s.end), None)
    if shift is None:
        raise RuleViolation.of(
            "attendance.spot.not_on_shift", field="at", staff_no=staff.staff_no, at=local.strftime("%Y-%m-%d %H:%M")
        )
    pol = policy(by.center)
    if kind == PostCheck.Kind.SPOT_CHECK:
        finding, minutes = rules.judge_spot_check(shift, local, until.astimezone(tz) if until else None, pol)
    else:
        finding, minutes = rules.judge_left_post(local, until.astimezone(tz), pol)
    return PostCheck.objects.create(
        staff=staff,
        kind=kind,
        at=at,
        until=until,
        finding=finding,
        minutes=minutes,
        note=(note or "").strip(),
        recorded_by=by,
    )


def post_findings(center, month: date) -> list[dict]:
    """The month's spot checks and stretches away from the post that the rules count (discipline's evidence)."""
    tz = _tz(center)
    first = datetime.combine(date(month.year, month.month, 1), time(0), tz)
    last = datetime.combine(_add_months(date(month.year, month.month, 1), 1), time(0), tz)
    return [
        {
            "id": p.pk,
            "staff_no": p.staff.staff_no,
            "day": p.at.astimezone(tz).date(),
            "kind": p.kind,
            "finding": p.finding,
            "minutes": p.minutes,
            "at": p.at.astimezone(tz),
            "until": p.until.astimezone(tz) if p.until else None,
        }
        for p in PostCheck.objects.filter(staff__center=center, at__gte=first, at__lt=last)
        .exclude(finding="")
        .select_related("staff")
        .order_by("at", "id")
    ]


# ------------------------------------------------------------- clock import

_DIRECTIONS = {"in": "in", "上班": "in", "签到": "in", "out": "out", "下班": "out", "签退": "out"}
_HEADERS = {
    "staff_no": ("staff_no", "工号"),
    "time": ("time", "时间", "打卡时间"),
    "direction": ("direction", "方向", "类型"),
}


@transaction.atomic
def import_clock_csv(center, *, data: bytes, file_name: str, user=None) -> tuple[ClockImport, bool]:
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
            problems.append(
                Problem("file", "time_format", f"第{line}行：时间“{raw_time}”格式不正确，应为 YYYY-MM-DD HH:MM[:SS]")
            )
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
    ClockEvent.objects.bulk_create(
        [ClockEvent(staff_id=s, at=a, direction=d, batch=batch) for s, a, d in rows], ignore_conflicts=True
    )
    return batch, True


# ------------------------------------------------------------- monthly sheet


def month_rows(center, *, month: date, now: datetime | None = None) -> list[dict]:
    """Per agent: planned shifts, attended, late, early, absent, leave days, violations, attendance rate (004:L1585-1591).

    Only shifts that have ended by `now` are judged; later ones are counted as still to come.
    """
    now = now or timezone.now()
    first, last = (
        date(month.year, month.month, 1),
        date(month.year, month.month, monthrange(month.year, month.month)[1]),
    )
    pol = policy(center)
    shifts = scheduled_shifts(center, start=first, end=last)
    tz = _tz(center)
    lo, hi = (
        datetime.combine(first, time(0), tz) - timedelta(hours=6),
        datetime.combine(last + timedelta(days=1), time(0), tz) + timedelta(hours=12),
    )
    punches: dict[int, list] = {}
    for staff_id, at, d in ClockEvent.objects.filter(staff__center=center, at__range=(lo, hi)).values_list(
        "staff_id", "at", "direction"
    ):
        punches.setdefault(staff_id, []).append((at.astimezone(tz), d))
    approved = leave_days(first, last, states=(LeaveRequest.State.APPROVED,), staff__center=center)
    out = []
    for staff in Staff.objects.filter(center=center, is_active=True).select_related("team").order_by("staff_no"):
        all_planned = shifts.get(staff.staff_no, [])
        planned = [s for s in all_planned if s.end <= now]
        approved_leave = approved.get(staff.id, set())
        if not all_planned and not approved_leave:
            continue
        results = [
            rules.classify_shift(s, punches.get(staff.id, []), pol, on_leave=s.day in approved_leave) for s in planned
        ]
        worked = [r for r in results if r.status not in ("absent", "leave")]
        expected = [r for r in results if r.status != "leave"]
        out.append(
            {
                "staff_no": staff.staff_no,
                "team": staff.team.name if staff.team else "",
                "planned": len(planned),
                "upcoming": len(all_planned) - len(planned),
                "attended": len(worked),
                "late": sum(r.status in ("late", "late_early") for r in results),
                "early": sum(r.status in ("early", "late_early") for r in results),
                "absent": sum(r.status == "absent" for r in results),
                "leave_days": len(approved_leave),
                "violations": sum(r.violation for r in results),
                # on time but not the policy's minutes early for the handover (004:L659); a late arrival counts as late
                "not_early": sum(r.early_arrival is False and r.status in ("normal", "early") for r in results),
                "attendance_rate": rules.rate(len(worked), len(expected)),
                "days": [
                    {
                        "day": r.day.isoformat(),
                        "status": r.status,
                        "late": r.late_minutes,
                        "early": r.early_minutes,
                        "violation": r.violation,
                        "note": r.note,
                        "early_arrival": r.early_arrival,
                        "arrived_before": r.arrived_minutes_before,
                    }
                    for r in results
                ],
            }
        )
    return out


@transaction.atomic
def publish_sheet(center, *, month: date, by: Staff) -> AttendanceSheet:
    if date(month.year, month.month, 1) > timezone.localdate().replace(day=1):
        raise RuleViolation("不能公布尚未开始的月份的考勤表", field="month", rule="future_month")
    return AttendanceSheet.objects.create(
        center=center, month=date(month.year, month.month, 1), rows=month_rows(center, month=month), published_by=by
    )
