"""Reads of work orders that more than one caller needs (KPI engine, knowledge base, pages, API)."""

from __future__ import annotations

from datetime import datetime

from django.db.models import Case, IntegerField, Q, QuerySet, Value, When

from kefu.tickets import machine
from kefu.tickets.models import Order, TypicalCase


def kpi_order_rows(center, start: datetime, end: datetime) -> list[dict]:
    """One dict per order accepted in [start, end), for the KPI engine (reply rate/timeliness, K6-K14).

    replied_at is the first reply to the customer; reply_due is the deadline used for timeliness
    (level deadline 004:L1293-1299, or the consultation "规定时间"); satisfaction is the latest one recorded.
    """
    # A merged duplicate is not a matter of its own: its survivor is counted (issue 17).
    rows = (
        Order.objects.filter(center=center, accepted_at__gte=start, accepted_at__lt=end)
        .exclude(state=machine.MERGED)
        .order_by("accepted_at", "id")
        .values(
            "id",
            "kind",
            "accepted_at",
            "replied_at",
            "due_at",
            "satisfaction",
            "is_repeat",
            "is_cross_province",
            "is_key_account",
            "team_id",
            "acceptor__staff_no",
        )
    )
    return [
        {
            "id": r["id"],
            "kind": r["kind"],
            "accepted_at": r["accepted_at"],
            "replied_at": r["replied_at"],
            "reply_due": r["due_at"],
            "satisfaction": r["satisfaction"] or None,
            "is_repeat": r["is_repeat"],
            "is_cross_province": r["is_cross_province"],
            "is_key_account": r["is_key_account"],
            "team_id": r["team_id"],
            "agent_staff_no": r["acceptor__staff_no"],
        }
        for r in rows
    ]


def search_cases(query: str, limit: int = 20, *, center=None) -> list[TypicalCase]:
    """Typical cases (案例库) matching every word of `query` in title, summary, analysis or tags (004:L2157): the
    center's own (its orders'); every caller with a request passes its center."""
    qs = TypicalCase.objects.select_related("order", "created_by")
    if center is not None:
        qs = qs.filter(order__center=center)
    for word in (query or "").split()[:8]:
        qs = qs.filter(
            Q(title__icontains=word)
            | Q(summary__icontains=word)
            | Q(analysis__icontains=word)
            | Q(tags__icontains=word)
        )
    return list(qs.order_by("-created_at", "-id")[: max(1, min(int(limit), 200))])


def orders_for(
    center,
    staff=None,
    *,
    state: str | None = None,
    kind: str | None = None,
    level: int | None = None,
    mine: bool = False,
    department: int | None = None,
    overdue: bool | None = None,
    category: str | None = None,
) -> QuerySet[Order]:
    qs = Order.objects.filter(center=center).select_related(
        "customer", "department", "acceptor", "assigned_to", "handler", "claimed_by", "merged_into"
    )
    if state:
        qs = qs.filter(state=state)
    if category:
        qs = qs.filter(category=category)
    if kind:
        qs = qs.filter(kind=kind)
    if level:
        qs = qs.filter(level=level)
    if department:
        qs = qs.filter(department_id=department)
    if overdue is not None:
        qs = qs.filter(is_overdue=overdue)
    if mine and staff is not None:
        # First-contact responsibility (首问责任制): the acceptor keeps the order in "my orders" to the end.
        qs = qs.filter(Q(acceptor=staff) | Q(assigned_to=staff) | Q(handler=staff))
    return qs


def department_queue(center, department_id: int) -> QuerySet[Order]:
    return orders_for(center, state=machine.PROCESSING, department=department_id).order_by(
        "-priority", "level", "handling_deadline", "due_at"
    )


DISPATCHER_STATES = (machine.ACCEPTED, machine.REVIEWED, machine.VERIFYING, machine.RESOLVED, machine.REPLIED)


def dispatcher_queue(center, state: str | None = None) -> QuerySet[Order]:
    """The dispatcher's work, in the order of the flow (review, dispatch, verify, reply, archive), then priority and deadline."""
    states = (state,) if state in DISPATCHER_STATES else DISPATCHER_STATES
    stage = Case(
        *(When(state=st, then=Value(i)) for i, st in enumerate(DISPATCHER_STATES)), output_field=IntegerField()
    )
    return (
        orders_for(center)
        .filter(state__in=states)
        .exclude(kind=machine.CONSULTATION, state=machine.ACCEPTED)
        .annotate(stage=stage)
        .order_by("stage", "-priority", "due_at")
    )


def recent_orders(customer, limit: int = 5, *, center=None) -> list[Order]:
    """The customer's latest orders, of `center` only when given (a page passes its caller's center)."""
    qs = Order.objects.filter(customer=customer)
    if center is not None:
        qs = qs.filter(center=center)
    return list(qs.order_by("-accepted_at", "-id")[:limit])


def board(center) -> dict:
    """Supervisor board: counts by state x level, and overdue counts."""
    from django.db.models import Count

    cells = {}
    for row in (
        Order.objects.filter(center=center)
        .values("state", "level")
        .annotate(n=Count("id"), late=Count("id", filter=Q(is_overdue=True)))
    ):
        cells[(row["state"], row["level"])] = (row["n"], row["late"])
    rows = []
    for state, label in machine.STATES.items():
        counts = [cells.get((state, lv), (0, 0)) for lv in (1, 2, 3, 4)]
        rows.append(
            {
                "state": state,
                "label": label,
                "cells": counts,
                "total": sum(n for n, _ in counts),
                "late": sum(x for _, x in counts),
            }
        )
    return {"rows": rows}


def numbers_in_scope(scope, ids) -> dict[int, str]:
    """The order numbers of `ids` the caller may see (their center, and their department for a handler)."""
    qs = scope.filter(Order.objects.filter(pk__in=list(ids)), department="department")
    return dict(qs.values_list("pk", "number"))


def mark_holders(orders) -> list[Order]:
    """Each order with `holder` (who holds it now, machine.holder: the department member or the dispatcher who took
    it), `awaiting` (at a step where someone should take it, and nobody has) and `merged_number` (the survivor of a
    merged duplicate): three queries for a whole page, whatever the orders were read with."""
    from kefu.org.models import Staff

    orders = list(orders)
    staff = Staff.objects.in_bulk({i for o in orders for i in (o.handler_id, o.claimed_by_id) if i})
    survivors = dict(
        Order.objects.filter(pk__in={o.merged_into_id for o in orders if o.merged_into_id}).values_list("pk", "number")
    )
    for o in orders:
        if o.handler_id:
            o.handler = staff.get(o.handler_id)
        if o.claimed_by_id:
            o.claimed_by = staff.get(o.claimed_by_id)
        o.holder = machine.holder(o)
        o.awaiting = o.holder is None and o.state in machine.DESK_STATES | {machine.PROCESSING}
        o.merged_number = survivors.get(o.merged_into_id, "")
    return orders
