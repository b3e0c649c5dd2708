"""Complaint deadlines on a working-day calendar (seed 004:L1293-1299; SPEC "Decisions")."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kefu.workcal.calendar import MON_FRI, WorkCalendar
from kefu.workcal.deadlines import DeadlineRule, due_at

SH = ZoneInfo("Asia/Shanghai")
L1, L2, L3, L4 = (
    DeadlineRule("hours", 2),
    DeadlineRule("hours", 48),
    DeadlineRule("working_days", 4),
    DeadlineRule("working_days", 7),
)

# The published 2026 arrangement (国务院办公厅关于2026年部分节假日安排的通知), written out by hand.
SPRING_2026 = {date(2026, 2, d) for d in range(15, 24)}
NATIONAL_2026 = {date(2026, 10, d) for d in range(1, 8)}
MAKEUP_2026 = {date(2026, 2, 14), date(2026, 2, 28), date(2026, 9, 20), date(2026, 10, 10)}
CAL_2026 = WorkCalendar(
    holidays=frozenset(d for d in SPRING_2026 | NATIONAL_2026 if d.weekday() < 5),
    workdays=frozenset(MAKEUP_2026),
)


def at(y, m, d, hh=0, mm=0):
    return datetime(y, m, d, hh, mm, tzinfo=SH)


class TestRequirementsFixture:
    """requirements-D §9.1 item 9: accepted Fri 2024-03-01 17:00 on a Mon-Fri calendar (004:L1295-1299)."""

    def test_level_1_two_clock_hours(self):  # 004:L1295
        assert due_at(at(2024, 3, 1, 17), L1, MON_FRI) == at(2024, 3, 1, 19)

    def test_level_2_forty_eight_clock_hours_through_weekend(self):  # 004:L1295
        assert due_at(at(2024, 3, 1, 17), L2, MON_FRI) == at(2024, 3, 3, 17)

    def test_level_3_four_working_days(self):  # 004:L1297
        assert due_at(at(2024, 3, 1, 17), L3, MON_FRI) == at(2024, 3, 7, 17)

    def test_level_4_seven_working_days(self):  # 004:L1299
        assert due_at(at(2024, 3, 1, 17), L4, MON_FRI) == at(2024, 3, 12, 17)


class TestChineseHolidays:
    def test_spring_festival_level_3(self):
        # Accepted Fri 2026-02-13 10:00; Sat 02-14 is a make-up working day, 02-15..23 is the holiday.
        # Working days after Fri: Sat 14 (1), Tue 24 (2), Wed 25 (3), Thu 26 (4).
        assert due_at(at(2026, 2, 13, 10), L3, CAL_2026) == at(2026, 2, 26, 10)

    def test_spring_festival_acceptance_on_holiday_counts_from_next_working_day(self):
        # Accepted during the holiday: counts from 00:00 of Tue 02-24; four more working days -> Sat 02-28 (make-up day).
        assert due_at(at(2026, 2, 18, 15, 30), L3, CAL_2026) == at(2026, 2, 28, 0)

    def test_makeup_saturday_is_a_working_acceptance_day(self):
        # Accepted on the make-up Saturday 2026-02-28 at 09:00: Mon 2, Tue 3, Wed 4, Thu 5 March.
        assert due_at(at(2026, 2, 28, 9), L3, CAL_2026) == at(2026, 3, 5, 9)

    def test_national_day_level_4(self):
        # Accepted Wed 2026-09-30 16:00; 1-7 Oct (Thu-Wed) are the holiday.
        # Thu 8 (1), Fri 9 (2), Sat 10 make-up (3), Mon 12 (4), Tue 13 (5), Wed 14 (6), Thu 15 (7).
        assert due_at(at(2026, 9, 30, 16), L4, CAL_2026) == at(2026, 10, 15, 16)

    def test_makeup_sunday_before_national_day(self):
        # Sun 2026-09-20 is a working day; accepted Fri 09-18 12:00 -> Sun 20 (1), Mon 21 (2), Tue 22 (3), Wed 23 (4).
        assert due_at(at(2026, 9, 18, 12), L3, CAL_2026) == at(2026, 9, 23, 12)

    def test_clock_hours_ignore_holidays(self):
        # Levels 1-2 are clock hours on a 24x7 hotline, holiday or not.
        assert due_at(at(2026, 10, 1, 8), L2, CAL_2026) == at(2026, 10, 3, 8)

    def test_weekend_acceptance_monfri(self):
        assert due_at(at(2024, 3, 2, 23, 59), L3, MON_FRI) == at(2024, 3, 8, 0)


def test_published_calendar_matches_state_council_2026(db):
    """chinese-calendar's table, as loaded by kefu, agrees with the hand-written 2026 notice."""
    from kefu.workcal.services import center_calendar

    cal = center_calendar()
    for day in SPRING_2026 | NATIONAL_2026:
        assert not cal.is_working_day(day), day
    for day in MAKEUP_2026:
        assert cal.is_working_day(day), day
    assert cal.names[date(2026, 2, 16)] == "春节"


def test_admin_override_wins(db):
    from kefu.workcal import services

    cal = services.center_calendar()
    assert cal.is_working_day(date(2027, 2, 8))
    services.set_override(date(2027, 2, 8), is_working_day=False, name="春节（待国务院通知）")
    assert not services.center_calendar().is_working_day(date(2027, 2, 8))
    services.remove_override(date(2027, 2, 8))
    assert services.center_calendar().is_working_day(date(2027, 2, 8))


def test_naive_acceptance_time_is_refused():
    with pytest.raises(ValueError):
        due_at(datetime(2024, 3, 1, 17), L1, MON_FRI)


@pytest.mark.parametrize("unit,amount", [("days", 1), ("working_days", 1.5), ("hours", -1)])
def test_bad_rules_are_refused(unit, amount):
    with pytest.raises(ValueError):
        DeadlineRule(unit, amount)


calendars = st.builds(
    WorkCalendar,
    holidays=st.frozensets(st.dates(date(2024, 1, 1), date(2024, 12, 31)), max_size=40),
    workdays=st.frozensets(st.dates(date(2024, 1, 1), date(2024, 12, 31)), max_size=10),
)
moments = st.datetimes(datetime(2024, 1, 1), datetime(2024, 11, 30)).map(lambda d: d.replace(tzinfo=SH))


@given(calendars, moments, st.integers(1, 10))
def test_working_day_deadline_properties(cal, accepted, n):
    due = due_at(accepted, DeadlineRule("working_days", n), cal)
    assert due > accepted
    assert cal.is_working_day(due.date())
    # Exactly n working days lie after the (effective) acceptance day up to and including the due day.
    start = accepted.date() if cal.is_working_day(accepted.date()) else cal.next_working_day(accepted.date())
    assert cal.working_days_between(start + timedelta(days=1), due.date() + timedelta(days=1)) == n


@given(calendars, moments, st.integers(1, 6))
def test_more_days_never_earlier(cal, accepted, n):
    assert due_at(accepted, DeadlineRule("working_days", n + 1), cal) > due_at(
        accepted, DeadlineRule("working_days", n), cal
    )
