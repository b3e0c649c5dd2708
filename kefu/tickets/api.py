"""Work-order API. Thin: parse, call services/selectors, shape the answer. Customer data is masked and audited."""

from __future__ import annotations

import json
from datetime import datetime
from decimal import Decimal

from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from ninja import Field, Router, Schema, Status
from pydantic import ConfigDict

from kefu.access import op
from kefu.audit.models import AuditRecord
from kefu.audit.services import record, record_read, shown_name, shown_phone
from kefu.customers.phones import normalize_phone
from kefu.errors import RuleViolation
from kefu.messages import Msg
from kefu.scope import caller
from kefu.tickets import history, machine, selectors, services
from kefu.tickets.models import Compensation, Order
from kefu.web.inputs import clean_data
from kefu.workcal.api import DeadlineWarningOut
from kefu.workcal.messages import warnings_out

router = Router(tags=["工单 tickets"])


class OrderIn(Schema):
    kind: str = Field(..., max_length=20)
    phone: str = Field(..., max_length=30)
    subject: str = Field(..., max_length=100)
    description: str = Field(..., max_length=4000)
    customer_name: str | None = Field(None, max_length=50)
    service_number: str | None = Field(None, max_length=30)
    address: str | None = Field(None, max_length=200)
    category: str | None = Field(None, max_length=40)
    complainant_type: str | None = Field(None, max_length=20)
    channel: str | None = Field(None, max_length=20)
    all_agents_busy: bool | None = None
    callback_at: datetime | None = None
    event_time: datetime | None = None
    event_place: str | None = Field(None, max_length=100)
    expected_result: str | None = Field(None, max_length=500)
    complained_unit: str | None = Field(None, max_length=100)
    reply_method: str | None = Field(None, max_length=10)
    level: int | None = None
    complexity: str | None = Field(None, max_length=10)
    is_cross_province: bool | None = None
    station: str | None = Field(None, max_length=50)
    recording_ref: str | None = Field(None, max_length=200)
    operation_serial: str | None = Field(None, max_length=50)
    appeal_source: str | None = Field(None, max_length=50)
    appeal_level: str | None = Field(None, max_length=10)
    appeal_is_new: bool | None = None
    coordination_origin: str | None = Field(None, max_length=50)
    handling_prefecture: str | None = Field(None, max_length=50)


class TransitionIn(Schema):
    model_config = ConfigDict(extra="allow")
    name: str = Field(..., max_length=30)
    version: int


class TicketBulkIn(Schema):
    action: str = Field(..., max_length=20)
    ids: list = Field(..., description='[{"id": 12, "version": 3}, ...]: each order with the version the caller saw')
    fields: dict = Field(default_factory=dict, description="the transition's fields, the same for every order")


class TicketBulkProblemOut(Schema):
    field: str | None
    rule: str
    message: str


class TicketBulkResultOut(Schema):
    id: int
    number: str
    ok: bool
    state: str
    state_label: str
    version: int | None
    problems: list[TicketBulkProblemOut]


class TicketBulkOut(Schema):
    done: int
    refused: int
    results: list[TicketBulkResultOut]


class MergeIn(Schema):
    version: int = Field(..., description="the duplicate's version, as the caller saw it")
    into: str = Field(..., max_length=30, description="the surviving order: its number (or id), of the same center")
    note: str = Field("", max_length=500)


class SplitIn(Schema):
    version: int = Field(..., description="the original's version, as the caller saw it")
    subject: str = Field(..., description="the new order's subject (the second matter)")
    description: str = Field(..., description="the part of the description that goes to the new order")
    kind: str | None = Field(None, max_length=20, description="default: the original's kind")
    category: str | None = Field(None, max_length=40, description="default: the original's category")
    department: str | None = Field(None, max_length=40, description="department code or id; default: the category's")
    level: int | None = None
    note: str = Field("", max_length=500)


class OrderBrief(Schema):
    id: int
    number: str
    kind: str
    state: str
    state_label: str
    version: int
    level: int
    priority: int
    is_repeat: bool
    is_overdue: bool
    due_at: datetime | None
    department: str | None


class MergeOut(Schema):
    duplicate: OrderBrief  # now merged, pointing at the survivor
    survivor: OrderBrief


class SplitOut(Schema):
    original: OrderBrief
    new: OrderBrief  # the new order, pointing at the original


class OrderAnswer(OrderBrief):
    deadline_warnings: list[DeadlineWarningOut]  # the deadline crosses a year without holiday data (issue 12)


class EventOut(Schema):
    at: datetime
    staff_no: str
    by_system: bool
    name: str
    code: str  # what happened, as data (kefu/tickets/messages.py) ...
    params: dict
    note_code: str
    label: str  # ... and as the reader's language renders it
    from_state: str
    to_state: str
    note: str
    fields: dict


class OrderOut(OrderBrief):
    kind_label: str
    category: str
    category_label: str  # as the order was created, in the reader's language
    route_department: str | None  # the department code its category was routed to when it was created
    route_time_limit: dict | None  # that department's time limit ({"unit", "amount"}), None: set at dispatch
    subject: str
    description: str
    customer_phone: str
    customer_name: str
    complainant_type: str
    channel: str
    acceptor: str
    assigned_group: str
    assigned_to: str | None
    original_number: str | None
    merged_into: str | None  # a merged duplicate: the number of the order it was merged into
    split_from: str | None  # a split-off order: the number of the order it came from
    holder: str | None  # the staff number of who holds it now (当前处理人): the department's or the desk's taker
    is_key_account: bool
    is_cross_province: bool
    accepted_at: datetime
    promise_due_at: datetime | None
    handling_deadline: datetime | None
    replied_at: datetime | None
    satisfaction: str
    reply_count: int


class OrderDetail(OrderOut):
    events: list[EventOut]
    reminders: list[dict]
    escalations: list[dict]
    allowed: list[str]
    deadline_warnings: list[DeadlineWarningOut]


class TicketCategoryOut(Schema):
    code: str
    label: str
    department: str  # the department code orders of the category are routed to ("": the dispatcher chooses)
    time_limit: dict | None
    active: bool


class TransitionInfo(Schema):
    name: str
    label: str
    requires: list[str]
    allows: list[str]
    seed: str


class UnmaskOut(Schema):
    phone: str
    name: str
    service_number: str
    address: str


class ScreenPopOut(Schema):
    found: bool
    phone: str
    name: str
    kind: str
    kind_label: str
    is_vip: bool
    vip_level: str
    last_contact_at: datetime | None
    recent: list[dict]


class CompensationIn(Schema):
    amount: Decimal = Field(..., max_digits=12, decimal_places=2)
    reason: str = Field(..., max_length=500)


class DecisionIn(Schema):
    approve: bool
    note: str = Field("", max_length=300)


class CompensationOut(Schema):
    id: int
    order: str
    amount: Decimal
    reason: str
    approver: str
    approver_label: str
    state: str
    requested_by: str
    decided_by: str | None


class CaseOut(Schema):
    id: int
    order: str
    title: str
    summary: str
    analysis: str
    category: str
    tags: str
    created_by: str | None
    created_at: datetime


def _brief(o: Order) -> dict:
    return {
        "id": o.pk,
        "number": o.number,
        "kind": o.kind,
        "state": o.state,
        "state_label": o.state_label,
        "version": o.version,
        "level": o.level,
        "priority": o.priority,
        "is_repeat": o.is_repeat,
        "is_overdue": o.is_overdue,
        "due_at": o.due_at,
        "department": o.department.name if o.department_id else None,
    }


def _out(o: Order) -> dict:
    return {
        **_brief(o),
        "kind_label": history.label("kind", o.kind),
        "category": o.category,
        "category_label": history.category(o),
        "route_department": o.route_department.code if o.route_department_id else None,
        "route_time_limit": o.route_time_limit,
        "subject": o.subject,
        "description": o.description,
        "customer_phone": shown_phone(o.customer.phone, False),
        "customer_name": shown_name(o.customer.name, False),
        "complainant_type": o.complainant_type,
        "channel": o.channel,
        "acceptor": o.acceptor.staff_no,
        "assigned_group": o.assigned_group,
        "assigned_to": o.assigned_to.staff_no if o.assigned_to_id else None,
        "original_number": o.original.number if o.original_id else None,
        "merged_into": o.merged_into.number if o.merged_into_id else None,
        "split_from": o.split_from.number if o.split_from_id else None,
        "holder": _holder_no(o),
        "is_key_account": o.is_key_account,
        "is_cross_province": o.is_cross_province,
        "accepted_at": o.accepted_at,
        "promise_due_at": o.promise_due_at,
        "handling_deadline": o.handling_deadline,
        "replied_at": o.replied_at,
        "satisfaction": o.satisfaction,
        "reply_count": o.reply_count,
    }


def _holder_no(o: Order) -> str | None:
    found = machine.holder(o)
    return found.staff_no if found is not None else None


def _event_out(e) -> dict:
    return {
        "at": e.at,
        "staff_no": e.staff_no,
        "by_system": e.by_system,
        "name": e.name,
        "code": e.code,
        "params": e.params,
        "note_code": e.note_code,
        "label": history.event_title(e),
        "from_state": e.from_state,
        "to_state": e.to_state,
        "note": history.event_note(e),
        "fields": e.fields,
    }


def _order(request, order_id: int) -> Order:
    """The caller's center's order; a department handler's only when it is his department's (else 404)."""
    orders = Order.objects.select_related(
        "customer",
        "department",
        "acceptor",
        "assigned_to",
        "original",
        "route_department",
        "merged_into",
        "split_from",
        "handler",
        "claimed_by",
    )
    return get_object_or_404(caller(request).filter(orders, department="department"), pk=order_id)


@op(router.post, "/orders", "tickets.create", response={201: OrderBrief})
def create(request, payload: OrderIn):
    """Accept an order (004:L2003-2031). Returns 201 with id, number, state, version."""
    scope = caller(request)
    order = services.create_order(scope.center, scope.staff, payload.dict(exclude_none=True))
    return Status(201, _brief(order))  # the row just written: nothing to read back


@op(router.get, "/busy-options", "tickets.busy_options", response=list[dict])
def busy_options(request):
    """All agents busy: exactly two alternatives, recording acceptance or scheduled callback (004:L2021)."""
    return [{"channel": c, "label": history.label("channel", c)} for c, _label in services.ALL_BUSY_OPTIONS]


@op(router.get, "/categories", "tickets.categories", response=list[TicketCategoryOut])
def categories(request):
    """The center's order categories and their routing (policy data), the active ones first."""
    cats = services.policy(caller(request).center)["categories"]
    rows = [
        {
            "code": code,
            "label": services.category_text(code, cat),
            "department": cat.get("department") or "",
            "time_limit": cat.get("time_limit"),
            "active": cat.get("active", True),
        }
        for code, cat in cats.items()
    ]
    return sorted(rows, key=lambda r: not r["active"])


@op(router.get, "/orders", "tickets.list", response=list[OrderOut])
def list_orders(
    request,
    state: str | None = None,
    kind: str | None = None,
    level: int | None = None,
    mine: bool = False,
    department: int | None = None,
    overdue: bool | None = None,
    category: str | None = None,
    limit: int = 100,
):
    scope = caller(request)
    if state and state not in machine.STATES:
        raise RuleViolation.of("tickets.filter.bad_state", field="state", value=state[:20])
    if kind and kind not in machine.KINDS:
        raise RuleViolation.of("tickets.filter.bad_kind", field="kind", value=kind[:20])
    # A category of the policy, or one older orders still carry (an edit never strands them).
    if (
        category
        and category not in services.policy(scope.center)["categories"]
        and not (scope.filter(Order.objects).filter(category=category).exists())
    ):
        raise RuleViolation.of("tickets.filter.bad_category", field="category", value=category[:40])
    if not 1 <= limit <= 500:
        raise RuleViolation.of("tickets.filter.limit_range", field="limit")
    orders = list(
        scope.filter(
            selectors.orders_for(
                scope.center,
                scope.staff,
                state=state,
                kind=kind,
                level=level,
                mine=mine,
                department=department,
                overdue=overdue,
                category=category,
            ),
            department="department",
        ).select_related("original", "route_department", "split_from")[:limit]
    )
    if orders:
        record_read(
            request,
            object_type="tickets.order",
            ids=[o.pk for o in orders],
            fields="customer.phone,customer.name(masked)",
        )
    return [_out(o) for o in orders]


@op(router.post, "/orders/bulk", "tickets.bulk", response=TicketBulkOut)
def bulk(request, payload: TicketBulkIn):
    """Dispatch (with one department and opinion) or take ("我来处理") several orders: each through the same
    transition as one at a time, version checked per order, each in its own transaction; a refused one does not stop
    the others. Another center's ids are "not found" per order, never fired."""
    results = services.bulk(caller(request), payload.action, payload.ids, clean_data(payload.fields))
    return {
        "done": sum(r.ok for r in results),
        "refused": sum(not r.ok for r in results),
        "results": [
            {
                "id": r.id,
                "number": r.number,
                "ok": r.ok,
                "state": r.state,
                "state_label": history.state(r.state) if r.state else "",
                "version": r.version,
                "problems": [p.as_dict() for p in r.problems],
            }
            for r in results
        ],
    }


@op(router.get, "/orders/{order_id}", "tickets.detail", response=OrderDetail)
def detail(request, order_id: int):
    order = _order(request, order_id)
    record_read(request, object_type="tickets.order", ids=[order.pk], fields="customer.phone,customer.name(masked)")
    return {
        **_out(order),
        "events": [_event_out(e) for e in order.events.all()],
        "reminders": [
            {"at": r.at.isoformat(), "to": r.to.staff_no if r.to_id else None, "note": history.reminder_text(r)}
            for r in order.reminders.select_related("to", "order")
        ],
        "escalations": [
            {
                "at": e.at.isoformat(),
                "step": e.step,
                "to": e.to.staff_no if e.to_id else None,
                "note": history.escalation_text(e),
            }
            for e in order.escalations.select_related("to", "order")
        ],
        "allowed": [t.name for t in services.allowed_transitions(order, caller(request))],
        "deadline_warnings": warnings_out(services.due_warnings(order)),
    }


@op(router.get, "/orders/{order_id}/transitions", "tickets.transitions", response=list[TransitionInfo])
def transitions(request, order_id: int):
    """The transitions the current user may fire on this order now."""
    order = _order(request, order_id)
    return [
        {
            "name": t.name,
            "label": str(machine.MACHINE.transition_label(t)),
            "requires": list(t.requires),
            "allows": list(t.allows),
            "seed": t.seed,
        }
        for t in services.allowed_transitions(order, caller(request))
    ]


@op(router.post, "/orders/{order_id}/transitions", "tickets.transition", response=OrderAnswer)
def fire(request, order_id: int, payload: TransitionIn):
    scope = caller(request)
    raw = clean_data(json.loads(request.body or b"{}"))  # the fields of the transition come beside name and version
    fields = {k: v for k, v in raw.items() if k not in ("name", "version")} if isinstance(raw, dict) else {}
    # The service reads the order once, in its transaction, limited to the staff member's center (else 404).
    order = services.transition(Order(pk=order_id), payload.name, scope, payload.version, center=scope.center, **fields)
    return {**_brief(order), "deadline_warnings": warnings_out(services.due_warnings(order))}


@op(router.post, "/orders/{order_id}/merge", "tickets.merge", response=MergeOut)
def merge(request, order_id: int, payload: MergeIn):
    """Merge this duplicate into the surviving order `into` (same center, both open): the duplicate ends "merged"
    pointing at the survivor; the survivor takes its description, the earlier deadline and the higher priority; both
    get a history line naming the other. A stale version is 409 and merges nothing (a double submit merges once)."""
    scope = caller(request)
    survivor = services.merge(
        Order(pk=order_id), payload.into, scope, payload.version, note=payload.note, center=scope.center
    )
    duplicate = Order.objects.select_related("department").get(pk=order_id)
    return {"duplicate": _brief(duplicate), "survivor": _brief(survivor)}


@op(router.post, "/orders/{order_id}/split", "tickets.split", response={201: SplitOut})
def split(request, order_id: int, payload: SplitIn):
    """Split the second matter of this order into a new order (same customer and channel; the kind, category,
    department and level chosen, else the original's); its deadlines by the center's policy from the same
    acceptance. Both orders get a history line naming the other. A stale version is 409 and makes no order."""
    scope = caller(request)
    fields = clean_data(payload.dict(exclude={"version"}, exclude_none=True))
    original, new = services.split(Order(pk=order_id), scope, payload.version, center=scope.center, **fields)
    return Status(201, {"original": _brief(original), "new": _brief(new)})


@op(router.post, "/orders/{order_id}/unmask", "tickets.unmask", response=UnmaskOut)
def unmask(request, order_id: int):
    """Show the full phone and name (UNMASK_ROLES); every unmask is audited."""
    order = _order(request, order_id)
    record(
        request,
        AuditRecord.Action.UNMASK,
        object_type="customers.customer",
        ids=[order.customer_id],
        fields="phone,name,service_number,address",
        note=f"工单 {order.number}",
    )
    c = order.customer
    return {"phone": c.phone, "name": c.name, "service_number": c.service_number, "address": c.address}


@op(router.get, "/screen-pop", "tickets.screen_pop", response=ScreenPopOut)
def screen_pop(request, phone: str):
    """The caller's profile and recent orders, shown when a call arrives (004:L2017)."""
    scope = caller(request)
    if normalize_phone(phone) is None:
        raise RuleViolation(Msg("tickets.screen_pop.phone_format"), field="phone", rule="phone_format")
    from kefu.customers.services import find_by_phone

    customer = find_by_phone(scope.center, phone)
    if customer is None:
        return {
            "found": False,
            "phone": shown_phone(normalize_phone(phone), False),
            "name": "",
            "kind": "",
            "kind_label": "",
            "is_vip": False,
            "vip_level": "",
            "last_contact_at": None,
            "recent": [],
        }
    recent = selectors.recent_orders(customer, center=scope.center)
    record_read(
        request,
        object_type="customers.customer",
        ids=[customer.pk],
        fields="phone,name(masked),recent_orders",
        note="来电弹屏",
    )
    return {
        "found": True,
        "phone": shown_phone(customer.phone, False),
        "name": shown_name(customer.name, False),
        "kind": customer.kind,
        "kind_label": history.label("complainant_type", customer.kind),
        "is_vip": customer.is_vip,
        "vip_level": customer.vip_level,
        "last_contact_at": customer.last_contact_at,
        "recent": [
            {
                "id": o.pk,
                "number": o.number,
                "kind": history.label("kind", o.kind),
                "subject": o.subject,
                "state": o.state_label,
                "accepted_at": o.accepted_at.isoformat(),
            }
            for o in recent
        ],
    }


def _comp_out(c: Compensation) -> dict:
    return {
        "id": c.pk,
        "order": c.order.number,
        "amount": c.amount,
        "reason": c.reason,
        "approver": c.approver,
        "approver_label": history.label("approver", c.approver),
        "state": c.state,
        "requested_by": c.requested_by.staff_no,
        "decided_by": c.decided_by.staff_no if c.decided_by_id else None,
    }


@op(router.post, "/orders/{order_id}/compensations", "tickets.compensation_request", response={201: CompensationOut})
def compensation_request(request, order_id: int, payload: CompensationIn):
    order = _order(request, order_id)
    return Status(
        201, _comp_out(services.request_compensation(order, caller(request).staff, payload.amount, payload.reason))
    )


@op(router.get, "/compensations", "tickets.compensations", response=list[CompensationOut])
def compensations(request, state: str | None = None):
    qs = (
        caller(request)
        .filter(Compensation.objects, center="order__center", department="order__department")
        .select_related("order", "requested_by", "decided_by")
    )
    if state:
        qs = qs.filter(state=state)
    return [_comp_out(c) for c in qs.order_by("-requested_at")[:200]]


@op(router.post, "/compensations/{comp_id}/decision", "tickets.compensation_decide", response=CompensationOut)
def compensation_decide(request, comp_id: int, payload: DecisionIn):
    scope = caller(request)
    comp = get_object_or_404(
        scope.filter(Compensation.objects.select_related("order"), center="order__center"), pk=comp_id
    )
    return _comp_out(services.decide_compensation(comp, scope, payload.approve, payload.note))


def _read_cases(request, q: str, limit: int) -> list:
    """The caller's center's cases; a read of the case library is audited like any read of an order."""
    found = selectors.search_cases(q, limit, center=caller(request).center)
    if found:
        record_read(
            request,
            object_type="tickets.case",
            ids=[c.pk for c in found],
            fields="title,summary,analysis",
            note="案例库",
        )
    return found


@op(router.get, "/cases", "tickets.cases", response=list[CaseOut])
def cases(request, q: str = "", limit: int = 20):
    """The case library (案例库, 004:L2171, L2219), searchable during dispatch (004:L2157)."""
    if len(q) > 100:
        raise RuleViolation(Msg("tickets.cases.query_too_long"), field="q", rule="max_length")
    return [
        {
            "id": c.pk,
            "order": c.order.number,
            "title": c.title,
            "summary": c.summary,
            "analysis": c.analysis,
            "category": c.category,
            "tags": c.tags,
            "created_by": c.created_by.staff_no if c.created_by_id else None,
            "created_at": c.created_at,
        }
        for c in _read_cases(request, q, limit)
    ]


@op(router.get, "/board", "tickets.board", response=dict)
def board(request):
    return selectors.board(caller(request).center)


@op(router.get, "/orders-export", "tickets.export", response={200: None})
def export(request, state: str | None = None, kind: str | None = None):
    """Excel export of orders (phones masked); the export is audited."""
    from kefu.tickets.exports import orders_workbook

    scope = caller(request)
    orders = list(
        scope.filter(
            selectors.orders_for(scope.center, scope.staff, state=state or None, kind=kind or None),
            department="department",
        )[:5000]
    )
    record(
        request,
        AuditRecord.Action.EXPORT,
        object_type="tickets.order",
        ids=[o.pk for o in orders],
        fields="customer.phone(masked)",
        channel=AuditRecord.Channel.EXPORT,
    )
    response = HttpResponse(
        orders_workbook(orders), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = 'attachment; filename="orders.xlsx"'
    return response
