"""Work-order pages (server-rendered, HTMX). Views parse and call services; customer data is masked and audited."""
from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from kefu.access import require
from kefu.audit.models import AuditRecord
from kefu.audit.services import record, record_read, shown_name, shown_phone
from kefu.customers.phones import normalize_phone
from kefu.errors import RuleViolation
from kefu.org.models import Department
from kefu.org.roles import Role, roles_of
from kefu.tickets import machine, selectors, services
from kefu.tickets.models import Order

CUSTOMER_FIELDS = "customer.phone,customer.name(masked)"


def _rows(orders) -> list[dict]:
    return [{"o": o, "phone": shown_phone(o.customer.phone, False), "name": shown_name(o.customer.name, False)} for o in orders]


def _audit_list(request, orders, note: str) -> None:
    if orders:
        record_read(request, "tickets.order", [o.pk for o in orders], fields=CUSTOMER_FIELDS, note=note)


def _form_values(request) -> dict:
    return {k: v for k, v in request.POST.items() if k != "csrfmiddlewaretoken" and v != ""}


@require("page.tickets.workspace")
def workspace(request):
    """Agent workspace: new order with screen pop (004:L2017); my orders (首问责任制)."""
    staff = services.staff_of(request.user)
    errors, values = [], {}
    if request.method == "POST":
        values = _form_values(request)
        try:
            order = services.create_order(staff.center, staff, values)
        except RuleViolation as exc:
            errors = exc.problems
        else:
            messages.success(request, f"已受理工单 {order.number}")
            return redirect("tickets:detail", order.pk)
    mine = list(selectors.orders_for(staff.center, staff, mine=True).order_by("-accepted_at")[:50])
    _audit_list(request, mine, "我的工单")
    return render(request, "tickets/workspace.html", {
        "rows": _rows(mine), "errors": errors, "values": values, "kinds": machine.KINDS.items(),
        "categories": Order.Category.choices, "channels": Order.Channel.choices, "busy_options": services.ALL_BUSY_OPTIONS,
        "complainant_types": Order.ComplainantType.choices, "reply_methods": Order.ReplyMethod.choices,
        "error_fields": {p.field for p in errors},
    }, status=400 if errors else 200)


@require("page.tickets.workspace")
def screen_pop(request):
    """HTMX fragment: the caller's profile and recent orders as the agent types the phone (004:L2017)."""
    staff = services.staff_of(request.user)
    phone = request.GET.get("phone", "")
    context = {"phone_ok": normalize_phone(phone) is not None, "typed": bool(phone.strip())}
    if context["phone_ok"]:
        from kefu.customers.services import find_by_phone

        customer = find_by_phone(staff.center, phone)
        if customer is not None:
            recent = selectors.recent_orders(customer)
            record_read(request, "customers.customer", [customer.pk], fields="phone,name(masked),recent_orders", note="来电弹屏")
            context.update(customer=customer, phone=shown_phone(customer.phone, False), name=shown_name(customer.name, False),
                           recent=recent)
    return render(request, "tickets/_screen_pop.html", context)


def _queue(request, orders, title: str, template_extra: dict | None = None, status: int = 200):
    _audit_list(request, orders, title)
    return render(request, "tickets/queue.html", {"rows": _rows(orders), "title": title, **(template_extra or {})}, status=status)


@require("page.tickets.dispatch")
def dispatch_queue(request):
    staff = services.staff_of(request.user)
    state = request.GET.get("state") or None
    orders = list(selectors.dispatcher_queue(staff.center, state)[:200])
    tabs = [{"state": st, "label": machine.STATES[st], "active": st == state} for st in selectors.DISPATCHER_STATES]
    return _queue(request, orders, "派单队列", {"state_tabs": tabs, "any_state": state is None})


@require("page.tickets.department")
def department_queue(request):
    staff = services.staff_of(request.user)
    depts = Department.objects.filter(center=staff.center, kind__in=[Department.Kind.SUPPORT, Department.Kind.BACK_OFFICE]).order_by("code")
    dept_id = request.GET.get("department") or staff.department_id
    if Role.SUPERVISOR not in roles_of(request.user):
        dept_id = staff.department_id  # handlers see their own department only
    dept = depts.filter(pk=dept_id).first() if dept_id and str(dept_id).isdigit() else None
    orders = list(selectors.department_queue(staff.center, dept.pk)[:200]) if dept else []
    return _queue(request, orders, f"部门工单 · {dept.name}" if dept else "部门工单",
                  {"departments": depts if Role.SUPERVISOR in roles_of(request.user) else None, "department": dept})


@require("page.tickets.board")
def board(request):
    staff = services.staff_of(request.user)
    data = selectors.board(staff.center)
    overdue = list(selectors.orders_for(staff.center, overdue=True).filter(state__in=machine.OPEN_STATES).order_by("due_at")[:30])
    _audit_list(request, overdue, "值班长看板")
    return render(request, "tickets/board.html", {"board": data, "levels": [1, 2, 3, 4], "rows": _rows(overdue),
                                                  "total_overdue": sum(r["late"] for r in data["rows"] if r["state"] in machine.OPEN_STATES)})


def _detail_context(request, order: Order, staff, errors=None, failed: str = "", values=None) -> dict:
    allowed = services.allowed_transitions(order, staff)
    forms = []
    for t in allowed:
        fields = []
        for key in t.fields():
            kind, label, extra = machine.FIELDS[key]
            choices = None
            if kind == machine.CHOICE:
                choices = {"category": Order.Category.choices, "complainant_type": Order.ComplainantType.choices,
                           "satisfaction": list(machine.SATISFACTION.items()),
                           "arbitration_result": [("verified", "属实"), ("not_verified", "不属实")]}[key]
            elif kind == machine.DEPARTMENT:
                choices = [(d.code, d.name) for d in Department.objects.filter(center=order.center).order_by("code")]
            elif kind == machine.LEVEL:
                choices = [(str(i), f"{i}级") for i in (1, 2, 3, 4)]
            fields.append({"key": key, "kind": kind, "label": label, "required": key in t.requires, "choices": choices,
                           "value": (values or {}).get(key, "") if failed == t.name else ""})
        forms.append({"t": t, "fields": fields, "errors": errors if failed == t.name else []})
    return {
        "o": order, "phone": shown_phone(order.customer.phone, False), "name": shown_name(order.customer.name, False),
        "events": [{"e": e, "fields": _labelled(e.fields), "from_label": machine.STATES.get(e.from_state, "—"),
                    "to_label": machine.STATES.get(e.to_state, e.to_state)} for e in order.events.all()], "reminders": order.reminders.select_related("to"),
        "escalations": order.escalations.select_related("to"), "forms": forms,
        "can_unmask": "tickets.unmask" in _allowed_ops(request), "compensations": order.compensations.all(),
        "repeats": order.repeats.all(),
        "dispatching": any(t.name in ("dispatch", "redispatch", "appeal_dispatch", "coordinate") for t in allowed),
    }


def _labelled(fields: dict) -> list[tuple[str, str]]:
    out = []
    for key, value in (fields or {}).items():
        label = machine.FIELDS[key][1] if key in machine.FIELDS else {"kind": "类型", "level": "级别", "channel": "受理方式"}.get(key, key)
        if isinstance(value, dict):
            value = value.get("name", "")
        elif isinstance(value, bool):
            value = "是" if value else "否"
        elif key == "satisfaction":
            value = machine.SATISFACTION.get(value, value)
        elif key == "kind":
            value = machine.KINDS.get(value, value)
        elif key == "channel":
            value = dict(Order.Channel.choices).get(value, value)
        elif key in ("category", "complainant_type"):
            value = dict(Order.Category.choices if key == "category" else Order.ComplainantType.choices).get(value, value)
        if value not in ("", None):
            out.append((label, str(value)))
    return out


def _allowed_ops(request) -> set[str]:
    from kefu.access import allowed, permissions

    return {k for k in permissions() if k.startswith("tickets.") and allowed(request.user, k)}


def _order_for(staff, order_id: int) -> Order:
    return get_object_or_404(Order.objects.select_related("customer", "department", "acceptor", "assigned_to", "original",
                                                          "center"), pk=order_id, center=staff.center)


@require("page.tickets.detail")
def detail(request, order_id: int):
    staff = services.staff_of(request.user)
    order = _order_for(staff, order_id)
    record_read(request, "tickets.order", [order.pk], fields=CUSTOMER_FIELDS, note="工单详情")
    return render(request, "tickets/detail.html", _detail_context(request, order, staff))


@require_POST
@require("tickets.transition")
def fire(request, order_id: int):
    staff = services.staff_of(request.user)
    order = _order_for(staff, order_id)
    values = _form_values(request)
    name, version = values.pop("name", ""), values.pop("version", "")
    fields = {k: v for k, v in values.items()}
    try:
        done = services.transition(order, name, staff, int(version) if str(version).isdigit() else version, **fields)
    except RuleViolation as exc:
        order = _order_for(staff, order_id)
        record_read(request, "tickets.order", [order.pk], fields=CUSTOMER_FIELDS, note="工单详情")
        context = _detail_context(request, order, staff, errors=exc.problems, failed=name, values=fields)
        context["top_errors"] = exc.problems if not any(f["t"].name == name for f in context["forms"]) else []
        return render(request, "tickets/detail.html", context, status=exc.status)
    messages.success(request, f"已{machine.BY_NAME[name].label}：工单 {done.number} 当前状态“{done.state_label}”")
    return redirect("tickets:detail", done.pk)


@require_POST
@require("tickets.unmask")
def unmask(request, order_id: int):
    """"显示完整号码": HTMX fragment with the full phone and name; audited as unmask."""
    staff = services.staff_of(request.user)
    order = _order_for(staff, order_id)
    record(request, AuditRecord.Action.UNMASK, "customers.customer", [order.customer_id], fields="phone,name",
           note=f"工单 {order.number}")
    return render(request, "tickets/_unmasked.html", {"phone": order.customer.phone, "name": order.customer.name})


@require("page.tickets.cases")
def cases(request):
    q = request.GET.get("q", "")[:100]
    return render(request, "tickets/cases.html", {"cases": selectors.search_cases(q, 50), "q": q})


@require("page.tickets.cases")
def case_search(request):
    """HTMX fragment beside the dispatch form: the case library is at hand while dispatching (004:L2157)."""
    q = request.GET.get("q", "")[:100]
    return render(request, "tickets/_case_hits.html", {"cases": selectors.search_cases(q, 5) if q.strip() else [], "q": q})
