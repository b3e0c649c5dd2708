"""Workbench API: the phrase check of a reply, a call accepted with the same check, and the order search.
Thin: parse, call services/selectors, shape the answer. Customers' data is masked and every read audited."""
from __future__ import annotations

from datetime import date, datetime

from ninja import Field, Router, Schema, Status
from pydantic import ConfigDict

from kefu.access import op
from kefu.audit.models import AuditRecord
from kefu.audit.services import record_read, shown_name, shown_phone
from kefu.scope import caller
from kefu.workbench import labels, selectors, services
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
    hits = services.check(scope.center, payload.text)
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
    reply, satisfaction, acknowledged = data.pop("reply", ""), data.pop("satisfaction", ""), data.pop("acknowledged", None)
    try:
        order = services.accept_call(scope, data, reply=reply, satisfaction=satisfaction, acknowledged=acknowledged,
                                     channel="api")
    except services.PhraseWarning as exc:
        return Status(409, {"detail": [p.as_dict() for p in exc.problems],
                            "fields": [{"field": k, "hits": _hits(v)} for k, v in exc.found.items()],
                            "acknowledged": exc.token})
    saved = PhraseOverride.objects.filter(order=order).count()
    return Status(201, {"id": order.pk, "number": order.number, "state": order.state, "version": order.version,
                        "phrase_hits_saved": saved})


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
    page: int
    pages: int
    results: list[WorkbenchOrderRowOut]


@op(router.get, "/orders", "workbench.search", response=WorkbenchSearchOut)
def search(request, q: str = "", kind: str = "", state: str = "", level: str = "", department: str = "",
           overdue: str = "", date_from: str = "", date_to: str = "", owner: str = "", page: str = ""):
    """Orders of the caller's center (their department for department handlers) by number, phone (keyed digest)
    or words in subject and description, with filters; 20 a page, every page reachable. Phones and names masked."""
    scope = caller(request)
    f = selectors.parse_filters({"q": q, "kind": kind, "state": state, "level": level, "department": department,
                                 "overdue": overdue, "date_from": date_from, "date_to": date_to, "owner": owner,
                                 "page": page})
    found = selectors.search_orders(scope, f)
    if found.rows:
        record_read(request, "tickets.order", [o.pk for o in found.rows], fields="customer.phone,customer.name(masked)",
                    channel=AuditRecord.Channel.API, note="查找工单")
    return {"total": found.total, "page": found.page, "pages": found.pages, "results": [{
        "id": o.pk, "number": o.number, "kind": o.kind, "kind_label": str(labels.KIND_NAMES.get(o.kind, o.kind)),
        "state": o.state, "state_label": str(labels.STATE_NAMES.get(o.state, o.state)), "level": o.level,
        "subject": o.subject, "customer_phone": shown_phone(o.customer.phone, False),
        "customer_name": shown_name(o.customer.name, False), "department": o.department.name if o.department_id else None,
        "is_overdue": o.is_overdue, "accepted_at": o.accepted_at} for o in found.rows]}


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
    return [{"id": r.pk, "at": r.at, "staff_no": r.staff.staff_no, "order_number": r.order.number if r.order_id else None,
             "field": r.field, "channel": r.channel, "text": r.text, "hits": r.hits} for r in qs[offset:offset + limit]]
