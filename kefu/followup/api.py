"""回访与回呼 API: thin — parse, call services/selectors, present."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.utils import timezone
from ninja import File, Router, Schema, Status
from ninja.files import UploadedFile

from kefu.access import op
from kefu.audit.models import AuditRecord
from kefu.errors import RuleViolation
from kefu.followup import campaign_views as cv
from kefu.followup import campaigns, chasing, present, selectors, services
from kefu.followup.models import Task
from kefu.messages import Msg
from kefu.scope import caller

router = Router(tags=["回访与回呼 followup"])


class FollowupTaskOut(Schema):
    id: int
    version: int
    kind: str
    kind_label: str
    state: str
    state_label: str
    reason: str
    due_at: datetime
    overdue: bool
    owner_no: str
    customer_id: int | None
    customer_phone: str
    customer_name: str
    order_id: int | None
    order_number: str
    attempt_count: int
    reached_at: datetime | None
    closed_at: datetime | None
    closure_label: str
    result: str
    satisfaction_label: str
    source_label: str


class FollowupAttemptOut(Schema):
    at: datetime
    staff_no: str
    outcome: str
    outcome_label: str
    note: str


class FollowupTaskDetailOut(FollowupTaskOut):
    attempts: list[FollowupAttemptOut]
    actions: list[str]


class FollowupCreateIn(Schema):
    kind: str = ""
    reason: str = ""
    phone: str = ""
    order: str = ""
    due_at: str | None = None
    base_day: str | None = None
    owner: str = ""


class FollowupFireIn(Schema):
    name: str = ""
    version: int | None = None
    outcome: str | None = None
    note: str | None = None
    result: str | None = None
    satisfaction: str | None = None
    closure: str | None = None
    owner: str | None = None


class FollowupRateOut(Schema):
    numerator: int
    denominator: int
    percent: float | None


class FollowupAgentFiguresOut(Schema):
    staff_no: str
    timeliness: FollowupRateOut
    coverage: FollowupRateOut
    visit_satisfied: FollowupRateOut
    survey_satisfied: FollowupRateOut
    satisfied: FollowupRateOut


class FollowupFiguresOut(Schema):
    start: date
    end: date
    timeliness: FollowupRateOut
    coverage: FollowupRateOut
    satisfied: FollowupRateOut
    survey_satisfied: FollowupRateOut
    all_satisfied: FollowupRateOut
    open_overdue: int
    coverage_target: float
    agents: list[FollowupAgentFiguresOut]


def _rate(r) -> dict:
    return {"numerator": r.numerator, "denominator": r.denominator, "percent": r.percent}


def _detail(request, scope, task: Task, unmasked: bool) -> dict:
    present.audit(request, [task], unmasked, "回访任务", AuditRecord.Channel.API)
    return {
        **present.task_dict(task, unmasked, timezone.now()),
        "attempts": present.attempts(task),
        "actions": present.actions(scope, task),
    }


@op(router.get, "/tasks", "followup.queue", response=list[FollowupTaskOut])
def queue(request, everyone: bool = False, unmask: bool = False):
    scope = caller(request)
    tasks = list(selectors.queue(scope, everyone=everyone)[:500])
    unmasked = present.wants_unmask(request, unmask)
    present.audit(request, tasks, unmasked, "回访队列", AuditRecord.Channel.API)
    now = timezone.now()
    return [present.task_dict(t, unmasked, now) for t in tasks]


@op(router.get, "/tasks/{task_id}", "followup.get", response=FollowupTaskDetailOut)
def get(request, task_id: int, unmask: bool = False):
    scope = caller(request)
    task = scope.get(
        Task.objects.select_related("owner", "customer", "order"), str(Msg("followup.what.task")), pk=task_id
    )
    return _detail(request, scope, task, present.wants_unmask(request, unmask))


@op(router.post, "/tasks", "followup.create", response={201: FollowupTaskDetailOut})
def create(request, payload: FollowupCreateIn):
    scope = caller(request)
    task = services.create_task(scope, data=payload.dict())
    return Status(201, _detail(request, scope, task, False))


@op(router.post, "/tasks/{task_id}/fire", "followup.fire", response=FollowupTaskDetailOut)
def fire(request, task_id: int, payload: FollowupFireIn):
    scope = caller(request)
    data = {k: v for k, v in payload.dict().items() if v is not None and k not in ("name", "version")}
    task = services.fire(scope, task_id, name=payload.name, version=payload.version, **data)
    task = Task.objects.select_related("owner", "customer", "order").get(pk=task.pk)
    return _detail(request, scope, task, False)


@op(router.get, "/figures", "followup.figures", response=FollowupFiguresOut)
def figures(request, start: date | None = None, end: date | None = None):
    scope = caller(request)
    today = timezone.localdate()
    start = start or today.replace(day=1)
    end = end or today + timedelta(days=1)
    if end <= start:
        raise RuleViolation.of("followup.period.invalid", field="end", start=start, end=end)
    aware = lambda d: timezone.make_aware(datetime.combine(d, time.min))  # noqa: E731
    f = selectors.figures(scope, aware(start), aware(end), timezone.now())
    agents = [
        {
            "staff_no": no,
            **{
                k: _rate(getattr(v, k))
                for k in ("timeliness", "coverage", "visit_satisfied", "survey_satisfied", "satisfied")
            },
        }
        for no, v in f.agents
    ]
    return {
        "start": start,
        "end": end,
        "timeliness": _rate(f.timeliness),
        "coverage": _rate(f.coverage),
        "satisfied": _rate(f.satisfied),
        "survey_satisfied": _rate(f.survey_satisfied),
        "all_satisfied": _rate(f.all_satisfied),
        "open_overdue": f.open_overdue,
        "coverage_target": f.target,
        "agents": agents,
    }


class FollowupChaseIn(Schema):
    kind: str = ""
    note: str = ""
    on_customer_request: bool = False


class FollowupChaseOut(Schema):
    id: int
    order_id: int
    department: str
    kind: str
    kind_label: str
    on_customer_request: bool
    by_no: str
    at: datetime
    note: str


class FollowupDepartmentChasesOut(Schema):
    department_id: int | None
    department: str
    chase: int
    auto: int
    supervise: int
    total: int


@op(router.post, "/orders/{order_id}/chases", "followup.chase", response={201: FollowupChaseOut})
def chase(request, order_id: int, payload: FollowupChaseIn):
    row = chasing.chase(caller(request), order_id, **payload.dict())
    return Status(
        201,
        {
            "id": row.pk,
            "order_id": row.order_id,
            "department": row.department.name if row.department else "",
            "kind": row.kind,
            "kind_label": str(Msg(f"followup.chase.kind.{row.kind}")),
            "on_customer_request": row.on_customer_request,
            "by_no": row.by.staff_no if row.by else "",
            "at": row.at,
            "note": row.note,
        },
    )


@op(router.get, "/chases/departments", "followup.chase_departments", response=list[FollowupDepartmentChasesOut])
def chase_departments(request, start: date | None = None, end: date | None = None):
    scope = caller(request)
    today = timezone.localdate()
    start = start or today.replace(day=1)
    end = end or today + timedelta(days=1)
    if end <= start:
        raise RuleViolation.of("followup.period.invalid", field="end", start=start, end=end)
    aware = lambda d: timezone.make_aware(datetime.combine(d, time.min))  # noqa: E731
    return chasing.by_department(scope, aware(start), aware(end))


# ---------------------------------------------------------------- outbound campaigns


class FollowupQuestionIn(Schema):
    key: str = ""
    text: str = ""
    scale: list[str] = []


class FollowupQuestionOut(Schema):
    key: str
    text: str
    scale: list[str]


class FollowupProgressOut(Schema):
    total: int
    called: int
    reached: int
    completed: int
    refused: int
    closed: int


class FollowupCampaignIn(Schema):
    name: str = ""
    purpose: str = ""
    questionnaire: list[FollowupQuestionIn] = []
    offer_text: str = ""
    offer_roles: list[str] = []


class FollowupCampaignOut(Schema):
    id: int
    name: str
    purpose: str
    state: str
    state_label: str
    questionnaire: list[FollowupQuestionOut]
    offer_text: str | None  # only to the agents authorised for it
    progress: FollowupProgressOut


class FollowupSelectionIn(Schema):
    kind: str = ""
    vip_only: bool = False
    order_kind: str = ""
    since: str = ""
    customer_ids: list[int] = []


class FollowupAddedOut(Schema):
    added: int
    already: int
    rows: int
    repeated_file: bool
    opted_out: int = 0


class FollowupGrantIn(Schema):
    staff_no: str = ""
    granted: bool = True


class FollowupCallAttemptOut(Schema):
    at: datetime
    staff_no: str
    outcome: str
    outcome_label: str
    note: str


class FollowupCallOut(Schema):
    id: int
    version: int
    campaign_id: int
    state: str
    state_label: str
    customer_id: int
    customer_phone: str
    customer_name: str
    holder_no: str
    attempt_count: int
    reached_at: datetime | None
    closed_at: datetime | None
    closure_label: str
    answers: dict
    result: str
    offer_text: str | None
    offer_accepted: bool | None
    attempts: list[FollowupCallAttemptOut]
    actions: list[str]


class FollowupCallFireIn(Schema):
    name: str = ""
    version: int | None = None
    outcome: str | None = None
    note: str | None = None
    answers: dict | None = None
    offer: str | None = None
    closure: str | None = None


class FollowupReportRowOut(Schema):
    start: date
    called: int
    attempts: int
    reached: int
    completed: int
    refused: int


def _campaign_out(scope, c) -> dict:
    return {**cv.campaign_dict(scope, c), "progress": vars(campaigns.progress(c))}


@op(router.get, "/campaigns", "followup.campaigns", response=list[FollowupCampaignOut])
def campaign_list(request):
    scope = caller(request)
    return [_campaign_out(scope, c) for c in scope.filter(campaigns.Campaign.objects.all())[:200]]


@op(router.post, "/campaigns", "followup.campaign_create", response={201: FollowupCampaignOut})
def campaign_create(request, payload: FollowupCampaignIn):
    scope = caller(request)
    c = campaigns.create(scope, payload.dict())
    return Status(201, _campaign_out(scope, c))


@op(router.get, "/campaigns/{campaign_id}", "followup.campaign_get", response=FollowupCampaignOut)
def campaign_get(request, campaign_id: int):
    scope = caller(request)
    return _campaign_out(scope, campaigns.get(scope, campaign_id))


@op(router.post, "/campaigns/{campaign_id}/select", "followup.campaign_select", response=FollowupAddedOut)
def campaign_select(request, campaign_id: int, payload: FollowupSelectionIn):
    return vars(campaigns.add_selection(caller(request), campaign_id, payload.dict()))


@op(router.post, "/campaigns/{campaign_id}/upload", "followup.campaign_upload", response=FollowupAddedOut)
def campaign_upload(request, campaign_id: int, file: File[UploadedFile]):
    return vars(
        campaigns.upload(caller(request), campaign_id, file.name or "", file.read(campaigns.UPLOAD_MAX_BYTES + 1))
    )


@op(router.post, "/campaigns/{campaign_id}/grants", "followup.campaign_grant", response=FollowupCampaignOut)
def campaign_grant(request, campaign_id: int, payload: FollowupGrantIn):
    scope = caller(request)
    return _campaign_out(scope, campaigns.grant_offer(scope, campaign_id, payload.staff_no, payload.granted))


@op(router.post, "/campaigns/{campaign_id}/end", "followup.campaign_end", response=FollowupCampaignOut)
def campaign_end(request, campaign_id: int):
    scope = caller(request)
    return _campaign_out(scope, campaigns.end(scope, campaign_id))


@op(router.get, "/campaigns/{campaign_id}/calls", "followup.campaign_calls", response=list[FollowupCallOut])
def campaign_calls(request, campaign_id: int, unmask: bool = False):
    scope = caller(request)
    campaign = campaigns.get(scope, campaign_id)
    targets = list(campaign.targets.select_related("customer", "holder", "campaign")[:1000])
    unmasked = present.wants_unmask(request, unmask)
    cv.audit(request, targets, unmasked, f"外呼名单 {campaign.name}", AuditRecord.Channel.API)
    return [cv.call_dict(scope, t, unmasked, full=True) for t in targets]


@op(router.post, "/campaigns/{campaign_id}/next", "followup.campaign_next", response={200: FollowupCallOut, 204: None})
def campaign_next(request, campaign_id: int):
    scope = caller(request)
    target = campaigns.take_next(scope, campaign_id)
    if target is None:
        return Status(204, None)
    cv.audit(request, [target], False, "外呼：领取下一位客户", AuditRecord.Channel.API)
    return cv.call_dict(scope, target, False, full=True)


class FollowupReleaseIn(Schema):
    reason: str = ""


@op(
    router.post,
    "/campaigns/{campaign_id}/calls/{call_id}/release",
    "followup.campaign_release",
    response=FollowupCallOut,
)
def campaign_release(request, campaign_id: int, call_id: int, payload: FollowupReleaseIn):
    """A customer an agent still holds goes back to the list: the campaign's owner, with a reason (audited)."""
    scope = caller(request)
    target = campaigns.release(scope, campaign_id, call_id, reason=payload.reason)
    target = campaigns.get_target(scope, target.pk)
    cv.audit(request, [target], False, "释放外呼客户", channel=AuditRecord.Channel.API)
    return cv.call_dict(scope, target, False, full=True)


@op(router.get, "/calls/{call_id}", "followup.call_get", response=FollowupCallOut)
def call_get(request, call_id: int, unmask: bool = False):
    scope = caller(request)
    target = campaigns.get_target(scope, call_id)
    unmasked = present.wants_unmask(request, unmask)
    cv.audit(request, [target], unmasked, "外呼名单客户", AuditRecord.Channel.API)
    return cv.call_dict(scope, target, unmasked, full=True)


@op(router.post, "/calls/{call_id}/fire", "followup.call_fire", response=FollowupCallOut)
def call_fire(request, call_id: int, payload: FollowupCallFireIn):
    scope = caller(request)
    data = {k: v for k, v in payload.dict().items() if v is not None and k not in ("name", "version")}
    campaigns.fire(scope, call_id, payload.name, version=payload.version, **data)
    return cv.call_dict(scope, campaigns.get_target(scope, call_id), False, full=True)


@op(router.get, "/campaigns/{campaign_id}/report", "followup.campaign_report", response=list[FollowupReportRowOut])
def campaign_report(
    request, campaign_id: int, start: date | None = None, end: date | None = None, period: str = "week"
):
    scope = caller(request)
    campaign = campaigns.get(scope, campaign_id)
    first, last = cv.report_span(campaign, start, end)
    return [vars(r) for r in campaigns.report(campaign, first, last, period)]


class FollowupIvrImportOut(Schema):
    rows: int
    added: int
    unchanged: int
    dissatisfied: int
    redispatched: int


@op(router.post, "/surveys/ivr", "followup.ivr_import", response=FollowupIvrImportOut)
def ivr_import(request, file: File[UploadedFile]):
    """IVR satisfaction results (call id or order number, time, key): matched to orders, all or nothing."""
    from kefu.followup import surveys

    return vars(surveys.import_ivr(caller(request), file.name or "", file.read(campaigns.UPLOAD_MAX_BYTES + 1)))


# ---------------------------------------------------------------- a customer's refusal of follow-up contact


class FollowupOptOutIn(Schema):
    phone: str = ""
    customer_id: int | None = None
    note: str = ""


class FollowupOptOutWithdrawIn(Schema):
    reason: str = ""


class FollowupOptOutOut(Schema):
    id: int
    customer_id: int
    customer_phone: str
    channel: str
    channel_label: str
    at: datetime
    by_no: str
    note: str
    withdrawn_at: datetime | None
    withdrawn_by_no: str
    withdraw_reason: str


def _optout_out(o, unmasked: bool = False) -> dict:
    from kefu.audit.services import shown_phone
    from kefu.messages import render

    return {
        "id": o.pk,
        "customer_id": o.customer_id,
        "customer_phone": shown_phone(o.customer.phone, unmasked),
        "channel": o.channel,
        "channel_label": render(f"followup.optout.channel.{o.channel}"),
        "at": o.at,
        "by_no": o.by.staff_no if o.by_id else "",
        "note": o.note,
        "withdrawn_at": o.withdrawn_at,
        "withdrawn_by_no": o.withdrawn_by.staff_no if o.withdrawn_by_id else "",
        "withdraw_reason": o.withdraw_reason,
    }


def _optout_read(request, rows) -> None:
    from kefu.audit.services import record_read

    if rows:
        record_read(
            request,
            object_type="customers.customer",
            ids=[o.customer_id for o in rows],
            fields="phone(masked)",
            channel=AuditRecord.Channel.API,
            note="拒绝回访登记",
        )


def _optout_out_one(request, scope, row) -> dict:
    from kefu.followup.models import OptOut

    row = scope.get(
        OptOut.objects.select_related("customer", "by", "withdrawn_by"), str(Msg("followup.what.optout")), pk=row.pk
    )
    _optout_read(request, [row])
    return _optout_out(row)


@op(router.get, "/optouts", "followup.optouts", response=list[FollowupOptOutOut])
def optouts(request, include_withdrawn: bool = False):
    """The center's refusals of follow-up contact (standing ones; with include_withdrawn, all), phones masked."""
    from kefu.followup import optout

    rows = optout.listing(caller(request), include_withdrawn=include_withdrawn)
    _optout_read(request, rows)
    return [_optout_out(o) for o in rows]


@op(router.post, "/optouts", "followup.optout_record", response={201: FollowupOptOutOut})
def optout_record(request, payload: FollowupOptOutIn):
    """The caller told the agent they want no more follow-up contact (by phone or customer id)."""
    from kefu.followup import optout

    scope = caller(request)
    row = optout.record_by_agent(scope, phone=payload.phone, customer_id=payload.customer_id, note=payload.note)
    return Status(201, _optout_out_one(request, scope, row))


@op(router.post, "/optouts/{optout_id}/withdraw", "followup.optout_withdraw", response=FollowupOptOutOut)
def optout_withdraw(request, optout_id: int, payload: FollowupOptOutWithdrawIn):
    """The customer agreed to be contacted again: the refusal ends, with the reason (audited)."""
    from kefu.followup import optout

    scope = caller(request)
    row = optout.withdraw(scope, optout_id, reason=payload.reason)
    return _optout_out_one(request, scope, row)
