"""Leave, swap and attendance rules of the seeds (002 篇一 L68-85, 003 第五篇 L443-456), pure."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from kefu.attendance import rules
from kefu.attendance.policy import PRESETS

SH = ZoneInfo("Asia/Shanghai")
HOT, GOV = PRESETS["hotline"], PRESETS["gov12345"]


def dt(d, h=0, m=0, s=0):
    return datetime(2026, 11, d, h, m, s, tzinfo=SH)


def shift(no="1001", d=24, start=8, hours=9, code="D", night=False):
    s = dt(d, start)
    return rules.Shift(no, s, s + timedelta(hours=hours), code, night)


def leave(**kw):
    base = dict(
        kind="personal",
        start=date(2026, 11, 24),
        end=date(2026, 11, 24),
        submitted_at=dt(22, 9),
        first_shift=shift(),
        holidays=set(),
        rules=HOT,
        same_day_off_in_department=0,
        taken_this_quarter=0,
        default_start="08:00",
    )
    base.update(kw)
    return rules.check_leave(**base)


class TestLeaveNotice:
    def test_personal_leave_one_day_ahead_is_clean(self):  # 002:L69
        assert leave(submitted_at=dt(23, 8)) == []

    def test_personal_leave_late_needs_manager(self):  # 002:L69 一般事假需在一天提出
        f = leave(submitted_at=dt(23, 8, 0, 1))
        assert [x.rule for x in f] == ["notice"] and f[0].severity == rules.MANAGER

    def test_special_personal_leave_one_hour_before_shift(self):  # 002:L69 特殊事假需在班前一小时提出
        assert leave(kind="special_personal", submitted_at=dt(24, 7)) == []
        assert leave(kind="special_personal", submitted_at=dt(24, 7, 0, 1))[0].rule == "notice"

    def test_sick_leave_needs_no_notice_but_a_certificate(self):  # 002:L72
        assert leave(kind="sick", submitted_at=dt(24, 7, 59)) == []
        assert rules.needs_certificate("sick", 1, HOT)
        assert not rules.needs_certificate("personal", 3, HOT)
        assert rules.certificate_due(date(2026, 11, 26)) == date(2026, 11, 27)

    def test_night_shift_leave_before_noon_needs_manager(self):  # 002:L73 夜班...当日十二点之前提出
        night = shift(start=17, hours=8, code="N", night=True)
        f = leave(kind="special_personal", first_shift=night, submitted_at=dt(24, 11, 59))
        assert [x.rule for x in f] == ["night_shift"] and f[0].severity == rules.MANAGER
        f = leave(kind="special_personal", first_shift=night, submitted_at=dt(24, 12, 0, 1))
        assert "night_deadline" in [x.rule for x in f if x.severity == rules.REFUSE]

    def test_holiday_leave_two_days_ahead_with_manager(self):  # 002:L74
        hol = {date(2026, 11, 24)}
        assert leave(holidays=hol, submitted_at=dt(22, 8))[0].rule == "holiday"
        assert leave(holidays=hol, submitted_at=dt(22, 8))[0].severity == rules.MANAGER
        assert "holiday_notice" in [x.rule for x in leave(holidays=hol, submitted_at=dt(22, 8, 0, 1))]

    def test_department_cap(self):  # 003:L451 同一部门两人不得同时请假 (gov preset cap 1)
        assert leave(rules=GOV, same_day_off_in_department=1, submitted_at=dt(20))[0].rule == "department_cap"
        assert leave(rules=GOV, same_day_off_in_department=0, submitted_at=dt(20)) == []

    def test_quarter_allowance(self):  # 003:L454 每季度事假病假合计不超过5天
        f = leave(rules=GOV, end=date(2026, 11, 25), taken_this_quarter=4, submitted_at=dt(20))
        assert [x.rule for x in f] == ["quarter_allowance"]
        assert leave(rules=GOV, taken_this_quarter=4, submitted_at=dt(20)) == []

    def test_bad_dates_and_kind(self):
        assert leave(end=date(2026, 11, 23))[0].rule == "date_order"
        assert leave(kind="nap")[0].rule == "kind"


class TestApprovalLadder:
    @pytest.mark.parametrize("days,steps", [(1, ["supervisor"]), (2, ["manager"]), (10, ["manager"])])
    def test_telecom(self, days, steps):  # 002:L70 一天由客服部主任批准；一天以上由客服中心主任批准
        assert rules.approval_steps(days, HOT["approval_ladder"]) == steps

    @pytest.mark.parametrize("days,steps", [(3, ["team_lead"]), (4, ["team_lead", "manager"])])
    def test_government(self, days, steps):  # 003:L451 三天以内分管领导；三天以上分管领导后主要领导
        assert rules.approval_steps(days, GOV["approval_ladder"]) == steps


class TestSwaps:
    def swap(self, **kw):
        a, b = shift("1001", 24), shift("1002", 25)
        base = dict(
            requester_shift=a,
            counterpart_shift=b,
            requester_level=3,
            counterpart_level=3,
            requester_swaps_this_month=[],
            counterpart_swaps_this_month=[],
            requester_schedule=[a],
            counterpart_schedule=[b],
            holidays=set(),
            leave_days_requester=set(),
            leave_days_counterpart=set(),
            rules=HOT["swap"],
        )
        base.update(kw)
        return [f.rule for f in rules.check_swap(**base)]

    def test_clean_swap(self):
        assert self.swap() == []

    def test_at_most_two_per_month(self):  # 002:L79 每人每月换班不得超过2次
        assert self.swap(
            requester_swaps_this_month=[
                (date(2026, 11, 3), date(2026, 11, 5)),
                (date(2026, 11, 10), date(2026, 11, 12)),
            ]
        ) == ["monthly_limit"]
        assert self.swap(requester_swaps_this_month=[(date(2026, 11, 3), date(2026, 11, 5))]) == []

    def test_no_consecutive_swaps(self):  # 002:L79 不允许连续换班
        assert self.swap(counterpart_swaps_this_month=[(date(2026, 11, 19), date(2026, 11, 23))]) == ["consecutive"]

    def test_no_back_to_back_shifts(self):  # 002:L79 换班者、还班者不允许连班
        late = shift("1001", 25, start=17, hours=8)
        # The requester would work the counterpart's 25th 08-17 shift and then their own 17-01 shift.
        assert self.swap(requester_schedule=[shift("1001", 24), late]) == ["back_to_back"]

    def test_same_skill_level(self):  # 002:L80 同工种和技术业务水平相当
        assert self.swap(counterpart_level=4) == ["skill_level"]

    def test_not_on_holidays(self):  # 002:L85 节假日当班人员不允许换班
        assert self.swap(holidays={date(2026, 11, 25)}) == ["holiday"]

    def test_no_leave_on_swapped_shift(self):  # 002:L82 换班和还班均不得请假
        assert self.swap(leave_days_counterpart={date(2026, 11, 24)}) == ["leave_on_swap"]


class TestClassify:
    def test_on_time(self):
        r = rules.classify_shift(shift(), [(dt(24, 7, 55), "in"), (dt(24, 17, 2), "out")], HOT)
        assert (r.status, r.violation) == ("normal", False)

    def test_late_19_minutes_is_late_not_violation(self):  # 002:L75 迟到二十分钟及以上者按违纪处理
        r = rules.classify_shift(shift(), [(dt(24, 8, 19, 59), "in"), (dt(24, 17), "out")], HOT)
        assert (r.status, r.late_minutes, r.violation) == ("late", 19, False)

    def test_late_exactly_20_minutes_is_violation(self):  # 002:L75
        r = rules.classify_shift(shift(), [(dt(24, 8, 20), "in"), (dt(24, 17), "out")], HOT)
        assert (r.status, r.late_minutes, r.violation) == ("late", 20, True)

    def test_early_leave(self):
        r = rules.classify_shift(shift(), [(dt(24, 8), "in"), (dt(24, 16, 30), "out")], HOT)
        assert (r.status, r.early_minutes, r.violation) == ("early", 30, True)

    def test_no_punch_is_absence(self):
        r = rules.classify_shift(shift(), [], HOT)
        assert (r.status, r.violation) == ("absent", True)

    def test_government_late_over_an_hour_is_absenteeism(self):  # 003:L444 超过1小时未签到按旷工
        assert rules.classify_shift(shift(), [(dt(24, 9, 0), "in")], GOV).status == "late"
        assert rules.classify_shift(shift(), [(dt(24, 9, 0, 1), "in")], GOV).status == "absent"

    def test_government_last_30_minutes_is_early_leave(self):  # 003:L445 最后30分钟不在岗按早退
        r = rules.classify_shift(shift(), [(dt(24, 8), "in"), (dt(24, 16, 30), "out")], GOV)
        assert r.status == "early" and r.violation
        r = rules.classify_shift(shift(), [(dt(24, 8), "in"), (dt(24, 16, 31), "out")], GOV)
        assert r.status == "early" and not r.violation

    def test_leave_day(self):
        assert rules.classify_shift(shift(), [], HOT, on_leave=True).status == "leave"


def test_attendance_rate_fixture():  # 004:L1585-1591, requirements-D §9.2 item 23: 19 of 20 planned -> 95%
    assert rules.rate(19, 20) == 0.95
    assert rules.rate(0, 0) is None
