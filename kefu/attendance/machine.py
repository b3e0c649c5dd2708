"""The shift swap on the workflow kernel (kefu/workflow.py).

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
    "requested", "agreed", "approved", "declined", "rejected", "cancelled")
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
    ctx.obj.approvals = [*ctx.obj.approvals, *({"staff_no": ctx.scope.staff.staff_no, "for": side,
                                                "at": ctx.now.isoformat(), "decision": decision,
                                                "note": ctx.fields.get("note", "")} for side in sides)]


def _agree(ctx):
    from . import services

    ctx.obj.answered_at = ctx.now
    services.notify_swap(ctx.obj, "to_approve", ctx.now)


def _decline(ctx):
    from . import services

    ctx.obj.answered_at = ctx.now
    _record(ctx, "decline", ["counterpart_consent"])
    services.notify_swap(ctx.obj, "declined", ctx.now)


def _approve(ctx):
    from . import services

    _record(ctx, "approve", lead_sides(ctx.scope, ctx.obj))
    done = {a["for"] for a in ctx.obj.approvals if a["decision"] == "approve"}
    if not done >= {"requester", "counterpart"}:
        ctx.obj.state = AGREED  # the other side's lead has yet to approve
        return
    services.apply_swap(ctx.obj, ctx.scope.staff)
    services.notify_swap(ctx.obj, "approved", ctx.now)


def _reject(ctx):
    from . import services

    _record(ctx, "reject", lead_sides(ctx.scope, ctx.obj))
    services.notify_swap(ctx.obj, "rejected", ctx.now)


def _load(scope, swap):
    from .models import ShiftSwap

    return (ShiftSwap.objects.select_for_update(of=("self",)).select_related("requester__team", "counterpart__team")
            .filter(pk=swap.pk, requester__center=scope.center).first())


MACHINE = Machine(
    "attendance.swap",
    transitions=(
        Transition("agree", src={REQUESTED}, dst=AGREED, parties={Party.OWNER}, effect=_agree, seed="003:L67"),
        Transition("decline", src={REQUESTED}, dst=DECLINED, parties={Party.OWNER}, allows=("note",),
                   effect=_decline, seed="000:L242"),
        Transition("approve", src={AGREED}, dst=APPROVED, roles=LEADS, parties={Party.NOT_REQUESTER},
                   allows=("note",), guard=_guard_lead, effect=_approve, seed="002:L78"),
        Transition("reject", src={AGREED}, dst=REJECTED, roles=LEADS, parties={Party.NOT_REQUESTER},
                   allows=("note",), guard=_guard_lead, effect=_reject, seed="002:L78"),
        Transition("cancel", src={REQUESTED, AGREED}, dst=CANCELLED, parties={Party.SUBJECT}),
    ),
    fields={"note": FieldSpec("attendance.swap.field.note", max_length=300)},
    party_of=_parties,
    audit_type="shift_swap",
    center_of=lambda swap: swap.requester.center_id,
    load=_load,
    noun="attendance.swap.noun",
)
