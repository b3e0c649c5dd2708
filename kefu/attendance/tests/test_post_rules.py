"""The attendance rules that feed discipline: leaving the post (002:L75), the spot check (000:L30-31 = 003:L444-445),
early arrival for the handover (004:L659) and the shop's leave rules (001:L101-107)."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from kefu.attendance import rules, services
from kefu.attendance.models import LeaveRequest, PostCheck
from kefu.attendance.policy import PRESETS
from kefu.errors import RuleViolation
from kefu.org.models import Department, Policy, Team

SH = ZoneInfo("Asia/Shanghai")


def at(d, h=0, m=0):
    return datetime(2026, 12, d, h, m, tzinfo=SH)


NOW = at(6, 12)
SHIFT = rules.Shift("1001", at(3, 8), at(3, 17), "day")


# ------------------------------------------------------------------------------------------ pure rules


@pytest.mark.parametrize(("back", "finding"), [((10, 19), ""), ((10, 20), "left_post"), ((11, 5), "left_post")])
def test_left_post_twenty_minutes_or_more_is_a_violation(back, finding):  # 002:L75 脱岗二十分钟及以上者按违纪处理
    assert rules.judge_left_post(at(3, 10), at(3, *back), PRESETS["hotline"])[0] == finding


@pytest.mark.parametrize(
    ("checked", "explained", "finding"),
    [
        ((10, 0), (11, 0), "absent_from_post"),  # within 1 h of the check: 不在岗 (000:L31)
        ((10, 0), (11, 1), "absenteeism"),  # more than 1 h: 旷工
        ((10, 0), None, "absenteeism"),  # never explained
        ((16, 30), (16, 35), "early_leave"),  # the last half hour before the end: 早退
        ((16, 29), (16, 35), "absent_from_post"),
    ],
)
def test_spot_check(checked, explained, finding):  # 000:L30-31 = 003:L444-445
    found = rules.judge_spot_check(
        SHIFT, at(3, *checked), at(3, *explained) if explained else None, PRESETS["gov12345"]
    )
    assert found[0] == finding


def test_arriving_early_for_the_handover_is_checked_against_clock_in():  # 004:L659 提前10-15分钟到达工作岗位
    hot, shop = PRESETS["hotline"], PRESETS["ecommerce"]
    assert rules.classify_shift(SHIFT, [(at(3, 7, 50), "in"), (at(3, 17), "out")], hot).early_arrival is True
    late_arrival = rules.classify_shift(SHIFT, [(at(3, 7, 51), "in"), (at(3, 17), "out")], hot)
    assert late_arrival.early_arrival is False and late_arrival.status == "normal"  # not late, but not early enough
    assert rules.classify_shift(SHIFT, [(at(3, 7, 51), "in"), (at(3, 17), "out")], shop).early_arrival is None


def test_shop_leave_at_most_three_days():  # 001:L104 请假时间最长不得超过3天
    def check(end):
        return [
            f.rule
            for f in rules.check_leave(
                kind="personal",
                start=date(2026, 12, 20),
                end=date(2026, 12, end),
                submitted_at=at(1, 9),
                first_shift=None,
                holidays=set(),
                rules=PRESETS["ecommerce"],
                same_day_off_in_department=0,
                taken_this_quarter=0,
                default_start="09:00",
            )
        ]

    assert check(22) == [] and check(23) == ["max_days"]


# ------------------------------------------------------------------------------------------ services


@pytest.fixture
def people(center, make_staff, monkeypatch):
    dept = Department.objects.create(center=center, code="cc", name="一线", kind="front_line")
    team = Team.objects.create(center=center, code="a", name="一班", department=dept)
    lead = make_staff("team_lead", staff_no="9001", department=dept)
    Team.objects.filter(pk=team.pk).update(lead=lead)
    out = {"lead": lead, "sup": make_staff("supervisor", staff_no="9100", department=dept)}
    for no in ("1001", "1002", "1003"):
        out[no] = make_staff("agent", staff_no=no, department=dept, team=team)

    def shifts(c, *, start, end):  # every agent works 08-17 on the 3rd and the 4th of December 2026
        return {
            no: [rules.Shift(no, at(d, 8), at(d, 17), "day") for d in (3, 4) if start <= date(2026, 12, d) <= end]
            for no in ("1001", "1002", "1003")
        }

    monkeypatch.setattr(services, "scheduled_shifts", shifts)
    return out


def preset(center, name):
    Policy.objects.update_or_create(center=center, defaults={"preset": name, "overrides": {}})


def clocked_in(people):
    """Everyone clocks in early and out on time on both days: the sheet itself finds nothing."""
    from kefu.attendance.models import ClockEvent, ClockImport

    batch = ClockImport.objects.create(file_name="d.csv", sha256="p" * 64, rows=12)
    ClockEvent.objects.bulk_create(
        [
            ClockEvent(staff=people[no], at=at(d, *hm), direction=way, batch=batch)
            for no in ("1001", "1002", "1003")
            for d in (3, 4)
            for hm, way in (((7, 45), "in"), ((17, 0), "out"))
        ]
    )


@pytest.mark.django_db
def test_left_post_becomes_a_discipline_violation(center, people):
    """002:L75: 20 minutes away is recorded as a 离岗 violation through the evidence path; 19 minutes is not."""
    from kefu.discipline import services as discipline
    from kefu.discipline.models import Violation
    from kefu.scope import scope_of

    preset(center, "hotline")
    clocked_in(people)
    short = services.record_post_check(
        people["lead"],
        kind="left_post",
        staff_no="1001",
        at=at(3, 10),
        until=at(3, 10, 19),
        note="去前台取快递",
        now=NOW,
    )
    long = services.record_post_check(
        people["lead"], kind="left_post", staff_no="1002", at=at(3, 10), until=at(3, 10, 20), now=NOW
    )
    assert (short.finding, short.minutes, long.finding, long.minutes) == ("", 19, "left_post", 20)
    counts = discipline.record_from_evidence(scope_of(people["lead"]), "2026-12", now=NOW)
    v = Violation.objects.get(type_code="left_post")
    assert (v.staff.staff_no, v.source, v.occurred_on, v.evidence_key) == (
        "1002",
        "attendance",
        date(2026, 12, 3),
        f"attendance:post:{long.pk}",
    )
    assert counts["attendance"] >= 1 and not Violation.objects.filter(staff=people["1001"]).exists()
    discipline.record_from_evidence(scope_of(people["lead"]), "2026-12", now=NOW)  # once per finding
    assert Violation.objects.filter(type_code="left_post").count() == 1


@pytest.mark.django_db
def test_spot_check_explained_late_is_absenteeism_with_the_bonus_deduction(center, people):
    """000:L30-31 = 003:L444-445 (government preset): explained within the hour 不在岗 (−20 of the bonus, 000:L39),
    explained later 旷工 (−50)."""
    from kefu.discipline import services as discipline
    from kefu.discipline.models import Violation
    from kefu.scope import scope_of

    preset(center, "gov12345")
    clocked_in(people)
    a = services.record_post_check(
        people["lead"], kind="spot_check", staff_no="1001", at=at(3, 10), until=at(3, 11), now=NOW
    )
    b = services.record_post_check(
        people["sup"], kind="spot_check", staff_no="1002", at=at(3, 10), until=at(3, 11, 1), now=NOW
    )
    c = services.record_post_check(people["sup"], kind="spot_check", staff_no="1003", at=at(4, 16, 40), now=NOW)
    assert (a.finding, b.finding, c.finding) == ("absent_from_post", "absenteeism", "early_leave")
    discipline.record_from_evidence(scope_of(people["lead"]), "2026-12", now=NOW)
    got = {v.staff.staff_no: (v.type_code, v.sanction) for v in Violation.objects.select_related("staff")}
    assert got == {
        "1001": ("absent_from_post", {"bonus_deduction": "20"}),
        "1002": ("absenteeism", {"bonus_deduction": "50"}),
        "1003": ("early_leave", {"bonus_deduction": "20"}),
    }


@pytest.mark.django_db
def test_bad_post_checks_are_refused_in_chinese_and_save_nothing(center, people):
    lead = people["lead"]
    cases = [
        ({"kind": "coffee", "staff_no": "1001", "at": at(3, 10)}, "kind", "不是可选的值"),
        ({"kind": "spot_check", "staff_no": "7777", "at": at(3, 10)}, "staff_no", "不存在"),
        ({"kind": "spot_check", "staff_no": "1001", "at": at(3, 10), "until": at(3, 9)}, "until", "不能早于"),
        ({"kind": "spot_check", "staff_no": "1001", "at": at(7, 10)}, "at", "不能晚于现在"),
        ({"kind": "left_post", "staff_no": "1001", "at": at(3, 10)}, "until", "返岗时间"),
        ({"kind": "spot_check", "staff_no": "1001", "at": at(3, 20)}, "at", "不在排班的班次内"),
        ({"kind": "spot_check", "staff_no": "1001", "at": datetime(1, 1, 1, 8, 0)}, "at", "一年以内"),
    ]
    for kwargs, field, words in cases:
        with pytest.raises(RuleViolation) as err:
            services.record_post_check(lead, now=NOW, **kwargs)
        problem = err.value.problems[0]
        assert problem.field == field and words in str(problem.message), (kwargs, str(problem.message))
    assert not PostCheck.objects.exists()


@pytest.mark.django_db
def test_shop_leave_notice_maximum_and_third_person(center, people):
    """001:L101-107 (shop preset): three days' notice, else the department head decides (部门主管酌情处理); at most
    3 days; no more than 2 of a department on leave the same day (a third is refused)."""
    preset(center, "ecommerce")
    short = services.submit_leave(
        people["1001"], kind="personal", start=date(2026, 12, 20), end=date(2026, 12, 20), reason="家事", now=at(18, 9)
    )
    assert short.manager_required and short.steps == ["supervisor"]
    ok = services.submit_leave(
        people["1002"],
        kind="personal",
        start=date(2026, 12, 20),
        end=date(2026, 12, 22),
        reason="回老家",
        now=at(10, 9),
    )
    assert not ok.manager_required and ok.days == 3
    with pytest.raises(RuleViolation) as err:
        services.submit_leave(
            people["1003"],
            kind="personal",
            start=date(2026, 12, 20),
            end=date(2026, 12, 23),
            reason="旅游",
            now=at(10, 9),
        )
    assert [(p.field, p.rule) for p in err.value.problems] == [("end", "max_days"), ("start", "department_cap")]
    assert "最长不得超过3天" in str(err.value.problems[0].message)
    with pytest.raises(RuleViolation) as err:  # the third person of the department on the 20th
        services.submit_leave(
            people["1003"],
            kind="personal",
            start=date(2026, 12, 20),
            end=date(2026, 12, 20),
            reason="看病",
            now=at(10, 9),
        )
    assert [p.rule for p in err.value.problems] == ["department_cap"]
    assert LeaveRequest.objects.count() == 2
