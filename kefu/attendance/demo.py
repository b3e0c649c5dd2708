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
            leave = services.submit_leave(agent, kind=kind, start=start, end=start + timedelta(days=i % 3),
                                          reason=["家中有事", "身体不适", "年休", "调休"][i % 4])
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
    # Clock punches for last month's and this month's scheduled shifts (a few late, a few missing).
    first = (today.replace(day=1) - timedelta(days=1)).replace(day=1)
    shifts = services.scheduled_shifts(center, first, today - timedelta(days=1))
    by_no = {s.staff_no: s.id for s in Staff.objects.filter(center=center)}
    batch = ClockImport.objects.create(file_name="demo-clock.csv", sha256=f"demo-{center.pk}-{first}", rows=0)
    rows = []
    for staff_no, planned in shifts.items():
        for s in planned:
            roll = rng.random()
            if roll < 0.02 or staff_no not in by_no:
                continue  # absent
            late = timedelta(minutes=rng.choice([25, 12])) if roll < 0.08 else -timedelta(minutes=rng.randint(2, 15))
            rows.append(ClockEvent(staff_id=by_no[staff_no], at=s.start + late, direction="in", batch=batch))
            rows.append(ClockEvent(staff_id=by_no[staff_no], at=s.end + timedelta(minutes=rng.randint(0, 10)), direction="out", batch=batch))
    ClockEvent.objects.bulk_create(rows, ignore_conflicts=True)
    ClockImport.objects.filter(pk=batch.pk).update(rows=len(rows))
    out.write(f"  考勤：{made} 条请假，{len(rows)} 条打卡记录")
