"""Reads of follow-up: the callback queue (sorted by due time) and the callback KPIs of a period."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from kefu.followup import kpis, machine, rules
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
    satisfied: rules.Rate  # found on return visits
    open_overdue: int
    target: float
    survey_satisfied: rules.Rate = rules.Rate(0, 0)
    all_satisfied: rules.Rate = rules.Rate(0, 0)
    agents: tuple = ()  # (staff_no, kpis.Kpis), by staff number


def kpi_rows(scope, start: datetime, end: datetime) -> tuple[list, list, list]:
    """The rows kefu.followup.kpis computes on: tasks due in the period, replied orders of the return-visit kinds,
    satisfaction found on visits and surveys (SMS and IVR)."""
    from kefu.followup.models import Survey
    from kefu.tickets.models import Order

    pol = policy_for("followup", scope.center)
    tasks = [
        kpis.TaskRow(owner, due, closed if state == machine.DONE else None, state)
        for owner, due, closed, state in scope.filter(
            Task.objects.filter(due_at__gte=start, due_at__lt=end)
        ).values_list("owner__staff_no", "due_at", "closed_at", "state")
    ]
    replied = (
        scope.filter(
            Order.objects.filter(kind__in=pol["return_visit_kinds"], replied_at__gte=start, replied_at__lt=end)
        )
        .exclude(state="cancelled")
        .values_list("pk", "replied_at", "acceptor__staff_no")
    )
    visit_of = {
        o: (owner, state)
        for o, owner, state in scope.filter(
            Task.objects.filter(kind="return_visit", order__replied_at__gte=start, order__replied_at__lt=end)
        )
        .exclude(state=machine.CANCELLED)
        .values_list("order_id", "owner__staff_no", "state")
    }
    visits = [
        kpis.VisitRow(
            visit_of.get(pk, (agent, ""))[0] or "", at, visit_of.get(pk, ("", ""))[1] in (machine.DONE, machine.CLOSED)
        )
        for pk, at, agent in replied
    ]
    answers = [
        kpis.AnswerRow(owner, closed, sat == "satisfied", "visit")
        for owner, closed, sat in scope.filter(
            Task.objects.filter(
                kind="return_visit", state=machine.DONE, closed_at__gte=start, closed_at__lt=end
            ).exclude(satisfaction="")
        ).values_list("owner__staff_no", "closed_at", "satisfaction")
    ]
    answers += [
        kpis.AnswerRow(agent or "", at, answer == "satisfied", channel)
        for agent, at, answer, channel in scope.filter(
            Survey.objects.filter(state=Survey.State.ANSWERED, answered_at__gte=start, answered_at__lt=end)
        ).values_list("order__acceptor__staff_no", "answered_at", "answer", "channel")
    ]
    return tasks, visits, answers


def figures(scope, start: datetime, end: datetime, now: datetime) -> Figures:
    """Callback timeliness over tasks due in [start, end); return-visit coverage of the orders replied in the period
    (002:L259 target 100 %); satisfaction found on completed return visits and on surveys; the same per agent."""
    pol = policy_for("followup", scope.center)
    found = kpis.compute(*kpi_rows(scope, start, end), start, end, now)
    center = found.pop(kpis.CENTER)
    overdue = scope.filter(Task.objects.filter(state=machine.OPEN, due_at__lt=now)).count()
    return Figures(
        center.timeliness,
        center.coverage,
        center.visit_satisfied,
        overdue,
        pol["coverage_target"],
        center.survey_satisfied,
        center.satisfied,
        tuple(sorted(found.items())),
    )
