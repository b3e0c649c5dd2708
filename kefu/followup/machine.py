"""The callback / return-visit task machine, declared once on the workflow kernel.

open --attempt--> open            the owner records a try: time, outcome code, note
open --complete--> done           the customer was reached; result (and satisfaction on a return visit)
open --close--> closed            wrong number, refused, or unreachable after the policy's failed attempts
                                  (002:L259 "如联系信息有误或3—5次联系不上的可做结案")
open --reassign--> open           a lead gives the task to another agent
open --cancel--> cancelled        a lead cancels a task created by mistake
"""

from __future__ import annotations

from kefu.messages import Msg
from kefu.org.roles import Role
from kefu.workflow import Context, FieldSpec, Machine, Party, Transition

from . import rules

OPEN, DONE, CLOSED, CANCELLED = "open", "done", "closed", "cancelled"
FRONT = {Role.AGENT, Role.SENIOR_AGENT, Role.TEAM_LEAD, Role.SUPERVISOR, Role.DISPATCHER}
LEADS = {Role.TEAM_LEAD, Role.SUPERVISOR, Role.MANAGER}

FIELDS = {
    "outcome": FieldSpec("followup.field.outcome", kind="choice", choices=rules.OUTCOMES),
    "note": FieldSpec("followup.field.note", max_length=500),
    "result": FieldSpec("followup.field.result", max_length=1000),
    "satisfaction": FieldSpec("followup.field.satisfaction", kind="choice", choices=("satisfied", "dissatisfied")),
    "closure": FieldSpec("followup.field.closure", kind="choice", choices=rules.CLOSURES),
    "owner": FieldSpec("followup.field.owner", max_length=20),
}


def _attempt(ctx: Context) -> None:
    from kefu.followup.models import Attempt

    outcome = ctx.fields.get("outcome", rules.REACHED)
    Attempt.objects.create(
        task=ctx.obj, at=ctx.now, by=ctx.scope.staff, outcome=outcome, note=ctx.fields.get("note", "")
    )
    ctx.obj.attempt_count += 1
    if outcome == rules.REACHED and ctx.obj.reached_at is None:
        ctx.obj.reached_at = ctx.now
    ctx.history_params["outcome"] = Msg(f"followup.outcome.{outcome}")


def _complete(ctx: Context) -> None:
    ctx.fields.setdefault("outcome", rules.REACHED)
    _attempt(ctx)
    ctx.obj.result = ctx.fields["result"]
    ctx.obj.satisfaction = ctx.fields.get("satisfaction", "")
    ctx.obj.closed_at, ctx.obj.closure = ctx.now, "done"


def _may_close(ctx: Context):
    """002:L259: wrong contact details, or 3-5 failed tries (the policy's number), make a task closable."""
    from kefu.org.policy import policy_for

    task = ctx.obj
    outcomes = list(task.attempts.values_list("outcome", flat=True))
    limit = policy_for("followup", task.center)["max_failed_attempts"]
    if ctx.fields["closure"] == rules.REFUSED and task.customer_id:
        from kefu.followup.optout import standing

        if standing(task.customer) is not None:  # the customer refused all follow-up contact beforehand
            return None
    if ctx.fields["closure"] not in rules.closable(outcomes, limit):
        failed = sum(1 for o in outcomes if o in rules.FAILED)
        return Msg(
            "followup.close.not_yet",
            closure=Msg(f"followup.closure.{ctx.fields['closure']}"),
            failed=failed,
            limit=limit,
        )
    return None


def _close(ctx: Context) -> None:
    ctx.obj.closed_at, ctx.obj.closure = ctx.now, ctx.fields["closure"]
    ctx.obj.result = ctx.fields.get("note", "")
    ctx.history_params["closure"] = Msg(f"followup.closure.{ctx.fields['closure']}")


def _owner_guard(ctx: Context):
    from kefu.org.models import Staff

    found = Staff.objects.filter(center=ctx.scope.center, staff_no=ctx.fields["owner"], is_active=True).first()
    if found is None:
        return Msg("followup.owner.unknown", staff_no=ctx.fields["owner"])
    ctx.fields["_owner"] = found
    return None


def _reassign(ctx: Context) -> None:
    ctx.obj.owner = ctx.fields.pop("_owner")
    ctx.history_params["owner"] = ctx.obj.owner.staff_no


def _cancel(ctx: Context) -> None:
    ctx.obj.closed_at, ctx.obj.closure = ctx.now, "cancelled"


def _parties(scope, task) -> set[Party]:
    return {Party.OWNER} if task.owner_id == getattr(scope.staff, "pk", None) else set()


def _history(ctx: Context) -> None:
    from kefu.followup.models import TaskEvent

    params = {**ctx.history_params}
    if ctx.fields.get("note") and ctx.transition.name != "close":
        params["note"] = ctx.fields["note"]
    TaskEvent.objects.create(
        task=ctx.obj,
        at=ctx.now,
        staff_no=ctx.scope.staff.staff_no,
        code=f"followup.task.transition.{ctx.transition.name}",
        params=Msg("x", **params).as_data()["params"],
    )


MACHINE = Machine(
    "followup.task",
    transitions=(
        Transition(
            "attempt",
            src={OPEN},
            dst=OPEN,
            roles=FRONT,
            parties={Party.OWNER},
            requires=("outcome",),
            allows=("note",),
            effect=_attempt,
            seed="002:L259",
        ),
        Transition(
            "complete",
            src={OPEN},
            dst=DONE,
            roles=FRONT,
            parties={Party.OWNER},
            requires=("result",),
            allows=("satisfaction", "note"),
            effect=_complete,
            seed="004:L1917",
        ),
        Transition(
            "close",
            src={OPEN},
            dst=CLOSED,
            roles=FRONT,
            parties={Party.OWNER},
            requires=("closure",),
            allows=("note",),
            guard=_may_close,
            effect=_close,
            seed="002:L259",
        ),
        Transition(
            "reassign",
            src={OPEN},
            dst=OPEN,
            roles=LEADS,
            requires=("owner",),
            allows=("note",),
            guard=_owner_guard,
            effect=_reassign,
        ),
        Transition("cancel", src={OPEN}, dst=CANCELLED, roles=LEADS, requires=("note",), effect=_cancel),
    ),
    fields=FIELDS,
    party_of=_parties,
    history=_history,
    audit_type="followup.task",
)
