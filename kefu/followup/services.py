"""Follow-up use cases: tasks created by policy (the timer), by hand, and moved through the declared machine.

The tickets app does not know this one: the timer reads replied orders and promised callbacks, and the handover
diary's open "callbacks due", and creates each task once (a unique source key per center). Owners are notified
through kefu.notify; an overdue task notifies its owner once, urgently.
"""

from __future__ import annotations

import logging
from datetime import date, datetime, time, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

from kefu.errors import Problem, RuleViolation
from kefu.followup import machine, optout, rules
from kefu.followup.models import Task, TaskEvent
from kefu.messages import Msg, render
from kefu.notify.services import notify
from kefu.org.models import Center, Staff
from kefu.org.policy import policy_for  # noqa: F401  (views read the policy through here)
from kefu.workflow import fire as kernel_fire

log = logging.getLogger(__name__)

SEGMENT_KINDS = {"member_visit": "member_visit_days", "new_buyer": "new_buyer_days", "received": "received_days"}


def reason_text(task: Task) -> str:
    return render(task.reason_code, task.reason_params)


def _notify_assigned(task: Task) -> None:
    notify(
        [task.owner],
        "followup.notify.assigned",
        key=f"followup.task.{task.pk}.assigned.{task.owner_id}",
        params={
            "kind": Msg(f"followup.kind.{task.kind}"),
            "reason": Msg(task.reason_code, **task.reason_params),
            "due_at": task.due_at,
        },
        link=f"/followup/t/{task.pk}/",
    )


def add_task(
    center,
    *,
    kind: str,
    owner: Staff,
    due_at: datetime,
    reason: Msg,
    source: str,
    source_key: str = "",
    customer=None,
    order=None,
    created_by: Staff | None = None,
    now: datetime,
    refused=None,
) -> Task | None:
    """One task, once per source key (a second call with the same key creates nothing and returns None).
    `refused`: the customer's standing opt-out; the task is born closed as "refused" with it as the reason, and
    nobody is asked to call (see kefu.followup.optout)."""
    try:
        with transaction.atomic():
            task = Task.objects.create(
                center=center,
                kind=kind,
                owner=owner,
                due_at=due_at,
                reason_code=reason.code,
                reason_params=reason.as_data()["params"],
                source=source,
                source_key=source_key,
                customer=customer,
                order=order,
                created_by=created_by,
                created_at=now,
            )
            TaskEvent.objects.create(
                task=task,
                at=now,
                staff_no=created_by.staff_no if created_by else "",
                code="followup.task.created",
                params={"source": source},
            )
            if refused is not None:
                Task.objects.filter(pk=task.pk).update(state=machine.CLOSED, closure=rules.REFUSED, closed_at=now)
                task.refresh_from_db()
                TaskEvent.objects.create(
                    task=task,
                    at=now,
                    staff_no="",
                    code="followup.task.refused_by_customer",
                    params=optout.reason_of(refused).as_data()["params"],
                )
            else:
                _notify_assigned(task)
    except IntegrityError:
        return None  # created already by another pass
    return task


# ---------------------------------------------------------------- the timer


def scan(now: datetime | None = None) -> dict:
    """Create the tasks the policy calls for and remind owners of overdue ones. Idempotent."""
    now = now or timezone.now()
    from kefu.followup.chasing import auto_chases

    counts = {"return_visit": 0, "callback": 0, "shiftlog": 0, "overdue": 0}
    for center in Center.objects.all():
        pol = policy_for("followup", center)
        counts["return_visit"] += return_visits(center, pol=pol, now=now)
        counts["callback"] += order_callbacks(center, pol=pol, now=now)
        counts["shiftlog"] += shiftlog_callbacks(center, now)
    counts["overdue"] = _overdue(now)
    counts["auto_chase"] = auto_chases(now)
    from kefu.followup.surveys import send_surveys

    counts["survey"] = send_surveys(now)
    return counts


def _existing(center, prefix: str) -> set[str]:
    return set(Task.objects.filter(center=center, source_key__startswith=prefix).values_list("source_key", flat=True))


def return_visits(center, *, pol: dict, now: datetime) -> int:
    """Every replied order of the policy's kinds gets a return visit due `return_visit_hours` after the reply
    (002:L259: 72 h, 100 %)."""
    from kefu.tickets.models import Order

    since = now - timedelta(days=pol["lookback_days"])
    orders = (
        Order.objects.filter(
            center=center, kind__in=pol["return_visit_kinds"], replied_at__gte=since, replied_at__lte=now
        )
        .exclude(state="cancelled")
        .select_related("acceptor", "customer")
    )
    done = _existing(center, "order:")
    orders = [o for o in orders if f"order:{o.pk}:return_visit" not in done]
    refusals = {
        r.customer_id: r
        for r in optout.OptOut.objects.filter(
            center=center, withdrawn_at__isnull=True, customer_id__in={o.customer_id for o in orders}
        )
    }
    made = 0
    for order in orders:
        key = f"order:{order.pk}:return_visit"
        due = rules.return_visit_due(order.replied_at, pol["return_visit_hours"])
        reason = Msg(
            "followup.reason.return_visit",
            order=order.number,
            replied_at=order.replied_at,
            hours=pol["return_visit_hours"],
        )
        owner = order.assigned_to or order.acceptor
        if add_task(
            center,
            kind="return_visit",
            owner=owner,
            due_at=due,
            reason=reason,
            source="policy",
            source_key=key,
            customer=order.customer,
            order=order,
            now=now,
            refused=refusals.get(order.customer_id),
        ):
            made += 1
    return made


def order_callbacks(center, *, pol: dict, now: datetime) -> int:
    """An order that promised a callback (预约回呼 time, 004:L1245) becomes a callback task at that time."""
    from kefu.tickets.models import Order

    since = now - timedelta(days=pol["lookback_days"])
    orders = (
        Order.objects.filter(center=center, callback_at__isnull=False, accepted_at__gte=since)
        .exclude(state="cancelled")
        .select_related("acceptor", "customer")
    )
    done = _existing(center, "order:")
    made = 0
    for order in orders:
        key = f"order:{order.pk}:callback:{order.callback_at.isoformat()}"[:100]
        if key in done:
            continue
        reason = Msg("followup.reason.order_callback", order=order.number, callback_at=order.callback_at)
        if add_task(
            center,
            kind="callback",
            owner=order.assigned_to or order.acceptor,
            due_at=order.callback_at,
            reason=reason,
            source="order_callback",
            source_key=key,
            customer=order.customer,
            order=order,
            now=now,
        ):
            made += 1
    return made


def shiftlog_callbacks(center, now: datetime) -> int:
    """The handover diary's open "callbacks due" (待回电) become callback tasks of their holder."""
    from kefu.shiftlog.models import Item

    items = Item.objects.filter(center=center, kind=Item.Kind.CALLBACK, closed_at__isnull=True).select_related(
        "holder", "customer"
    )
    done = _existing(center, "shiftlog:")
    made = 0
    for item in items:
        key = f"shiftlog:{item.pk}"
        if key in done:
            continue
        order = None
        if item.order_id:
            from kefu.tickets.models import Order

            order = Order.objects.filter(center=center, pk=item.order_id).first()
        if add_task(
            center,
            kind="callback",
            owner=item.holder,
            due_at=item.due_at or item.created_at,
            reason=Msg("followup.reason.shiftlog", text=item.text[:100]),
            source="shiftlog",
            source_key=key,
            customer=item.customer,
            order=order,
            now=now,
        ):
            made += 1
    return made


def _overdue(now: datetime) -> int:
    """An open task past its due time notifies its owner once, urgently (passes quiet hours)."""
    made = 0
    for task in Task.objects.filter(
        state=machine.OPEN, due_at__lt=now, overdue_notified_at__isnull=True
    ).select_related("owner"):
        if Task.objects.filter(pk=task.pk, overdue_notified_at__isnull=True).update(overdue_notified_at=now):
            notify(
                [task.owner],
                "followup.notify.overdue",
                key=f"followup.task.{task.pk}.overdue",
                urgent=True,
                params={
                    "kind": Msg(f"followup.kind.{task.kind}"),
                    "reason": Msg(task.reason_code, **task.reason_params),
                    "due_at": task.due_at,
                },
                link=f"/followup/t/{task.pk}/",
                now=now,
            )
            made += 1
    return made


# ---------------------------------------------------------------- by hand


def _parse_due(value, problems: list) -> datetime | None:
    if value in (None, ""):
        return None
    if isinstance(value, datetime):
        moment = value
    else:
        try:
            moment = datetime.fromisoformat(str(value).strip().replace("T", " "))
        except ValueError:
            problems.append(
                Problem.of(
                    "followup.due.invalid",
                    field="due_at",
                    field_label=Msg("followup.field.due_at"),
                    value=str(value)[:30],
                )
            )
            return None
    return timezone.make_aware(moment) if timezone.is_naive(moment) else moment


def _parse_day(value, problems: list) -> date | None:
    if value in (None, ""):
        return None
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value).strip())
    except ValueError:
        problems.append(
            Problem.of(
                "followup.base_day.invalid",
                field="base_day",
                field_label=Msg("followup.field.base_day"),
                value=str(value)[:30],
            )
        )
        return None


def segment_due(center, *, kind: str, base_day: date) -> datetime:
    """A segment visit due by the end of day D+n of the policy (member D+3, 002:L397; new buyer D+2 after
    shipping, received R+5, 001:L310-312)."""
    days = policy_for("followup", center)[SEGMENT_KINDS[kind]]
    last_day = rules.days_after(base_day, days)
    return timezone.make_aware(datetime.combine(last_day, time(23, 59)))


def create_task(scope, *, data: dict, now: datetime | None = None) -> Task:
    """A task entered by hand: kind, reason, customer phone or order number, due time (or a base day for the
    segment kinds), owner (default: the caller). Every problem at once; nothing written when any."""
    from kefu.customers.phones import normalize_phone
    from kefu.customers.services import find_by_phone, upsert_customer
    from kefu.tickets.models import Order

    now = now or timezone.now()
    problems: list[Problem] = []
    kind = str(data.get("kind") or "").strip()
    if kind not in Task.Kind.values:
        problems.append(
            Problem.of("followup.kind.invalid", field="kind", field_label=Msg("followup.field.kind"), value=kind[:20])
        )
    reason = str(data.get("reason") or "").strip()[:300]
    if not reason:
        problems.append(
            Problem.of("followup.reason.required", field="reason", field_label=Msg("followup.field.reason"))
        )
    order = None
    number = str(data.get("order") or "").strip()
    if number:
        order = scope.filter(Order.objects.all()).filter(number=number).select_related("customer").first()
        if order is None:
            problems.append(
                Problem.of(
                    "followup.order.unknown", field="order", field_label=Msg("followup.field.order"), value=number[:30]
                )
            )
    phone = str(data.get("phone") or "").strip()
    if phone and normalize_phone(phone) is None:
        problems.append(
            Problem.of(
                "followup.phone.invalid", field="phone", field_label=Msg("followup.field.phone"), value=phone[:20]
            )
        )
    due = _parse_due(data.get("due_at"), problems)
    base_day = _parse_day(data.get("base_day"), problems)
    if due is None and base_day is not None and kind in SEGMENT_KINDS:
        due = segment_due(scope.center, kind=kind, base_day=base_day)
    if due is None and not any(p.field in ("due_at", "base_day") for p in problems):
        problems.append(Problem.of("followup.due.missing", field="due_at", field_label=Msg("followup.field.due_at")))
    elif due is not None and due <= now:
        problems.append(
            Problem.of("followup.due.past", field="due_at", field_label=Msg("followup.field.due_at"), due_at=due)
        )
    owner = scope.staff
    owner_no = str(data.get("owner") or "").strip()
    if owner_no:
        owner = Staff.objects.filter(center=scope.center, staff_no=owner_no, is_active=True).first()
        if owner is None:
            problems.append(Problem.of("followup.owner.unknown", field="owner", staff_no=owner_no[:20]))
    if not problems and kind != "callback":  # a callback is the customer's own request; a visit is ours
        known = order.customer if order else (find_by_phone(scope.center, phone) if phone else None)
        refusal = optout.standing(known)
        if refusal is not None:
            problems.append(
                Problem.of(
                    "followup.optout.no_visit", field="phone" if phone else "order", reason=optout.reason_of(refusal)
                )
            )
    if problems:
        raise RuleViolation.many(problems)
    with transaction.atomic():
        customer = order.customer if order else None
        if phone and customer is None:
            customer = find_by_phone(scope.center, phone) or upsert_customer(scope.center, phone=phone)
        task = add_task(
            scope.center,
            kind=kind,
            owner=owner,
            due_at=due,
            source="manual",
            customer=customer,
            order=order,
            reason=Msg("followup.reason.manual", text=reason),
            created_by=scope.staff,
            now=now,
        )
    return task


def fire(scope, task_id: int, *, name: str, version=None, now: datetime | None = None, **fields) -> Task:
    """Move a task of the caller's center through the declared machine (the only writer of its state)."""
    task = scope.get(Task.objects.select_related("center"), str(Msg("followup.what.task")), pk=task_id)
    if version is not None and not isinstance(version, int):
        version = int(version) if str(version).isdigit() else -1
    moved = kernel_fire(machine.MACHINE, scope, task, name, version=version, now=now, **fields)
    if name == "reassign":
        _notify_assigned(moved)
    if name == "complete" and moved.order_id and moved.satisfaction:
        record_satisfaction(moved.order_id, moved.satisfaction)
    return moved


def record_satisfaction(order_id: int, satisfaction: str) -> None:
    """The customer's satisfaction found after the reply (a return visit, 004:L1917; a survey, 004:L1003) becomes
    the order's latest recorded satisfaction, which the textbook's satisfaction rates K11-K14 count
    (kefu.tickets.selectors.kpi_order_rows: "satisfaction is the latest one recorded")."""
    from kefu.tickets.models import Order

    Order.objects.filter(pk=order_id).exclude(satisfaction=satisfaction).update(satisfaction=satisfaction)
