"""Reads other apps need: the scheduled time of published rosters."""
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
    rows = (Assignment.objects.filter(roster__center=center, roster__status=Roster.Status.PUBLISHED,
                                      shift__isnull=False, day__gte=lo.astimezone(tz).date() - timedelta(days=1),
                                      day__lte=hi.astimezone(tz).date())
            .select_related("staff", "shift").order_by("day", "staff__staff_no"))
    out = []
    for a in rows:
        s = datetime.combine(a.day, a.shift.start, tz)
        e = s + timedelta(minutes=a.shift.minutes)
        if s < hi and e > lo:
            out.append((a.staff.staff_no, s, e, a.code))
    return out
