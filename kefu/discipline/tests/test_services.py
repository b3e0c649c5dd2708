"""The violation register, the fund, rewards and the monthly appraisal through the services and the workflow kernel."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal as D

import pytest

from kefu.discipline import services
from kefu.discipline.models import Appraisal, DismissalProposal, FundEntry, Violation
from kefu.errors import NotAllowed, RuleViolation
from kefu.messages import Msg
from kefu.scope import scope_of

NOW = datetime(2026, 12, 7, 2, 0, tzinfo=UTC)


def preset(center, name):
    from kefu.org.models import Policy

    Policy.objects.update_or_create(center=center, defaults={"preset": name, "overrides": {}})


@pytest.fixture
def people(center, make_staff):
    from kefu.org.models import Department

    dept = Department.objects.create(center=center, code="cs", name="客服部", kind=Department.Kind.FRONT_LINE)
    out = {
        "agent": make_staff("agent", staff_no="2001"),
        "agent2": make_staff("agent", staff_no="2002"),
        "lead": make_staff("team_lead", staff_no="3001"),
        "lead2": make_staff("team_lead", staff_no="3002"),
        "manager": make_staff("manager", staff_no="8001"),
        "hr": make_staff("hr", staff_no="8101"),
    }
    for s in out.values():
        s.department = dept
        s.save(update_fields=["department"])
    out["dept"] = dept
    return out


def rec(people, type_code, day, who="agent"):
    return services.record_violation(
        scope_of(people["lead"]),
        staff_no=people[who].staff_no,
        type_code=type_code,
        occurred_on=day,
        note="查岗：登录私人QQ",
        now=NOW,
    )


def fines_in(dept):
    return services.balance(dept.center, dept.pk)


def test_manual_record_ladder_fund_and_dismissal_proposal(center, people):
    """000:L198: non-work 10, 30, dismissal — fines into the department fund (000:L203); the third is a proposal to
    HR and the manager, never carried out."""
    preset(center, "ecommerce")
    vs = [rec(people, "non_work", date(2026, 11, d)) for d in (3, 10, 17)]
    assert [v.occurrence for v in vs] == [1, 2, 3]
    assert [v.sanction.get("fine") for v in vs] == ["10", "30", None]
    assert fines_in(people["dept"]) == D(40)
    proposal = DismissalProposal.objects.get()
    assert (proposal.violation_id, proposal.state) == (vs[2].pk, "proposed")
    people["agent"].refresh_from_db()
    assert people["agent"].is_active  # never automatic
    hr, manager = scope_of(people["hr"]), scope_of(people["manager"])
    with pytest.raises(RuleViolation) as early:
        services.decide_proposal(manager, proposal.pk, name="dismiss", note="同意")  # HR first
    assert early.value.problems[0].rule == "workflow.wrong_state"
    with pytest.raises(NotAllowed):
        services.decide_proposal(manager, proposal.pk, name="hr_review", note="同意")
    services.decide_proposal(hr, proposal.pk, name="hr_review", note="情况属实")
    assert services.decide_proposal(manager, proposal.pk, name="keep", note="留用察看").state == "kept"


def test_upheld_appeal_undoes_everything_that_followed(center, people):
    """000:L198 + the register: the first violation's appeal upheld → its fine reversed, the 2nd becomes the 1st (10),
    the 3rd the 2nd (30), the dismissal proposal withdrawn."""
    preset(center, "ecommerce")
    first, second, third = [rec(people, "non_work", date(2026, 11, d)) for d in (3, 10, 17)]
    agent, lead = scope_of(people["agent"]), scope_of(people["lead2"])
    v = services.transition(agent, first.pk, name="appeal", version=first.version, reason="当时在查订单，不是私聊")
    services.transition(lead, first.pk, name="lead_uphold", version=v.version, note="核实属实")
    second.refresh_from_db()
    third.refresh_from_db()
    first.refresh_from_db()
    assert (first.state, first.sanction) == ("voided", {})
    assert [(second.occurrence, second.sanction), (third.occurrence, third.sanction)] == [
        (1, {"fine": "10"}),
        (2, {"fine": "30"}),
    ]
    assert fines_in(people["dept"]) == D(40)  # 10 + 30 as before, now from the 2nd and 3rd
    assert DismissalProposal.objects.get().state == "withdrawn"
    assert first.events.filter(code="discipline.violation.transition.lead_uphold").exists()
    assert third.events.filter(code="discipline.renumbered").exists()


def test_escalation_to_the_manager(center, people):
    preset(center, "hotline")
    v = rec(people, "late", date(2026, 11, 3))
    agent, lead, manager = scope_of(people["agent"]), scope_of(people["lead"]), scope_of(people["manager"])
    v = services.transition(agent, v.pk, name="appeal", reason="地铁故障，有证明")
    v = services.transition(lead, v.pk, name="lead_reject", note="未提前请假")
    v = services.transition(agent, v.pk, name="escalate", reason="证明已交")
    with pytest.raises(NotAllowed):
        services.transition(lead, v.pk, name="manager_uphold")
    v = services.transition(manager, v.pk, name="manager_uphold", note="证明有效")
    assert v.state == "voided" and fines_in(people["dept"]) == D(0)


def test_the_agent_cannot_judge_their_own_appeal(center, people, make_staff):
    preset(center, "hotline")
    lead_self = people["lead"]
    v = services.record_violation(
        scope_of(people["lead2"]),
        staff_no=lead_self.staff_no,
        type_code="chatting",
        occurred_on=date(2026, 11, 4),
        note="观察：闲聊",
        now=NOW,
    )
    services.transition(scope_of(lead_self), v.pk, name="appeal", reason="不是闲聊")
    with pytest.raises(NotAllowed) as refused:
        services.transition(scope_of(lead_self), v.pk, name="lead_uphold")
    assert refused.value.problems[0].rule == "workflow.own_request"


def test_appeal_after_the_deadline_changes_nothing(center, people):
    preset(center, "hotline")
    v = rec(people, "chatting", date(2026, 11, 4))
    Violation.objects.filter(pk=v.pk).update(appeal_due=date(2026, 11, 7))
    with pytest.raises(RuleViolation) as refused:
        services.transition(scope_of(people["agent"]), v.pk, name="appeal", reason="晚了")
    assert refused.value.problems[0].rule == "discipline.appeal_window"
    v.refresh_from_db()
    assert (v.state, v.appeal_reason, v.events.count()) == ("recorded", "", 1)


@pytest.mark.parametrize(
    "kwargs, field, rule",
    [
        ({"type_code": "flying"}, "type_code", "discipline.unknown_type"),
        ({"note": ""}, "note", "discipline.evidence_required"),
        ({"occurred_on": "2026-02-30"}, "occurred_on", "discipline.bad_date"),
        ({"occurred_on": "2027-01-01"}, "occurred_on", "discipline.future_date"),
        ({"staff_no": "9999"}, "staff_no", "discipline.not_subject_staff"),
    ],
)
def test_bad_records_are_refused_and_change_nothing(center, people, kwargs, field, rule):
    preset(center, "hotline")
    args = {"staff_no": "2001", "type_code": "chatting", "occurred_on": "2026-11-04", "note": "观察"} | kwargs
    with pytest.raises(RuleViolation) as refused:
        services.record_violation(scope_of(people["lead"]), now=NOW, **args)
    assert (refused.value.problems[0].field, refused.value.problems[0].rule) == (field, rule)
    assert args["occurred_on"] in str(refused.value) or field != "occurred_on"  # the message names the value
    assert not Violation.objects.exists() and not FundEntry.objects.exists()


def test_fund_spending_approved_balance_and_publication(center, people):
    """000:L203: the fund = fines − approved spending; spending is entered, approved by someone else, never beyond the
    balance; the month's ledger is published."""
    preset(center, "ecommerce")
    rec(people, "attitude_complaint", date(2026, 11, 5))  # 20 (001:L326)
    rec(people, "non_work", date(2026, 11, 6))  # 10
    lead, manager = scope_of(people["lead"]), scope_of(people["manager"])
    big = services.enter_spending(
        lead, department_id=people["dept"].pk, amount="31", purpose="团建水果", spent_on="2026-11-20"
    )
    with pytest.raises(RuleViolation) as refused:
        services.decide_spending(manager, big.pk, approve=True)
    assert refused.value.problems[0].rule == "discipline.spending_exceeds"
    ok = services.enter_spending(
        lead, department_id=people["dept"].pk, amount="25.50", purpose="生日蛋糕", spent_on="2026-11-21"
    )
    with pytest.raises(RuleViolation):
        services.decide_spending(lead, ok.pk, approve=True)  # not one's own
    services.decide_spending(manager, ok.pk, approve=True)
    assert services.balance(center, people["dept"].pk) == D("4.50")
    with pytest.raises(RuleViolation) as negative:
        services.enter_spending(lead, department_id=people["dept"].pk, amount="-5", purpose="x", spent_on="2026-11-21")
    assert negative.value.problems[0].field == "amount"
    pub = services.publish_fund(manager, people["dept"].pk, month="2026-11")
    assert pub.balance == D("4.50") and [r["kind"] for r in pub.rows] == ["fine", "fine", "spending", "spending"]


def test_outstanding_employee_disqualified_by_any_violation(center, people):
    """001:L158: any violation in the period disqualifies from 优秀员工 (200 yuan, 001:L157)."""
    preset(center, "ecommerce")
    rec(people, "late", date(2026, 11, 5))
    lead = scope_of(people["lead"])
    with pytest.raises(RuleViolation) as refused:
        services.propose_reward(lead, staff_no="2001", type_code="outstanding", month="2026-11", reason="好评多")
    assert refused.value.problems[0].rule == "discipline.outstanding_disqualified"
    r = services.propose_reward(lead, staff_no="2002", type_code="outstanding", month="2026-11", reason="好评多")
    assert r.amount == D(200)
    with pytest.raises(RuleViolation) as no_amount:
        services.propose_reward(lead, staff_no="2002", type_code="data_error", month="2026-11", reason="发现价格错误")
    assert no_amount.value.problems[0].rule == "discipline.amount_required"
    assert services.decide_reward(scope_of(people["manager"]), r.pk, approve=True).state == "approved"


def test_government_month_grade_bonus_final_and_reopen(center, people):
    """000:L39, L57-61, L84: two lates cost 40 and cap the grade at 中: 160 × 0.9 − 40 = 104; the other agent is 良:
    160. A month made final refuses a recomputation and new records until the manager reopens it."""
    preset(center, "gov12345")
    rec(people, "late", date(2026, 11, 3))
    rec(people, "late", date(2026, 11, 4))
    manager = scope_of(people["manager"])
    services.compute_month(manager, "2026-11", now=NOW)
    rows = {a.staff.staff_no: a for a in Appraisal.objects.select_related("staff")}
    assert (rows["2001"].grade, rows["2001"].deductions, rows["2001"].bonus) == ("fair", D(40), D(104))
    assert (rows["2002"].grade, rows["2002"].bonus) == ("good", D(160))
    services.finalise_month(manager, "2026-11")
    with pytest.raises(RuleViolation) as closed:
        services.compute_month(manager, "2026-11", now=NOW)
    assert closed.value.problems[0].rule == "discipline.month_final"
    with pytest.raises(RuleViolation):
        rec(people, "late", date(2026, 11, 5))
    assert Violation.objects.count() == 2
    services.reopen_month(manager, "2026-11")
    rec(people, "late", date(2026, 11, 5))  # the 3rd: the whole bonus (000:L39)
    services.compute_month(manager, "2026-11", now=NOW)
    a = Appraisal.objects.get(staff=people["agent"])
    assert (a.forfeit, a.bonus) == (True, D(0))
    assert services.payroll_sheet(manager, "2026-11")[:2] == b"PK"


def test_temporary_and_suspended_staff_not_graded(center, people):
    """000:L86: temporary staff (the staff record's employment type, the one source) are not graded; 000:L82: nor
    suspended staff (待岗, the discipline record's status); part-time staff and staff on probation are graded."""
    from kefu.org.models import Staff

    preset(center, "gov12345")
    Staff.objects.filter(pk=people["agent2"].pk).update(employment=Staff.Employment.TEMPORARY)
    services.ensure_record(people["lead"], status="suspended")
    services.ensure_record(people["lead2"], status="probation")
    Staff.objects.filter(pk=people["agent"].pk).update(employment=Staff.Employment.PART_TIME)
    services.compute_month(scope_of(people["manager"]), "2026-11", now=NOW)
    rows = {a.staff_id: a for a in Appraisal.objects.all()}
    assert (
        rows[people["agent2"].pk].graded,
        rows[people["agent2"].pk].grade,
        rows[people["agent2"].pk].bonus,
        rows[people["agent2"].pk].reasons,
    ) == (False, "", D(0), ["temporary"])
    assert (rows[people["lead"].pk].graded, rows[people["lead"].pk].reasons) == (False, ["suspended"])
    assert rows[people["lead2"].pk].graded and rows[people["agent"].pk].graded
    with pytest.raises(RuleViolation) as bad:
        services.ensure_record(people["agent"], status="temporary")  # an employment type, not a status
    assert bad.value.problems[0].field == "status" and "考评状态" in str(bad.value.problems[0].message)


def test_a_month_not_ended_cannot_be_computed(center, people):
    with pytest.raises(RuleViolation) as refused:
        services.compute_month(scope_of(people["manager"]), "2026-12", now=NOW)
    assert refused.value.problems[0].rule == "discipline.future_month"


def test_red_line_evidence_recorded_once(center, people, make_staff):
    """A QA red-line failure (004:L1525) becomes a violation of the agent from its evaluation, once however often the
    month's evidence is read; a voided one is not recorded again."""
    from kefu.quality.models import Evaluation, Scorecard

    preset(center, "hotline")
    card = Scorecard.objects.create(center=center, code="std", name="标准")
    qa = make_staff("qa", staff_no="6001")
    e = Evaluation.objects.create(
        center=center,
        scorecard=card,
        call_id="C-1",
        agent=people["agent"],
        inspector=qa,
        state="acknowledged",
        scored_at=datetime(2026, 11, 12, 3, 0, tzinfo=UTC),
        total=D(0),
        critical_failed=True,
    )
    Evaluation.objects.create(
        center=center,
        scorecard=card,
        call_id="C-2",
        agent=people["agent2"],
        inspector=qa,
        state="acknowledged",
        scored_at=datetime(2026, 11, 12, 3, 0, tzinfo=UTC),
        total=D(92),
        critical_failed=False,
    )
    lead = scope_of(people["lead"])
    assert services.record_from_evidence(lead, "2026-11", now=NOW)["qa"] == 1
    assert services.record_from_evidence(lead, "2026-11", now=NOW)["qa"] == 0
    v = Violation.objects.get()
    assert (v.staff_id, v.type_code, v.source, v.evidence_key) == (
        people["agent"].pk,
        "qa_red_line",
        "qa",
        f"qa:{e.pk}",
    )
    assert "C-1" in str(Msg.from_data(v.evidence))
    services.transition(scope_of(people["manager"]), v.pk, name="withdraw", note="复核后不属红线")
    assert services.record_from_evidence(lead, "2026-11", now=NOW)["qa"] == 0
