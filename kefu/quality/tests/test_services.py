"""Quality use cases against the database: versions, samples, the appeal flow, shift summaries, M11."""

from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from kefu.errors import NotAllowed, RuleViolation
from kefu.quality import machine, selectors, services
from kefu.quality.models import Appeal, Evaluation, SamplingRun, Scorecard, ScorecardItem, ShiftReport, Transition
from kefu.quality.tests.conftest import full_marks

TZ = ZoneInfo("Asia/Shanghai")
pytestmark = pytest.mark.django_db


def _spot(s, agent=0, inspector=0, call_id="C1"):
    return services.assign_spot_check(
        s["center"],
        call={"call_id": call_id, "call_type": "咨询", "talk_seconds": 90},
        agent=s["agents"][agent],
        inspector=s["qa"][inspector],
    )


def test_preset_form_is_version_1_and_totals_100(qa_setup):  # 004:L1531
    card = qa_setup["card"]
    assert (card.code, card.version, card.is_active) == ("hotline-call", 1, True)
    assert sum(i.points for i in card.items.all()) == 100
    assert {i.key for i in card.items.all() if i.is_critical} == {"privacy", "abuse"}


def test_new_version_keeps_old_evaluations_on_their_version(qa_setup):
    s = qa_setup
    old = _spot(s)
    items = [{"key": "all", "label": "综合", "points": 100}]
    new = services.publish_scorecard(s["center"], code="hotline-call", name="新表", items=items)
    assert new.version == 2 and new.is_active
    assert not Scorecard.objects.get(pk=s["card"].pk).is_active
    old.refresh_from_db()
    assert old.scorecard_id == s["card"].pk
    assert _spot(s, call_id="C2").scorecard_id == new.pk
    services.transition(old, name="score", actor=s["qa"][0], marks=full_marks(s["card"]))  # still scored on v1's items
    assert Evaluation.objects.get(pk=old.pk).total == Decimal("100")


def test_form_not_totalling_100_is_refused_and_nothing_written(qa_setup):  # 004:L1531
    before = (Scorecard.objects.count(), ScorecardItem.objects.count())
    with pytest.raises(RuleViolation) as err:
        services.publish_scorecard(
            qa_setup["center"],
            code="hotline-call",
            name="坏表",
            items=[{"key": "a", "label": "甲", "points": 50}, {"key": "b", "label": "乙", "points": 45}],
        )
    assert err.value.problems[0].field == "items" and "合计应为 100 分" in err.value.problems[0].message
    assert err.value.problems[0].rule == "scorecard_total"
    assert (Scorecard.objects.count(), ScorecardItem.objects.count()) == before
    assert Scorecard.objects.get(center=qa_setup["center"], is_active=True).version == 1


def _month_calls(agents, month=date(2026, 10, 1)):
    calls, ref = [], 0
    for agent in agents:
        for i in range(12):
            ref += 1
            calls.append(
                {
                    "ref": ref,
                    "call_id": f"CALL{ref:04d}",
                    "agent_staff_no": agent.staff_no,
                    "call_type": "投诉" if i % 3 == 0 else "咨询",
                    "talk_seconds": 15 if i == 0 else 100 + i,
                    "offered_at": datetime(month.year, month.month, 1 + i, 10, tzinfo=TZ),
                }
            )
    return calls


def test_month_tasks_five_per_agent_shared_among_inspectors(qa_setup):  # 004:L1531
    s = qa_setup
    calls = _month_calls(s["agents"])
    run, created = services.create_month_tasks(s["center"], date(2026, 10, 15), seed="oct", calls=calls)
    assert created and run.month == date(2026, 10, 1) and run.per_agent == 5
    rows = Evaluation.objects.filter(sampling_run=run)
    assert rows.count() == 10
    for agent, inspector in zip(s["agents"], s["qa"]):
        mine = rows.filter(agent=agent)
        assert mine.count() == 5
        assert set(mine.values_list("inspector", flat=True)) == {inspector.pk}
        assert all(e.talk_seconds >= 30 for e in mine)  # short calls (15 s) excluded by policy
    again, created_again = services.create_month_tasks(s["center"], date(2026, 10, 1), seed="other", calls=calls)
    assert (again.pk, created_again, Evaluation.objects.count()) == (run.pk, False, 10)


def test_month_tasks_deterministic_with_seed(qa_setup, django_db_blocker):
    s = qa_setup
    calls = _month_calls(s["agents"])
    run, _ = services.create_month_tasks(s["center"], date(2026, 10, 1), seed="abc", calls=calls)
    first = sorted(Evaluation.objects.filter(sampling_run=run).values_list("call_ref", flat=True))
    Evaluation.objects.all().delete()
    run.delete()
    run, _ = services.create_month_tasks(s["center"], date(2026, 10, 1), seed="abc", calls=calls)
    assert sorted(Evaluation.objects.filter(sampling_run=run).values_list("call_ref", flat=True)) == first


def test_month_tasks_shortfall_and_policy_override(qa_setup):
    from kefu.org import services as org_services

    s = qa_setup
    org_services.update_policy(s["center"], preset="hotline", overrides={"quality": {"samples_per_agent_month": 4}})
    calls = [c for c in _month_calls(s["agents"]) if c["agent_staff_no"] == "2001"][:3]
    run, _ = services.create_month_tasks(s["center"], date(2026, 10, 1), seed="x", calls=calls)
    assert run.per_agent == 4
    assert run.shortfalls == {"2001": 2, "2002": 4}  # 2001 has 2 long calls of 3; 2002 none


def test_month_tasks_without_inspector_or_seed_change_nothing(center, make_staff):
    make_staff("agent", staff_no="2001")
    with pytest.raises(RuleViolation) as err:
        services.create_month_tasks(center, date(2026, 10, 1), seed="s", calls=[])
    assert err.value.problems[0].rule == "no_inspector" and "质检员" in str(err.value)
    make_staff("qa", staff_no="8001")
    with pytest.raises(RuleViolation) as err:
        services.create_month_tasks(center, date(2026, 10, 1), seed="  ", calls=[])
    assert err.value.problems[0].field == "seed"
    assert SamplingRun.objects.count() == 0 and Evaluation.objects.count() == 0


def test_score_then_acknowledge(qa_setup):
    s = qa_setup
    e = _spot(s)
    e = services.transition(
        e,
        name="score",
        actor=s["qa"][0],
        marks=full_marks(s["card"], accuracy=15, greeting=7.5),
        notes="业务解答有遗漏",
    )
    assert (e.state, e.total, e.critical_failed) == (machine.SCORED, Decimal("92.5"), False)  # 100 − 5 − 2.5
    e = services.transition(e, name="acknowledge", actor=s["agents"][0])
    assert e.state == machine.ACKNOWLEDGED and e.acknowledged_at is not None
    assert list(Transition.objects.filter(evaluation=e).values_list("name", flat=True)) == ["score", "acknowledge"]


def test_critical_failure_scores_zero(qa_setup):
    s = qa_setup
    e = services.transition(
        _spot(s), name="score", actor=s["qa"][0], marks=full_marks(s["card"], privacy={"awarded": 0, "failed": True})
    )
    assert (e.total, e.raw_total, e.critical_failed) == (Decimal("0"), Decimal("100"), True)


def test_bad_marks_change_nothing(qa_setup):
    s = qa_setup
    e = _spot(s)
    for marks, field in [
        (full_marks(s["card"], greeting=11), "marks.greeting"),
        (full_marks(s["card"], greeting="十"), "marks.greeting"),
        ({k: v for k, v in full_marks(s["card"]).items() if k != "closing"}, "marks.closing"),
        (full_marks(s["card"], accuracy={"awarded": 20, "failed": True}), "marks.accuracy"),
    ]:
        with pytest.raises(RuleViolation) as err:
            services.transition(e, name="score", actor=s["qa"][0], marks=marks)
        assert err.value.problems[0].field == field
    e.refresh_from_db()
    assert (e.state, e.total, e.marks.count(), Transition.objects.count()) == (machine.ASSIGNED, None, 0, 0)


def test_only_the_assigned_inspector_scores(qa_setup):
    s = qa_setup
    e = _spot(s)
    with pytest.raises(NotAllowed):
        services.transition(e, name="score", actor=s["qa"][1], marks=full_marks(s["card"]))
    with pytest.raises(RuleViolation) as err:  # the agent may acknowledge, but not before the call is scored
        services.transition(e, name="acknowledge", actor=s["agents"][0])
    assert err.value.status == 409 and err.value.problems[0].rule == "workflow.wrong_state"


def test_appeal_upheld_by_the_team_lead(qa_setup):
    s = qa_setup
    e = services.transition(_spot(s), name="score", actor=s["qa"][0], marks=full_marks(s["card"], polite=5))
    with pytest.raises(NotAllowed):
        services.transition(e, name="appeal", actor=s["agents"][1], reason="不是我的电话")
    with pytest.raises(RuleViolation) as err:
        services.transition(e, name="appeal", actor=s["agents"][0], reason="   ")
    assert err.value.problems[0].field == "reason"
    e = services.transition(e, name="appeal", actor=s["agents"][0], reason="客户先出言不逊，我未使用忌语")
    assert e.state == machine.APPEALED
    assert Appeal.objects.get(evaluation=e).original_total == Decimal("90")
    with pytest.raises(RuleViolation) as err:
        services.transition(e, name="acknowledge", actor=s["agents"][0])
    assert err.value.status == 409
    with pytest.raises(NotAllowed):
        services.transition(e, name="uphold", actor=s["qa"][0], decision_note="维持")
    e = services.transition(e, name="uphold", actor=s["lead"], decision_note="录音复核，确有不当用语，维持原分")
    appeal = Appeal.objects.get(evaluation=e)
    assert (e.state, e.total, appeal.decision, appeal.decided_by_id) == (
        machine.UPHELD,
        Decimal("90"),
        "upheld",
        s["lead"].pk,
    )


def test_appeal_revised_by_the_team_lead(qa_setup):
    s = qa_setup
    e = services.transition(_spot(s), name="score", actor=s["qa"][0], marks=full_marks(s["card"], polite=5))
    e = services.transition(e, name="appeal", actor=s["agents"][0], reason="用语符合规范")
    with pytest.raises(RuleViolation) as err:
        services.transition(e, name="revise", actor=s["lead"], decision_note="改分")  # marks missing
    assert err.value.problems[0].field == "marks"
    e = services.transition(
        e, name="revise", actor=s["lead"], decision_note="复听录音，用语规范", marks=full_marks(s["card"], polite=12)
    )
    appeal = Appeal.objects.get(evaluation=e)
    assert (e.state, e.total, appeal.original_total, appeal.revised_total) == (
        machine.REVISED,
        Decimal("97"),
        Decimal("90"),
        Decimal("97"),
    )


def test_lead_of_another_team_cannot_decide(qa_setup, make_staff):
    from kefu.org.models import Team

    s = qa_setup
    other_team = Team.objects.create(center=s["center"], code="t2", name="二班")
    other_lead = make_staff("team_lead", staff_no="9002", team=other_team)
    other_team.lead = other_lead
    other_team.save()
    e = services.transition(_spot(s), name="score", actor=s["qa"][0], marks=full_marks(s["card"]))
    e = services.transition(e, name="appeal", actor=s["agents"][0], reason="理由")
    with pytest.raises(NotAllowed):
        services.transition(e, name="uphold", actor=other_lead, decision_note="维持")


def test_appeal_after_the_deadline_is_refused(qa_setup):
    s = qa_setup
    e = services.transition(_spot(s), name="score", actor=s["qa"][0], marks=full_marks(s["card"]))
    Evaluation.objects.filter(pk=e.pk).update(scored_at=timezone.now() - timedelta(days=4))  # policy: 3 days
    with pytest.raises(RuleViolation) as err:
        services.transition(e, name="appeal", actor=s["agents"][0], reason="理由")
    assert err.value.problems[0].rule == "appeal_deadline"
    assert Appeal.objects.count() == 0 and Evaluation.objects.get(pk=e.pk).state == machine.SCORED


def _scored_at(e, when):
    Evaluation.objects.filter(pk=e.pk).update(scored_at=when)


def test_shift_summary_for_the_team_lead(qa_setup):  # 004:L943: 每班后交给班长
    s = qa_setup
    day = date(2026, 10, 8)
    a = services.transition(
        _spot(s, 0, call_id="A"), name="score", actor=s["qa"][0], marks=full_marks(s["card"], accuracy=10)
    )  # 90
    b = services.transition(
        _spot(s, 0, call_id="B"), name="score", actor=s["qa"][0], marks=full_marks(s["card"], polite=5)
    )  # 90
    c = services.transition(
        _spot(s, 1, 1, call_id="C"),
        name="score",
        actor=s["qa"][1],
        marks=full_marks(s["card"], abuse={"awarded": 0, "failed": True}),
    )  # 0
    late = services.transition(
        _spot(s, 1, 1, call_id="D"), name="score", actor=s["qa"][1], marks=full_marks(s["card"])
    )  # night shift
    # the shift calendar's 白班 08:00-17:00 and 晚班 17:00-01:00 (003:L5, L8)
    _scored_at(a, datetime(2026, 10, 8, 8, 0, tzinfo=TZ))  # day shift starts 08:00 (inclusive)
    _scored_at(b, datetime(2026, 10, 8, 12, 30, tzinfo=TZ))
    _scored_at(c, datetime(2026, 10, 8, 16, 59, tzinfo=TZ))
    _scored_at(late, datetime(2026, 10, 8, 17, 0, tzinfo=TZ))  # 17:00 belongs to the evening shift
    summary = selectors.shift_summary(s["center"], s["team"], day, "D")
    assert (summary["count"], summary["average"], summary["lowest"], summary["critical_fails"]) == (3, 60.0, 0.0, 1)
    assert summary["agents"] == [
        {"agent_staff_no": "2001", "count": 2, "average": 90.0, "lowest": 90.0, "critical_fails": 0},
        {"agent_staff_no": "2002", "count": 1, "average": 0.0, "lowest": 0.0, "critical_fails": 1},
    ]
    assert summary["weak_items"][0] == {"label": "业务解答准确、熟练", "lost": 10.0}
    assert summary["critical_items"] == ["顶撞、指责或辱骂客户（五个不说）"]
    night = selectors.shift_summary(s["center"], s["team"], day, "N")  # 17:00 to 01:00 next day
    assert (night["count"], night["average"]) == (1, 100.0)


def test_shift_report_delivered_to_the_lead_after_the_shift(qa_setup):  # 004:L943, L951
    s = qa_setup
    e = services.transition(_spot(s), name="score", actor=s["qa"][0], marks=full_marks(s["card"]))
    _scored_at(e, datetime(2026, 10, 8, 9, 0, tzinfo=TZ))
    report = services.deliver_shift_report(
        s["center"], team=s["team"], shift_date=date(2026, 10, 8), shift_code="D", actor=s["qa"][0]
    )
    assert (report.lead_id, report.summary["count"], report.read_at) == (s["lead"].pk, 1, None)
    with pytest.raises(NotAllowed):
        services.mark_report_read(report, s["qa"][0])
    assert services.mark_report_read(report, s["lead"]).read_at is not None
    today = timezone.localdate()
    with pytest.raises(RuleViolation) as err:  # a shift still running (or future) cannot be handed over
        services.deliver_shift_report(
            s["center"], team=s["team"], shift_date=today + timedelta(days=1), shift_code="D", actor=s["qa"][0]
        )
    assert err.value.problems[0].rule == "shift_not_over"
    with pytest.raises(RuleViolation):
        services.deliver_shift_report(
            s["center"], team=s["team"], shift_date=date(2026, 10, 8), shift_code="evening", actor=s["qa"][0]
        )
    assert ShiftReport.objects.count() == 1


def test_monitoring_scores_for_the_kpi_engine(qa_setup):  # M11 监听分值, 004:L1525–1537
    s = qa_setup
    start, end = datetime(2026, 10, 1, tzinfo=TZ), datetime(2026, 11, 1, tzinfo=TZ)
    a = services.transition(
        _spot(s, 0, call_id="A"), name="score", actor=s["qa"][0], marks=full_marks(s["card"], accuracy=12)
    )  # 92
    b = services.transition(
        _spot(s, 1, call_id="B"), name="score", actor=s["qa"][0], marks=full_marks(s["card"], polite=10)
    )  # 95
    b = services.transition(b, name="appeal", actor=s["agents"][1], reason="理由")  # pending: left out
    c = services.transition(
        _spot(s, 1, call_id="C"), name="score", actor=s["qa"][0], marks=full_marks(s["card"], polite=10)
    )
    c = services.transition(
        services.transition(c, name="appeal", actor=s["agents"][1], reason="理由"),
        name="revise",
        actor=s["lead"],
        decision_note="改",
        marks=full_marks(s["card"], polite=14),
    )  # revised: 99
    _spot(s, 0, call_id="D")  # not scored
    for e, day in ((a, 3), (b, 4), (c, 5)):
        _scored_at(e, datetime(2026, 10, day, 10, tzinfo=TZ))
    cal = services.create_calibration(
        s["center"], title="校准", call={"call_id": "A"}, agent=s["agents"][0], inspectors=s["qa"]
    )
    sheet = cal.evaluations.first()
    services.transition(
        sheet, name="score", actor=sheet.inspector, marks=full_marks(s["card"])
    )  # calibration: left out
    _scored_at(sheet, datetime(2026, 10, 6, 10, tzinfo=TZ))
    rows = selectors.monitoring_scores(s["center"], start, end)
    assert [(r["agent_staff_no"], r["score"]) for r in rows] == [("2001", 92.0), ("2002", 99.0)]
    assert rows[0]["scored_at"] == datetime(2026, 10, 3, 10, tzinfo=TZ)
    assert selectors.monitoring_scores(s["center"], start, datetime(2026, 10, 3, 10, tzinfo=TZ)) == []  # end exclusive


def test_calibration_agreement_from_sheets(qa_setup, make_staff):
    s = qa_setup
    third = make_staff("team_lead", staff_no="9003")
    cal = services.create_calibration(
        s["center"],
        title="十月校准",
        call={"call_id": "CAL1", "call_type": "投诉"},
        agent=s["agents"][0],
        inspectors=[*s["qa"], third],
    )
    sheets = {e.inspector.staff_no: e for e in cal.evaluations.all()}
    assert set(sheets) == {"8001", "8002", "9003"}
    services.transition(sheets["8001"], name="score", actor=s["qa"][0], marks=full_marks(s["card"], accuracy=10))  # 90
    services.transition(sheets["8002"], name="score", actor=s["qa"][1], marks=full_marks(s["card"], accuracy=15))  # 95
    report = selectors.calibration_report(cal)
    assert report["pending"] == ["9003"]
    services.transition(
        sheets["9003"], name="score", actor=third, marks=full_marks(s["card"], accuracy=10, polite=10)
    )  # 85
    report = selectors.calibration_report(cal)
    a = report["agreement"]
    assert (a.totals, a.spread, a.stdev) == ((90.0, 95.0, 85.0), 10.0, 4.08)
    assert a.disagreeing_items == ("polite", "accuracy")
    assert report["item_agreement_pct"] == 83.3  # 10 of 12 items agree
    assert report["flagged"] is False  # spread 10 is not above the policy's 10


def test_calibration_needs_two_inspectors_and_changes_nothing(qa_setup):
    s = qa_setup
    with pytest.raises(RuleViolation) as err:
        services.create_calibration(
            s["center"], title="校准", call={"call_id": "X"}, agent=s["agents"][0], inspectors=[s["qa"][0]]
        )
    assert err.value.problems[0].rule == "calibration_min_inspectors"
    with pytest.raises(RuleViolation) as err:
        services.create_calibration(
            s["center"],
            title="校准",
            call={"call_id": "X"},
            agent=s["agents"][0],
            inspectors=[s["qa"][0], s["agents"][1]],
        )
    assert err.value.problems[0].rule == "inspector_role"
    from kefu.quality.models import Calibration

    assert Calibration.objects.count() == 0 and Evaluation.objects.count() == 0


def test_timer_hands_each_finished_shift_to_the_lead(qa_setup):  # 004:L943: 每班后交给班长
    s = qa_setup
    day_call = services.transition(
        _spot(s, call_id="D1"), name="score", actor=s["qa"][0], marks=full_marks(s["card"], accuracy=10)
    )
    night_call = services.transition(
        _spot(s, 1, call_id="N1"), name="score", actor=s["qa"][0], marks=full_marks(s["card"])
    )
    _scored_at(day_call, datetime(2026, 10, 8, 10, tzinfo=TZ))
    _scored_at(night_call, datetime(2026, 10, 8, 23, tzinfo=TZ))
    # the shift calendar's hotline shifts: 白班 08-17, 常班 09-18, 晚班 17-01 (003:L5-13), 大夜班 01-09
    assert services.deliver_due_shift_reports(datetime(2026, 10, 8, 16, 59, tzinfo=TZ)) == 0  # day shift not over
    assert services.deliver_due_shift_reports(datetime(2026, 10, 8, 17, 5, tzinfo=TZ)) == 1
    report = ShiftReport.objects.get()
    assert (report.shift_code, report.lead_id, report.inspector_id, report.summary["average"]) == (
        "D",
        s["lead"].pk,
        None,
        90.0,
    )
    assert services.deliver_due_shift_reports(datetime(2026, 10, 8, 17, 15, tzinfo=TZ)) == 0  # not twice
    assert (
        services.deliver_due_shift_reports(datetime(2026, 10, 9, 1, 10, tzinfo=TZ)) == 2
    )  # 常班 at 18:00, 晚班 at 01:00
    assert ShiftReport.objects.get(shift_code="N").summary["count"] == 1
    assert ShiftReport.objects.get(shift_code="R").summary["count"] == 1


def test_monthly_coverage_against_four_to_five(qa_setup):  # 004:L1531
    s = qa_setup
    for i in range(4):
        e = services.transition(
            _spot(s, 0, call_id=f"A{i}"),
            name="score",
            actor=s["qa"][0],
            marks=full_marks(s["card"], accuracy=20 - 2 * i),
        )
        _scored_at(e, datetime(2026, 10, 2 + i, 10, tzinfo=TZ))
    e = services.transition(_spot(s, 1, call_id="B0"), name="score", actor=s["qa"][0], marks=full_marks(s["card"]))
    _scored_at(e, datetime(2026, 10, 9, 10, tzinfo=TZ))
    e = services.transition(_spot(s, 1, call_id="B1"), name="score", actor=s["qa"][0], marks=full_marks(s["card"]))
    _scored_at(e, datetime(2026, 9, 30, 23, tzinfo=TZ))  # September: not counted
    rows = selectors.monthly_coverage(s["center"], date(2026, 10, 20))
    assert rows == [
        {
            "agent_staff_no": "2001",
            "scored": 4,
            "minimum": 4,
            "target": 5,
            "short": False,
            "average": 97.0,
        },  # (100+98+96+94)/4
        {"agent_staff_no": "2002", "scored": 1, "minimum": 4, "target": 5, "short": True, "average": 100.0},
    ]
