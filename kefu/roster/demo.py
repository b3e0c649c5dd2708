"""Demo: the demo center's published rosters for its agents (agent1..12, senior1..3): the past days of the demo month
up to this Monday, which the month's calls, logins and clock-ins follow (kefu.telephony.demo and kefu.attendance.demo
read them), and four weeks from this Monday, with a few day-off requests."""

from __future__ import annotations

from datetime import date, timedelta

from django.utils import timezone

from kefu.errors import RuleViolation
from kefu.roster import services
from kefu.roster.models import Roster, RosterRequest

PAST_DAYS = 30  # the demo month of calls (kefu.telephony.demo.DAYS): today and the 29 days before
PAST_WEEK = 7  # the past month is rostered a week at a time


def this_monday() -> date:
    today = timezone.localdate()
    return today - timedelta(days=today.weekday())


def past_start() -> date:
    return timezone.localdate() - timedelta(days=PAST_DAYS - 1)


def ensure_rosters(center, time_limit: float = 15) -> list[str]:
    """Generate and publish the past and the current roster unless they exist; a line per roster says what happened.
    Idempotent, so the telephony demo (which simulates the past weeks on the roster) and this module may both call it."""
    services.ensure_templates(center)
    agents = services.roster_agents(center)
    if not agents:
        return []
    start = this_monday()
    for i, staff in enumerate(agents[:4]):  # asked for before the roster is built, so the solver can grant them
        RosterRequest.objects.get_or_create(
            center=center,
            staff=staff,
            day=start + timedelta(days=7 + 3 * i),
            kind=RosterRequest.Kind.DAY_OFF,
            shift_code="",
            defaults={"note": "家中有事"},
        )
    lines = []
    # The past in rosters of a week at most (each a small problem the solver staffs fully even on a busy machine;
    # one roster of the whole month could come back with its last days unstaffed, and no calls answered on them),
    # then four weeks from this Monday.
    past = [(d, min(PAST_WEEK, (start - d).days)) for d in _days(past_start(), start, PAST_WEEK)]
    for first, days in (*past, (start, 28)):
        if Roster.objects.filter(center=center, start=first, days=days).exists():
            continue
        roster = _generate(center, first, days, time_limit)
        try:
            services.publish(roster, None)
            state = "已发布"
        except RuleViolation as exc:  # a relaxed roster stays a draft; the page shows why
            state = f"草稿（{exc}）"
        lines.append(f"  排班：{first} 起 {days} 天，{len(agents)} 名座席，{state}")
    return lines


def _days(first: date, stop: date, step: int) -> list[date]:
    return [first + timedelta(days=i) for i in range(0, (stop - first).days, step)]


def _generate(center, first: date, days: int, time_limit: float) -> Roster:
    """A roster with every day staffed: on a busy machine the solver may stop with days left empty, so it is given
    twice, then four times the time; the weaker draft, never published, is discarded (demo data only)."""
    for attempt in range(3):
        roster = services.generate(center, start=first, days=days, actor=None, time_limit=time_limit * 2**attempt)
        staffed = roster.assignments.filter(shift__isnull=False).values("day").distinct().count()
        if staffed == days or attempt == 2:
            return roster
        Roster.objects.filter(pk=roster.pk, status=Roster.Status.DRAFT).delete()
    return roster


def build(center, rng, out, time_limit: float = 15) -> None:
    lines = ensure_rosters(center, time_limit=time_limit)
    out.write("\n".join(lines) + "\n" if lines else "  排班：已存在\n")
