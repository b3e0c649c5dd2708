"""Reads of follow-up: the callback queue (sorted by due time) and the callback KPIs of a period."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from kefu.followup import machine, rules
from kefu.followup.models import Task
from kefu.org.policy import policy_for
from kefu.org.roles import Role

LEAD_ROLES = {Role.TEAM_LEAD, Role.SUPERVISOR, Role.MANAGER}


def queue(scope, *, everyone: bool = False, state: str = machine.OPEN):
    """Open tasks by due time, earliest first: the caller's own, or (leads, everyone=True) the center's."""
    qs = scope.filter(Task.objects.filter(state=state)).select_related("owner", "customer", "order")
    if not (everyone and scope.has(*LEAD_ROLES)):
        qs = qs.filter(owner=scope.staff)
    return qs.order_by("due_at", "id")


@dataclass(frozen=True)
class Figures:
    timeliness: rules.Rate
    coverage: rules.Rate
    satisfied: rules.Rate
    open_overdue: int
    target: float


def figures(scope, start: datetime, end: datetime, now: datetime) -> Figures:
    """Callback timeliness over tasks due in [start, end); return-visit coverage of the orders replied in the period
    (002:L259 target 100 %); satisfaction found on completed return visits."""
    from kefu.tickets.models import Order

    pol = policy_for("followup", scope.center)
    tasks = scope.filter(Task.objects.filter(due_at__gte=start, due_at__lt=end).exclude(state=machine.CANCELLED))
    timely = rules.timeliness(tasks.values_list("due_at", "reached_at"), now)
    replied = scope.filter(Order.objects.filter(kind__in=pol["return_visit_kinds"], replied_at__gte=start,
                                                replied_at__lt=end)).exclude(state="cancelled")
    visits = scope.filter(Task.objects.filter(kind="return_visit", order__in=replied,
                                              state__in=(machine.DONE, machine.CLOSED)))
    coverage = rules.coverage(replied.count(), visits.values("order").distinct().count())
    answered = visits.filter(state=machine.DONE).exclude(satisfaction="")
    satisfied = rules.Rate(answered.filter(satisfaction="satisfied").count(), answered.count())
    overdue = scope.filter(Task.objects.filter(state=machine.OPEN, due_at__lt=now)).count()
    return Figures(timely, coverage, satisfied, overdue, pol["coverage_target"])
