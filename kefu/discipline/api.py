"""The discipline API: violations, appeals, dismissal proposals, the fines fund, rewards, the month's appraisal."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.http import HttpResponse
from ninja import Field, Router, Schema

from kefu.access import op
from kefu.scope import caller

from . import services
from .models import AppraisalMonth, DismissalProposal
from .present import appraisal_out, proposal_out, reward_out, violation_out

router = Router(tags=["奖惩与考核 discipline"])


class ViolationIn(Schema):
    staff_no: str = Field(..., max_length=20, description="当事人工号")
    type_code: str = Field(..., max_length=40, description="违规类型（本中心制度中的代码）")
    occurred_on: date
    note: str = Field(..., max_length=500, description="证据：查岗、观察或工单号")


class ViolationOut(Schema):
    id: int
    staff_no: str
    type_code: str
    type_label: str
    occurred_on: date
    source: str
    evidence: str
    note: str
    occurrence: int
    sanction: dict
    sanction_text: str
    state: str
    state_label: str
    appeal_due: date
    appeal_reason: str
    version: int


class DisciplineTransitionIn(Schema):
    name: str = Field(
        ...,
        max_length=40,
        description="acknowledge / appeal / lead_uphold / lead_reject / escalate / "
        "accept / manager_uphold / manager_reject / withdraw",
    )
    version: int | None = None
    reason: str | None = Field(None, max_length=500)
    note: str | None = Field(None, max_length=500)


def _fields(payload) -> dict:
    return {k: v for k, v in (("reason", payload.reason), ("note", payload.note)) if v is not None}


class RewardOut(Schema):
    id: int
    staff_no: str
    type_code: str
    type_label: str
    amount: Decimal
    month: date
    reason: str
    state: str
    state_label: str


class AppraisalOut(Schema):
    staff_no: str
    graded: bool
    violations: int
    supervised: int
    grade: str
    grade_label: str
    reasons: list[str]
    score: Decimal | None
    base: Decimal
    deductions: Decimal
    forfeit: bool
    bonus: Decimal
    rewards: Decimal
    fines: Decimal


class MyRecordOut(Schema):
    month: date
    violations: list[ViolationOut]
    rewards: list[RewardOut]
    appraisal: AppraisalOut | None
    final: bool


@op(router.get, "/me", "discipline.my_record", response=MyRecordOut)
def my_record(request, month: str):
    scope = caller(request)
    m = services.parse_month(month)
    return services.my_record(scope, m)


@op(router.get, "/violations", "discipline.list", response=list[ViolationOut])
def list_violations(request, month: str, staff_no: str | None = None):
    scope = caller(request)
    return [
        violation_out(v) for v in services.month_violations(scope, month=services.parse_month(month), staff_no=staff_no)
    ]


@op(router.post, "/violations", "discipline.record", response={201: ViolationOut})
def record(request, payload: ViolationIn):
    v = services.record_violation(caller(request), **payload.dict())
    return 201, violation_out(v)


@op(router.post, "/violations/{violation_id}/transition", "discipline.transition", response=ViolationOut)
def transition(request, violation_id: int, payload: DisciplineTransitionIn):
    v = services.transition(
        caller(request), violation_id, name=payload.name, version=payload.version, **_fields(payload)
    )
    return violation_out(v)


class EvidenceOut(Schema):
    attendance: int
    qa: int
    tickets: int


@op(router.post, "/evidence", "discipline.from_evidence", response=EvidenceOut)
def from_evidence(request, month: str):
    return services.record_from_evidence(caller(request), month)


class ProposalOut(Schema):
    id: int
    staff_no: str
    violation_id: int
    forfeit_salary: bool
    state: str
    state_label: str
    hr_note: str
    decision_note: str
    version: int


@op(router.get, "/proposals", "discipline.proposals", response=list[ProposalOut])
def proposals(request):
    scope = caller(request)
    return [proposal_out(p) for p in scope.filter(DismissalProposal.objects.select_related("staff"))[:500]]


class ProposalIn(Schema):
    name: str = Field(..., max_length=20, description="hr_review / dismiss / keep")
    version: int | None = None
    note: str | None = Field(None, max_length=500)


@op(router.post, "/proposals/{proposal_id}/transition", "discipline.decide_proposal", response=ProposalOut)
def decide_proposal(request, proposal_id: int, payload: ProposalIn):
    fields = {"note": payload.note} if payload.note is not None else {}
    return proposal_out(
        services.decide_proposal(caller(request), proposal_id, name=payload.name, version=payload.version, **fields)
    )


class FundRowOut(Schema):
    id: int
    on: date
    kind: str
    amount: Decimal
    state: str
    text: str
    entered_by: str
    approved_by: str
    counts: bool
    balance: Decimal


class FundOut(Schema):
    opening: Decimal
    closing: Decimal
    fines: Decimal
    out: Decimal
    rows: list[FundRowOut]


@op(router.get, "/fund", "discipline.fund", response=FundOut)
def fund(request, month: str, department_id: int | None = None):
    scope = caller(request)
    return services.fund_rows(scope, services.department_of(scope, department_id), month=services.parse_month(month))


class SpendingIn(Schema):
    department_id: int | None = None
    amount: str = Field(..., max_length=20)
    purpose: str = Field(..., max_length=200)
    spent_on: date


@op(router.post, "/fund/spending", "discipline.enter_spending", response={201: FundRowOut})
def enter_spending(request, payload: SpendingIn):
    scope = caller(request)
    e = services.enter_spending(
        scope,
        department_id=services.department_of(scope, payload.department_id),
        amount=payload.amount,
        purpose=payload.purpose,
        spent_on=payload.spent_on,
    )
    return 201, services.fund_row(e)


class DisciplineDecisionIn(Schema):
    approve: bool


@op(router.post, "/fund/spending/{entry_id}/decision", "discipline.decide_spending", response=FundRowOut)
def decide_spending(request, entry_id: int, payload: DisciplineDecisionIn):
    return services.fund_row(services.decide_spending(caller(request), entry_id, approve=payload.approve))


class PublicationOut(Schema):
    id: int
    month: date
    balance: Decimal


@op(router.post, "/fund/publish", "discipline.publish_fund", response={201: PublicationOut})
def publish_fund(request, month: str, department_id: int | None = None):
    scope = caller(request)
    p = services.publish_fund(scope, services.department_of(scope, department_id), month=month)
    return 201, {"id": p.pk, "month": p.month, "balance": p.balance}


class RewardIn(Schema):
    staff_no: str = Field(..., max_length=20)
    type_code: str = Field(..., max_length=40)
    month: str = Field(..., max_length=7, description="YYYY-MM")
    reason: str = Field(..., max_length=500)
    amount: str | None = Field(None, max_length=20)


@op(router.post, "/rewards", "discipline.propose_reward", response={201: RewardOut})
def propose_reward(request, payload: RewardIn):
    return 201, reward_out(services.propose_reward(caller(request), **payload.dict()))


@op(router.post, "/rewards/{reward_id}/decision", "discipline.decide_reward", response=RewardOut)
def decide_reward(request, reward_id: int, payload: DisciplineDecisionIn):
    return reward_out(services.decide_reward(caller(request), reward_id, approve=payload.approve))


class MonthOut(Schema):
    month: date
    computed: bool
    final: bool
    rows: list[AppraisalOut]


def month_out(scope, m: date) -> dict:
    period = AppraisalMonth.objects.filter(center=scope.center, month=m).first()
    rows = period.rows.select_related("staff").order_by("staff__staff_no") if period else []
    return {
        "month": m,
        "computed": bool(period and period.computed_at),
        "final": bool(period and period.final),
        "rows": [appraisal_out(a) for a in rows],
    }


@op(router.get, "/months/{month}", "discipline.month", response=MonthOut)
def month(request, month: str):
    scope = caller(request)
    return month_out(scope, services.parse_month(month))


@op(router.post, "/months/{month}/compute", "discipline.compute_month", response=MonthOut)
def compute_month(request, month: str):
    scope = caller(request)
    period = services.compute_month(scope, month)
    return month_out(scope, period.month)


@op(router.post, "/months/{month}/final", "discipline.finalise_month", response=MonthOut)
def finalise_month(request, month: str):
    scope = caller(request)
    return month_out(scope, services.finalise_month(scope, month).month)


@op(router.post, "/months/{month}/reopen", "discipline.reopen_month", response=MonthOut)
def reopen_month(request, month: str):
    scope = caller(request)
    return month_out(scope, services.reopen_month(scope, month).month)


@op(router.get, "/months/{month}/payroll.xlsx", "discipline.payroll")
def payroll(request, month: str):
    scope = caller(request)
    m = services.parse_month(month)
    data = services.payroll_sheet(scope, m)
    response = HttpResponse(data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="payroll-{m:%Y-%m}.xlsx"'
    return response


class TeamRulesIn(Schema):
    overrides: dict = Field(..., description="班组奖惩办法：违规类型（types）与奖励（rewards），覆盖中心制度")
    version: int | None = None


class TeamRulesOut(Schema):
    team_id: int
    team: str
    lead: str
    overrides: dict
    version: int
    effective: dict
    changes: list[dict]


@op(router.get, "/team-rules/{team_id}", "discipline.team_rules", response=TeamRulesOut)
def team_rules(request, team_id: int):
    """A group's own reward-and-penalty scheme and what is in force for its members (004:L913)."""
    return services.team_rules(caller(request), team_id)


@op(router.put, "/team-rules/{team_id}", "discipline.set_team_rules", response=TeamRulesOut)
def set_team_rules(request, team_id: int, payload: TeamRulesIn):
    """Only the group's own team lead sets it; every change is kept and audited (004:L913)."""
    scope = caller(request)
    services.set_team_rules(scope, team_id, overrides=payload.overrides, version=payload.version)
    return services.team_rules(scope, team_id)
