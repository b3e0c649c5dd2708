"""Leave requests and shift swaps on the workflow kernel (kefu/workflow.py).

Leave (LEAVE): the roles of the center's approval ladder approve in order, one step at a time, no skipping a level
(002:L70 不允许越级请假; 002:L69 short notice adds a manager; 003:L451 more than three days takes two levels), and
nobody approves their own leave; one rejection ends it. The applicant may withdraw it until it has ended.

Swap (MACHINE):
The counterpart is asked first and agrees or declines (000:L242 征得对方同意, 003:L67 须事先征得当事人同意, 004:L671);
then the team lead of each side approves (002:L78 必须经双方班长同意; one lead of both sides approves once). An
approved swap is applied to the published roster, so attendance, adherence and the roster read the swapped shifts
(002:L77-81). The requester may withdraw it until it is approved.
"""

from __future__ import annotations

from kefu.errors import NotAllowed
from kefu.messages import Msg
from kefu.org.roles import Role
from kefu.workflow import FieldSpec, Machine, Party, Transition

REQUESTED, AGREED, APPROVED, DECLINED, REJECTED, CANCELLED = (
    "requested",
    "agreed",
    "approved",
    "declined",
    "rejected",
    "cancelled",
)
OPEN = (REQUESTED, AGREED)
LEADS = {Role.TEAM_LEAD, Role.SUPERVISOR}


def _parties(scope, swap) -> set[Party]:
    if scope.staff.pk == swap.requester_id:
        return {Party.SUBJECT}
    if scope.staff.pk == swap.counterpart_id:
        return {Party.OWNER}
    return {Party.NOT_REQUESTER}


def lead_sides(scope, swap) -> list[str]:
    """The sides ("requester", "counterpart") the caller approves for: their own team's side(s); a supervisor
    (值班长) stands in for the first side not yet approved. Refused for anyone else."""
    from .services import swap_leads

    leads = swap_leads(swap)
    sides = [side for side, lead_id in leads.items() if lead_id == scope.staff.pk]
    if not sides and Role.SUPERVISOR in scope.roles:
        done = {a["for"] for a in swap.approvals if a["decision"] == "approve"}
        sides = [side for side in leads if side not in done][:1]
    if not sides:
        raise NotAllowed(Msg("attendance.swap.not_your_team"), rule="swap_approver")
    return sides


def _guard_lead(ctx):
    sides = lead_sides(ctx.scope, ctx.obj)
    done = {a["for"] for a in ctx.obj.approvals if a["decision"] == "approve"}
    if ctx.transition.name == "approve" and set(sides) <= done:
        return Msg("attendance.swap.already_approved")
    return None


def _record(ctx, decision: str, sides: list[str]) -> None:
    ctx.obj.approvals = [
        *ctx.obj.approvals,
        *(
            {
                "staff_no": ctx.scope.staff.staff_no,
                "for": side,
                "at": ctx.now.isoformat(),
                "decision": decision,
                "note": ctx.fields.get("note", ""),
            }
            for side in sides
        ),
    ]


def _agree(ctx):
    from . import services

    ctx.obj.answered_at = ctx.now
    services.notify_swap(ctx.obj, event="to_approve", now=ctx.now)


def _decline(ctx):
    from . import services

    ctx.obj.answered_at = ctx.now
    _record(ctx, "decline", ["counterpart_consent"])
    services.notify_swap(ctx.obj, event="declined", now=ctx.now)


def _approve(ctx):
    from . import services

    _record(ctx, "approve", lead_sides(ctx.scope, ctx.obj))
    done = {a["for"] for a in ctx.obj.approvals if a["decision"] == "approve"}
    if not done >= {"requester", "counterpart"}:
        ctx.obj.state = AGREED  # the other side's lead has yet to approve
        return
    services.apply_swap(ctx.obj, ctx.scope.staff)
    services.notify_swap(ctx.obj, event="approved", now=ctx.now)


def _reject(ctx):
    from . import services

    _record(ctx, "reject", lead_sides(ctx.scope, ctx.obj))
    services.notify_swap(ctx.obj, event="rejected", now=ctx.now)


def _load(scope, swap):
    from .models import ShiftSwap

    return (
        ShiftSwap.objects.select_for_update(of=("self",))
        .select_related("requester__team", "counterpart__team")
        .filter(pk=swap.pk, requester__center=scope.center)
        .first()
    )


MACHINE = Machine(
    "attendance.swap",
    transitions=(
        Transition("agree", src={REQUESTED}, dst=AGREED, parties={Party.OWNER}, effect=_agree, seed="003:L67"),
        Transition(
            "decline",
            src={REQUESTED},
            dst=DECLINED,
            parties={Party.OWNER},
            allows=("note",),
            effect=_decline,
            seed="000:L242",
        ),
        Transition(
            "approve",
            src={AGREED},
            dst=APPROVED,
            roles=LEADS,
            parties={Party.NOT_REQUESTER},
            allows=("note",),
            guard=_guard_lead,
            effect=_approve,
            seed="002:L78",
        ),
        Transition(
            "reject",
            src={AGREED},
            dst=REJECTED,
            roles=LEADS,
            parties={Party.NOT_REQUESTER},
            allows=("note",),
            guard=_guard_lead,
            effect=_reject,
            seed="002:L78",
        ),
        Transition("cancel", src={REQUESTED, AGREED}, dst=CANCELLED, parties={Party.SUBJECT}),
    ),
    fields={"note": FieldSpec("attendance.swap.field.note", max_length=300)},
    party_of=_parties,
    audit_type="shift_swap",
    center_of=lambda swap: swap.requester.center_id,
    load=_load,
    noun="attendance.swap.noun",
)


# ------------------------------------------------------------------------------------------------- leave

SUBMITTED, LEAVE_APPROVED, LEAVE_REJECTED, LEAVE_CANCELLED = "submitted", "approved", "rejected", "cancelled"
# Every role an approval ladder may name (the policy's `approval_ladder` and `short_notice_role` choose among them).
LEAVE_APPROVERS = frozenset({Role.TEAM_LEAD, Role.SUPERVISOR, Role.MANAGER})


def _leave_parties(scope, leave) -> set[Party]:
    return {Party.SUBJECT} if scope.staff.pk == leave.staff_id else {Party.NOT_REQUESTER}


def _guard_step(ctx):
    """The caller approves at the ladder's next step only: no skipping or crossing a level (002:L70)."""
    step = ctx.obj.next_step
    if step is None or step not in {r.value for r in ctx.scope.roles}:
        role = Msg(f"attendance.leave.role.{step}") if step in LEAVE_APPROVERS else step or ""
        raise NotAllowed(Msg("attendance.leave.not_your_step", role=role), rule="approval_level")
    return None


def _decision(ctx, decision: str) -> None:
    ctx.obj.approvals = [
        *ctx.obj.approvals,
        {
            "role": ctx.obj.next_step,
            "staff_no": ctx.scope.staff.staff_no,
            "at": ctx.now.isoformat(),
            "decision": decision,
            "note": ctx.fields.get("note", ""),
        },
    ]


def _approve_leave(ctx):
    ctx.obj.state = SUBMITTED  # next_step reads the state: it is submitted until the last step approves
    _decision(ctx, "approve")
    if ctx.obj.next_step is None:
        ctx.obj.state = LEAVE_APPROVED


def _reject_leave(ctx):
    ctx.obj.state = SUBMITTED
    _decision(ctx, "reject")
    ctx.obj.state = LEAVE_REJECTED


def _load_leave(scope, leave):
    from .models import LeaveRequest

    return (
        LeaveRequest.objects.select_for_update(of=("self",))
        .select_related("staff")
        .filter(pk=leave.pk, staff__center=scope.center)
        .first()
    )


LEAVE = Machine(
    "attendance.leave",
    transitions=(
        Transition(
            "approve",
            src={SUBMITTED},
            dst=LEAVE_APPROVED,
            roles=LEAVE_APPROVERS,
            parties={Party.NOT_REQUESTER},
            allows=("note",),
            guard=_guard_step,
            effect=_approve_leave,
            seed="002:L70",
        ),
        Transition(
            "reject",
            src={SUBMITTED},
            dst=LEAVE_REJECTED,
            roles=LEAVE_APPROVERS,
            parties={Party.NOT_REQUESTER},
            allows=("note",),
            guard=_guard_step,
            effect=_reject_leave,
            seed="002:L70",
        ),
        Transition("cancel", src={SUBMITTED, LEAVE_APPROVED}, dst=LEAVE_CANCELLED, parties={Party.SUBJECT}),
    ),
    fields={"note": FieldSpec("attendance.leave.field.note", max_length=300)},
    party_of=_leave_parties,
    audit_type="leave_request",
    center_of=lambda leave: leave.staff.center_id,
    load=_load_leave,
    noun="attendance.leave.noun",
)


def leave_steps_for(scope) -> set[str]:
    """The ladder steps this caller may decide (their roles among the approvers)."""
    return {r.value for r in scope.roles & LEAVE_APPROVERS}
