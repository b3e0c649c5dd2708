"""Demo leave requests, a swap and a month of clock punches for the scheduled shifts."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from kefu.attendance import services
from kefu.attendance.models import ClockEvent, ClockImport, LeaveRequest
from kefu.errors import RuleViolation
from kefu.org.models import Staff


def build(center, rng, out) -> None:
    if LeaveRequest.objects.filter(staff__center=center).exists():
        return
    today = timezone.localdate()
    agents = list(Staff.objects.filter(center=center, user__username__startswith="agent").order_by("staff_no"))
    made = 0
    for i, agent in enumerate(agents[:8]):
        start = today + timedelta(days=3 + i * 2)
        kind = ["personal", "sick", "annual", "compensatory"][i % 4]
        try:
            leave = services.submit_leave(
                agent,
                kind=kind,
                start=start,
                end=start + timedelta(days=i % 3),
                reason=["家中有事", "身体不适", "年休", "调休"][i % 4],
            )
        except RuleViolation:
            continue
        made += 1
        if i % 3 == 0:
            approver = Staff.objects.filter(center=center, user__username=f"{leave.steps[0]}1").first()
            if approver:
                try:
                    services.decide_leave(leave.pk, approver, approve=True, note="同意")
                except RuleViolation:
                    pass
    # Clock punches for the scheduled shifts of last month and this month up to yesterday: where the demo's calls were
    # simulated on the roster, a shift's punches follow the agent's logins that day (no login, no punch: absent; a
    # late login, a late punch); otherwise a few are late or missing at random.
    first = (today.replace(day=1) - timedelta(days=1)).replace(day=1)
    shifts = services.scheduled_shifts(center, start=first, end=today - timedelta(days=1))
    by_no = {s.staff_no: s.id for s in Staff.objects.filter(center=center)}
    logins = _logins(center, first, today)
    batch = ClockImport.objects.create(file_name="demo-clock.csv", sha256=f"demo-{center.pk}-{first}", rows=0)
    rows = []
    for staff_no, planned in shifts.items():
        if staff_no not in by_no:
            continue
        for s in planned:
            punch = _punches_from_logins(s, logins.get(staff_no), rng) if logins else _random_punches(s, rng)
            if punch is None:
                continue  # absent
            rows.append(ClockEvent(staff_id=by_no[staff_no], at=punch[0], direction="in", batch=batch))
            rows.append(ClockEvent(staff_id=by_no[staff_no], at=punch[1], direction="out", batch=batch))
    ClockEvent.objects.bulk_create(rows, ignore_conflicts=True)
    ClockImport.objects.filter(pk=batch.pk).update(rows=len(rows))
    checks = _post_checks(center, shifts, rng)
    swapped = _one_swap(center, today, rng)
    out.write(
        f"  考勤：{made} 条请假，{len(rows)} 条打卡记录，{checks} 条查岗与离岗记录，换班 {swapped} 次（对方同意、双方班长批准、排班表已调整）"
    )


def _logins(center, first, today) -> dict[str, list[tuple]]:
    """(start, end) of each agent's phone sessions in the period, when kefu.telephony simulated the demo month on the
    roster (its demo has no scheduled shifts of its own then); empty otherwise."""
    try:
        from kefu.telephony.models import AgentSession, ScheduledShift
    except ImportError:
        return {}
    if ScheduledShift.objects.filter(center=center).exists():
        return {}  # the calls followed the telephony demo's own rotation, not the roster
    out: dict[str, list[tuple]] = {}
    for no, s, e in (
        AgentSession.objects.filter(center=center, end__gt=_midnight(center, first), start__lt=_midnight(center, today))
        .order_by("start")
        .values_list("agent_staff_no", "start", "end")
    ):
        out.setdefault(no, []).append((s, e))
    return out


def _midnight(center, day):
    from datetime import datetime, time
    from zoneinfo import ZoneInfo

    return datetime.combine(day, time(0), ZoneInfo(center.time_zone))


def _punches_from_logins(shift, sessions, rng):
    """Clock in 10-15 minutes before the shift (004:L659) when the agent logged in on time, just before the login
    when late; out after the last logout. None if the agent never logged in during the shift."""
    inside = [(s, e) for s, e in sessions or () if s < shift.end and e > shift.start - timedelta(hours=1)]
    if not inside:
        return None
    login = inside[0][0]
    arrive = login - timedelta(minutes=rng.randint(1, 3))
    if login <= shift.start + timedelta(minutes=1):
        arrive = min(arrive, shift.start - timedelta(minutes=rng.randint(10, 15)))
    return arrive, max(e for _, e in inside) + timedelta(minutes=rng.randint(0, 6))


def _random_punches(shift, rng):
    roll = rng.random()
    if roll < 0.02:
        return None
    late = timedelta(minutes=rng.choice([25, 12])) if roll < 0.08 else -timedelta(minutes=rng.randint(2, 15))
    return shift.start + late, shift.end + timedelta(minutes=rng.randint(0, 10))


def _post_checks(center, shifts, rng) -> int:
    """Last month, the lead's spot checks and one stretch away from the post (002:L75, 000:L31): discipline records
    the violations from them."""
    lead = Staff.objects.filter(center=center, user__username="teamlead1").first()
    planned = [s for no in sorted(shifts) for s in shifts[no]]
    if lead is None or not planned:
        return 0
    made = 0
    for i, (kind, away) in enumerate((("left_post", 25), ("left_post", 12), ("spot_check", 40), ("spot_check", None))):
        s = planned[(i * 37 + rng.randrange(5)) % len(planned)]
        at = s.start + timedelta(hours=2, minutes=10 * i)
        try:
            services.record_post_check(
                lead,
                kind=kind,
                staff_no=s.staff_no,
                at=at,
                until=at + timedelta(minutes=away) if away else None,
                note=["去前台取快递", "接家里电话", "查岗时不在座位，后补说明", "查岗时不在座位"][i],
            )
        except RuleViolation:
            continue
        made += 1
    return made


def _one_swap(center, today, rng) -> int:
    """A swap played through: asked, agreed by the colleague, approved by both leads, written into the roster."""
    from kefu.org.roles import Role

    soon = services.scheduled_shifts(center, start=today + timedelta(days=3), end=today + timedelta(days=12))
    nos = sorted(n for n in soon if soon[n])
    people = {s.staff_no: s for s in Staff.objects.filter(center=center, staff_no__in=nos).select_related("team")}
    supervisor = Staff.objects.filter(center=center, user__groups__name=Role.SUPERVISOR.value).first()
    for _ in range(300):  # most pairs break a rest or hours rule; try until one is allowed
        if len(nos) < 2:
            return 0
        a, b = rng.sample(nos, 2)
        mine, theirs = rng.choice(soon[a]), rng.choice(soon[b])
        if mine.day == theirs.day or a not in people or b not in people:
            continue
        try:
            swap = services.request_swap(
                people[a],
                counterpart_staff_no=b,
                requester_shift_start=mine.start,
                counterpart_shift_start=theirs.start,
                reason="家里有事，与同事商量好换班",
            )
            services.answer_swap(swap.pk, people[b], agree=True)
            for lead_id in services.swap_leads(swap).values():
                lead = Staff.objects.filter(pk=lead_id).first() if lead_id else supervisor
                if lead is not None and services.ShiftSwap.objects.get(pk=swap.pk).state == "agreed":
                    services.decide_swap(swap.pk, lead, approve=True)
        except RuleViolation:
            continue
        if services.ShiftSwap.objects.get(pk=swap.pk).state == "approved":
            return 1
    return 0
