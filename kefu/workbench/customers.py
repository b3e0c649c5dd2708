"""The customer page's reads (reporting layer: it reads records and planning): a customer's whole history for the customer page: orders, calls, callbacks / return visits, surveys.
Everything is limited to the caller's center; the caller records the read (kefu.audit.services.record_read)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from django.utils import timezone

from kefu.customers.models import Customer
from kefu.errors import NotFound
from kefu.messages import Msg

LIMIT = 50  # rows of each kind on the page, newest first; the counts say how many there are


@dataclass
class History:
    customer: Customer
    orders: list = field(default_factory=list)
    order_count: int = 0
    calls: list = field(default_factory=list)
    call_days: int = 0
    tasks: list = field(default_factory=list)
    surveys: list = field(default_factory=list)


def customer(scope, customer_id) -> Customer:
    """The caller's center's customer; another center's (or none) is 404."""
    found = scope.filter(Customer.objects.all()).filter(pk=customer_id).first() if str(customer_id).isdigit() else None
    if found is None:
        raise NotFound(str(Msg("workbench.what.customer")))
    return found


def history(scope, customer_id, *, now=None) -> History:
    from kefu.followup.models import Survey, Task
    from kefu.org.policy import policy_for
    from kefu.telephony.models import Call, Caller
    from kefu.tickets.models import Order

    now = now or timezone.now()
    c = customer(scope, customer_id)
    orders = scope.filter(Order.objects.filter(customer=c)).select_related("department", "acceptor", "handler")
    found = History(customer=c, order_count=orders.count())
    found.orders = list(orders.order_by("-accepted_at", "-id")[:LIMIT])
    # Calls: the caller row of the same keyed digest; read through the call table's (center, time) index.
    found.call_days = policy_for("workbench", scope.center)["history_call_days"]
    caller_ids = (
        list(Caller.objects.filter(center=scope.center, number_digest=c.phone_digest).values_list("pk", flat=True))
        if c.phone_digest
        else []
    )
    if caller_ids:
        found.calls = list(
            Call.objects.filter(
                center=scope.center, offered_at__gte=now - timedelta(days=found.call_days), caller_id__in=caller_ids
            )
            .select_related("agent")
            .order_by("-offered_at", "-id")[:LIMIT]
        )
    found.tasks = list(
        scope.filter(Task.objects.filter(customer=c))
        .select_related("owner", "order")
        .order_by("-due_at", "-id")[:LIMIT]
    )
    found.surveys = list(
        scope.filter(Survey.objects.filter(customer=c)).select_related("order").order_by("-sent_at", "-id")[:LIMIT]
    )
    return found
