"""Reads: the scheduled time of published rosters (other apps), and a staff member's own shifts (my roster)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from kefu.roster.models import Assignment, Roster


def _bound(value, tz: ZoneInfo) -> datetime:
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=tz)
    return datetime.combine(value, time(0), tz)


def scheduled_intervals(center, start, end) -> list[tuple[str, datetime, datetime, str]]:
    """(staff_no, start, end, shift code) of every published shift overlapping [start, end).

    `start`/`end` are datetimes (aware, or naive in the center's time zone) or dates (midnight). Shifts
    that run past midnight (17:00-01:00) end on the next day; on-call reserve duty (no seat) is left out.
    The KPI engine's scheduled time for adherence and wfm's scheduled-vs-required chart read this.
    """
    tz = ZoneInfo(center.time_zone)
    lo, hi = _bound(start, tz), _bound(end, tz)
    rows = (
        Assignment.objects.filter(
            roster__center=center,
            roster__status=Roster.Status.PUBLISHED,
            shift__isnull=False,
            day__gte=lo.astimezone(tz).date() - timedelta(days=1),
            day__lte=hi.astimezone(tz).date(),
        )
        .select_related("staff", "shift")
        .order_by("day", "staff__staff_no")
    )
    out = []
    for a in rows:
        s = datetime.combine(a.day, a.shift.start, tz)
        e = s + timedelta(minutes=a.shift.minutes)
        if s < hi and e > lo:
            out.append((a.staff.staff_no, s, e, a.code))
    return out


def my_shifts(staff, first: date, last: date) -> list[dict]:
    """The staff member's own published days from `first` to `last`: each day's shift (name and local hours from
    the center's shift calendar), a day off inside a published roster, or nothing published yet.

    Approved swaps are already in the published assignments (attendance rewrites them when a swap is approved), so
    this reads what the floor works to. Only the staff member's own rows of their own center's rosters are read.
    """
    from kefu.workcal.selectors import shift_calendar

    calendar = {t.code: t for t in shift_calendar(staff.center)}
    rosters = list(
        Roster.objects.filter(center=staff.center, status=Roster.Status.PUBLISHED, start__lte=last).order_by(
            "published_at", "id"
        )
    )
    covered: dict[date, int] = {}
    for r in rosters:  # a later publication of the same day wins
        for d in range(r.days):
            day = r.start + timedelta(days=d)
            if first <= day <= last:
                covered[day] = r.id
    rows = {
        (a.roster_id, a.day): a
        for a in Assignment.objects.filter(
            roster_id__in=set(covered.values()), staff=staff, day__gte=first, day__lte=last
        ).select_related("shift")
    }
    out = []
    day = first
    while day <= last:
        roster_id = covered.get(day)
        a = rows.get((roster_id, day)) if roster_id else None
        entry = {
            "day": day,
            "published": roster_id is not None,
            "off": roster_id is not None and a is None,
            "reserve": False,
            "code": "",
            "name": "",
            "start": "",
            "end": "",
            "night": False,
            "color": "",
        }
        if a is not None:
            entry["code"] = a.code
            template = calendar.get(a.code)
            if template is not None:
                entry.update(
                    name=template.name,
                    start=template.start,
                    end=template.end,
                    night=template.night,
                    color=template.color,
                )
            elif a.shift is not None:  # a shift no longer in the calendar: the roster's own copy of it
                end = (a.shift.start.hour * 60 + a.shift.start.minute + a.shift.minutes) % 1440
                entry.update(
                    name=a.shift.name,
                    start=f"{a.shift.start:%H:%M}",
                    end=f"{end // 60:02d}:{end % 60:02d}",
                    night=a.shift.night,
                    color=a.shift.color,
                )
            else:  # on call, no seat (004:L787)
                entry["reserve"] = True
        out.append(entry)
        day += timedelta(days=1)
    return out
