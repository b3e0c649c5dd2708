"""Attendance reads the shift calendar: night shifts known by their hours, the default shift's start (issue 13)."""

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from kefu.attendance import services
from kefu.attendance.models import LeaveRequest
from kefu.roster.models import Assignment, Roster
from kefu.roster.services import ensure_templates

TZ = ZoneInfo("Asia/Shanghai")
DAY = date(2026, 12, 15)  # a Tuesday, no holiday


def _rostered(staff, day, code):
    template = next(t for t in ensure_templates(staff.center) if t.code == code)
    roster = Roster.objects.create(center=staff.center, start=day, days=1, status=Roster.Status.PUBLISHED)
    Assignment.objects.create(roster=roster, staff=staff, day=day, shift=template, code=code)


@pytest.mark.django_db
def test_the_overnight_shift_is_a_night_shift_by_its_hours(make_staff):
    # 大夜班 01:00-09:00 does not cross midnight and is not called "night": still a night shift (22:00-06:00 inside)
    night, day = make_staff("agent", staff_no="1001"), make_staff("agent", staff_no="1002")
    _rostered(night, DAY, "O")
    _rostered(day, DAY, "D")
    planned = services.scheduled_shifts(night.center, start=DAY, end=DAY)
    assert [(s.code, s.start.time(), s.is_night) for s in planned["1001"]] == [("O", time(1), True)]
    assert [(s.code, s.is_night) for s in planned["1002"]] == [("D", False)]


@pytest.mark.django_db
def test_leave_on_the_overnight_shift_gets_the_night_shift_rule(make_staff):
    # 002:L73: night-shift leave only in special cases, asked before 12:00 of the day, approved by a manager
    agent = make_staff("agent", staff_no="1001")
    _rostered(agent, DAY, "O")
    leave = services.submit_leave(
        agent, kind="personal", start=DAY, end=DAY, reason="家中有事", now=datetime(2026, 12, 10, 9, tzinfo=TZ)
    )
    assert leave.manager_required
    assert "原则上夜班不允许请假，特殊情况须经管理人员批准" in LeaveRequest.objects.get(pk=leave.pk).findings


@pytest.mark.django_db
def test_without_a_rostered_shift_the_default_shift_counts(make_staff, center):
    # no roster: the notice is counted to the default shift's start (hotline: 白班 08:00, 003:L5); one day's notice
    # (002:L69) asked at 08:30 the day before is short by half an hour
    from kefu.org.services import update_policy

    agent = make_staff("agent", staff_no="1001")
    short = services.submit_leave(
        agent, kind="personal", start=DAY, end=DAY, reason="家中有事", now=datetime(2026, 12, 14, 8, 30, tzinfo=TZ)
    )
    assert short.manager_required
    update_policy(center, preset="hotline", overrides={"shifts": {"default": "R"}})  # 常班 09:00
    other = make_staff("agent", staff_no="1002")
    enough = services.submit_leave(
        other, kind="personal", start=DAY, end=DAY, reason="家中有事", now=datetime(2026, 12, 14, 8, 30, tzinfo=TZ)
    )
    assert not enough.manager_required
