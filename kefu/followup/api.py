"""回访与回呼 API: thin — parse, call services/selectors, present."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.utils import timezone
from ninja import Router, Schema, Status

from kefu.access import op
from kefu.audit.models import AuditRecord
from kefu.errors import RuleViolation
from kefu.followup import chasing, present, selectors, services
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


class FollowupFiguresOut(Schema):
    start: date
    end: date
    timeliness: FollowupRateOut
    coverage: FollowupRateOut
    satisfied: FollowupRateOut
    open_overdue: int
    coverage_target: float


def _rate(r) -> dict:
    return {"numerator": r.numerator, "denominator": r.denominator, "percent": r.percent}


def _detail(request, scope, task: Task, unmasked: bool) -> dict:
    present.audit(request, [task], unmasked, "回访任务", AuditRecord.Channel.API)
    return {**present.task_dict(task, unmasked, timezone.now()), "attempts": present.attempts(task),
            "actions": present.actions(scope, task)}


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
    task = scope.get(Task.objects.select_related("owner", "customer", "order"), str(Msg("followup.what.task")),
                     pk=task_id)
    return _detail(request, scope, task, present.wants_unmask(request, unmask))


@op(router.post, "/tasks", "followup.create", response={201: FollowupTaskDetailOut})
def create(request, payload: FollowupCreateIn):
    scope = caller(request)
    task = services.create_task(scope, payload.dict())
    return Status(201, _detail(request, scope, task, False))


@op(router.post, "/tasks/{task_id}/fire", "followup.fire", response=FollowupTaskDetailOut)
def fire(request, task_id: int, payload: FollowupFireIn):
    scope = caller(request)
    data = {k: v for k, v in payload.dict().items() if v is not None and k not in ("name", "version")}
    task = services.fire(scope, task_id, payload.name, version=payload.version, **data)
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
    return {"start": start, "end": end, "timeliness": _rate(f.timeliness), "coverage": _rate(f.coverage),
            "satisfied": _rate(f.satisfied), "open_overdue": f.open_overdue, "coverage_target": f.target}


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
    return Status(201, {"id": row.pk, "order_id": row.order_id, "department": row.department.name if row.department else "",
                        "kind": row.kind, "kind_label": str(Msg(f"followup.chase.kind.{row.kind}")),
                        "on_customer_request": row.on_customer_request, "by_no": row.by.staff_no if row.by else "",
                        "at": row.at, "note": row.note})


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
