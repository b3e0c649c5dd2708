"""Work-order pages (server-rendered, HTMX). Views parse and call services; customer data is masked and audited."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from kefu.access import require
from kefu.audit.models import AuditRecord
from kefu.audit.services import record, record_read, shown_name, shown_phone
from kefu.customers.phones import normalize_phone
from kefu.errors import RuleViolation
from kefu.messages import Msg
from kefu.org.models import Department
from kefu.org.roles import Role
from kefu.scope import caller
from kefu.tickets import history, machine, selectors, services
from kefu.tickets.models import Order
from kefu.web.people import local_time
from kefu.workcal.messages import shown

CUSTOMER_FIELDS = "customer.phone,customer.name(masked)"
DISPATCHES = ("dispatch", "redispatch", "appeal_dispatch", "coordinate")  # the transitions that pick a department


def _named(o: Order) -> Order:
    """The order's labels in the user's language (from the catalogue), as attributes the templates read."""
    o.kind_name = history.label("kind", o.kind)
    o.state_name = history.state(o.state)
    o.category_name = history.category(o)
    o.channel_name = history.label("channel", o.channel)
    o.complainant_type_name = history.label("complainant_type", o.complainant_type)
    o.level_name = history.level(o.level)
    if not hasattr(o, "holder"):
        o.holder = machine.holder(o)
    return o


def _rows(orders) -> list[dict]:
    return [
        {"o": _named(o), "phone": shown_phone(o.customer.phone, False), "name": shown_name(o.customer.name, False)}
        for o in selectors.mark_holders(orders)
    ]


def _audit_list(request, orders, note: str) -> None:
    if orders:
        record_read(request, object_type="tickets.order", ids=[o.pk for o in orders], fields=CUSTOMER_FIELDS, note=note)


def _form_values(request) -> dict:
    return {k: v for k, v in request.POST.items() if k != "csrfmiddlewaretoken" and v != ""}


@require("page.tickets.workspace")
def workspace(request):
    """Agent workspace: new order with screen pop (004:L2017); my orders (首问责任制)."""
    scope = caller(request)
    errors, values = [], {}
    if request.method == "POST":
        values = _form_values(request)
        try:
            order = services.create_order(scope.center, scope.staff, values)
        except RuleViolation as exc:
            errors = exc.problems
        else:
            messages.success(request, gettext("已受理工单 %(number)s") % {"number": order.number})
            return redirect("tickets:detail", order.pk)
    mine = list(
        scope.filter(selectors.orders_for(scope.center, scope.staff, mine=True), department="department").order_by(
            "-accepted_at"
        )[:50]
    )
    _audit_list(request, mine, "我的工单")
    pol = services.policy(scope.center)
    if not values.get("category"):
        values = {**values, "category": pol["default_category"]}
    return render(
        request,
        "tickets/workspace.html",
        {
            "rows": _rows(mine),
            "errors": errors,
            "values": values,
            "kinds": history.choices("kind", pol["kinds"]),
            "categories": _category_choices(pol),
            "channels": history.choices("channel", Order.Channel.values),
            "busy_options": history.choices("channel", [c for c, _label in services.ALL_BUSY_OPTIONS]),
            "complainant_types": history.choices("complainant_type", Order.ComplainantType.values),
            "reply_methods": history.choices("reply_method", Order.ReplyMethod.values),
            "levels": [(str(n), history.level(n)) for n in (1, 2, 3, 4)],
            "error_fields": {p.field for p in errors},
        },
        status=400 if errors else 200,
    )


@require("page.tickets.workspace")
def screen_pop(request):
    """HTMX fragment: the caller's profile and recent orders as the agent types the phone (004:L2017)."""
    scope = caller(request)
    phone = request.GET.get("phone", "")
    context = {"phone_ok": normalize_phone(phone) is not None, "typed": bool(phone.strip())}
    if context["phone_ok"]:
        from kefu.customers.services import find_by_phone

        customer = find_by_phone(scope.center, phone)
        if customer is not None:
            recent = [_named(o) for o in selectors.recent_orders(customer, center=scope.center)]
            record_read(
                request,
                object_type="customers.customer",
                ids=[customer.pk],
                fields="phone,name(masked),recent_orders",
                note="来电弹屏",
            )
            context.update(
                customer=customer,
                customer_kind=history.label("complainant_type", customer.kind),
                phone=shown_phone(customer.phone, False),
                name=shown_name(customer.name, False),
                recent=recent,
            )
    return render(request, "tickets/_screen_pop.html", context)


def _queue(request, orders, title: str, template_extra: dict | None = None, status: int = 200):
    _audit_list(request, orders, title)
    return render(
        request, "tickets/queue.html", {"rows": _rows(orders), "title": title, **(template_extra or {})}, status=status
    )


@require("page.tickets.dispatch")
def dispatch_queue(request):
    scope = caller(request)
    state = request.GET.get("state") or None
    orders = list(scope.filter(selectors.dispatcher_queue(scope.center, state), department="department")[:200])
    tabs = [{"state": st, "label": history.state(st), "active": st == state} for st in selectors.DISPATCHER_STATES]
    departments = Department.objects.filter(center=scope.center).order_by("code")
    return _queue(
        request,
        orders,
        gettext("派单队列"),
        {"state_tabs": tabs, "any_state": state is None, "bulk": "dispatch", "bulk_departments": departments},
    )


@require("page.tickets.department")
def department_queue(request):
    scope = caller(request)
    depts = Department.objects.filter(
        center=scope.center, kind__in=[Department.Kind.SUPPORT, Department.Kind.BACK_OFFICE]
    ).order_by("code")
    supervisor = scope.has(Role.SUPERVISOR)
    dept_id = request.GET.get("department") or scope.staff.department_id
    if not supervisor:
        dept_id = scope.staff.department_id  # handlers see their own department only
    dept = depts.filter(pk=dept_id).first() if dept_id and str(dept_id).isdigit() else None
    orders = (
        list(scope.filter(selectors.department_queue(scope.center, dept.pk), department="department")[:200])
        if dept
        else []
    )
    title = gettext("部门工单")
    return _queue(
        request,
        orders,
        f"{title} · {dept.name}" if dept else title,
        {
            "departments": depts if supervisor else None,
            "department": dept,
            "bulk": "claim" if scope.has(Role.DEPT_HANDLER) else None,
        },
    )


@require("page.tickets.board")
def board(request):
    scope = caller(request)
    data = selectors.board(scope.center)
    overdue = list(
        scope.filter(selectors.orders_for(scope.center, overdue=True), department="department")
        .filter(state__in=machine.OPEN_STATES)
        .order_by("due_at")[:30]
    )
    _audit_list(request, overdue, "值班长看板")
    for row in data["rows"]:
        row["label"] = history.state(row["state"])
    return render(
        request,
        "tickets/board.html",
        {
            "board": data,
            "levels": [1, 2, 3, 4],
            "rows": _rows(overdue),
            "level_names": [history.level(n) for n in (1, 2, 3, 4)],
            "total_overdue": sum(r["late"] for r in data["rows"] if r["state"] in machine.OPEN_STATES),
        },
    )


def _category_choices(pol: dict) -> list[tuple[str, str]]:
    """The center's active categories (policy data), labelled in the reader's language."""
    return [(code, services.category_text(code, cat)) for code, cat in services.active_categories(pol).items()]


def _form_fields(order: Order, t, values: dict) -> list[dict]:
    """The fields of a transition's form, as the machine declares them (kind, label, limit, choices). The department
    of a dispatch is preselected with the one the order's category is routed to (004:L2075)."""
    fields = []
    if (
        t.name == "split"
    ):  # the new order starts as the original's kind, category and level; the dispatcher changes them
        values = {"kind": order.kind, "category": order.category, "level": str(order.level), **values}
    for key in t.fields():
        spec = machine.FIELDS[key]
        choices = None
        if spec.kind == "choice":
            choices = history.choices(key, spec.choices)
        elif spec.kind == "category":
            choices = _category_choices(services.policy(order.center))
        elif spec.kind == "department":
            choices = [(d.code, d.name) for d in Department.objects.filter(center=order.center).order_by("code")]
            if key not in values and order.route_department_id and t.name in DISPATCHES:
                values = {**values, key: next((c for c, _ in choices if c == order.route_department.code), "")}
        elif spec.kind == "level":
            choices = [(str(n), history.level(n)) for n in (1, 2, 3, 4)]
        suggestions = _merge_candidates(order) if spec.kind == "order" else None
        hint = ""
        if key == "handling_deadline" and t.name in DISPATCHES and order.route_time_limit and order.route_department_id:
            # Left empty, the routed department's time limit counts from the dispatch.
            hint = str(
                Msg(
                    "tickets.dispatch.route_limit_hint",
                    department=order.route_department.name,
                    limit=_limit_text(order.route_time_limit),
                )
            )
        fields.append(
            {
                "key": key,
                "kind": spec.kind,
                "label": str(Msg(spec.label)),
                "required": key in t.requires,
                "choices": choices,
                "max_length": spec.max_length,
                "value": values.get(key, ""),
                "hint": hint,
                "suggestions": suggestions,
            }
        )
    return fields


def _merge_candidates(order: Order) -> list[tuple[str, str]]:
    """Where a duplicate may go: the same customer's other open orders of the center, newest first (any other order
    of the center may be typed by its number)."""
    found = (
        Order.objects.filter(center_id=order.center_id, customer_id=order.customer_id, state__in=machine.OPEN_STATES)
        .exclude(pk=order.pk)
        .order_by("-accepted_at")[:10]
    )
    return [
        (o.number, f"{o.subject} · {history.state(o.state)} · {local_time(o.accepted_at, '%Y-%m-%d')}") for o in found
    ]


def _limit_text(limit: dict) -> Msg:
    amount = int(limit["amount"]) if float(limit["amount"]).is_integer() else limit["amount"]
    return Msg(f"tickets.limit.{limit['unit']}", n=amount)


def _detail_context(request, order: Order, scope, errors=None, failed: str = "", values=None) -> dict:
    allowed = services.allowed_transitions(order, scope)
    forms = [
        {
            "t": t,
            "label": str(machine.MACHINE.transition_label(t)),
            "fields": _form_fields(order, t, (values or {}) if failed == t.name else {}),
            "errors": errors if failed == t.name else [],
        }
        for t in allowed
    ]
    return {
        "o": _named(order),
        "level_name": history.level(order.level),
        "phone": shown_phone(order.customer.phone, False),
        "name": shown_name(order.customer.name, False),
        "events": [history.event_line(e) for e in order.events.all()],
        "reminders": [_reminder(r, order) for r in order.reminders.select_related("to")],
        "escalations": order.escalations.select_related("to"),
        "forms": forms,
        "can_unmask": "tickets.unmask" in _allowed_ops(request),
        "compensations": [_compensation(c) for c in order.compensations.all()],
        "repeats": order.repeats.all(),
        "merged": order.merged.order_by("merged_at", "pk"),
        "split_off": order.split_off.order_by("pk"),
        "dispatching": any(t.name in DISPATCHES for t in allowed),
        # Issue 12: a deadline counted across a year without holiday data, for those who watch deadlines.
        "deadline_warnings": [shown(w.code, w.params) for w in services.due_warnings(order)]
        if scope.has(Role.DISPATCHER, Role.SUPERVISOR)
        else [],
    }


def _reminder(r, order: Order):
    r.order = order
    r.note_shown = history.reminder_text(r)
    return r


def _compensation(c):
    c.state_name = history.label("compensation.state", c.state)
    c.approver_name = history.label("approver", c.approver)
    return c


def _allowed_ops(request) -> set[str]:
    from kefu.access import allowed, permissions

    return {k for k in permissions() if k.startswith("tickets.") and allowed(request.user, k)}


def _order_for(scope, order_id: int) -> Order:
    """The caller's center's order; a department handler's only when it sits with his department (else 404)."""
    orders = Order.objects.select_related(
        "customer",
        "department",
        "acceptor",
        "assigned_to",
        "original",
        "center",
        "route_department",
        "merged_into",
        "split_from",
        "handler",
        "claimed_by",
    )
    return get_object_or_404(scope.filter(orders, department="department"), pk=order_id)


@require("page.tickets.detail")
def detail(request, order_id: int):
    scope = caller(request)
    order = _order_for(scope, order_id)
    record_read(request, object_type="tickets.order", ids=[order.pk], fields=CUSTOMER_FIELDS, note="工单详情")
    return render(request, "tickets/detail.html", _detail_context(request, order, scope))


@require_POST
@require("tickets.transition")
def fire(request, order_id: int):
    scope = caller(request)
    order = _order_for(scope, order_id)
    values = _form_values(request)
    name, version = values.pop("name", ""), values.pop("version", "")
    fields = {k: v for k, v in values.items()}
    try:
        done = services.transition(order, name, scope, int(version) if str(version).isdigit() else version, **fields)
    except RuleViolation as exc:
        order = _order_for(scope, order_id)
        record_read(request, object_type="tickets.order", ids=[order.pk], fields=CUSTOMER_FIELDS, note="工单详情")
        context = _detail_context(request, order, scope, errors=exc.problems, failed=name, values=fields)
        context["top_errors"] = exc.problems if not any(f["t"].name == name for f in context["forms"]) else []
        return render(request, "tickets/detail.html", context, status=exc.status)
    if name == "merge":  # on to the survivor, which now holds both matters
        messages.success(request, str(Msg("tickets.merge.done", number=done.number, survivor=done.merged_into.number)))
        return redirect("tickets:detail", done.merged_into_id)
    if name == "split":
        new = done.split_off.order_by("-pk").first()
        messages.success(request, str(Msg("tickets.split.done", number=done.number, new=new.number)))
        return redirect("tickets:detail", done.pk)
    messages.success(
        request,
        gettext("已%(action)s：工单 %(number)s 当前状态“%(state)s”")
        % {
            "action": machine.MACHINE.transition_label(machine.BY_NAME[name]),
            "number": done.number,
            "state": history.state(done.state),
        },
    )
    return redirect("tickets:detail", done.pk)


@require_POST
@require("tickets.bulk")
def bulk(request):
    """The queues' bulk form: dispatch the checked orders to one department with one opinion, or take them ("我来处理").
    Each order goes through the same transition as one at a time; the toast says how many were done and names each
    refused order with its reason."""
    scope = caller(request)
    action = request.POST.get("action", "")
    keys = ("department", "dispatch_opinion", "note") if action == "dispatch" else ("note",)
    fields = {k: v for k, v in request.POST.items() if k in keys and v != ""}
    back = "tickets:department" if action == "claim" else "tickets:dispatch"
    try:
        results = services.bulk(scope, action, request.POST.getlist("ids"), fields)
    except RuleViolation as exc:
        for problem in exc.problems:
            messages.error(request, problem.text)
        return redirect(back)
    label = machine.MACHINE.transition_label(machine.BY_NAME[action])
    done = sum(r.ok for r in results)
    messages.success(request, str(Msg("tickets.bulk.done", action=label, done=done, refused=len(results) - done)))
    for r in results:
        if not r.ok:
            messages.error(
                request,
                gettext("%(number)s：%(reason)s")
                % {"number": r.number or gettext("工单"), "reason": "；".join(p.text for p in r.problems)},
            )
    return redirect(back)


@require_POST
@require("tickets.unmask")
def unmask(request, order_id: int):
    """ "显示完整号码": HTMX fragment with the full phone and name; audited as unmask."""
    order = _order_for(caller(request), order_id)
    record(
        request,
        AuditRecord.Action.UNMASK,
        object_type="customers.customer",
        ids=[order.customer_id],
        fields="phone,name",
        note=f"工单 {order.number}",
    )
    return render(request, "tickets/_unmasked.html", {"phone": order.customer.phone, "name": order.customer.name})


@require("page.tickets.cases")
def cases(request):
    q = request.GET.get("q", "")[:100]
    found = list(selectors.search_cases(q, 50, center=caller(request).center))
    if found:
        record_read(request, object_type="typical_case", ids=[c.pk for c in found], fields="title,summary")
    return render(request, "tickets/cases.html", {"cases": _case_names(found), "q": q})


@require("page.tickets.cases")
def case_search(request):
    """HTMX fragment beside the dispatch form: the case library is at hand while dispatching (004:L2157)."""
    q = request.GET.get("q", "")[:100]
    found = list(selectors.search_cases(q, 5, center=caller(request).center)) if q.strip() else []
    if found:
        record_read(request, object_type="typical_case", ids=[c.pk for c in found], fields="title,summary")
    return render(request, "tickets/_case_hits.html", {"cases": _case_names(found), "q": q})


def _case_names(cases) -> list:
    cases = list(cases)
    for c in cases:
        c.category_name = (
            history.category(c.order) if c.category == c.order.category else history.label("category", c.category)
        )
    return cases
