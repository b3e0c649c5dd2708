"""Workbench API: the phrase check of a reply, a call accepted with the same check, and the order search.
Thin: parse, call services/selectors, shape the answer. Customers' data is masked and every read audited."""

from __future__ import annotations

from datetime import date, datetime

from ninja import Field, File, Form, Router, Schema, Status
from ninja.files import UploadedFile
from pydantic import ConfigDict

from kefu.access import op
from kefu.audit.models import AuditRecord
from kefu.audit.services import record_read, shown_name, shown_phone
from kefu.messages import Msg
from kefu.scope import caller
from kefu.workbench import customers, labels, selectors, services
from kefu.workbench.models import PhraseOverride

router = Router(tags=["受理台与工单查找 workbench"])


class WorkbenchCheckIn(Schema):
    text: str = Field(..., max_length=services.MAX_CHECK_LENGTH)


class WorkbenchHitOut(Schema):
    start: int
    end: int
    phrase: str
    category: str
    category_label: str
    suggestion: str


class WorkbenchCheckOut(Schema):
    ok: bool
    hits: list[WorkbenchHitOut]


def _hits(hits: list[dict]) -> list[dict]:
    return [{**h, "category_label": str(labels.HIT_CATEGORY_NAMES.get(h["category"], h["category"]))} for h in hits]


@op(router.post, "/check", "workbench.check", response=WorkbenchCheckOut)
def check(request, payload: WorkbenchCheckIn):
    """The phrase checker on a reply or note before it is sent: forbidden and discouraged phrases with the
    professional wording to use instead (the same check as the workbench page)."""
    scope = caller(request)
    hits = services.check(scope.center, payload.text, scope.staff)
    return {"ok": not hits, "hits": _hits(hits)}


class WorkbenchCallIn(Schema):
    model_config = ConfigDict(extra="forbid")
    kind: str = Field(..., max_length=20)
    phone: str = Field(..., max_length=30)
    subject: str = Field(..., max_length=100)
    description: str = Field(..., max_length=4000)
    customer_name: str | None = Field(None, max_length=50)
    category: str | None = Field(None, max_length=20)
    level: int | None = None
    expected_result: str | None = Field(None, max_length=500)
    reply: str = Field("", max_length=services.MAX_CHECK_LENGTH)
    satisfaction: str = Field("", max_length=20)
    acknowledged: str | None = Field(None, max_length=4000)


class WorkbenchCallOut(Schema):
    id: int
    number: str
    state: str
    version: int
    phrase_hits_saved: int


class WorkbenchFieldHitsOut(Schema):
    field: str
    hits: list[WorkbenchHitOut]


class WorkbenchPhraseWarningOut(Schema):
    detail: list[dict]
    fields: list[WorkbenchFieldHitsOut]
    acknowledged: str  # send back as `acknowledged` to save as it is (recorded for QA)


@op(router.post, "/calls", "workbench.accept", response={201: WorkbenchCallOut, 409: WorkbenchPhraseWarningOut})
def accept(request, payload: WorkbenchCallIn):
    """Accept an order and optionally answer it at once, after the phrase check of the description and the reply:
    with hits, 409 lists them and the token that saves them anyway (the saved hits are kept for QA)."""
    scope = caller(request)
    data = payload.dict(exclude_none=True)
    reply, satisfaction, acknowledged = (
        data.pop("reply", ""),
        data.pop("satisfaction", ""),
        data.pop("acknowledged", None),
    )
    try:
        order = services.accept_call(
            scope, data, reply=reply, satisfaction=satisfaction, acknowledged=acknowledged, channel="api"
        )
    except services.PhraseWarning as exc:
        return Status(
            409,
            {
                "detail": [p.as_dict() for p in exc.problems],
                "fields": [{"field": k, "hits": _hits(v)} for k, v in exc.found.items()],
                "acknowledged": exc.token,
            },
        )
    saved = PhraseOverride.objects.filter(order=order).count()
    return Status(
        201,
        {
            "id": order.pk,
            "number": order.number,
            "state": order.state,
            "version": order.version,
            "phrase_hits_saved": saved,
        },
    )


class WorkbenchOrderRowOut(Schema):
    id: int
    number: str
    kind: str
    kind_label: str
    state: str
    state_label: str
    level: int
    subject: str
    customer_phone: str
    customer_name: str
    department: str | None
    is_overdue: bool
    accepted_at: datetime


class WorkbenchSearchOut(Schema):
    total: int
    estimated: bool = False  # total (and pages) estimated: a words search with very many matches
    page: int
    pages: int
    results: list[WorkbenchOrderRowOut]


@op(router.get, "/orders", "workbench.search", response=WorkbenchSearchOut)
def search(
    request,
    q: str = "",
    kind: str = "",
    state: str = "",
    level: str = "",
    department: str = "",
    overdue: str = "",
    date_from: str = "",
    date_to: str = "",
    owner: str = "",
    page: str = "",
):
    """Orders of the caller's center (their department for department handlers) by number, phone (keyed digest)
    or words in subject and description, with filters; 20 a page, every page reachable. Phones and names masked."""
    scope = caller(request)
    f = selectors.parse_filters(
        {
            "q": q,
            "kind": kind,
            "state": state,
            "level": level,
            "department": department,
            "overdue": overdue,
            "date_from": date_from,
            "date_to": date_to,
            "owner": owner,
            "page": page,
        }
    )
    found = selectors.search_orders(scope, f)
    if found.rows:
        record_read(
            request,
            object_type="tickets.order",
            ids=[o.pk for o in found.rows],
            fields="customer.phone,customer.name(masked)",
            channel=AuditRecord.Channel.API,
            note="查找工单",
        )
    return {
        "total": found.total,
        "estimated": found.estimated,
        "page": found.page,
        "pages": found.pages,
        "results": [
            {
                "id": o.pk,
                "number": o.number,
                "kind": o.kind,
                "kind_label": str(labels.KIND_NAMES.get(o.kind, o.kind)),
                "state": o.state,
                "state_label": str(labels.STATE_NAMES.get(o.state, o.state)),
                "level": o.level,
                "subject": o.subject,
                "customer_phone": shown_phone(o.customer.phone, False),
                "customer_name": shown_name(o.customer.name, False),
                "department": o.department.name if o.department_id else None,
                "is_overdue": o.is_overdue,
                "accepted_at": o.accepted_at,
            }
            for o in found.rows
        ],
    }


class WorkbenchOverrideOut(Schema):
    id: int
    at: datetime
    staff_no: str
    order_number: str | None
    field: str
    channel: str
    text: str
    hits: list[dict]


@op(router.get, "/overrides", "workbench.overrides", response=list[WorkbenchOverrideOut])
def overrides(request, since: date | None = None, offset: int = 0, limit: int = 100):
    """For QA: texts saved although the phrase check flagged them, newest first (offset/limit pages)."""
    from kefu.errors import RuleViolation

    if not 1 <= limit <= 500 or offset < 0:
        raise RuleViolation("limit 应在 1 到 500 之间，offset 不能为负", field="limit", rule="range")
    scope = caller(request)
    qs = scope.filter(PhraseOverride.objects.all()).select_related("staff", "order")
    if since:
        qs = qs.filter(at__date__gte=since)
    return [
        {
            "id": r.pk,
            "at": r.at,
            "staff_no": r.staff.staff_no,
            "order_number": r.order.number if r.order_id else None,
            "field": r.field,
            "channel": r.channel,
            "text": r.text,
            "hits": r.hits,
        }
        for r in qs[offset : offset + limit]
    ]


# ---------------------------------------------------------------- working together on an order


class WorkbenchPersonOut(Schema):
    staff_no: str
    name: str


class WorkbenchCommentIn(Schema):
    text: str = Field(..., max_length=20000)


class WorkbenchCommentOut(Schema):
    id: int
    at: datetime
    author: WorkbenchPersonOut
    text: str
    mentioned: list[WorkbenchPersonOut]


def _person(staff) -> dict:
    return {"staff_no": staff.staff_no, "name": staff.name}


def _comment(c) -> dict:
    return {
        "id": c.pk,
        "at": c.at,
        "author": _person(c.author),
        "text": c.text,
        "mentioned": [_person(s) for s in c.mentioned.all()],
    }


@op(router.get, "/orders/{order_id}/comments", "workbench.comments", response=list[WorkbenchCommentOut])
def comments(request, order_id: int):
    """The order's internal comments (staff only; never shown to the customer), oldest first."""
    scope = caller(request)
    order = services.scoped_order(scope, order_id)
    record_read(
        request,
        object_type="tickets.order",
        ids=[order.pk],
        fields="comments",
        channel=AuditRecord.Channel.API,
        note="工单内部备注",
    )
    return [_comment(c) for c in selectors.comments(order)]


@op(router.post, "/orders/{order_id}/comments", "workbench.comment", response={201: WorkbenchCommentOut})
def add_comment(request, order_id: int, payload: WorkbenchCommentIn):
    """Add an internal comment; staff named with @工号 or @姓名 are notified."""
    comment = services.add_comment(caller(request), order_id, payload.text)
    return Status(201, _comment(comment))


class WorkbenchAttachmentOut(Schema):
    id: int
    at: datetime
    kind: str
    name: str
    content_type: str
    size: int
    note: str
    is_audio: bool
    added_by: WorkbenchPersonOut
    content_url: str


def _attachment(a) -> dict:
    return {
        "id": a.pk,
        "at": a.at,
        "kind": a.kind,
        "name": a.name,
        "content_type": a.content_type,
        "size": a.size,
        "note": a.note,
        "is_audio": a.is_audio,
        "added_by": _person(a.added_by),
        "content_url": f"/api/workbench/attachments/{a.pk}/content",
    }


@op(router.get, "/orders/{order_id}/attachments", "workbench.attachments", response=list[WorkbenchAttachmentOut])
def attachments(request, order_id: int):
    """The order's attachments and recordings (without their content: fetch `content_url`, which is audited)."""
    scope = caller(request)
    return [_attachment(a) for a in selectors.attachments(services.scoped_order(scope, order_id))]


@op(router.post, "/orders/{order_id}/attachments", "workbench.attach", response={201: WorkbenchAttachmentOut})
def attach(request, order_id: int, file: UploadedFile = File(...), note: str = Form("")):
    """Upload a file or a call recording to the order, within the center's size and type limits (policy)."""
    from kefu.org.policy import policy_for

    scope = caller(request)
    limit = policy_for("workbench", scope.center)["attachment_max_mb"] * 1024 * 1024
    data = file.read() if file.size <= limit else b""  # too large: refused by its size, never read
    found = services.attach_file(
        scope, order_id, file.name or "", file.content_type or "", data, size=file.size, note=note
    )
    return Status(201, _attachment(found))


class WorkbenchRecordingIn(Schema):
    url: str = Field(..., max_length=2000)
    note: str = Field("", max_length=2000)


@op(router.post, "/orders/{order_id}/recordings", "workbench.link", response={201: WorkbenchAttachmentOut})
def link(request, order_id: int, payload: WorkbenchRecordingIn):
    """Link a call recording on the center's recording server (a host the policy lists)."""
    found = services.link_recording(caller(request), order_id, payload.url, note=payload.note)
    return Status(201, _attachment(found))


@op(router.get, "/attachments/{attachment_id}/content", "workbench.attachment")
def attachment_content(request, attachment_id: int):
    """The attachment's content (a linked recording: a redirect to it). Every fetch leaves an audit record."""
    from kefu.workbench.views import attachment_response

    return attachment_response(request, selectors.attachment(caller(request), attachment_id))


# ---------------------------------------------------------------- the customer page


class CustomerOrderOut(Schema):
    id: int
    number: str
    kind_label: str
    state_label: str
    subject: str
    accepted_at: datetime
    is_overdue: bool


class CustomerCallOut(Schema):
    offered_at: datetime
    outcome_label: str
    agent_staff_no: str
    talk_seconds: float


class CustomerTaskOut(Schema):
    kind_label: str
    state_label: str
    due_at: datetime
    owner_staff_no: str
    order_number: str | None
    result: str


class CustomerSurveyOut(Schema):
    order_number: str
    sent_at: datetime
    answered_at: datetime | None
    answer_label: str
    comment: str


class CustomerHistoryOut(Schema):
    id: int
    phone: str
    name: str
    kind_label: str
    is_vip: bool
    order_count: int
    orders: list[CustomerOrderOut]
    call_days: int
    calls: list[CustomerCallOut]
    tasks: list[CustomerTaskOut]
    surveys: list[CustomerSurveyOut]


@op(router.get, "/customers/{customer_id}", "workbench.customer", response=CustomerHistoryOut)
def customer_history(request, customer_id: int):
    """The customer's history, newest first (at most 50 of each kind; calls of the policy's last days). Masked."""
    found = customers.history(caller(request), customer_id)
    c = found.customer
    record_read(
        request,
        object_type="customers.customer",
        ids=[c.pk],
        fields="phone(masked),name(masked),orders,calls,callbacks,surveys",
        channel=AuditRecord.Channel.API,
        note="客户历史",
    )
    return {
        "id": c.pk,
        "phone": shown_phone(c.phone, False),
        "name": shown_name(c.name, False),
        "kind_label": str(labels.CUSTOMER_KIND_NAMES.get(c.kind, c.kind)),
        "is_vip": c.is_vip,
        "order_count": found.order_count,
        "call_days": found.call_days,
        "orders": [
            {
                "id": o.pk,
                "number": o.number,
                "kind_label": str(labels.KIND_NAMES.get(o.kind, o.kind)),
                "state_label": str(labels.STATE_NAMES.get(o.state, o.state)),
                "subject": o.subject,
                "accepted_at": o.accepted_at,
                "is_overdue": o.is_overdue,
            }
            for o in found.orders
        ],
        "calls": [
            {
                "offered_at": k.offered_at,
                "outcome_label": str(labels.CALL_OUTCOME_NAMES.get(k.outcome, k.outcome)),
                "agent_staff_no": k.agent_staff_no,
                "talk_seconds": k.talk_seconds,
            }
            for k in found.calls
        ],
        "tasks": [
            {
                "kind_label": str(labels.TASK_KIND_NAMES.get(t.kind, t.kind)),
                "state_label": str(Msg(f"followup.task.state.{t.state}")),
                "due_at": t.due_at,
                "owner_staff_no": t.owner.staff_no,
                "order_number": t.order.number if t.order_id else None,
                "result": t.result,
            }
            for t in found.tasks
        ],
        "surveys": [
            {
                "order_number": s.order.number,
                "sent_at": s.sent_at,
                "answered_at": s.answered_at,
                "answer_label": str(labels.SATISFACTION_NAMES.get(s.answer, "")),
                "comment": s.comment,
            }
            for s in found.surveys
        ],
    }
