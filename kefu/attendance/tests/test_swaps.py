"""The shift swap on the workflow kernel: the counterpart agrees before the team leads approve (000:L242, 003:L67,
004:L671), both leads approve (002:L78), and an approved swap is applied to the published roster so that attendance,
adherence and discipline read the swapped shifts (004:L671, 002:L77-81)."""

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from kefu.attendance import services
from kefu.attendance.models import ClockEvent, ClockImport, ShiftSwap
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
        "b1": make_staff("agent", staff_no="2001", department=dept, team=team_b),
        "lead_a": lead_a,
        "lead_b": lead_b,
        "dept": dept,
    }


@pytest.fixture
def roster(center, people):
    """A published roster: 1001 works 08-17 on odd days of December 2026, 2001 on even days."""
    from kefu.roster.models import Assignment, Roster, ShiftTemplate

    day = ShiftTemplate.objects.create(center=center, code="D", name="白班", start=time(8), minutes=540)
    r = Roster.objects.create(center=center, start=date(2026, 12, 1), days=31, status=Roster.Status.PUBLISHED)
    Assignment.objects.bulk_create(
        [
            Assignment(roster=r, staff=people["a1" if d % 2 else "b1"], day=date(2026, 12, d), shift=day, code="D")
            for d in range(1, 32)
        ]
    )
    return r


def ask(people):
    return services.request_swap(
        people["a1"],
        counterpart_staff_no="2001",
        requester_shift_start=at(3, 8),
        counterpart_shift_start=at(4, 8),
        reason="家里有事",
    )


def notified(staff, code):
    from kefu.notify.models import Notification

    return Notification.objects.filter(recipient=staff, code=code).exists()


def test_counterpart_agrees_before_the_leads_approve(people, roster):
    """000:L242 换班须征得对方同意, 003:L67 须事先征得当事人同意, 004:L671: the counterpart is asked (and notified)
    first; no lead can approve before the counterpart agrees; then both leads (002:L78)."""
    swap = ask(people)
    assert swap.state == ShiftSwap.State.REQUESTED
    assert notified(people["b1"], "attendance.swap.asked")
    with pytest.raises(RuleViolation) as err:
        services.decide_swap(swap.pk, people["lead_a"], approve=True)
    assert err.value.status == 409 and "待对方同意" in str(err.value.problems[0].message)
    with pytest.raises(NotAllowed):  # only the counterpart answers, not the requester
        services.answer_swap(swap.pk, people["a1"], agree=True)
    swap = services.answer_swap(swap.pk, people["b1"], agree=True)
    assert swap.state == ShiftSwap.State.AGREED and swap.answered_at is not None
    assert notified(people["lead_a"], "attendance.swap.to_approve") and notified(
        people["lead_b"], "attendance.swap.to_approve"
    )
    with pytest.raises(NotAllowed):  # an agent is no approver
        services.decide_swap(swap.pk, people["b1"], approve=True)
    assert services.decide_swap(swap.pk, people["lead_a"], approve=True).state == ShiftSwap.State.AGREED
    with pytest.raises(RuleViolation) as err:  # the same lead twice does not count as the other side
        services.decide_swap(swap.pk, people["lead_a"], approve=True)
    assert "另一方班长" in str(err.value.problems[0].message)
    swap = services.decide_swap(swap.pk, people["lead_b"], approve=True)
    assert swap.state == ShiftSwap.State.APPROVED
    assert notified(people["a1"], "attendance.swap.approved") and notified(people["b1"], "attendance.swap.approved")


def test_declined_swap_goes_no_further(people, roster):  # 000:L242
    swap = services.answer_swap(ask(people).pk, people["b1"], agree=False, note="那天我也有事")
    assert swap.state == ShiftSwap.State.DECLINED and notified(people["a1"], "attendance.swap.declined")
    with pytest.raises(RuleViolation) as err:
        services.decide_swap(swap.pk, people["lead_b"], approve=True)
    assert err.value.status == 409
    assert ShiftSwap.objects.get(pk=swap.pk).state == ShiftSwap.State.DECLINED


def test_approved_swap_is_applied_to_the_roster_attendance_and_adherence_read(people, roster, center):
    """004:L671, 002:L77-81: after the approved swap 1001 works the 4th and 2001 the 3rd; each clocks in on the day
    they now work and neither is absent, and discipline records no absenteeism from it."""
    from kefu.discipline import services as discipline
    from kefu.roster.models import RosterEdit
    from kefu.roster.selectors import scheduled_intervals
    from kefu.scope import scope_of

    swap = services.answer_swap(ask(people).pk, people["b1"], agree=True)
    services.decide_swap(swap.pk, people["lead_a"], approve=True)
    swap = services.decide_swap(swap.pk, people["lead_b"], approve=True)
    assert {(a["staff_no"], a["day"], a["new"]) for a in swap.applied} >= {
        ("1001", "2026-12-04", "D"),
        ("2001", "2026-12-03", "D"),
    }
    assert RosterEdit.objects.filter(roster=roster).count() == 4
    # the roster the KPI engine's adherence reads (kefu/kpi/selectors.py _scheduled)
    rows = {
        (no, s.astimezone(SH).day)
        for no, s, _e, _c in scheduled_intervals(center, date(2026, 12, 3), date(2026, 12, 5))
    }
    assert rows == {("2001", 3), ("1001", 4)}
    # attendance: each clocks in and out on the swapped day
    batch = ClockImport.objects.create(file_name="d.csv", sha256="x" * 64, rows=4)
    for who, d in (("a1", 4), ("b1", 3)):
        ClockEvent.objects.create(staff=people[who], at=at(d, 7, 55), direction="in", batch=batch)
        ClockEvent.objects.create(staff=people[who], at=at(d, 17, 2), direction="out", batch=batch)
    month = {r["staff_no"]: r for r in services.month_rows(center, month=date(2026, 12, 1), now=at(5))}
    for no, d in (("1001", "2026-12-04"), ("2001", "2026-12-03")):
        day = [x for x in month[no]["days"] if x["day"] == d]
        assert day and day[0]["status"] == "normal"
    assert not [x for x in month["1001"]["days"] if x["day"] == "2026-12-03"]
    assert not [x for x in month["2001"]["days"] if x["day"] == "2026-12-04"]
    counts = discipline.record_from_evidence(scope_of(people["lead_a"]), "2026-12", now=at(5))
    from kefu.discipline.models import Violation

    assert not Violation.objects.filter(
        occurred_on__in=[date(2026, 12, 3), date(2026, 12, 4)], type_code="absenteeism"
    ).exists(), counts


def test_swap_onto_a_day_already_rostered_is_refused_and_changes_nothing(people, roster):
    """Applying may not double-book: the lead's approval is refused with a Chinese error, the roster unchanged."""
    from kefu.roster.models import Assignment, ShiftTemplate

    swap = services.answer_swap(ask(people).pk, people["b1"], agree=True)
    night = ShiftTemplate.objects.create(center=roster.center, code="Z", name="备班", start=time(20), minutes=60)
    Assignment.objects.create(roster=roster, staff=people["b1"], day=date(2026, 12, 3), shift=night, code="Z")
    services.decide_swap(swap.pk, people["lead_a"], approve=True)
    with pytest.raises(RuleViolation) as err:
        services.decide_swap(swap.pk, people["lead_b"], approve=True)
    assert "已有排班" in str(err.value.problems[0].message)
    assert ShiftSwap.objects.get(pk=swap.pk).state == ShiftSwap.State.AGREED
    assert Assignment.objects.get(roster=roster, day=date(2026, 12, 3), code="D").staff_id == people["a1"].pk


def test_requester_may_withdraw_until_approved(people, roster):
    swap = services.cancel_swap(ask(people).pk, people["a1"])
    assert swap.state == ShiftSwap.State.CANCELLED
    with pytest.raises(RuleViolation):
        services.answer_swap(swap.pk, people["b1"], agree=True)


def test_every_swap_label_is_in_the_catalogue_with_english():
    from django.utils import translation

    from kefu.attendance import machine
    from kefu.messages import Msg, catalogue
    from kefu.workflow import check_declared

    assert check_declared([machine.MACHINE], catalogue()) == []
    with translation.override("en"):
        for code in catalogue():
            if code.startswith("attendance."):
                text = str(
                    Msg(
                        code,
                        staff_no="1",
                        day="2026-12-03",
                        requester="1",
                        counterpart="2",
                        my_shift="x",
                        their_shift="y",
                        at="z",
                        field_label="f",
                        other="o",
                        value="v",
                    )
                )
                assert not any("\u4e00" <= ch <= "\u9fff" for ch in text), (code, text)
