"""Work-order use cases. Every write goes through here, inside transaction.atomic.

`transition()` is the only function that changes an order's state: it checks the declared machine
(kefu/tickets/machine.py) for role, state, kind and required fields, checks the version (optimistic
locking with UPDATE ... WHERE version = expected), writes the order and its history row together.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal, InvalidOperation

from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from kefu.errors import Conflict, NotAllowed, NotFound, Problem, RuleViolation
from kefu.org.models import Center, Department, Staff
from kefu.org.policy import policy_for
from kefu.org.roles import Role, roles_of
from kefu.prepared import RowPlan
from kefu.tickets import machine, rules
from kefu.tickets.models import (Compensation, Escalation, Order, OrderEvent, OrderSequence, Reminder,
                                 TypicalCase)
from kefu.workcal.deadlines import DeadlineRule, due_at
from kefu.workcal.services import center_calendar
from kefu.web.inputs import parse_moment

log = logging.getLogger(__name__)

SECTION = "tickets"


def policy(center) -> dict:
    return policy_for(SECTION, center)


def staff_of(user) -> Staff:
    staff = getattr(user, "staff", None) if user is not None and user.is_authenticated else None
    if staff is None:
        raise NotAllowed("当前账号没有对应的员工档案（工号），不能操作工单")
    return staff


# --- deadlines -------------------------------------------------------------------------------------
def resolution_rule(center, kind: str, level: int, pol: dict | None = None) -> DeadlineRule:
    """Levels 1-4 (004:L1293-1299) for complaints/appeals/coordination; "规定时间" for consultations."""
    pol = pol or policy(center)
    if kind in (machine.CONSULTATION, machine.SUGGESTION):
        return DeadlineRule.parse(pol["consultation_reply"])
    return DeadlineRule.parse(pol["levels"][str(level)])


def resolution_due(center, kind: str, level: int, accepted: datetime, pol: dict | None = None) -> datetime:
    tz = getattr(center, "time_zone", None) or "Asia/Shanghai"
    return due_at(accepted, resolution_rule(center, kind, level, pol), center_calendar(), tz)


def due_warnings(order: Order) -> list:
    """Why the order's resolution deadline may be wrong: a year it was counted across has no holiday table yet
    (kefu.workcal, issue 12). Read against today's calendar, so a confirmed year clears it."""
    from kefu.workcal.years import deadline_warnings

    if order.due_at is None:
        return []
    tz = getattr(order.center, "time_zone", None) or "Asia/Shanghai"
    return deadline_warnings(order.accepted_at, order.due_at, resolution_rule(order.center, order.kind, order.level), tz)


def promise_due(center, kind: str, complexity: str, accepted: datetime, pol: dict | None = None) -> datetime | None:
    """The on-call reply promise, 2 h simple / 24 h complex (004:L1247), for complaints only."""
    if kind != machine.COMPLAINT:
        return None
    pol = pol or policy(center)
    return accepted + timedelta(hours=pol["reply_promise_hours"][complexity])


def is_past_due(order: Order, now: datetime) -> bool:
    return rules.past_due(order.state not in machine.CLOCK_STOPPED, order.due_at, order.handling_deadline,
                          order.state == machine.PROCESSING, now)


# --- creation --------------------------------------------------------------------------------------
@dataclass
class _Checker:
    problems: list

    def add(self, field: str, rule: str, message: str) -> None:
        self.problems.append(Problem(field, rule, message))

    def text(self, data: dict, key: str, label: str, max_length: int, required: bool = False) -> str:
        value = data.get(key)
        if value is None or value == "":
            if required:
                self.add(key, "required", f"请填写{label}")
            return ""
        if not isinstance(value, str):
            self.add(key, "type", f"{label}应为文字")
            return ""
        value = value.strip()
        if required and not value:
            self.add(key, "required", f"请填写{label}")
        if len(value) > max_length:
            self.add(key, "max_length", f"{label}不能超过{max_length}个字符（现有{len(value)}个）")
        return value

    def choice(self, data: dict, key: str, label: str, choices, default: str) -> str:
        value = data.get(key)
        if value in (None, ""):
            return default
        if value not in dict(choices):
            allowed = "、".join(f"{k}（{v}）" for k, v in choices if k)
            self.add(key, "choice", f"{label}不正确：应为 {allowed}")
            return default
        return value

    def boolean(self, data: dict, key: str, label: str, default: bool = False) -> bool:
        value = data.get(key)
        if value in (None, ""):
            return default
        if isinstance(value, bool):
            return value
        if isinstance(value, str) and value.lower() in ("true", "on", "1", "yes", "是"):
            return True
        if isinstance(value, str) and value.lower() in ("false", "off", "0", "no", "否"):
            return False
        self.add(key, "type", f"{label}应为是/否")
        return default

    def moment(self, data: dict, key: str, label: str, required: bool = False) -> datetime | None:
        value = data.get(key)
        if value in (None, ""):
            if required:
                self.add(key, "required", f"请填写{label}")
            return None
        if isinstance(value, str):
            try:
                parsed = parse_moment(value, label, field=key)
            except RuleViolation as exc:  # 2026-02-30T10:00 is named, never a 500 (issue 12)
                self.problems.extend(exc.problems)
                return None
            if parsed is None:
                self.add(key, "datetime", f"{label}格式不正确，应为日期时间（如 2026-11-22T15:00）")
                return None
            value = parsed
        if not isinstance(value, datetime):
            self.add(key, "datetime", f"{label}应为日期时间")
            return None
        if timezone.is_naive(value):
            value = timezone.make_aware(value)
        return value

    def level(self, data: dict, key: str = "level", default: int = 1) -> int:
        value = data.get(key)
        if value in (None, ""):
            return default
        try:
            level = int(value)
            if isinstance(value, float) or isinstance(value, bool):
                raise ValueError
        except (TypeError, ValueError):
            self.add(key, "type", "投诉级别应为 1、2、3 或 4 的整数（004:L1293）")
            return default
        if level not in (1, 2, 3, 4):
            self.add(key, "range", "投诉级别应为 1、2、3 或 4（004:L1293-1299）")
            return default
        return level


ALL_BUSY_OPTIONS = [  # 004:L2021: exactly two alternatives when every agent is busy
    (Order.Channel.RECORDING, "自动录音受理"),
    (Order.Channel.CALLBACK, "预约回呼"),
]


def _next_number(now: datetime) -> str:
    day = timezone.localtime(now).date()
    # One UPDATE ... RETURNING: the row lock serialises concurrent creations, so each gets its own number.
    q = connection.ops.quote_name
    table, last, day_col = q(OrderSequence._meta.db_table), q("last"), q("day")
    sql = f"UPDATE {table} SET {last} = {last} + 1 WHERE {day_col} = %s RETURNING {last}"
    value = connection.ops.adapt_datefield_value(day)
    with connection.cursor() as cursor:
        cursor.execute(sql, [value])
        row = cursor.fetchone()
        if row is None:  # the first order of the day
            OrderSequence.objects.get_or_create(day=day)
            cursor.execute(sql, [value])
            row = cursor.fetchone()
    return f"GD{day:%Y%m%d}{row[0]:04d}"


def _least_loaded_senior(center) -> Staff | None:
    seniors = list(Staff.objects.filter(center=center, is_active=True, user__groups__name=Role.SENIOR_AGENT.value).order_by("staff_no"))
    if not seniors:
        return None
    loads = {s.pk: 0 for s in seniors}
    for sid in Order.objects.filter(assigned_to__in=seniors, state__in=machine.OPEN_STATES).values_list("assigned_to", flat=True):
        loads[sid] += 1
    return min(seniors, key=lambda s: (loads[s.pk], s.staff_no))


def find_original(center, customer, category: str, accepted: datetime, window_days: int) -> Order | None:
    """The latest earlier complaint of the same customer and category within the window (004:L1327, L2013)."""
    return (Order.objects.filter(center=center, customer=customer, category=category,
                                 kind__in=(machine.COMPLAINT, machine.APPEAL), is_invalid=False,
                                 accepted_at__gte=accepted - timedelta(days=window_days), accepted_at__lte=accepted)
            .order_by("-accepted_at", "-id").only("id", "number", "accepted_at").first())


@transaction.atomic
def create_order(center, actor: Staff, data: dict, *, now: datetime | None = None) -> Order:
    """Accept an order (004:L2003-2031). `data` is plain input (API body or form); bad input changes nothing."""
    from kefu.customers.models import Customer
    from kefu.customers.phones import normalize_phone
    from kefu.customers.services import upsert_customer_created

    if not isinstance(data, dict):
        raise RuleViolation("请求内容应为对象", field="body", rule="type")
    now = now or timezone.now()
    c = _Checker([])
    kind = c.choice(data, "kind", "工单类型", Order.Kind.choices, "")
    if not kind:
        c.add("kind", "required", "请选择工单类型：咨询、投诉、建议、申诉或协调单")
    phone_raw = data.get("phone")
    if phone_raw in (None, ""):
        c.add("phone", "required", "请填写投诉人联系电话")
    elif not isinstance(phone_raw, str) or normalize_phone(phone_raw) is None:
        c.add("phone", "phone_format", f"电话号码格式不正确：应为11位手机号、带区号的固话或服务号码（收到“{str(phone_raw)[:20]}”）")
    customer_name = c.text(data, "customer_name", "客户姓名", 50)
    service_number = data.get("service_number") or ""
    if service_number and (not isinstance(service_number, str) or normalize_phone(service_number) is None):
        c.add("service_number", "phone_format", "服务号码格式不正确")
        service_number = ""
    address = c.text(data, "address", "联系地址", 200)
    subject = c.text(data, "subject", "主题", 100, required=True)
    # 004:L1903: a complaint may not be handed on before it is understood: the description is mandatory.
    description = c.text(data, "description", "事件描述", 4000, required=True)
    category = c.choice(data, "category", "投诉类别", Order.Category.choices, Order.Category.SERVICE)
    complainant_type = c.choice(data, "complainant_type", "投诉人类型", Order.ComplainantType.choices, "")
    channel = c.choice(data, "channel", "受理方式", Order.Channel.choices, Order.Channel.PHONE)
    all_busy = c.boolean(data, "all_agents_busy", "全部座席忙")
    callback_at = c.moment(data, "callback_at", "预约回呼时间")
    if all_busy and channel not in dict(ALL_BUSY_OPTIONS):
        c.add("channel", "all_busy_options", "全部座席忙时只能选择“自动录音受理”或“预约回呼”（004:L2021）")
    if channel == Order.Channel.CALLBACK and callback_at is None:
        c.add("callback_at", "required", "预约回呼须填写回呼时间（004:L2021）")
    if callback_at is not None and callback_at <= now:
        c.add("callback_at", "future", "预约回呼时间应晚于当前时间")
    event_time = c.moment(data, "event_time", "事件发生时间")
    if event_time is not None and event_time > now + timedelta(minutes=5):
        c.add("event_time", "past", "事件发生时间不能晚于受理时间")
    event_place = c.text(data, "event_place", "事件发生地点", 100)
    expected_result = c.text(data, "expected_result", "期望结果", 500)
    complained_unit = c.text(data, "complained_unit", "被投诉单位", 100)
    reply_method = c.choice(data, "reply_method", "回复方式", Order.ReplyMethod.choices, Order.ReplyMethod.PHONE)
    level = c.level(data)
    complexity = c.choice(data, "complexity", "复杂程度", Order.Complexity.choices, Order.Complexity.SIMPLE)
    cross = c.boolean(data, "is_cross_province", "跨省")
    station = c.text(data, "station", "工位", 50)
    recording_ref = c.text(data, "recording_ref", "录音文件", 200)
    operation_serial = c.text(data, "operation_serial", "操作流水", 50)
    appeal_source = c.text(data, "appeal_source", "申诉来源", 50)
    appeal_level = c.choice(data, "appeal_level", "申诉级别", Order.AppealLevel.choices, "")
    appeal_is_new = c.boolean(data, "appeal_is_new", "新申诉", True)
    coordination_origin = c.text(data, "coordination_origin", "发生地地市", 50)
    handling_prefecture = c.text(data, "handling_prefecture", "处理地地市", 50)
    accepted = c.moment(data, "accepted_at", "受理时间") or now
    if accepted > now + timedelta(minutes=5):
        c.add("accepted_at", "past", "受理时间不能晚于当前时间")
    if kind == machine.APPEAL and not appeal_source:
        c.add("appeal_source", "required", "申诉须填写申诉来源（004:L2137）")
    if kind == machine.COORDINATION and not coordination_origin:
        c.add("coordination_origin", "required", "协调单须填写发生地地市部门（004:L2177）")
    unknown = sorted(set(data) - _CREATE_KEYS)
    if unknown:
        c.add(unknown[0], "unknown_field", f"未知字段：{'、'.join(unknown)}")
    if c.problems:
        raise RuleViolation.many(c.problems)

    pol = policy(center)
    customer, new_customer = upsert_customer_created(center, phone=phone_raw, name=customer_name,
                                                     service_number=service_number, address=address)
    if complainant_type == Order.ComplainantType.KEY_ACCOUNT and customer.kind != Customer.Kind.KEY_ACCOUNT:
        customer.kind = Customer.Kind.KEY_ACCOUNT
        customer.save(update_fields=["kind"])
    complainant_type = complainant_type or (customer.kind if customer.kind in Order.ComplainantType.values else Order.ComplainantType.ORDINARY)
    key_account = complainant_type == Order.ComplainantType.KEY_ACCOUNT or customer.kind == Customer.Kind.KEY_ACCOUNT
    if kind in (machine.CONSULTATION, machine.SUGGESTION):
        level = 1
    order = Order(
        center=center, kind=kind, customer=customer, complainant_type=complainant_type, category=category,
        complained_unit=complained_unit, channel=channel, callback_at=callback_at, subject=subject,
        event_time=event_time, event_place=event_place, description=description, expected_result=expected_result,
        reply_method=reply_method, level=level, complexity=complexity, is_cross_province=cross or level == 3,
        station=station, recording_ref=recording_ref, operation_serial=operation_serial,
        appeal_source=appeal_source, appeal_level=appeal_level, appeal_is_new=appeal_is_new,
        coordination_origin=coordination_origin, handling_prefecture=handling_prefecture,
        forwarding_status=Order.Forwarding.PENDING if kind == machine.COORDINATION else "",
        acceptor=actor, team_id=actor.team_id, accepted_at=accepted,
        due_at=resolution_due(center, kind, level, accepted, pol),
        promise_due_at=promise_due(center, kind, complexity, accepted, pol),
        is_key_account=key_account,
    )
    # A caller registered just now has no earlier complaint to repeat.
    if kind in (machine.COMPLAINT, machine.APPEAL) and not new_customer:
        original = find_original(center, customer, category, accepted, pol["repeat_window_days"])
        if original is not None:  # 004:L1327, L2013: repeat complaint, linked and handled first
            order.is_repeat, order.original, order.priority = True, original, pol["repeat_priority"]
    if key_account:  # 004:L2019: key-account work goes to the senior-agent group
        order.assigned_group = Role.SENIOR_AGENT.value
        order.assigned_to = _least_loaded_senior(center)
        order.priority = max(order.priority, pol["key_account_priority"])
    for _ in range(3):
        try:
            with transaction.atomic():
                order.number = _next_number(accepted)
                order.save()
            break
        except IntegrityError:
            continue
    else:
        raise Conflict("工单号生成冲突，请重试", field="number")
    OrderEvent.objects.create(order=order, at=now, actor=actor, staff_no=actor.staff_no, name="accept", label="受理",
                              from_state="", to_state=order.state,
                              note=("重复投诉，关联原工单 " + order.original.number) if order.is_repeat else "",
                              fields={"kind": kind, "level": level, "channel": channel})
    return order


_CREATE_KEYS = {
    "kind", "phone", "customer_name", "service_number", "address", "subject", "description", "category",
    "complainant_type", "channel", "all_agents_busy", "callback_at", "event_time", "event_place", "expected_result",
    "complained_unit", "reply_method", "level", "complexity", "is_cross_province", "station", "recording_ref",
    "operation_serial", "appeal_source", "appeal_level", "appeal_is_new", "coordination_origin", "handling_prefecture",
    "accepted_at",
}


# --- transitions -----------------------------------------------------------------------------------
def _department(center, value, label: str, c: _Checker, key: str):
    if isinstance(value, Department):
        return value if value.center_id == center.id else None
    qs = Department.objects.filter(center=center)
    if isinstance(value, int) and not isinstance(value, bool):
        dept = qs.filter(pk=value).first()
    elif isinstance(value, str) and value.strip():
        v = value.strip()
        dept = qs.filter(pk=int(v)).first() if v.isdigit() else qs.filter(code=v).first()
    else:
        dept = None
    if dept is None:
        c.add(key, "not_found", f"{label}不存在：{str(value)[:30]}")
    return dept


def clean_fields(order: Order, t: machine.T, raw: dict, now: datetime) -> dict:
    """Parse and check the fields a transition takes; every problem is reported at once."""
    c = _Checker([])
    unknown = sorted(set(raw) - set(t.fields()))
    if unknown:
        c.add(unknown[0], "unknown_field", f"“{t.label}”不接受字段：{'、'.join(unknown)}")
    out: dict = {}
    for key in t.fields():
        kind, label, extra = machine.FIELDS[key]
        value = raw.get(key)
        missing = value is None or (isinstance(value, str) and not value.strip())
        if missing:
            if key in t.requires:
                c.add(key, "required", f"{t.label}必须填写{label}（{t.seed}）")
            continue
        if kind == machine.TEXT:
            parsed = c.text(raw, key, label, extra)
        elif kind == machine.BOOL:
            parsed = c.boolean(raw, key, label)
        elif kind == machine.CHOICE:
            choices = {"category": Order.Category.choices, "complainant_type": Order.ComplainantType.choices}.get(
                key, [(x, x) for x in (extra or ())])
            parsed = c.choice(raw, key, label, choices, "")
        elif kind == machine.DATETIME:
            parsed = c.moment(raw, key, label)
            if parsed is not None and parsed <= now:
                c.add(key, "future", f"{label}应晚于当前时间")
        elif kind == machine.DEPARTMENT:
            parsed = _department(order.center, value, label, c, key)
        elif kind == machine.LEVEL:
            parsed = c.level(raw, key)
        else:  # pragma: no cover - machine declares only the kinds above
            raise RuntimeError(kind)
        out[key] = parsed
    if c.problems:
        raise RuleViolation.many(c.problems)
    return out


def _guard(order: Order, t: machine.T, fields: dict, now: datetime) -> None:
    if t.guard == "overdue_needs_reason":  # 004:L2097
        if is_past_due(order, now) or order.is_overdue:
            if not (fields.get("overdue_reason") or order.overdue_reason):
                raise RuleViolation("工单已超时，处理完成前必须填写超时原因（004:L2097）", field="overdue_reason",
                                    rule="overdue_reason_required")
    elif t.guard == "is_overdue":
        if not (is_past_due(order, now) or order.is_overdue):
            raise RuleViolation("工单尚未超时，无需填写超时原因", field="overdue_reason", rule="not_overdue", status=409)
    elif t.guard == "dissatisfied":  # 004:L2127
        if order.satisfaction != "dissatisfied":
            raise RuleViolation("只有客户不满意的工单才能重新派单（004:L2127）", field="name", rule="not_dissatisfied", status=409)
    elif t.guard == "final_reply_if_dissatisfied":  # 004:L2127: the final reply happens at closure
        if order.satisfaction == "dissatisfied" and not fields.get("final_reply"):
            raise RuleViolation("客户不满意的工单归档前必须填写最终回复（004:L2127）", field="final_reply", rule="required")
        if fields.get("is_typical") and not fields.get("case_title"):
            raise RuleViolation("列入案例库须填写案例标题（004:L2171）", field="case_title", rule="required")
    elif t.guard == "appeal_not_new":  # 004:L2153
        if order.appeal_is_new:
            raise RuleViolation("新申诉须先核实，不能直接答复（004:L2153-2155）", field="name", rule="appeal_new", status=409)
    elif t.guard == "appeal_new":
        if not order.appeal_is_new:
            raise RuleViolation("非新申诉直接答复，无需核实（004:L2153）", field="name", rule="appeal_not_new", status=409)


def precondition_ok(order: Order, t: machine.T, now: datetime) -> bool:
    """The guards that depend on the order alone (not on the fields typed in)."""
    if t.guard == "dissatisfied":
        return order.satisfaction == "dissatisfied"
    if t.guard == "appeal_not_new":
        return not order.appeal_is_new
    if t.guard == "appeal_new":
        return order.appeal_is_new
    if t.guard == "is_overdue":
        return order.is_overdue or is_past_due(order, now)
    return True


def allowed_transitions(order: Order, actor: Staff, now: datetime | None = None) -> list[machine.T]:
    """What this person may fire on this order now (role, department, state, kind and preconditions)."""
    roles, now = roles_of(actor.user), now or timezone.now()
    return [t for t in machine.candidates(order.kind, order.state)
            if roles & t.roles and (not t.at_department or actor.department_id == order.department_id)
            and precondition_ok(order, t, now)]


def _reply_changes(order: Order, fields: dict, actor: Staff, now: datetime) -> dict:
    changes = {"reply_opinion": fields["reply_opinion"], "last_replied_at": now, "reply_count": order.reply_count + 1,
               "feedback_giver": actor, "due_met_at": now}
    if "satisfaction" in fields:
        changes["satisfaction"] = fields["satisfaction"]
    if order.replied_at is None:
        changes["replied_at"] = now
    if order.promise_due_at and order.promise_met_at is None:
        changes["promise_met_at"] = now
    return changes


def _dispatch_changes(order: Order, fields: dict, actor: Staff, now: datetime) -> dict:
    dept = fields.get("department")
    if dept is None:  # the flow template of the complaint category decides (004:L2075)
        code = policy(order.center)["flow_templates"].get(order.category)
        dept = Department.objects.filter(center=order.center, code=code).first() if code else None
        if dept is None:
            raise RuleViolation("流程模板未给出该类别的处理部门，请选择处理部门（004:L2075）", field="department", rule="required")
    return {"dispatch_opinion": fields["dispatch_opinion"], "department": dept, "station": fields.get("station", ""),
            "handling_deadline": fields.get("handling_deadline"), "dispatcher": actor, "dispatched_at": now}


def _changes(order: Order, t: machine.T, fields: dict, actor: Staff, now: datetime) -> tuple[dict, TypicalCase | None]:
    name, case = t.name, None
    if name in ("answer", "reply", "appeal_reply"):
        changes = _reply_changes(order, fields, actor, now)
    elif name in ("review", "cancel"):
        changes = {"review_opinion": fields["review_opinion"], "reviewer": actor, "reviewed_at": now}
        if name == "cancel":
            changes["is_invalid"] = True  # 004:L2063
        for key in ("category", "complainant_type"):
            if fields.get(key):
                changes[key] = fields[key]
        if fields.get("complainant_type") == Order.ComplainantType.KEY_ACCOUNT:
            changes["is_key_account"] = True
    elif name in ("dispatch", "redispatch"):
        changes = _dispatch_changes(order, fields, actor, now)
    elif name == "resolve":
        changes = {"result": fields["result"], "cause": fields["cause"], "handler": actor, "processed_at": now}
        if fields.get("overdue_reason"):
            changes["overdue_reason"] = fields["overdue_reason"]
    elif name == "return":
        changes = {"return_reason": fields["return_reason"], "handler": actor}
    elif name == "transfer":
        changes = {"transfer_reason": fields["transfer_reason"], "station": fields["station"],
                   "department": fields["department"], "handling_deadline": fields["handling_deadline"], "handler": actor}
    elif name == "explain_overdue":
        changes = {"overdue_reason": fields["overdue_reason"]}
    elif name == "archive":
        changes = {"analysis": fields["analysis"], "archived_at": now, "is_typical": bool(fields.get("is_typical"))}
        if fields.get("final_reply"):
            changes["final_reply"] = fields["final_reply"]
        if changes["is_typical"]:  # 004:L2171, L2219: typical cases go to the case library
            case = TypicalCase(order=order, title=fields["case_title"], summary=order.description[:2000],
                               analysis=fields["analysis"], category=order.category, tags=fields.get("case_tags", ""),
                               created_by=actor)
    elif name == "appeal_verify":
        changes = {"verification_request": fields["verification_request"], "reviewer": actor, "reviewed_at": now}
        if fields.get("department"):
            changes["department"] = fields["department"]
    elif name == "appeal_reject":  # 004:L2167: cancel + reply + archive + written report
        changes = {"verification_result": fields["verification_result"], "arbitration_result": "not_verified",
                   "report": fields["report"], "archived_at": now, "is_invalid": True,
                   **_reply_changes(order, fields, actor, now)}
    elif name == "appeal_dispatch":  # 004:L2157
        changes = {"verification_result": fields["verification_result"], "arbitration_result": "verified",
                   **_dispatch_changes(order, fields, actor, now)}
    elif name == "coordinate":  # 004:L2179: feedback deadline; forwarding checked until success (004:L2177)
        changes = {**_dispatch_changes(order, fields, actor, now), "forwarding_status": Order.Forwarding.FORWARDED}
    else:  # pragma: no cover
        raise RuntimeError(name)
    if fields.get("level") and fields["level"] != order.level:
        # A changed level recomputes the deadline from the original acceptance time (requirements-D §4.1).
        changes["level"] = fields["level"]
        changes["due_at"] = resolution_due(order.center, order.kind, fields["level"], order.accepted_at)
        if fields["level"] == 3:
            changes["is_cross_province"] = True
    return changes, case


def _jsonable(fields: dict) -> dict:
    out = {}
    for key, value in fields.items():
        if isinstance(value, Department):
            out[key] = {"id": value.pk, "code": value.code, "name": value.name}
        elif isinstance(value, datetime):
            out[key] = value.isoformat()
        else:
            out[key] = value
    return out


# The order with its center and department, as select_related("center", "department").select_for_update(of=
# ("self",)) gives it; read on every transition, so built once (see kefu.prepared: the ORM compiles this
# 83-column select at ~15x the cost of running it).
_ORDER_FOR_TRANSITION = RowPlan(
    [(Order, "o"), (Center, "c"), (Department, "d")],
    lambda n: (f"FROM {n.table(Order)} o INNER JOIN {n.table(Center)} c ON c.{n.col(Center, 'id')} = o.{n.col(Order, 'center')}"
               f" LEFT OUTER JOIN {n.table(Department)} d ON d.{n.col(Department, 'id')} = o.{n.col(Order, 'department')}"
               f" WHERE o.{n.col(Order, 'id')} = %s"),
    lock="o",
)


def transition(order: Order, name: str, actor: Staff, version, *, now: datetime | None = None, center=None, **raw) -> Order:
    """Fire transition `name` on `order` as `actor`, expecting `version`. Returns the updated order.

    `order` may be an unsaved Order(pk=...) when the caller has only the id: the row is read here, once,
    and with `center` given an order of another center is not found.
    """
    now = now or timezone.now()
    t = machine.BY_NAME.get(name) if isinstance(name, str) else None
    if t is None:
        raise RuleViolation(f"未知的操作：{str(name)[:30]}；可选：{'、'.join(machine.BY_NAME)}", field="name", rule="unknown_transition")
    if isinstance(version, bool) or not isinstance(version, int):
        if isinstance(version, str) and version.isdigit():
            version = int(version)
        else:
            raise RuleViolation("请提供工单版本号（整数），用于防止并发覆盖", field="version", rule="required")
    with transaction.atomic():
        # FOR UPDATE (PostgreSQL; SQLite's IMMEDIATE transaction already holds the write lock): nothing changes
        # the row between this read and the write, so the order returned is the read one with the changes applied.
        found = _ORDER_FOR_TRANSITION.fetch([order.pk])
        current = found[0] if found is not None and (center is None or found[0].center_id == center.pk) else None
        if current is None:
            raise NotFound("工单")
        current.center = found[1]
        current.department = found[2]
        if current.version != version:
            raise Conflict(f"工单已被他人修改（当前版本 {current.version}，提交版本 {version}），请刷新后重试",
                           field="version", rule="version_conflict")
        roles = roles_of(actor.user)
        if not roles & t.roles:
            raise NotAllowed(f"当前角色不能执行“{t.label}”（{t.seed}）", rule="permission")
        if current.kind not in t.kinds:
            raise RuleViolation(f"{current.get_kind_display()}工单不能执行“{t.label}”", field="name", rule="kind", status=409)
        if current.state not in t.src:
            raise RuleViolation(f"工单当前状态为“{current.state_label}”，不能执行“{t.label}”", field="name", rule="state", status=409)
        if t.at_department and actor.department_id != current.department_id:
            raise NotAllowed(f"只有处理部门“{current.department or '—'}”的人员可以执行“{t.label}”", rule="permission")
        fields = clean_fields(current, t, raw, now)
        _guard(current, t, fields, now)
        changes, case = _changes(current, t, fields, actor, now)
        changes.update(state=t.dst, version=version + 1, updated_at=now)
        updated = Order.objects.filter(pk=current.pk, version=version).update(**changes)
        if updated != 1:
            raise Conflict("工单已被他人修改，请刷新后重试", field="version", rule="version_conflict")
        OrderEvent.objects.create(order=current, at=now, actor=actor, staff_no=actor.staff_no, name=t.name, label=t.label,
                                  from_state=current.state, to_state=t.dst, note=fields.get("note", ""),
                                  fields=_jsonable({k: v for k, v in fields.items() if k != "note"}))
        if case is not None:
            case.save()
        for key, value in changes.items():  # plain values only (_changes builds no expressions)
            setattr(current, key, value)
        deadline = current.handling_deadline or current.due_at
        if current.state == machine.PROCESSING and deadline:
            order_id = current.pk
            transaction.on_commit(lambda: _schedule_check(order_id, deadline))
    return current


def _schedule_check(order_id: int, deadline: datetime) -> None:
    """With a broker, also check the order at its deadline: a precise wake-up, best effort. The timer itself is the
    deadline stored on the order, which the periodic scan (tickets-deadlines, every 60 s) reads from the database,
    so a broker that refuses the message loses nothing. Runs after the commit: it never fails the request."""
    from django.conf import settings

    if getattr(settings, "CELERY_TASK_ALWAYS_EAGER", True):
        return
    from kefu.tickets.tasks import check_order

    try:
        check_order.apply_async((order_id,), eta=deadline, retry=True, retry_policy=_PUBLISH_RETRY)
    except Exception as exc:  # broker unreachable (kombu OperationalError, redis errors, timeouts): the scan covers it
        log.warning("工单 %s 的到期检查未能送达消息队列（%s），由定时扫描 tickets-deadlines 处理", order_id, exc)


# A few quick retries of the publish (a broker restart), never a long wait inside the request.
_PUBLISH_RETRY = {"max_retries": 2, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.5}


# --- timers ----------------------------------------------------------------------------------------
def _event(order: Order, now: datetime, name: str, label: str, note: str) -> None:
    OrderEvent.objects.create(order=order, at=now, actor=None, staff_no="系统", name=name, label=label,
                              from_state=order.state, to_state=order.state, note=note[:500])


@transaction.atomic
def check_order_deadline(order: Order, now: datetime) -> list[str]:
    """Overdue flag, reminder before the deadline, escalation ladder (004:L2159, L2181). Idempotent."""
    done = []
    if order.state in machine.CLOCK_STOPPED:
        return done
    pol = policy(order.center)
    deadline = order.handling_deadline if order.state == machine.PROCESSING and order.handling_deadline else order.due_at
    if is_past_due(order, now) and not order.is_overdue:
        if Order.objects.filter(pk=order.pk, is_overdue=False).update(is_overdue=True, overdue_at=now):
            order.is_overdue, order.overdue_at = True, now
            _event(order, now, "overdue", "超时", f"已超过时限 {timezone.localtime(deadline):%Y-%m-%d %H:%M}")
            done.append("overdue")
    if (order.state == machine.PROCESSING and not order.is_overdue
            and rules.reminder_due(deadline, timedelta(minutes=pol["reminder_before_minutes"]), now)):
        dept = order.department
        to = (dept.liaison if dept else None) or order.handler
        _, created = Reminder.objects.get_or_create(
            order=order, deadline=deadline,
            defaults={"at": now, "to": to, "note": f"工单 {order.number} 将于 {timezone.localtime(deadline):%m-%d %H:%M} 到期，请及时处理"})
        if created:
            _event(order, now, "remind", "催办", f"提醒 {to.staff_no if to else '处理部门'}：即将到期")
            done.append("remind")
    if order.is_overdue and order.state == machine.PROCESSING and order.department_id:
        dept = order.department
        first = Escalation.objects.filter(order=order, step=1, department=dept).first()
        second_sent = first is not None and Escalation.objects.filter(order=order, step=2, department=dept).exists()
        step = rules.escalation_step(True, first.at if first else None, second_sent,
                                     timedelta(hours=pol["escalation_interval_hours"]), now)
        if step == 1:
            if dept.leader_id:
                Escalation.objects.create(order=order, at=now, step=1, department=dept, to=dept.leader,
                                          note=f"工单 {order.number} 超时未反馈，书面上报部门领导")
                _event(order, now, "escalate", "超时上报部门领导", f"上报 {dept.leader.staff_no}（004:L2181）")
                done.append("escalate1")
        elif step == 2 and dept.executive_id:
            Escalation.objects.create(order=order, at=now, step=2, department=dept, to=dept.executive,
                                      note=f"工单 {order.number} 上报部门领导后仍未反馈，书面上报主管领导")
            _event(order, now, "escalate", "超时上报主管领导", f"上报 {dept.executive.staff_no}（004:L2181）")
            done.append("escalate2")
    return done


def scan_deadlines(now: datetime | None = None) -> dict[str, int]:
    """The periodic sweep over open orders."""
    now = now or timezone.now()
    counts: dict[str, int] = {}
    qs = Order.objects.filter(state__in=machine.OPEN_STATES).select_related("center", "department__leader",
                                                                            "department__executive", "department__liaison", "handler")
    for order in qs.iterator(chunk_size=500):
        for what in check_order_deadline(order, now):
            counts[what] = counts.get(what, 0) + 1
    return counts


def destroy_expired(now: datetime | None = None) -> int:
    """Retention: destroy archived orders older than the policy's period, and orphaned customers; audit each."""
    from kefu.audit.models import AuditRecord
    from kefu.audit.services import record
    from kefu.customers.models import Customer
    from kefu.org.models import Center

    now = now or timezone.now()
    destroyed = 0
    for center in Center.objects.all():
        days = policy(center)["retention_days"]
        expired = Order.objects.filter(center=center, state__in=(machine.ARCHIVED, machine.CANCELLED),
                                       archived_at__lt=now - timedelta(days=days))
        # cancelled orders have no archived_at: they age from their review
        expired = expired | Order.objects.filter(center=center, state=machine.CANCELLED, archived_at__isnull=True,
                                                 reviewed_at__lt=now - timedelta(days=days))
        for order in list(expired.order_by("id")):
            with transaction.atomic():
                customer_id, number, order_id = order.customer_id, order.number, order.pk
                Order.objects.filter(original=order).update(original=None)
                order.delete()
                record(None, AuditRecord.Action.DESTROY, "tickets.order", [order_id],
                       note=f"保存期满（{days}天）销毁工单 {number}", channel=AuditRecord.Channel.SYSTEM)
                if not Order.objects.filter(customer_id=customer_id).exists():
                    Customer.objects.filter(pk=customer_id).delete()
                    record(None, AuditRecord.Action.DESTROY, "customers.customer", [customer_id],
                           note=f"客户无其他工单，随工单 {number} 销毁", channel=AuditRecord.Channel.SYSTEM)
                destroyed += 1
    return destroyed


# --- compensation ----------------------------------------------------------------------------------
def approver_for(amount: Decimal, pol: dict) -> str:
    comp = pol["compensation"]
    return rules.approver_for(amount, comp["deputy_from"], comp["gm_above"])


@transaction.atomic
def request_compensation(order: Order, actor: Staff, amount, reason) -> Compensation:
    try:
        value = Decimal(str(amount))
        if isinstance(amount, bool) or not value.is_finite():
            raise InvalidOperation
    except (InvalidOperation, ValueError):
        raise RuleViolation("赔偿金额应为数字（元）", field="amount", rule="type")
    if value <= 0 or value >= Decimal("100000000"):
        raise RuleViolation("赔偿金额应大于0且小于1亿元", field="amount", rule="range")
    if value != value.quantize(Decimal("0.01")):
        raise RuleViolation("赔偿金额最多两位小数", field="amount", rule="precision")
    if not isinstance(reason, str) or not reason.strip():
        raise RuleViolation("请填写赔偿理由", field="reason", rule="required")
    if len(reason) > 500:
        raise RuleViolation("赔偿理由不能超过500个字符", field="reason", rule="max_length")
    if order.state in (machine.CANCELLED, machine.ARCHIVED):
        raise RuleViolation(f"工单{order.state_label}，不能申请赔偿", field="order", rule="state", status=409)
    comp = Compensation.objects.create(order=order, amount=value, reason=reason.strip(), requested_by=actor,
                                       approver=approver_for(value, policy(order.center)))
    _event(order, timezone.now(), "compensation", "申请赔偿", f"{value} 元，待{comp.get_approver_display()}审批")
    return comp


@transaction.atomic
def decide_compensation(comp: Compensation, actor: Staff, approve, note: str = "") -> Compensation:
    if not isinstance(approve, bool):
        raise RuleViolation("请选择批准或驳回", field="approve", rule="type")
    if not isinstance(note, str) or len(note) > 300:
        raise RuleViolation("审批意见不能超过300个字符", field="note", rule="max_length")
    comp = Compensation.objects.select_for_update().select_related("order__center").get(pk=comp.pk)
    if comp.state != Compensation.State.PENDING:
        raise RuleViolation("该赔偿申请已审批", field="state", rule="state", status=409)
    roles = {r.value for r in roles_of(actor.user)}
    allowed = set(policy(comp.order.center)["compensation"]["roles"][comp.approver])
    if not roles & allowed:
        raise NotAllowed(f"{comp.amount} 元的赔偿须由{comp.get_approver_display()}审批（002:L150-158）")
    comp.state = Compensation.State.APPROVED if approve else Compensation.State.REJECTED
    comp.decided_by, comp.decided_at, comp.decision_note = actor, timezone.now(), note
    comp.save()
    _event(comp.order, comp.decided_at, "compensation", "赔偿审批", f"{comp.get_state_display()}：{comp.amount} 元")
    return comp
