"""Work-order pages (server-rendered, HTMX). Views parse and call services; customer data is masked and audited."""
from __future__ import annotations

import re

from django.contrib import messages
from django.http import Http404, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext, gettext_lazy as _
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
from kefu.workcal.messages import shown

CUSTOMER_FIELDS = "customer.phone,customer.name(masked)"

# Labels of kefu.tickets.machine and of the models' choices, in the user's language (those modules stay Chinese:
# their labels are also written into the order history). Anything unknown is shown as the module has it.
STATE_NAMES = {
    machine.ACCEPTED: _("已受理"), machine.REVIEWED: _("已复核待派单"), machine.VERIFYING: _("申诉核实中"),
    machine.PROCESSING: _("处理中"), machine.RESOLVED: _("已处理待回复"), machine.REPLIED: _("已回复"),
    machine.ARCHIVED: _("已归档"), machine.CANCELLED: _("已撤消"),
}
KIND_NAMES = {machine.CONSULTATION: _("咨询"), machine.COMPLAINT: _("投诉"), machine.SUGGESTION: _("建议"),
              machine.APPEAL: _("申诉"), machine.COORDINATION: _("协调单")}
SATISFACTION_NAMES = {"satisfied": _("满意"), "dissatisfied": _("不满意")}
FIELD_NAMES = {
    "review_opinion": _("复核意见"), "is_invalid": _("无效投诉"), "category": _("投诉类别"), "complainant_type": _("投诉人类型"),
    "level": _("投诉级别"), "dispatch_opinion": _("派送意见"), "department": _("处理部门"), "station": _("处理工位"),
    "handling_deadline": _("处理时限"), "result": _("解决情况"), "cause": _("原因"), "overdue_reason": _("超时原因"),
    "return_reason": _("退单原因"), "transfer_reason": _("转派原因"), "reply_opinion": _("回复意见"), "satisfaction": _("用户满意度"),
    "final_reply": _("最终回复"), "analysis": _("归档分析"), "is_typical": _("典型案例"), "case_title": _("案例标题"),
    "case_tags": _("案例标签"), "verification_request": _("核实请求"), "verification_result": _("核实结果"),
    "arbitration_result": _("仲裁结果"), "report": _("行文上报"), "note": _("备注"),
    "kind": _("类型"), "channel": _("受理方式"),
}
TRANSITION_NAMES = {
    "answer": _("即时解答"), "review": _("复核"), "cancel": _("撤消无效投诉"), "dispatch": _("派单"), "resolve": _("处理完成"),
    "return": _("退单"), "transfer": _("转派"), "explain_overdue": _("填写超时原因"), "reply": _("回复客户"),
    "redispatch": _("重新派单"), "archive": _("归档"), "appeal_reply": _("申诉答复"), "appeal_verify": _("申诉核实"),
    "appeal_reject": _("核实不成立撤单"), "appeal_dispatch": _("申诉派单"), "coordinate": _("协调派单"),
}
# History lines are stored with their Chinese label; these are the labels services write besides the transitions'.
EVENT_NAMES = {
    "受理": _("受理"), "超时": _("超时"), "催办": _("催办"), "超时上报部门领导": _("超时上报部门领导"),
    "超时上报主管领导": _("超时上报主管领导"), "申请赔偿": _("申请赔偿"), "赔偿审批": _("赔偿审批"), "系统": _("系统"),
}
CHOICE_NAMES = {
    "category": {"tariff": _("资费类"), "service": _("服务类"), "network": _("网络类"), "business": _("业务类"), "other": _("其他")},
    "complainant_type": {"ordinary": _("普通客户"), "key_account": _("大客户"), "distributor": _("代理分销商")},
    "channel": {"phone": _("电话"), "recording": _("自动录音受理"), "callback": _("预约回呼"), "letter": _("信函"), "fax": _("传真"),
                "email": _("电子邮件"), "web": _("网站")},
    "reply_method": {"phone": _("电话"), "sms": _("短信"), "letter": _("信函"), "email": _("电子邮件")},
    "compensation_state": {"pending": _("待审批"), "approved": _("已批准"), "rejected": _("已驳回")},
    "approver": {"sales_manager": _("销售经理"), "deputy_gm": _("副总经理"), "gm": _("总经理")},
    "arbitration_result": {"verified": _("属实"), "not_verified": _("不属实")},
}


# Notes the services write into the history and reminders (Chinese, with values) -> the same in the user's language.
NOTE_PATTERNS = [
    (re.compile(r"^已超过时限 (?P<at>.+)$"), _("已超过时限 %(at)s")),
    (re.compile(r"^提醒 (?P<to>.+)：即将到期$"), _("提醒 %(to)s：即将到期")),
    (re.compile(r"^上报 (?P<to>\S+)（004:L2181）$"), _("上报 %(to)s（004:L2181）")),
    (re.compile(r"^工单 (?P<number>\S+) 将于 (?P<at>.+) 到期，请及时处理$"), _("工单 %(number)s 将于 %(at)s 到期，请及时处理")),
    (re.compile(r"^(?P<amount>\S+) 元，待(?P<approver>.+)审批$"), _("%(amount)s 元，待%(approver)s审批")),
    (re.compile(r"^(?P<state>待审批|已批准|已驳回)：(?P<amount>\S+) 元$"), _("%(state)s：%(amount)s 元")),
]
# The Chinese labels that appear inside those notes.
NOTE_WORDS = {"处理部门": _("处理部门"), "销售经理": _("销售经理"), "副总经理": _("副总经理"), "总经理": _("总经理"),
              "待审批": _("待审批"), "已批准": _("已批准"), "已驳回": _("已驳回")}


def _note(text: str) -> str:
    for pattern, shown in NOTE_PATTERNS:
        m = pattern.match(text or "")
        if m:
            return shown % {k: NOTE_WORDS.get(v, v) for k, v in m.groupdict().items()}
    return text


def _choices(key: str, choices) -> list[tuple[str, str]]:
    names = CHOICE_NAMES.get(key, {})
    return [(k, names.get(k, v)) for k, v in choices]


def _named(o: Order) -> Order:
    """The order's labels in the user's language, as attributes the templates read."""
    o.kind_name = KIND_NAMES.get(o.kind, o.get_kind_display())
    o.state_name = STATE_NAMES.get(o.state, o.state_label)
    o.category_name = CHOICE_NAMES["category"].get(o.category, o.get_category_display())
    o.channel_name = CHOICE_NAMES["channel"].get(o.channel, o.get_channel_display())
    o.complainant_type_name = CHOICE_NAMES["complainant_type"].get(o.complainant_type, o.get_complainant_type_display())
    return o


def _level(n) -> str:
    return _("%(n)s级") % {"n": n}


def _rows(orders) -> list[dict]:
    return [{"o": _named(o), "phone": shown_phone(o.customer.phone, False), "name": shown_name(o.customer.name, False)} for o in orders]


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
            messages.success(request, gettext("已受理工单 %(number)s") % {"number": order.number})
            return redirect("tickets:detail", order.pk)
    mine = list(selectors.orders_for(staff.center, staff, mine=True).order_by("-accepted_at")[:50])
    _audit_list(request, mine, "我的工单")
    return render(request, "tickets/workspace.html", {
        "rows": _rows(mine), "errors": errors, "values": values, "kinds": [(k, KIND_NAMES.get(k, v)) for k, v in machine.KINDS.items()],
        "categories": _choices("category", Order.Category.choices), "channels": _choices("channel", Order.Channel.choices),
        "busy_options": _choices("channel", services.ALL_BUSY_OPTIONS),
        "complainant_types": _choices("complainant_type", Order.ComplainantType.choices),
        "reply_methods": _choices("reply_method", Order.ReplyMethod.choices),
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
            recent = [_named(o) for o in selectors.recent_orders(customer)]
            record_read(request, "customers.customer", [customer.pk], fields="phone,name(masked),recent_orders", note="来电弹屏")
            context.update(customer=customer, customer_kind=CHOICE_NAMES["complainant_type"].get(customer.kind, customer.get_kind_display()), phone=shown_phone(customer.phone, False), name=shown_name(customer.name, False),
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
    tabs = [{"state": st, "label": STATE_NAMES.get(st, machine.STATES[st]), "active": st == state} for st in selectors.DISPATCHER_STATES]
    return _queue(request, orders, gettext("派单队列"), {"state_tabs": tabs, "any_state": state is None})


@require("page.tickets.department")
def department_queue(request):
    staff = services.staff_of(request.user)
    depts = Department.objects.filter(center=staff.center, kind__in=[Department.Kind.SUPPORT, Department.Kind.BACK_OFFICE]).order_by("code")
    dept_id = request.GET.get("department") or staff.department_id
    if Role.SUPERVISOR not in roles_of(request.user):
        dept_id = staff.department_id  # handlers see their own department only
    dept = depts.filter(pk=dept_id).first() if dept_id and str(dept_id).isdigit() else None
    orders = list(selectors.department_queue(staff.center, dept.pk)[:200]) if dept else []
    title = gettext("部门工单")
    return _queue(request, orders, f"{title} · {dept.name}" if dept else title,
                  {"departments": depts if Role.SUPERVISOR in roles_of(request.user) else None, "department": dept})


@require("page.tickets.board")
def board(request):
    staff = services.staff_of(request.user)
    data = selectors.board(staff.center)
    overdue = list(selectors.orders_for(staff.center, overdue=True).filter(state__in=machine.OPEN_STATES).order_by("due_at")[:30])
    _audit_list(request, overdue, "值班长看板")
    for row in data["rows"]:
        row["label"] = str(STATE_NAMES.get(row["state"], row["label"]))
    return render(request, "tickets/board.html", {"board": data, "levels": [1, 2, 3, 4], "rows": _rows(overdue),
                                                  "level_names": [str(_level(n)) for n in (1, 2, 3, 4)],
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
                choices = {"category": _choices("category", Order.Category.choices),
                           "complainant_type": _choices("complainant_type", Order.ComplainantType.choices),
                           "satisfaction": [(k, SATISFACTION_NAMES.get(k, v)) for k, v in machine.SATISFACTION.items()],
                           "arbitration_result": list(CHOICE_NAMES["arbitration_result"].items())}[key]
            elif kind == machine.DEPARTMENT:
                choices = [(d.code, d.name) for d in Department.objects.filter(center=order.center).order_by("code")]
            elif kind == machine.LEVEL:
                choices = [(str(i), _level(i)) for i in (1, 2, 3, 4)]
            fields.append({"key": key, "kind": kind, "label": FIELD_NAMES.get(key, label), "required": key in t.requires, "choices": choices,
                           "value": (values or {}).get(key, "") if failed == t.name else ""})
        forms.append({"t": t, "label": TRANSITION_NAMES.get(t.name, t.label), "fields": fields,
                      "errors": errors if failed == t.name else []})
    return {
        "o": _named(order), "level_name": _level(order.level), "phone": shown_phone(order.customer.phone, False), "name": shown_name(order.customer.name, False),
        "events": [{"e": e, "fields": _labelled(e.fields), "from_label": STATE_NAMES.get(e.from_state, machine.STATES.get(e.from_state, "—")),
                    "to_label": STATE_NAMES.get(e.to_state, machine.STATES.get(e.to_state, e.to_state)),
                    "label": TRANSITION_NAMES.get(e.name) if e.name in TRANSITION_NAMES else EVENT_NAMES.get(e.label, e.label),
                    "by": EVENT_NAMES[e.staff_no] if e.staff_no in EVENT_NAMES else gettext("工号 %(no)s") % {"no": e.staff_no},
                    "note": _note(e.note)} for e in order.events.all()],
        "reminders": [_reminder(r) for r in order.reminders.select_related("to")],
        "escalations": order.escalations.select_related("to"), "forms": forms,
        "can_unmask": "tickets.unmask" in _allowed_ops(request), "compensations": [_compensation(c) for c in order.compensations.all()],
        "repeats": order.repeats.all(),
        "dispatching": any(t.name in ("dispatch", "redispatch", "appeal_dispatch", "coordinate") for t in allowed),
        # Issue 12: a deadline counted across a year without holiday data, for those who watch deadlines.
        "deadline_warnings": [shown(w.code, w.params) for w in services.due_warnings(order)]
        if roles_of(request.user) & {Role.DISPATCHER, Role.SUPERVISOR} else [],
    }


def _reminder(r):
    r.note_shown = _note(r.note)
    return r


def _compensation(c):
    c.state_name = CHOICE_NAMES["compensation_state"].get(c.state, c.get_state_display())
    c.approver_name = CHOICE_NAMES["approver"].get(c.approver, c.get_approver_display())
    return c


def _labelled(fields: dict) -> list[tuple[str, str]]:
    out = []
    for key, value in (fields or {}).items():
        label = FIELD_NAMES.get(key) or (machine.FIELDS[key][1] if key in machine.FIELDS else {"level": _("级别")}.get(key, key))
        if isinstance(value, dict):
            value = value.get("name", "")
        elif isinstance(value, bool):
            value = gettext("是") if value else gettext("否")
        elif key == "satisfaction":
            value = SATISFACTION_NAMES.get(value, machine.SATISFACTION.get(value, value))
        elif key == "kind":
            value = KIND_NAMES.get(value, machine.KINDS.get(value, value))
        elif key == "channel":
            value = CHOICE_NAMES["channel"].get(value, dict(Order.Channel.choices).get(value, value))
        elif key in ("category", "complainant_type", "arbitration_result"):
            value = CHOICE_NAMES[key].get(value, dict(Order.Category.choices if key == "category" else Order.ComplainantType.choices).get(value, value))
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
    messages.success(request, gettext("已%(action)s：工单 %(number)s 当前状态“%(state)s”") % {
        "action": TRANSITION_NAMES.get(name, machine.BY_NAME[name].label), "number": done.number,
        "state": STATE_NAMES.get(done.state, done.state_label)})
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
    return render(request, "tickets/cases.html", {"cases": _case_names(selectors.search_cases(q, 50)), "q": q})


@require("page.tickets.cases")
def case_search(request):
    """HTMX fragment beside the dispatch form: the case library is at hand while dispatching (004:L2157)."""
    q = request.GET.get("q", "")[:100]
    return render(request, "tickets/_case_hits.html", {"cases": _case_names(selectors.search_cases(q, 5)) if q.strip() else [], "q": q})


def _case_names(cases) -> list:
    cases = list(cases)
    for c in cases:
        c.category_name = CHOICE_NAMES["category"].get(c.category, c.get_category_display())
    return cases
