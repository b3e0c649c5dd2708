"""Leave, swap and attendance use cases against the database (seed lines as in test_rules)."""

import json
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from kefu.attendance import rules, services
from kefu.attendance.models import ClockEvent, ClockImport, LeaveRequest, ShiftSwap
from kefu.errors import NotAllowed, RuleViolation
from kefu.org.models import Department, Team

SH = ZoneInfo("Asia/Shanghai")
pytestmark = pytest.mark.django_db


def at(d, h=0, m=0):
    return datetime(2026, 12, d, h, m, tzinfo=SH)


@pytest.fixture
def people(center, make_staff):
    dept = Department.objects.create(center=center, code="cc", name="一线", kind="front_line")
    team_a = Team.objects.create(center=center, code="a", name="一班", department=dept)
    team_b = Team.objects.create(center=center, code="b", name="二班", department=dept)
    lead_a = make_staff("team_lead", staff_no="9001", department=dept)
    lead_b = make_staff("team_lead", staff_no="9002", department=dept)
    Team.objects.filter(pk=team_a.pk).update(lead=lead_a)
    Team.objects.filter(pk=team_b.pk).update(lead=lead_b)
    return {
        "a1": make_staff("agent", staff_no="1001", department=dept, team=team_a),
        "a2": make_staff("agent", staff_no="1002", department=dept, team=team_a),
        "b1": make_staff("agent", staff_no="2001", department=dept, team=team_b),
        "b_senior": make_staff("agent", staff_no="2002", department=dept, team=team_b, level=5),
        "lead_a": lead_a,
        "lead_b": lead_b,
        "sup": make_staff("supervisor", staff_no="9100", department=dept),
        "mgr": make_staff("manager", staff_no="9200", department=dept),
    }


@pytest.fixture
def roster(monkeypatch):
    """Day shifts 08-17 in December 2026: 1001/1002 on odd days, 2001/2002 on even days; 1001 works 17-01 on the 10th."""

    def fake(center, *, start, end):
        out = {}
        for no, parity in (("1001", 1), ("1002", 1), ("2001", 0), ("2002", 0)):
            out[no] = [
                rules.Shift(no, at(d, 8), at(d, 17), "day")
                for d in range(1, 32)
                if d % 2 == parity and start <= date(2026, 12, d) <= end
            ]
        if start <= date(2026, 12, 10) <= end:
            out["1001"].append(rules.Shift("1001", at(10, 17), at(11, 1), "N", True))
        return out

    monkeypatch.setattr(services, "scheduled_shifts", fake)


def test_leave_one_day_supervisor_approves(people, roster):  # 002:L70
    leave = services.submit_leave(
        people["a1"], kind="personal", start=date(2026, 12, 3), end=date(2026, 12, 3), reason="家事", now=at(1, 9)
    )
    assert leave.steps == ["supervisor"] and not leave.manager_required
    with pytest.raises(NotAllowed):  # no skipping or crossing levels (002:L70 不允许越级请假)
        services.decide_leave(leave.pk, people["mgr"], approve=True)
    leave = services.decide_leave(leave.pk, people["sup"], approve=True)
    assert leave.state == LeaveRequest.State.APPROVED


def test_leave_without_notice_needs_manager_too(people, roster):  # 002:L69 如不能提前请假需经管理人员批准后方可生效
    leave = services.submit_leave(
        people["a1"], kind="personal", start=date(2026, 12, 3), end=date(2026, 12, 3), reason="急事", now=at(3, 7)
    )
    assert leave.manager_required and leave.steps == ["supervisor", "manager"]
    services.decide_leave(leave.pk, people["sup"], approve=True)
    assert LeaveRequest.objects.get(pk=leave.pk).state == LeaveRequest.State.SUBMITTED
    assert services.decide_leave(leave.pk, people["mgr"], approve=True).state == LeaveRequest.State.APPROVED


def test_night_shift_leave_after_noon_is_refused_and_nothing_saved(people, roster):  # 002:L73
    with pytest.raises(RuleViolation) as err:
        services.submit_leave(
            people["a1"],
            kind="special_personal",
            start=date(2026, 12, 10),
            end=date(2026, 12, 10),
            reason="病",
            now=at(10, 13),
        )
    assert err.value.problems[0].rule == "night_deadline" and "12:00" in err.value.problems[0].message
    assert not LeaveRequest.objects.exists()


def test_department_cap_counts_colleagues(people, roster, center):
    from kefu.org.models import Policy

    Policy.objects.filter(center=center).update(overrides={"attendance": {"department_daily_cap": 1}})
    services.submit_leave(
        people["a2"], kind="personal", start=date(2026, 12, 3), end=date(2026, 12, 4), reason="事", now=at(1)
    )
    with pytest.raises(RuleViolation) as err:
        services.submit_leave(
            people["a1"], kind="personal", start=date(2026, 12, 4), end=date(2026, 12, 4), reason="事", now=at(1)
        )
    assert err.value.problems[0].rule == "department_cap"


def test_sick_leave_certificate_due_first_day_after(people, roster):  # 002:L72
    leave = services.submit_leave(
        people["a1"], kind="sick", start=date(2026, 12, 3), end=date(2026, 12, 4), reason="发烧", now=at(3, 7)
    )
    assert leave.certificate_required and leave.certificate_due == date(2026, 12, 5)


def test_swap_needs_both_team_leads(people, roster):  # 002:L78 换班必须经双方班长同意
    swap = services.request_swap(
        people["a1"],
        counterpart_staff_no="2001",
        requester_shift_start=at(15, 8),
        counterpart_shift_start=at(18, 8),
        reason="体检",
    )
    services.answer_swap(swap.pk, people["b1"], agree=True)  # the counterpart first (003:L67)
    with pytest.raises(NotAllowed):
        services.decide_swap(swap.pk, people["a2"], approve=True)
    assert services.decide_swap(swap.pk, people["lead_a"], approve=True).state == ShiftSwap.State.AGREED
    assert services.decide_swap(swap.pk, people["lead_b"], approve=True).state == ShiftSwap.State.APPROVED


def test_swap_rules_refuse_and_save_nothing(people, roster):
    cases = [
        (
            dict(counterpart_staff_no="2002", requester_shift_start=at(15, 8), counterpart_shift_start=at(18, 8)),
            "skill_level",
        ),  # 002:L80
        (
            dict(counterpart_staff_no="9999", requester_shift_start=at(15, 8), counterpart_shift_start=at(18, 8)),
            "unknown_staff",
        ),
        (
            dict(counterpart_staff_no="2001", requester_shift_start=at(15, 9), counterpart_shift_start=at(18, 8)),
            "no_such_shift",
        ),
    ]
    for kwargs, rule in cases:
        with pytest.raises(RuleViolation) as err:
            services.request_swap(people["a1"], reason="事", **kwargs)
        assert err.value.problems[0].rule == rule
    assert not ShiftSwap.objects.exists()


def test_third_swap_in_a_month_is_refused(people, roster):  # 002:L79 每人每月换班不得超过2次
    for d1, d2 in ((3, 6), (13, 16)):
        services.request_swap(
            people["a1"],
            counterpart_staff_no="2001",
            requester_shift_start=at(d1, 8),
            counterpart_shift_start=at(d2, 8),
            reason="事",
        )
    with pytest.raises(RuleViolation) as err:
        services.request_swap(
            people["a1"],
            counterpart_staff_no="2001",
            requester_shift_start=at(23, 8),
            counterpart_shift_start=at(26, 8),
            reason="事",
        )
    assert [p.rule for p in err.value.problems] == ["monthly_limit", "monthly_limit"]  # both sides have had two


CSV = "工号,时间,方向\n1001,2026-12-01 08:25,上班\n1001,2026-12-01 17:00,下班\n1002,2026-12-01 07:58,上班\n1002,2026-12-01 17:01,下班\n"


def test_clock_import_is_idempotent_and_all_or_nothing(people, center):
    batch, created = services.import_clock_csv(center, data=CSV.encode(), file_name="d.csv")
    assert created and batch.rows == 4 and ClockEvent.objects.count() == 4
    again, created = services.import_clock_csv(center, data=CSV.encode(), file_name="d.csv")
    assert not created and again.pk == batch.pk and ClockEvent.objects.count() == 4
    bad = CSV + "7777,2026-12-01 08:00,上班\n1001,昨天,上班\n1001,2026-12-02 08:00,午休\n"
    with pytest.raises(RuleViolation) as err:
        services.import_clock_csv(center, data=bad.encode(), file_name="bad.csv")
    msgs = [p.message for p in err.value.problems]
    assert (
        msgs[0].startswith("第6行")
        and "7777" in msgs[0]
        and msgs[1].startswith("第7行")
        and msgs[2].startswith("第8行")
    )
    assert ClockImport.objects.count() == 1 and ClockEvent.objects.count() == 4


def test_month_sheet(people, center, monkeypatch):
    def two_shifts(c, *, start, end):
        return {
            "1001": [rules.Shift("1001", at(1, 8), at(1, 17)), rules.Shift("1001", at(2, 8), at(2, 17))],
            "1002": [rules.Shift("1002", at(1, 8), at(1, 17))],
        }

    monkeypatch.setattr(services, "scheduled_shifts", two_shifts)
    services.import_clock_csv(center, data=CSV.encode(), file_name="d.csv")
    rows = {r["staff_no"]: r for r in services.month_rows(center, month=date(2026, 12, 1), now=at(31))}
    # 1001: 25 min late on the 1st (violation, 002:L75), absent on the 2nd.
    assert (
        rows["1001"]["planned"],
        rows["1001"]["attended"],
        rows["1001"]["late"],
        rows["1001"]["absent"],
        rows["1001"]["violations"],
    ) == (2, 1, 1, 1, 2)
    assert rows["1001"]["attendance_rate"] == 0.5
    assert rows["1002"]["attendance_rate"] == 1.0 and rows["1002"]["violations"] == 0


def test_api_errors_are_chinese(people, roster, client_for):
    client = client_for(people["a1"])
    res = client.post(
        "/api/attendance/leave",
        json.dumps({"kind": "personal", "start": "2026-12-05", "end": "2026-12-04", "reason": "x"}),
        content_type="application/json",
    )
    assert res.status_code == 400 and res.json()["detail"][0] == {
        "field": "end",
        "rule": "date_order",
        "message": "结束日期不能早于开始日期",
    }
    res = client.post(
        "/api/attendance/leave",
        json.dumps({"kind": "personal", "start": "12/05", "end": "2026-12-04", "reason": "x"}),
        content_type="application/json",
    )
    assert res.status_code == 422 and res.json()["detail"][0]["field"] == "start"
    assert not LeaveRequest.objects.exists()


def test_shifts_still_to_come_are_not_absences(people, center, monkeypatch):
    """QA finding: a month in progress counted tomorrow's shifts as 旷工."""

    def shifts(c, *, start, end):
        return {"1001": [rules.Shift("1001", at(1, 8), at(1, 17)), rules.Shift("1001", at(20, 8), at(20, 17))]}

    monkeypatch.setattr(services, "scheduled_shifts", shifts)
    services.import_clock_csv(center, data=CSV.encode(), file_name="d.csv")
    row = services.month_rows(center, month=date(2026, 12, 1), now=at(10))[0]
    assert (row["planned"], row["upcoming"], row["absent"], row["attendance_rate"]) == (1, 1, 0, 1.0)
