"""Pure handover rules: shift windows, deadlines, lateness and liability (values computed by hand)."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from hypothesis import given
from hypothesis import strategies as st

from kefu.shiftlog import policy
from kefu.shiftlog.rules import (
    Deadlines,
    Flag,
    IssueKind,
    Shift,
    Side,
    deadlines,
    lateness,
    responsible_side,
    shift_ending_near,
    shift_hours,
    shift_window,
)

TZ = ZoneInfo("Asia/Shanghai")
DAY = Shift("day", "白班", "08:00", "17:00")  # 003:L5
NIGHT = Shift("night", "晚班", "17:00", "01:00")  # 003:L8
REGULAR = Shift("regular", "常班", "09:00", "18:00")  # 003:L11


def at(y, m, d, hh, mm=0):
    return datetime(y, m, d, hh, mm, tzinfo=TZ)


def test_day_shift_window_003_L5():
    assert shift_window(DAY, date(2026, 3, 1), TZ) == (at(2026, 3, 1, 8), at(2026, 3, 1, 17))


def test_night_shift_crosses_midnight_003_L8():
    # 晚班17:00-01:00 on 1 March ends at 01:00 on 2 March (003:L8, L14)
    assert shift_window(NIGHT, date(2026, 3, 1), TZ) == (at(2026, 3, 1, 17), at(2026, 3, 2, 1))


def test_shift_ending_at_24_00_001_L96():
    late = Shift("late", "晚班", "14:00", "24:00")  # 001:L96 晚班14:00-24:00
    assert shift_window(late, date(2026, 12, 31), TZ) == (at(2026, 12, 31, 14), at(2027, 1, 1, 0))


def test_shift_hours_000_L180_L183_L186():
    # 白班 9 h, 晚班 8 h, 常班 9 h (000:L180-188; catalogue A §5.1 rows 51-53)
    assert (shift_hours(DAY), shift_hours(NIGHT), shift_hours(REGULAR)) == (9.0, 8.0, 9.0)


def test_deadlines_are_shift_end_plus_grace_004_L663():
    due = deadlines(at(2026, 3, 2, 1), 0, 30)
    assert due.sign_out_due == at(2026, 3, 2, 1)
    assert due.countersign_due == at(2026, 3, 2, 1, 30)


def test_lateness_boundaries_004_L663():
    due = Deadlines(at(2026, 3, 1, 17), at(2026, 3, 1, 17, 30))
    # exactly at the deadline is on time
    assert lateness(due, at(2026, 3, 1, 17), at(2026, 3, 1, 17, 30), at(2026, 3, 2, 9)) == []
    # one minute after: late on both sides
    assert lateness(due, at(2026, 3, 1, 17, 1), at(2026, 3, 1, 17, 31), at(2026, 3, 2, 9)) == [
        Flag.SIGNED_LATE,
        Flag.COUNTERSIGNED_LATE,
    ]
    # not signed, before the deadline: nothing yet
    assert lateness(due, None, None, at(2026, 3, 1, 16, 59)) == []
    # not signed at 17:10: unsigned, countersign not yet due
    assert lateness(due, None, None, at(2026, 3, 1, 17, 10)) == [Flag.UNSIGNED]
    # signed on time, nobody countersigned by 17:31
    assert lateness(due, at(2026, 3, 1, 16, 50), None, at(2026, 3, 1, 17, 31)) == [Flag.NOT_COUNTERSIGNED]


def test_liability_004_L669():
    # 凡由于漏交错交所发生的问题均由交班人负责,由于错接而发生的问题由接班人负责 (004:L669)
    assert responsible_side(IssueKind.OMISSION) == Side.OUTGOING
    assert responsible_side(IssueKind.WRONG_HANDOVER) == Side.OUTGOING
    assert responsible_side(IssueKind.MIS_RECEIPT) == Side.INCOMING


def test_shift_ending_near_picks_the_night_shift_after_midnight():
    shifts = [DAY, NIGHT, REGULAR]
    assert shift_ending_near(shifts, at(2026, 3, 2, 0, 50), TZ) == (NIGHT, date(2026, 3, 1))
    assert shift_ending_near(shifts, at(2026, 3, 2, 16, 40), TZ) == (DAY, date(2026, 3, 2))
    # 17:20: the day shift ended 20 min ago (counts 60 min), the regular shift ends in 40 min
    assert shift_ending_near(shifts, at(2026, 3, 2, 17, 20), TZ) == (REGULAR, date(2026, 3, 2))
    assert shift_ending_near(shifts, at(2026, 3, 2, 17, 10), TZ) == (DAY, date(2026, 3, 2))  # 30 < 50
    hotline = [Shift("day", "白班", "08:00", "20:00"), Shift("night", "夜班", "20:00", "08:00")]
    assert shift_ending_near(hotline, at(2026, 3, 2, 1, 0), TZ) == (hotline[1], date(2026, 3, 1))
    assert shift_ending_near(hotline, at(2026, 3, 2, 20, 10), TZ) == (hotline[0], date(2026, 3, 2))


def test_presets_are_valid():
    for name, data in policy.PRESETS.items():
        assert policy.validate(data) == [], name
    assert policy.PRESETS["hotline"]["arrive_early_minutes"] == 15  # 004:L659
    assert policy.PRESETS["gov12345"]["arrive_early_minutes"] == 10  # 002:L62
    assert policy.PRESETS["hotline"]["sign_out_grace_minutes"] == 0  # 004:L663 下班前


def test_policy_validate_names_the_field():
    bad = {
        "arrive_early_minutes": -1,
        "sign_out_grace_minutes": 0,
        "countersign_grace_minutes": 30,
        "backfill_days": 400,
    }
    fields = {f for f, _ in policy.validate(bad)}
    assert fields == {"arrive_early_minutes", "backfill_days"}


times = st.tuples(st.integers(0, 23), st.sampled_from([0, 15, 30, 45])).map(lambda t: f"{t[0]:02d}:{t[1]:02d}")


@given(start=times, end=times, day=st.dates(date(2020, 1, 1), date(2030, 12, 31)))
def test_every_shift_lasts_between_0_and_24_hours_and_starts_on_its_day(start, end, day):
    if start == end:
        return
    s, e = shift_window(Shift("x", "x", start, end), day, TZ)
    assert s.date() == day
    assert timedelta(0) < e - s < timedelta(hours=24)


@given(minutes=st.integers(0, 600), grace=st.integers(0, 120))
def test_signature_is_late_iff_after_the_deadline(minutes, grace):
    end = at(2026, 3, 1, 17)
    due = deadlines(end, grace, grace)
    signed = end + timedelta(minutes=minutes)
    flags = lateness(due, signed, signed, signed)
    assert (Flag.SIGNED_LATE in flags) == (minutes > grace)
