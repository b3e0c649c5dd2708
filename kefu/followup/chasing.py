"""Chasing a department (催办, 督办), 004:L2159: "如果期限内用户要求查询处理情况，或期限超时仍没有收到处理反馈信息，
省中心系统将提供处理人员向相关处理部门发送自动或人工方式的催促或查询信息".

- a manual chase by a dispatcher or supervisor, or by a front-line agent on the customer's request;
- an automatic chase once the department's handling deadline passes without feedback (the followup-scan timer);
- 督办: a supervisor's or manager's escalation, urgent to the department's leader.

Each is a Chase row (the department's record, counted per department), a line on the order's timeline and a
notification to the department (liaison, else handler; 督办 to the leader as well).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.utils import timezone

from kefu.errors import NotAllowed, RuleViolation
from kefu.followup.models import Chase
from kefu.messages import Msg
from kefu.notify.services import notify
from kefu.org.policy import policy_for
from kefu.org.roles import Role

CHASERS = {Role.DISPATCHER, Role.SUPERVISOR, Role.MANAGER}
ON_REQUEST = {Role.AGENT, Role.SENIOR_AGENT, Role.TEAM_LEAD}
SUPERVISORS = {Role.SUPERVISOR, Role.MANAGER}
NOTE_MAX = 300


def _timeline(order, kind: str, staff, now: datetime, note: str) -> None:
    """A line on the order's timeline as data: the title's code (`followup.chase.event.<kind>`), the order's
    department as a parameter, and what the chaser typed as the note. Rendered by the tickets history."""
    from kefu.tickets.models import OrderEvent

    OrderEvent.objects.create(
        order=order,
        at=now,
        actor=staff,
        staff_no=staff.staff_no if staff else "",
        by_system=staff is None,
        name=f"chase_{kind}",
        code=f"followup.chase.event.{kind}",
        params={"department": order.department.name if order.department_id else ""},
        note_code="followup.chase.event.note" if order.department_id else "",
        from_state=order.state,
        to_state=order.state,
        note=note[:500],
    )


def _recipients(order, kind: str) -> list:
    dept = order.department
    people = [(dept.liaison if dept else None) or order.handler]
    if kind == "supervise" and dept is not None:
        people.append(dept.leader)
    return [p for p in dict.fromkeys(people) if p is not None]


def chase(
    scope, order_id: int, *, kind: str, note: str = "", on_customer_request: bool = False, now: datetime | None = None
) -> Chase:
    """A manual chase or 督办 of an order of the caller's center. Bad input changes nothing."""
    from kefu.tickets import machine as tickets_machine
    from kefu.tickets.models import Order

    now = now or timezone.now()
    if kind not in ("chase", "supervise"):
        raise RuleViolation.of("followup.chase.kind.invalid", field="kind", value=str(kind)[:20])
    label = Msg(f"followup.chase.kind.{kind}")
    allowed = SUPERVISORS if kind == "supervise" else CHASERS | (ON_REQUEST if on_customer_request else set())
    if not scope.has(*allowed):
        raise NotAllowed(Msg("followup.chase.not_allowed", kind=label), rule="followup.chase.not_allowed")
    note = (note or "").strip()
    if kind == "supervise" and not note:
        raise RuleViolation.of("followup.chase.note_required", field="note")
    if len(note) > NOTE_MAX:
        raise RuleViolation.of("followup.chase.note_too_long", field="note", max=NOTE_MAX, length=len(note))
    with transaction.atomic():
        order = scope.get(Order.objects.select_for_update(), str(Msg("followup.what.order")), pk=order_id)
        order = Order.objects.select_related("department__liaison", "department__leader", "handler").get(pk=order.pk)
        if order.state not in tickets_machine.OPEN_STATES:
            raise RuleViolation.of(
                "followup.chase.not_open",
                field="order",
                status=409,
                order=order.number,
                state=order.state_label,
                kind=label,
            )
        if order.department_id is None:
            raise RuleViolation.of(
                "followup.chase.no_department", field="order", status=409, order=order.number, kind=label
            )
        minutes = policy_for("followup", scope.center)["chase_min_interval_minutes"]
        last = Chase.objects.filter(order=order, kind=kind).order_by("-at").first()
        if kind == "chase" and last is not None and last.at > now - timedelta(minutes=minutes):
            raise RuleViolation.of(
                "followup.chase.too_soon",
                field="order",
                status=409,
                order=order.number,
                last_at=last.at,
                minutes=minutes,
            )
        deadline = order.handling_deadline or order.due_at
        row = Chase.objects.create(
            center=scope.center,
            order=order,
            department=order.department,
            kind=kind,
            on_customer_request=on_customer_request,
            by=scope.staff,
            at=now,
            deadline=deadline,
            note=note,
        )
        _timeline(order, kind, scope.staff, now, note)
        notify(
            _recipients(order, kind),
            "followup.notify.chase",
            key=f"followup.chase.{row.pk}",
            urgent=kind == "supervise",
            link=f"/tickets/orders/{order.pk}/",
            now=now,
            params={"order": order.number, "kind": label, "note": note or "—", "deadline_at": deadline or "—"},
        )
    return row


def auto_chases(now: datetime | None = None) -> int:
    """Orders still processing after the department's handling deadline: chased once per deadline (004:L2159)."""
    from kefu.tickets import machine as tickets_machine
    from kefu.tickets.models import Order

    now = now or timezone.now()
    made = 0
    late = (
        Order.objects.filter(state=tickets_machine.PROCESSING, handling_deadline__lt=now, department__isnull=False)
        .exclude(pk__in=Chase.objects.filter(kind="auto").values("order"))
        .select_related("department__liaison", "handler")
    )
    for order in late:
        try:
            with transaction.atomic():
                row = Chase.objects.create(
                    center_id=order.center_id,
                    order=order,
                    department=order.department,
                    kind="auto",
                    at=now,
                    deadline=order.handling_deadline,
                )
                _timeline(order, "auto", None, now, "")
                notify(
                    _recipients(order, "auto"),
                    "followup.notify.auto_chase",
                    key=f"followup.chase.{row.pk}",
                    urgent=True,
                    link=f"/tickets/orders/{order.pk}/",
                    now=now,
                    params={"order": order.number, "deadline_at": order.handling_deadline},
                )
        except IntegrityError:
            continue  # another pass chased it
        made += 1
    return made


def by_department(scope, start: datetime, end: datetime) -> list[dict]:
    """Chases of [start, end) per department: the department's monthly record."""
    rows = (
        scope.filter(Chase.objects.filter(at__gte=start, at__lt=end))
        .values("department_id", "department__name")
        .annotate(
            chase=Count("id", filter=Q(kind="chase")),
            auto=Count("id", filter=Q(kind="auto")),
            supervise=Count("id", filter=Q(kind="supervise")),
            total=Count("id"),
        )
        .order_by("-total", "department__name")
    )
    return [
        {
            "department_id": r["department_id"],
            "department": r["department__name"] or "—",
            "chase": r["chase"],
            "auto": r["auto"],
            "supervise": r["supervise"],
            "total": r["total"],
        }
        for r in rows
    ]
