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

from kefu import workflow
from kefu.errors import Conflict, Problem, RuleViolation
from kefu.messages import Msg
from kefu.org.models import Center, Department, Staff
from kefu.org.policy import policy_for
from kefu.org.roles import Role
from kefu.prepared import RowPlan
from kefu.scope import Scope, scope_of
from kefu.tickets import machine, rules
from kefu.tickets.models import Compensation, Escalation, Order, OrderEvent, OrderSequence, Reminder
from kefu.web.inputs import parse_moment
from kefu.workcal.deadlines import DeadlineRule, due_at
from kefu.workcal.services import center_calendar

log = logging.getLogger(__name__)

SECTION = "tickets"


def policy(center) -> dict:
    return policy_for(SECTION, center)


# --- categories and their routing (policy data, kefu/tickets/policy.py) ------------------------------------
def active_categories(pol: dict) -> dict[str, dict]:
    """The categories a new order may take, in the policy's order."""
    return {code: cat for code, cat in pol["categories"].items() if cat.get("active", True)}


def route_of(center, code: str, pol: dict) -> dict:
    """What an order of category `code` keeps from today's policy: its labels, the department it is routed to (None
    when the policy names none, or one the center lacks) and that department's time limit (004:L2075)."""
    cat = pol["categories"][code]
    dept_code = cat.get("department") or ""
    department = Department.objects.filter(center=center, code=dept_code).first() if dept_code else None
    return {
        "category": code,
        "category_names": {"name": cat["name"], "name_en": cat.get("name_en") or ""},
        "route_department": department,
        "route_time_limit": cat.get("time_limit"),
    }


def route_deadline(order: Order, start: datetime) -> datetime | None:
    """The routed department's deadline counted from `start` (the dispatch) under the limit the order was created
    with; None when the category has none (the dispatcher sets one, 004:L2089)."""
    if not order.route_time_limit:
        return None
    tz = getattr(order.center, "time_zone", None) or "Asia/Shanghai"
    return due_at(start, DeadlineRule.parse(order.route_time_limit), center_calendar(), tz)


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
    return deadline_warnings(
        order.accepted_at, order.due_at, resolution_rule(order.center, order.kind, order.level), tz
    )


def promise_due(center, kind: str, complexity: str, accepted: datetime, pol: dict | None = None) -> datetime | None:
    """The on-call reply promise, 2 h simple / 24 h complex (004:L1247), for complaints only."""
    if kind != machine.COMPLAINT:
        return None
    pol = pol or policy(center)
    return accepted + timedelta(hours=pol["reply_promise_hours"][complexity])


def is_past_due(order: Order, now: datetime) -> bool:
    return rules.past_due(
        order.state not in machine.CLOCK_STOPPED,
        order.due_at,
        order.handling_deadline,
        order.state == machine.PROCESSING,
        now,
    )


# --- creation --------------------------------------------------------------------------------------
def _label(key: str) -> Msg:
    return Msg(f"tickets.field.{key}")


@dataclass
class _Checker:
    """Reads the creation form; every problem is a code with its values (kefu/tickets/messages.py), all at once."""

    problems: list

    def add(self, field: str, rule: str, code: str, **params) -> None:
        self.problems.append(Problem(field, rule, Msg(code, **params)))

    def text(self, data: dict, key: str, max_length: int, required: bool = False) -> str:
        value = data.get(key)
        if value is None or value == "":
            if required:
                self.add(key, "required", "tickets.create.required", field_label=_label(key))
            return ""
        if not isinstance(value, str):
            self.add(key, "type", "tickets.field.not_text", field_label=_label(key))
            return ""
        value = value.strip()
        if required and not value:
            self.add(key, "required", "tickets.create.required", field_label=_label(key))
        if len(value) > max_length:
            self.add(
                key, "max_length", "tickets.create.too_long", field_label=_label(key), max=max_length, length=len(value)
            )
        return value

    def choice(self, data: dict, key: str, choices, default: str) -> str:
        value = data.get(key)
        if value in (None, ""):
            return default
        if value not in choices:
            self.add(
                key,
                "choice",
                "tickets.create.not_a_choice",
                field_label=_label(key),
                choices=[Msg(f"tickets.{key}.{k}") for k in choices if k],
            )
            return default
        return value

    def boolean(self, data: dict, key: str, default: bool = False) -> bool:
        value = data.get(key)
        if value in (None, ""):
            return default
        parsed = machine.parse_bool(key)(None, value, None)
        if isinstance(parsed, bool):
            return parsed
        self.problems.append(parsed)
        return default

    def moment(self, data: dict, key: str, required: bool = False) -> datetime | None:
        value = data.get(key)
        if value in (None, ""):
            if required:
                self.add(key, "required", "tickets.create.required", field_label=_label(key))
            return None
        if isinstance(value, str):
            try:
                parsed = parse_moment(value, str(_label(key)), field=key)
            except RuleViolation as exc:  # 2026-02-30T10:00 is named, never a 500 (issue 12)
                self.problems.extend(exc.problems)
                return None
            if parsed is None:
                self.add(key, "datetime", "tickets.field.not_datetime", field_label=_label(key))
                return None
            value = parsed
        if not isinstance(value, datetime):
            self.add(key, "datetime", "tickets.field.not_datetime", field_label=_label(key))
            return None
        if timezone.is_naive(value):
            value = timezone.make_aware(value)
        return value

    def level(self, data: dict, key: str = "level", default: int = 1) -> int:
        value = data.get(key)
        if value in (None, ""):
            return default
        parsed = machine.parse_level(None, value, None)  # 004:L1293-1299
        if isinstance(parsed, int):
            return parsed
        self.problems.append(parsed)
        return default


ALL_BUSY_OPTIONS = [  # 004:L2021: exactly two alternatives when every agent is busy (labels: tickets.channel.*)
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
    seniors = list(
        Staff.objects.filter(center=center, is_active=True, user__groups__name=Role.SENIOR_AGENT.value).order_by(
            "staff_no"
        )
    )
    if not seniors:
        return None
    loads = {s.pk: 0 for s in seniors}
    for sid in Order.objects.filter(assigned_to__in=seniors, state__in=machine.OPEN_STATES).values_list(
        "assigned_to", flat=True
    ):
        loads[sid] += 1
    return min(seniors, key=lambda s: (loads[s.pk], s.staff_no))


def find_original(center, customer, category: str, accepted: datetime, window_days: int) -> Order | None:
    """The latest earlier complaint of the same customer and category within the window (004:L1327, L2013)."""
    return (
        Order.objects.filter(
            center=center,
            customer=customer,
            category=category,
            kind__in=(machine.COMPLAINT, machine.APPEAL),
            is_invalid=False,
            accepted_at__gte=accepted - timedelta(days=window_days),
            accepted_at__lte=accepted,
        )
        .order_by("-accepted_at", "-id")
        .only("id", "number", "accepted_at")
        .first()
    )


@transaction.atomic
def create_order(center, actor: Staff, data: dict, *, now: datetime | None = None) -> Order:
    """Accept an order (004:L2003-2031). `data` is plain input (API body or form); bad input changes nothing."""
    from kefu.customers.models import Customer
    from kefu.customers.phones import normalize_phone
    from kefu.customers.services import upsert_customer_created

    if not isinstance(data, dict):
        raise RuleViolation.of("tickets.create.not_an_object", field="body")
    now = now or timezone.now()
    pol = policy(center)
    c = _Checker([])
    kind = c.choice(data, "kind", Order.Kind.values, "")
    if not kind and "kind" not in data:
        c.add("kind", "required", "tickets.create.kind_required")
    elif kind and kind not in pol["kinds"]:
        c.add(
            "kind",
            "not_offered",
            "tickets.create.kind_not_offered",
            kind=Msg(f"tickets.kind.{kind}"),
            choices=[Msg(f"tickets.kind.{k}") for k in pol["kinds"]],
        )
    phone_raw = data.get("phone")
    if phone_raw in (None, ""):
        c.add("phone", "required", "tickets.create.phone_required")
    elif not isinstance(phone_raw, str) or normalize_phone(phone_raw) is None:
        c.add("phone", "phone_format", "tickets.create.phone_format", value=str(phone_raw)[:20])
    customer_name = c.text(data, "customer_name", 50)
    service_number = data.get("service_number") or ""
    if service_number and (not isinstance(service_number, str) or normalize_phone(service_number) is None):
        c.add("service_number", "phone_format", "tickets.create.service_number_format")
        service_number = ""
    address = c.text(data, "address", 200)
    subject = c.text(data, "subject", 100, required=True)
    # 004:L1903: a complaint may not be handed on before it is understood: the description is mandatory.
    description = c.text(data, "description", 4000, required=True)
    category = _category(c, data, pol)
    complainant_type = c.choice(data, "complainant_type", Order.ComplainantType.values, "")
    channel = c.choice(data, "channel", Order.Channel.values, Order.Channel.PHONE)
    all_busy = c.boolean(data, "all_agents_busy")
    callback_at = c.moment(data, "callback_at")
    if all_busy and channel not in dict(ALL_BUSY_OPTIONS):  # 004:L2021
        c.add("channel", "all_busy_options", "tickets.create.all_busy_options")
    if channel == Order.Channel.CALLBACK and callback_at is None:  # 004:L2021
        c.add("callback_at", "required", "tickets.create.callback_required")
    if callback_at is not None and callback_at <= now:
        c.add("callback_at", "future", "tickets.field.not_future", field_label=_label("callback_at"))
    event_time = c.moment(data, "event_time")
    if event_time is not None and event_time > now + timedelta(minutes=5):
        c.add("event_time", "past", "tickets.create.event_after_acceptance")
    event_place = c.text(data, "event_place", 100)
    expected_result = c.text(data, "expected_result", 500)
    complained_unit = c.text(data, "complained_unit", 100)
    reply_method = c.choice(data, "reply_method", Order.ReplyMethod.values, Order.ReplyMethod.PHONE)
    level = c.level(data)
    complexity = c.choice(data, "complexity", Order.Complexity.values, Order.Complexity.SIMPLE)
    cross = c.boolean(data, "is_cross_province")
    station = c.text(data, "station", 50)
    recording_ref = c.text(data, "recording_ref", 200)
    operation_serial = c.text(data, "operation_serial", 50)
    appeal_source = c.text(data, "appeal_source", 50)
    appeal_level = c.choice(data, "appeal_level", Order.AppealLevel.values, "")
    appeal_is_new = c.boolean(data, "appeal_is_new", True)
    coordination_origin = c.text(data, "coordination_origin", 50)
    handling_prefecture = c.text(data, "handling_prefecture", 50)
    accepted = c.moment(data, "accepted_at") or now
    if accepted > now + timedelta(minutes=5):
        c.add("accepted_at", "past", "tickets.create.accepted_in_future")
    if kind == machine.APPEAL and not appeal_source:  # 004:L2137
        c.add("appeal_source", "required", "tickets.create.appeal_source_required")
    if kind == machine.COORDINATION and not coordination_origin:  # 004:L2177
        c.add("coordination_origin", "required", "tickets.create.coordination_origin_required")
    unknown = sorted(set(data) - _CREATE_KEYS)
    if unknown:
        c.add(unknown[0], "unknown_field", "tickets.create.unknown_fields", names=unknown)
    if c.problems:
        raise RuleViolation.many(c.problems)

    customer, new_customer = upsert_customer_created(
        center, phone=phone_raw, name=customer_name, service_number=service_number, address=address
    )
    if complainant_type == Order.ComplainantType.KEY_ACCOUNT and customer.kind != Customer.Kind.KEY_ACCOUNT:
        customer.kind = Customer.Kind.KEY_ACCOUNT
        customer.save(update_fields=["kind"])
    complainant_type = complainant_type or (
        customer.kind if customer.kind in Order.ComplainantType.values else Order.ComplainantType.ORDINARY
    )
    key_account = complainant_type == Order.ComplainantType.KEY_ACCOUNT or customer.kind == Customer.Kind.KEY_ACCOUNT
    if kind in (machine.CONSULTATION, machine.SUGGESTION):
        level = 1
    order = Order(
        center=center,
        kind=kind,
        customer=customer,
        complainant_type=complainant_type,
        **route_of(center, category, pol),
        complained_unit=complained_unit,
        channel=channel,
        callback_at=callback_at,
        subject=subject,
        event_time=event_time,
        event_place=event_place,
        description=description,
        expected_result=expected_result,
        reply_method=reply_method,
        level=level,
        complexity=complexity,
        is_cross_province=cross or level == 3,
        station=station,
        recording_ref=recording_ref,
        operation_serial=operation_serial,
        appeal_source=appeal_source,
        appeal_level=appeal_level,
        appeal_is_new=appeal_is_new,
        coordination_origin=coordination_origin,
        handling_prefecture=handling_prefecture,
        forwarding_status=Order.Forwarding.PENDING if kind == machine.COORDINATION else "",
        acceptor=actor,
        team_id=actor.team_id,
        accepted_at=accepted,
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
        raise Conflict(Msg("tickets.create.number_conflict"), field="number")
    OrderEvent.objects.create(
        order=order,
        at=now,
        actor=actor,
        staff_no=actor.staff_no,
        name="accept",
        code="tickets.event.accept",
        from_state="",
        to_state=order.state,
        note_code="tickets.event.repeat_of" if order.is_repeat else "",
        params={"number": order.original.number} if order.is_repeat else {},
        fields={"kind": kind, "level": level, "channel": channel},
    )
    return order


def _category(c: _Checker, data: dict, pol: dict) -> str:
    """The category code: one of the policy's active categories; absent, the policy's default."""
    value = data.get("category")
    active = active_categories(pol)
    if value in (None, ""):
        return pol["default_category"]
    if not isinstance(value, str) or value not in active:
        c.add(
            "category",
            "choice",
            "tickets.create.category_unknown",
            value=str(value)[:40],
            choices=[category_text(code, cat) for code, cat in active.items()],
        )
        return pol["default_category"]
    return value


def category_text(code: str, cat: dict) -> str:
    from kefu.tickets.history import category_text as text

    return text(code, cat.get("name", ""), cat.get("name_en", ""))


_CREATE_KEYS = {
    "kind",
    "phone",
    "customer_name",
    "service_number",
    "address",
    "subject",
    "description",
    "category",
    "complainant_type",
    "channel",
    "all_agents_busy",
    "callback_at",
    "event_time",
    "event_place",
    "expected_result",
    "complained_unit",
    "reply_method",
    "level",
    "complexity",
    "is_cross_province",
    "station",
    "recording_ref",
    "operation_serial",
    "appeal_source",
    "appeal_level",
    "appeal_is_new",
    "coordination_origin",
    "handling_prefecture",
    "accepted_at",
}


# --- transitions -----------------------------------------------------------------------------------
# The order with its center and department, as select_related("center", "department").select_for_update(of=
# ("self",)) gives it; read on every transition, so built once (see kefu.prepared: the ORM compiles this
# 83-column select at ~15x the cost of running it).
_ORDER_FOR_TRANSITION = RowPlan(
    [(Order, "o"), (Center, "c"), (Department, "d")],
    lambda n: (
        f"FROM {n.table(Order)} o INNER JOIN {n.table(Center)} c ON c.{n.col(Center, 'id')} = o.{n.col(Order, 'center')}"
        f" LEFT OUTER JOIN {n.table(Department)} d ON d.{n.col(Department, 'id')} = o.{n.col(Order, 'department')}"
        f" WHERE o.{n.col(Order, 'id')} = %s"
    ),
    lock="o",
)


def lock_order(order_id: int, center) -> Order | None:
    """The order, locked (FOR UPDATE on PostgreSQL; SQLite's IMMEDIATE transaction already holds the write lock),
    with its center and department; None when it is missing or of another center (the caller answers 404)."""
    found = _ORDER_FOR_TRANSITION.fetch([order_id])
    if found is None or found[0].center_id != center.pk:
        return None
    order = found[0]
    order.center, order.department = found[1], found[2]
    return order


def allowed_transitions(order: Order, actor, now: datetime | None = None) -> list:
    """What this person may fire on this order now (role, department, state, kind and preconditions)."""
    return workflow.available(machine.MACHINE, _scope(actor), order, now)


def _scope(actor):
    return actor if isinstance(actor, Scope) else scope_of(actor)


def transition(order: Order, name: str, actor, version, *, now: datetime | None = None, center=None, **raw) -> Order:
    """Fire transition `name` on `order` as `actor` (a Staff or a caller Scope), expecting `version`; returns the
    updated order. The declared machine (kefu/tickets/machine.py) decides; `kefu.workflow.fire` locks the row, checks
    the version, state, kind, role, department, fields and guards, writes the order, its history row and the audit
    record in one transaction. `order` may be an unsaved Order(pk=...): the row is read once, in that transaction,
    limited to the caller's center (`center`, when given, must be it)."""
    if not isinstance(name, str) or name not in machine.BY_NAME:
        raise RuleViolation.many(
            [
                Problem(
                    "name",
                    "unknown_transition",
                    Msg(
                        "tickets.transition.unknown",
                        name=str(name)[:30],
                        choices=[machine.MACHINE.transition_label(t) for t in machine.TRANSITIONS],
                    ),
                )
            ]
        )
    if isinstance(version, bool) or not isinstance(version, int):
        if isinstance(version, str) and version.isdigit():
            version = int(version)
        else:
            raise RuleViolation.of("tickets.version.required", field="version")
    scope = _scope(actor)
    if center is not None and center.pk != scope.center.pk:
        raise RuleViolation(Msg("common.not_found", what=Msg("tickets.noun.order")), rule="not_found", status=404)
    done = workflow.fire(machine.MACHINE, scope, order, name, version=version, now=now, **raw)
    deadline = done.handling_deadline or done.due_at
    if done.state == machine.PROCESSING and deadline:
        order_id = done.pk
        transaction.on_commit(lambda: _schedule_check(order_id, deadline))
    return done


@transaction.atomic
def merge(order: Order, into, actor, version, *, note: str = "", center=None, now: datetime | None = None) -> Order:
    """Merge the duplicate `order` into the order `into` (its number or id) through the machine's `merge`: the
    duplicate ends merged, the survivor keeps both matters (machine.py, `merge_into`). Returns the survivor.

    The transition declares the survivor as a row it locks (`machine.survivor_lock`): the kernel locks both orders
    lower id first before reading either, so two people merging A into B and B into A at the same moment wait for
    each other in one order (the second is refused) instead of deadlocking on PostgreSQL. `order` may be an unsaved
    Order(pk=...), as the API passes it."""
    done = transition(order, "merge", actor, version, now=now, center=center, into=into, note=note)
    return lock_order(done.merged_into_id, done.center)


@transaction.atomic
def split(order: Order, actor, version, *, center=None, now: datetime | None = None, **fields) -> tuple[Order, Order]:
    """Split the second matter of `order` into a new order through the machine's `split` (`split_off`). Returns the
    original (its new version) and the new order."""
    done = transition(order, "split", actor, version, now=now, center=center, **fields)
    return done, done.split_off.order_by("-pk").first()


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


# --- duplicates and splits (issue 17, item 2): effects of the machine's `merge` and `split` ------------------------
def _stored_text(code: str, **params) -> str:
    """Text written into an order's own content (not a label): in the center's language, whoever wrote it."""
    from django.conf import settings
    from django.utils import translation

    with translation.override(settings.LANGUAGE_CODE):
        return str(Msg(code, **params))


def merge_into(ctx) -> None:
    """The duplicate (ctx.obj, locked) ends merged into ctx.fields["into"]. The survivor, locked by the kernel with
    the duplicate (the transition's `locks`) and read and checked after that (`machine.parse_survivor`), gets the
    duplicate's description appended below its own, the earlier resolution and promise deadlines (the customer has
    waited since the first acceptance, 004:L1327), the higher priority (a repeat is handled first, 004:L2013), a new
    version and a history line naming the duplicate; orders merged into the duplicate earlier now point at the
    survivor (no chains)."""
    dup, now, survivor = ctx.obj, ctx.now, ctx.fields["into"]
    earlier = dup.due_at is not None and (survivor.due_at is None or dup.due_at < survivor.due_at)
    before_due = survivor.due_at
    if earlier:
        survivor.due_at = dup.due_at
    if dup.promise_due_at and (survivor.promise_due_at is None or dup.promise_due_at < survivor.promise_due_at):
        survivor.promise_due_at, survivor.promise_met_at = dup.promise_due_at, None
    survivor.priority = max(survivor.priority, dup.priority)
    survivor.is_key_account = survivor.is_key_account or dup.is_key_account
    heading = _stored_text("tickets.merge.appended", number=dup.number, accepted_at=dup.accepted_at)
    survivor.description = f"{survivor.description.rstrip()}\n\n{heading}\n{dup.description}"
    survivor.version += 1
    survivor.save()
    Order.objects.filter(merged_into=dup).update(merged_into=survivor)
    dup.merged_into, dup.merged_at, dup.claimed_by = survivor, now, None
    ctx.history_params.update(number=survivor.number)
    params = {"number": dup.number}
    note_code = ""
    if earlier:
        note_code = "tickets.event.merged_in_deadline"
        params.update(from_at=before_due.isoformat() if before_due else "", to_at=dup.due_at.isoformat())
    OrderEvent.objects.create(
        order=survivor,
        at=now,
        actor=ctx.scope.staff,
        staff_no=ctx.scope.staff.staff_no,
        name="merged_in",
        code="tickets.event.merged_in",
        note_code=note_code,
        params=params,
        from_state=survivor.state,
        to_state=survivor.state,
        note=ctx.fields.get("note", ""),
        fields={"merged": {"id": dup.pk, "number": dup.number}},
    )


def split_off(ctx) -> Order:
    """The second matter of ctx.obj (locked) becomes a new order: same customer, channel, reply method, acceptor and
    acceptance time, the typed subject and description, the kind, category (routed by today's policy), department
    and level chosen (default: the original's). Its deadlines are computed by the center's policy as for any new
    order accepted then (004:L1247, L1293-1299): splitting never restarts the customer's clock. Both orders get a
    history line naming the other."""
    order, fields, now = ctx.obj, ctx.fields, ctx.now
    pol = policy(order.center)
    kind = fields.get("kind") or order.kind
    category = fields["category"]["code"] if fields.get("category") else order.category
    if category not in pol["categories"]:  # the original's category left the policy: the policy's default
        category = pol["default_category"]
    level = 1 if kind in (machine.CONSULTATION, machine.SUGGESTION) else (fields.get("level") or order.level)
    route = route_of(order.center, category, pol)
    if fields.get("department") is not None:  # the department chosen for it: the dispatch defaults to it
        route["route_department"] = fields["department"]
    new = Order(
        center=order.center,
        kind=kind,
        customer=order.customer,
        complainant_type=order.complainant_type,
        **route,
        channel=order.channel,
        callback_at=order.callback_at,
        subject=fields["subject"],
        description=fields["description"],
        reply_method=order.reply_method,
        level=level,
        complexity=order.complexity,
        is_cross_province=order.is_cross_province or level == 3,
        is_key_account=order.is_key_account,
        assigned_group=order.assigned_group,
        assigned_to=order.assigned_to,
        priority=order.priority,
        acceptor=order.acceptor,
        team=order.team,
        accepted_at=order.accepted_at,
        split_from=order,
        due_at=resolution_due(order.center, kind, level, order.accepted_at, pol),
        promise_due_at=promise_due(order.center, kind, order.complexity, order.accepted_at, pol),
        forwarding_status=Order.Forwarding.PENDING if kind == machine.COORDINATION else "",
        appeal_source=order.appeal_source,
        coordination_origin=order.coordination_origin,
    )
    new.number = _next_number(now)
    new.save()
    ctx.history_params.update(number=new.number)
    actor = ctx.scope.staff
    OrderEvent.objects.create(
        order=new,
        at=now,
        actor=actor,
        staff_no=actor.staff_no,
        name="accept",
        code="tickets.event.split_from",
        params={"number": order.number},
        from_state="",
        to_state=new.state,
        note=fields.get("note", ""),
        fields={"kind": kind, "level": level, "channel": new.channel},
    )
    return new


# --- timers ----------------------------------------------------------------------------------------
def _event(
    order: Order, now: datetime, name: str, code: str, note_code: str = "", *, actor: Staff | None = None, **params
) -> None:
    """A history line that is not a transition, as data: a timer's (no actor: by_system) or a person's."""
    OrderEvent.objects.create(
        order=order,
        at=now,
        actor=actor,
        staff_no=actor.staff_no if actor else "",
        by_system=actor is None,
        name=name,
        code=code,
        note_code=note_code,
        params=Msg(code, **params).as_data()["params"],
        from_state=order.state,
        to_state=order.state,
    )


@transaction.atomic
def check_order_deadline(order: Order, now: datetime) -> list[str]:
    """Overdue flag, reminder before the deadline, escalation ladder (004:L2159, L2181). Idempotent."""
    done = []
    if order.state in machine.CLOCK_STOPPED:
        return done
    pol = policy(order.center)
    deadline = (
        order.handling_deadline if order.state == machine.PROCESSING and order.handling_deadline else order.due_at
    )
    if is_past_due(order, now) and not order.is_overdue:
        if Order.objects.filter(pk=order.pk, is_overdue=False).update(is_overdue=True, overdue_at=now):
            order.is_overdue, order.overdue_at = True, now
            _event(order, now, "overdue", "tickets.event.overdue", "tickets.event.overdue_note", deadline_at=deadline)
            done.append("overdue")
    if (
        order.state == machine.PROCESSING
        and not order.is_overdue
        and rules.reminder_due(deadline, timedelta(minutes=pol["reminder_before_minutes"]), now)
    ):
        dept = order.department
        to = (dept.liaison if dept else None) or order.handler
        _, created = Reminder.objects.get_or_create(
            order=order,
            deadline=deadline,
            defaults={
                "at": now,
                "to": to,
                "note": str(Msg("tickets.event.reminder_text", number=order.number, deadline_at=deadline)),
            },
        )
        if created:
            _event(
                order,
                now,
                "remind",
                "tickets.event.remind",
                "tickets.event.remind_note",
                to=to.staff_no if to else Msg("tickets.event.remind_department"),
            )
            done.append("remind")
    if order.is_overdue and order.state == machine.PROCESSING and order.department_id:
        dept = order.department
        first = Escalation.objects.filter(order=order, step=1, department=dept).first()
        second_sent = first is not None and Escalation.objects.filter(order=order, step=2, department=dept).exists()
        step = rules.escalation_step(
            True, first.at if first else None, second_sent, timedelta(hours=pol["escalation_interval_hours"]), now
        )
        if step == 1:
            if dept.leader_id:
                Escalation.objects.create(
                    order=order,
                    at=now,
                    step=1,
                    department=dept,
                    to=dept.leader,
                    note=str(Msg("tickets.event.escalation_text1", number=order.number)),
                )
                _event(
                    order,
                    now,
                    "escalate",
                    "tickets.event.escalate1",
                    "tickets.event.escalate_note",
                    to=dept.leader.staff_no,
                )  # 004:L2181
                done.append("escalate1")
        elif step == 2 and dept.executive_id:
            Escalation.objects.create(
                order=order,
                at=now,
                step=2,
                department=dept,
                to=dept.executive,
                note=str(Msg("tickets.event.escalation_text2", number=order.number)),
            )
            _event(
                order,
                now,
                "escalate",
                "tickets.event.escalate2",
                "tickets.event.escalate_note",
                to=dept.executive.staff_no,
            )  # 004:L2181
            done.append("escalate2")
    return done


def scan_deadlines(now: datetime | None = None) -> dict[str, int]:
    """The periodic sweep over open orders."""
    now = now or timezone.now()
    counts: dict[str, int] = {}
    qs = Order.objects.filter(state__in=machine.OPEN_STATES).select_related(
        "center", "department__leader", "department__executive", "department__liaison", "handler"
    )
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
        expired = Order.objects.filter(
            center=center, state__in=(machine.ARCHIVED, machine.CANCELLED), archived_at__lt=now - timedelta(days=days)
        )
        # cancelled orders have no archived_at: they age from their review
        expired = expired | Order.objects.filter(
            center=center, state=machine.CANCELLED, archived_at__isnull=True, reviewed_at__lt=now - timedelta(days=days)
        )
        # a merged duplicate ages from its merge (its matter lives on in the survivor)
        expired = expired | Order.objects.filter(
            center=center, state=machine.MERGED, merged_at__lt=now - timedelta(days=days)
        )
        for order in list(expired.order_by("id")):
            with transaction.atomic():
                customer_id, number, order_id = order.customer_id, order.number, order.pk
                Order.objects.filter(original=order).update(original=None)
                order.delete()
                record(
                    None,
                    AuditRecord.Action.DESTROY,
                    object_type="tickets.order",
                    ids=[order_id],
                    note=f"保存期满（{days}天）销毁工单 {number}",
                    channel=AuditRecord.Channel.SYSTEM,
                )
                if not Order.objects.filter(customer_id=customer_id).exists():
                    Customer.objects.filter(pk=customer_id).delete()
                    record(
                        None,
                        AuditRecord.Action.DESTROY,
                        object_type="customers.customer",
                        ids=[customer_id],
                        note=f"客户无其他工单，随工单 {number} 销毁",
                        channel=AuditRecord.Channel.SYSTEM,
                    )
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
        raise RuleViolation.of("tickets.compensation.amount_not_number", field="amount")
    if value <= 0 or value >= Decimal("100000000"):
        raise RuleViolation.of("tickets.compensation.amount_range", field="amount")
    if value != value.quantize(Decimal("0.01")):
        raise RuleViolation.of("tickets.compensation.amount_precision", field="amount")
    if not isinstance(reason, str) or not reason.strip():
        raise RuleViolation.of("tickets.compensation.reason_required", field="reason")
    if len(reason) > 500:
        raise RuleViolation.of("tickets.compensation.reason_too_long", field="reason")
    if order.state in (machine.CANCELLED, machine.ARCHIVED):
        raise RuleViolation.of(
            "tickets.compensation.order_closed",
            field="order",
            status=409,
            state=Msg(f"tickets.order.state.{order.state}"),
        )
    comp = Compensation.objects.create(
        order=order,
        amount=value,
        reason=reason.strip(),
        requested_by=actor,
        approver=approver_for(value, policy(order.center)),
    )
    _event(
        order,
        timezone.now(),
        "compensation",
        "tickets.event.compensation_requested",
        "tickets.event.compensation_requested_note",
        actor=actor,
        amount=value,
        approver=Msg(f"tickets.approver.{comp.approver}"),
    )
    return comp


def decide_compensation(comp: Compensation, actor, approve, note: str = "") -> Compensation:
    """Approve or reject on the kernel (machine.COMPENSATION): the tier's approver, never the requester (002:L150-158)."""
    if not isinstance(approve, bool):
        raise RuleViolation.of("tickets.compensation.approve_not_bool", field="approve")
    return workflow.fire(machine.COMPENSATION, _scope(actor), comp, "approve" if approve else "reject", note=note or "")


# --- bulk actions (issue 17, item 2): each order through the same transition, in its own transaction -----------
BULK_ACTIONS = ("dispatch", "claim", "take")  # take: "我来处理" at the dispatcher's desk
BULK_MAX = 200


@dataclass
class BulkResult:
    id: int
    number: str
    ok: bool
    state: str = ""
    version: int | None = None
    problems: list = None


def _bulk_items(items) -> list[tuple[int, int]]:
    """(id, version) pairs from [{"id": 1, "version": 3}, ...] or ["1:3", ...]; anything else is named."""
    pairs = []
    for item in items:
        if isinstance(item, dict):
            raw_id, raw_version = item.get("id"), item.get("version")
        elif isinstance(item, str) and ":" in item:
            raw_id, raw_version = item.split(":", 1)
        else:
            raw_id, raw_version = item, None
        try:
            if isinstance(raw_id, bool) or isinstance(raw_version, bool):
                raise ValueError
            pairs.append((int(raw_id), int(raw_version)))
        except (TypeError, ValueError):
            raise RuleViolation.of("tickets.bulk.bad_id", field="ids", value=str(item)[:40]) from None
    return pairs


def bulk(
    scope: Scope, action: str, items, fields: dict | None = None, *, now: datetime | None = None
) -> list[BulkResult]:
    """Fire `action` on each order of `items` (id and the version the caller saw) with the same fields: every order
    through `transition`, so the same roles, department, version and rules as one at a time, each in its own
    transaction; a refused order does not stop the others. An order the caller may not see (another center's,
    another department's) is "not found" and never fired."""
    from kefu.tickets.selectors import numbers_in_scope

    if action not in BULK_ACTIONS:
        raise RuleViolation.of("tickets.bulk.unknown_action", field="action")
    if not isinstance(items, list | tuple) or not items:
        raise RuleViolation.of("tickets.bulk.no_ids", field="ids")
    if len(items) > BULK_MAX:
        raise RuleViolation.of("tickets.bulk.too_many", field="ids", max=BULK_MAX, count=len(items))
    pairs = _bulk_items(items)
    fields = dict(fields or {}) if isinstance(fields, dict) else {}
    numbers = numbers_in_scope(scope, [pk for pk, _ in pairs])
    results = []
    for pk, version in dict.fromkeys(pairs):
        if pk not in numbers:
            problem = Problem(None, "not_found", Msg("common.not_found", what=Msg("tickets.noun.order")))
            results.append(BulkResult(pk, "", False, problems=[problem]))
            continue
        try:
            with transaction.atomic():
                done = transition(Order(pk=pk), action, scope, version, now=now, center=scope.center, **fields)
        except RuleViolation as exc:
            results.append(BulkResult(pk, numbers[pk], False, problems=exc.problems))
        else:
            results.append(BulkResult(pk, done.number, True, state=done.state, version=done.version, problems=[]))
    return results
