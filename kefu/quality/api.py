"""Quality inspection API: scorecards, monthly samples, scoring, acknowledge/appeal, calibration,
per-shift summaries to the team lead, and the monitoring scores (M11) for the KPI engine."""

from __future__ import annotations

from datetime import date, datetime

from django.shortcuts import get_object_or_404
from ninja import Field, Router, Schema

from kefu.access import op
from kefu.errors import NotAllowed, RuleViolation
from kefu.org.models import Center, Staff, Team
from kefu.quality import selectors, services
from kefu.quality.models import Calibration, Evaluation, Scorecard, ShiftReport

router = Router(tags=["质检 quality"])


class ItemIO(Schema):
    key: str = Field(..., max_length=40)
    label: str = Field(..., max_length=200)
    points: int
    critical: bool = False
    section: str = Field("", max_length=40)
    seed: str = Field("", max_length=100)


class ScorecardIn(Schema):
    code: str = Field(..., max_length=40)
    name: str = Field(..., max_length=100)
    items: list[ItemIO]


class ScorecardOut(Schema):
    id: int
    code: str
    name: str
    version: int
    is_active: bool
    items: list[ItemIO]

    @staticmethod
    def resolve_items(obj):
        return [
            {
                "key": i.key,
                "label": i.label,
                "points": i.points,
                "critical": i.is_critical,
                "section": i.section,
                "seed": i.seed,
            }
            for i in obj.items.all()
        ]


class MonthIn(Schema):
    month: date
    seed: str = Field(..., min_length=1, max_length=60)


class SamplingOut(Schema):
    id: int
    month: date
    seed: str
    per_agent: int
    min_talk_seconds: int
    tasks: int
    shortfalls: dict
    created: bool


class CallIn(Schema):
    call_id: str = Field(..., min_length=1, max_length=64)
    ref: int | None = None
    call_type: str = Field("", max_length=40)
    offered_at: datetime | None = None
    talk_seconds: int | None = Field(None, ge=0)
    order_ref: int | None = None


class SpotIn(Schema):
    call: CallIn
    agent_staff_no: str
    inspector_staff_no: str


class MarkOut(Schema):
    key: str
    awarded: float
    failed: bool
    comment: str


class EvaluationOut(Schema):
    id: int
    call_id: str
    call_ref: int | None
    call_type: str
    source: str
    state: str
    state_label: str
    version: int
    agent_staff_no: str
    inspector_staff_no: str
    scorecard_id: int
    scorecard_version: int
    total: float | None
    critical_failed: bool
    notes: str
    scored_at: datetime | None
    marks: list[MarkOut]

    @staticmethod
    def resolve_agent_staff_no(obj):
        return obj.agent.staff_no

    @staticmethod
    def resolve_inspector_staff_no(obj):
        return obj.inspector.staff_no

    @staticmethod
    def resolve_scorecard_version(obj):
        return obj.scorecard.version

    @staticmethod
    def resolve_total(obj):
        return None if obj.total is None else float(obj.total)

    @staticmethod
    def resolve_marks(obj):
        return [
            {"key": m.item.key, "awarded": float(m.awarded), "failed": m.failed, "comment": m.comment}
            for m in obj.marks.select_related("item")
        ]


class ScoreIn(Schema):
    marks: dict[str, dict]
    notes: str = Field("", max_length=4000)
    version: int | None = Field(None, description="评分的版本号；给出时与当前版本不一致则 409")


class AppealIn(Schema):
    reason: str = Field(..., max_length=4000)
    version: int | None = None


class QualityDecisionIn(Schema):
    decision: str = Field(..., pattern="^(uphold|revise)$")
    decision_note: str = Field(..., max_length=4000)
    marks: dict[str, dict] | None = None
    version: int | None = None


class CalibrationIn(Schema):
    title: str = Field(..., max_length=100)
    call: CallIn
    agent_staff_no: str
    inspector_staff_nos: list[str]


class CalibrationOut(Schema):
    id: int
    title: str
    call_id: str
    inspectors: int
    totals: list[float]
    spread: float | None
    stdev: float | None
    item_agreement_pct: float | None
    disagreeing_items: list[str]
    critical_agreement: bool | None
    pending: list[str]


class ShiftIn(Schema):
    team_id: int
    date: date
    shift_code: str = Field(..., max_length=20)


class ShiftReportOut(Schema):
    id: int
    team_id: int
    shift_date: date
    shift_code: str
    delivered_at: datetime
    read_at: datetime | None
    summary: dict


class ScoreRowOut(Schema):
    agent_staff_no: str
    scored_at: datetime
    score: float


def _me(request) -> Staff:
    staff = getattr(request.user, "staff", None)
    if staff is None:
        raise NotAllowed("当前账号没有员工档案")
    return staff


def _center(request) -> Center:
    return _me(request).center


def _staff(center: Center, staff_no: str, field: str) -> Staff:
    staff = Staff.objects.filter(center=center, staff_no=staff_no).first()
    if staff is None:
        raise RuleViolation(f"工号 {staff_no} 不存在", field=field, rule="not_found")
    return staff


def _evaluation(request, pk: int) -> Evaluation:
    me = _me(request)
    evaluation = get_object_or_404(
        Evaluation.objects.select_related("agent", "inspector", "scorecard"), pk=pk, center=me.center
    )
    if not selectors.may_see(me, evaluation):
        raise NotAllowed("无权查看该评分")
    return evaluation


@op(router.get, "/scorecards", "quality.list_scorecards", response=list[ScorecardOut])
def list_scorecards(request, all_versions: bool = False):
    center = _center(request)
    services.active_scorecard(center)
    qs = Scorecard.objects.filter(center=center).prefetch_related("items")
    return list(qs if all_versions else qs.filter(is_active=True))


@op(router.post, "/scorecards", "quality.publish_scorecard", response={201: ScorecardOut})
def publish_scorecard(request, payload: ScorecardIn):
    card = services.publish_scorecard(
        _center(request),
        code=payload.code,
        name=payload.name,
        items=[i.dict() for i in payload.items],
        actor=_me(request),
    )
    return 201, card


@op(router.post, "/samples", "quality.create_month_tasks", response={201: SamplingOut, 200: SamplingOut})
def create_month_tasks(request, payload: MonthIn):
    run, created = services.create_month_tasks(_center(request), payload.month, seed=payload.seed, actor=_me(request))
    out = {
        "id": run.id,
        "month": run.month,
        "seed": run.seed,
        "per_agent": run.per_agent,
        "min_talk_seconds": run.min_talk_seconds,
        "tasks": run.evaluations.count(),
        "shortfalls": run.shortfalls,
        "created": created,
    }
    return (201 if created else 200), out


@op(router.post, "/evaluations", "quality.assign_spot_check", response={201: EvaluationOut})
def assign_spot_check(request, payload: SpotIn):
    center = _center(request)
    agent = _staff(center, payload.agent_staff_no, "agent_staff_no")
    inspector = _staff(center, payload.inspector_staff_no, "inspector_staff_no")
    return 201, services.assign_spot_check(
        center, call=payload.call.dict(), agent=agent, inspector=inspector, actor=_me(request)
    )


@op(router.get, "/evaluations", "quality.list_evaluations", response=list[EvaluationOut])
def list_evaluations(request, state: str | None = None, agent_staff_no: str | None = None, limit: int = 200):
    qs = selectors.visible_evaluations(_me(request))
    if state:
        qs = qs.filter(state=state)
    if agent_staff_no:
        qs = qs.filter(agent__staff_no=agent_staff_no)
    return list(qs[: max(1, min(limit, 1000))])


@op(router.get, "/evaluations/{pk}", "quality.get_evaluation", response=EvaluationOut)
def get_evaluation(request, pk: int):
    return _evaluation(request, pk)


@op(router.post, "/evaluations/{pk}/score", "quality.score", response=EvaluationOut)
def score(request, pk: int, payload: ScoreIn):
    return services.transition(
        _evaluation(request, pk),
        name="score",
        actor=_me(request),
        marks=payload.marks,
        notes=payload.notes,
        version=payload.version,
    )


@op(router.post, "/evaluations/{pk}/acknowledge", "quality.acknowledge", response=EvaluationOut)
def acknowledge(request, pk: int, version: int | None = None):
    return services.transition(_evaluation(request, pk), name="acknowledge", actor=_me(request), version=version)


@op(router.post, "/evaluations/{pk}/appeal", "quality.appeal", response=EvaluationOut)
def appeal(request, pk: int, payload: AppealIn):
    return services.transition(
        _evaluation(request, pk), name="appeal", actor=_me(request), reason=payload.reason, version=payload.version
    )


@op(router.post, "/evaluations/{pk}/decision", "quality.decide_appeal", response=EvaluationOut)
def decide_appeal(request, pk: int, payload: QualityDecisionIn):
    marks = payload.marks if payload.decision == "revise" else None  # upholding keeps the marks as scored
    return services.transition(
        _evaluation(request, pk),
        name=payload.decision,
        actor=_me(request),
        decision_note=payload.decision_note,
        marks=marks,
        version=payload.version,
    )


def _calibration_out(calibration: Calibration) -> dict:
    report = selectors.calibration_report(calibration)
    a = report["agreement"]
    return {
        "id": calibration.id,
        "title": calibration.title,
        "call_id": calibration.call_id,
        "inspectors": len(report["sheets"]),
        "totals": list(a.totals),
        "spread": a.spread,
        "stdev": a.stdev,
        "item_agreement_pct": report["item_agreement_pct"],
        "disagreeing_items": list(a.disagreeing_items),
        "critical_agreement": a.critical_agreement,
        "pending": report["pending"],
    }


@op(router.post, "/calibrations", "quality.create_calibration", response={201: CalibrationOut})
def create_calibration(request, payload: CalibrationIn):
    center = _center(request)
    calibration = services.create_calibration(
        center,
        title=payload.title,
        call=payload.call.dict(),
        agent=_staff(center, payload.agent_staff_no, "agent_staff_no"),
        inspectors=[_staff(center, no, "inspector_staff_nos") for no in payload.inspector_staff_nos],
        actor=_me(request),
    )
    return 201, _calibration_out(calibration)


@op(router.get, "/calibrations/{pk}", "quality.get_calibration", response=CalibrationOut)
def get_calibration(request, pk: int):
    return _calibration_out(get_object_or_404(Calibration, pk=pk, center=_center(request)))


@op(router.get, "/shift-summary", "quality.shift_summary", response=dict)
def shift_summary(request, team_id: int, date: date, shift_code: str):
    center = _center(request)
    return selectors.shift_summary(center, get_object_or_404(Team, pk=team_id, center=center), date, shift_code)


@op(router.post, "/shift-reports", "quality.deliver_shift_report", response={201: ShiftReportOut})
def deliver_shift_report(request, payload: ShiftIn):
    center = _center(request)
    team = get_object_or_404(Team, pk=payload.team_id, center=center)
    return 201, services.deliver_shift_report(
        center, team=team, shift_date=payload.date, shift_code=payload.shift_code, actor=_me(request)
    )


@op(router.post, "/shift-reports/{pk}/read", "quality.read_shift_report", response=ShiftReportOut)
def read_shift_report(request, pk: int):
    report = get_object_or_404(ShiftReport, pk=pk, center=_center(request))
    return services.mark_report_read(report, _me(request))


@op(router.get, "/monitoring-scores", "quality.monitoring_scores", response=list[ScoreRowOut])
def monitoring_scores(request, start: datetime, end: datetime):
    return selectors.monitoring_scores(_center(request), start, end)
