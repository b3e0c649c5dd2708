"""The violation's and the dismissal proposal's states, declared once on the workflow kernel (kefu/workflow.py).

The agent sees a recorded violation and acknowledges it or appeals (to the team lead, then the manager); an upheld
appeal voids it and undoes what followed from it (the fine in the fund, a dismissal proposal, the step of the
later violations of the same period). A dismissal step is only ever a proposal: HR reviews, the manager decides.
"""

from __future__ import annotations

from datetime import timedelta

from kefu.messages import Msg
from kefu.org.roles import Role
from kefu.workflow import FieldSpec, Machine, Party, Transition

RECORDED, ACKNOWLEDGED, APPEALED, LEAD_REJECTED, ESCALATED, CONFIRMED, VOIDED = (
    "recorded",
    "acknowledged",
    "appealed",
    "lead_rejected",
    "escalated",
    "confirmed",
    "voided",
)
ACTIVE = (RECORDED, ACKNOWLEDGED, APPEALED, LEAD_REJECTED, ESCALATED, CONFIRMED)
LEADS = {Role.TEAM_LEAD, Role.SUPERVISOR}


def _parties(scope, violation) -> set[Party]:
    return {Party.SUBJECT} if violation.staff_id == scope.staff.pk else {Party.NOT_REQUESTER}


def _appeal_open(ctx):
    """The appeal window (policy appeal_days, counted from the recording or from the lead's rejection)."""
    from django.utils import timezone

    today = timezone.localdate(ctx.now)
    if today > ctx.obj.appeal_due:
        return Msg("discipline.appeal_window", due=ctx.obj.appeal_due)
    return None


def _month_open(ctx):
    from . import services

    return services.month_final_problem(ctx.obj.center, ctx.obj.occurred_on)


def _guard_void(ctx):
    return _month_open(ctx)


def _keep_reason(ctx):
    ctx.obj.appeal_reason = ctx.fields.get("reason", ctx.obj.appeal_reason)
    ctx.history_params.update({k: v for k, v in ctx.fields.items()})


def _lead_reject(ctx):
    from django.utils import timezone

    from . import services

    days = services.policy(ctx.obj.center)["appeal_days"]
    ctx.obj.appeal_due = timezone.localdate(ctx.now) + timedelta(days=days)
    ctx.history_params.update(ctx.fields)


def _void(ctx):
    from . import services

    ctx.history_params.update(ctx.fields)
    services.undo(ctx.scope, ctx.obj)


def _history(ctx):
    from .models import ViolationEvent

    ViolationEvent.objects.create(
        violation=ctx.obj,
        code=f"{ctx.machine.name}.transition.{ctx.transition.name}",
        params=ctx.history_params,
        from_state=ctx.before,
        to_state=ctx.obj.state,
        actor=ctx.scope.staff,
        at=ctx.now,
    )


FIELDS = {
    "reason": FieldSpec("discipline.violation.field.reason", max_length=500),
    "note": FieldSpec("discipline.violation.field.note", max_length=500),
}

VIOLATION = Machine(
    "discipline.violation",
    transitions=(
        Transition("acknowledge", src={RECORDED}, dst=ACKNOWLEDGED, parties={Party.SUBJECT}, seed="002:L498"),
        Transition(
            "appeal",
            src={RECORDED},
            dst=APPEALED,
            parties={Party.SUBJECT},
            requires=("reason",),
            guard=_appeal_open,
            effect=_keep_reason,
        ),
        Transition(
            "lead_uphold",
            src={APPEALED},
            dst=VOIDED,
            roles=LEADS,
            parties={Party.NOT_REQUESTER},
            allows=("note",),
            guard=_guard_void,
            effect=_void,
        ),
        Transition(
            "lead_reject",
            src={APPEALED},
            dst=LEAD_REJECTED,
            roles=LEADS,
            parties={Party.NOT_REQUESTER},
            requires=("note",),
            effect=_lead_reject,
        ),
        Transition(
            "escalate",
            src={LEAD_REJECTED},
            dst=ESCALATED,
            parties={Party.SUBJECT},
            allows=("reason",),
            guard=_appeal_open,
            effect=_keep_reason,
        ),
        Transition("accept", src={LEAD_REJECTED}, dst=CONFIRMED, parties={Party.SUBJECT}),
        Transition(
            "manager_uphold",
            src={ESCALATED},
            dst=VOIDED,
            roles={Role.MANAGER},
            parties={Party.NOT_REQUESTER},
            allows=("note",),
            guard=_guard_void,
            effect=_void,
        ),
        Transition(
            "manager_reject",
            src={ESCALATED},
            dst=CONFIRMED,
            roles={Role.MANAGER},
            parties={Party.NOT_REQUESTER},
            requires=("note",),
            effect=_keep_reason,
        ),
        Transition(
            "withdraw",
            src={RECORDED, ACKNOWLEDGED},
            dst=VOIDED,
            roles=LEADS | {Role.MANAGER},
            parties={Party.NOT_REQUESTER},
            requires=("note",),
            guard=_guard_void,
            effect=_void,
        ),
    ),
    fields=FIELDS,
    party_of=_parties,
    history=_history,
    audit_type="violation",
)

PROPOSED, HR_REVIEWED, DISMISSED, KEPT, WITHDRAWN = "proposed", "hr_reviewed", "dismissed", "kept", "withdrawn"


def _proposal_note(ctx):
    if ctx.transition.name == "hr_review":
        ctx.obj.hr_note = ctx.fields.get("note", "")
    elif ctx.transition.name in ("dismiss", "keep"):
        ctx.obj.decision_note = ctx.fields.get("note", "")
        ctx.obj.decided_by = ctx.scope.staff


def _proposal_history(ctx):
    from .models import ViolationEvent

    ViolationEvent.objects.create(
        violation_id=ctx.obj.violation_id,
        code=f"{ctx.machine.name}.transition.{ctx.transition.name}",
        params=dict(ctx.fields),
        from_state=ctx.before,
        to_state=ctx.obj.state,
        actor=ctx.scope.staff,
        at=ctx.now,
    )


PROPOSAL = Machine(
    "discipline.proposal",
    transitions=(
        Transition(
            "hr_review",
            src={PROPOSED},
            dst=HR_REVIEWED,
            roles={Role.HR},
            parties={Party.NOT_REQUESTER},
            requires=("note",),
            effect=_proposal_note,
            seed="000:L198",
        ),
        Transition(
            "dismiss",
            src={HR_REVIEWED},
            dst=DISMISSED,
            roles={Role.MANAGER},
            parties={Party.NOT_REQUESTER},
            requires=("note",),
            effect=_proposal_note,
        ),
        Transition(
            "keep",
            src={HR_REVIEWED},
            dst=KEPT,
            roles={Role.MANAGER},
            parties={Party.NOT_REQUESTER},
            requires=("note",),
            effect=_proposal_note,
        ),
        Transition(
            "withdraw",
            src={PROPOSED, HR_REVIEWED},
            dst=WITHDRAWN,
            roles={Role.TEAM_LEAD, Role.SUPERVISOR, Role.MANAGER},
            parties={Party.NOT_REQUESTER},
        ),
    ),
    fields={"note": FieldSpec("discipline.proposal.field.note", max_length=500)},
    party_of=lambda scope, p: {Party.SUBJECT} if p.staff_id == scope.staff.pk else {Party.NOT_REQUESTER},
    history=_proposal_history,
    audit_type="dismissal_proposal",
)
