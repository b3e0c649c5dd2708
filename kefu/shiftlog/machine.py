"""The handover diary and its liability records on the workflow kernel (kefu/workflow.py), declared once.

draft ──sign_out (outgoing)──▶ signed_out ──countersign (incoming)──▶ countersigned
  ▲                                 │
  └──────return (incoming, reason)──┘   the incoming side refuses an unclear diary (004:L661 交接要详细、明确)

Omissions and mis-receipts found later are recorded as issues against a signed handover (services.report_issue);
the liable side follows 004:L669 (rules.responsible_side). An issue moves open → disputed (by the liable person) →
upheld | dismissed (by a lead who is not the liable person).

Parties: on a handover the outgoing person (交班人) is the SUBJECT and the incoming person (接班人) the OWNER (the
diary is handed to them); on an issue the liable person is the SUBJECT and anyone else the OWNER (a lead decides it,
never their own).
"""

from __future__ import annotations

from enum import StrEnum

from kefu.messages import Msg
from kefu.org.roles import LEADS
from kefu.workflow import FieldSpec, Machine, Party, Transition


class State(StrEnum):
    DRAFT = "draft"
    SIGNED_OUT = "signed_out"
    COUNTERSIGNED = "countersigned"


# The diary may be edited (items added, text changed) only while it is a draft: a signature covers what was signed.
EDITABLE = frozenset({State.DRAFT})


class IssueState(StrEnum):
    OPEN = "open"
    DISPUTED = "disputed"
    UPHELD = "upheld"
    DISMISSED = "dismissed"


def _text(value, label: str):
    """Free text without control characters or customer phone numbers (those go in the encrypted customer field)."""
    from .services import text_problem

    return text_problem(value, label) or value


def _handover_parties(scope, handover) -> set[Party]:
    found = set()
    if scope.staff.pk == handover.outgoing_id:
        found.add(Party.SUBJECT)
    if handover.incoming_id is not None and scope.staff.pk == handover.incoming_id:
        found.add(Party.OWNER)
    return found


def _can_sign_out(ctx):
    from .services import sign_out_problems

    return sign_out_problems(ctx.obj)


def _sign_out(ctx):
    ctx.obj.signed_out_at, ctx.obj.signed_out_no = ctx.now, ctx.scope.staff.staff_no


def _countersign(ctx):
    from .services import hand_items_to

    ctx.obj.countersigned_at, ctx.obj.countersigned_no = ctx.now, ctx.scope.staff.staff_no
    hand_items_to(ctx.obj, ctx.scope.staff)


def _return(ctx):
    ctx.obj.signed_out_at, ctx.obj.signed_out_no = None, ""
    ctx.obj.return_reason = ctx.fields["reason"]


def _handover_history(ctx):
    from .services import log_event

    log_event(
        ctx.obj,
        actor=ctx.scope.staff,
        code=f"{HANDOVER.name}.transition.{ctx.transition.name}",
        note=ctx.fields.get("reason", ""),
    )


def _load_handover(scope, handover):
    from .models import Handover

    return Handover.objects.select_for_update(of=("self",)).filter(pk=handover.pk, center=scope.center).first()


HANDOVER = Machine(
    "shiftlog.handover",
    transitions=(
        Transition(
            "sign_out",
            src={State.DRAFT},
            dst=State.SIGNED_OUT,
            parties={Party.SUBJECT},
            guard=_can_sign_out,
            effect=_sign_out,
            seed="004:L663",
        ),
        Transition(
            "countersign",
            src={State.SIGNED_OUT},
            dst=State.COUNTERSIGNED,
            parties={Party.OWNER},
            effect=_countersign,
            seed="004:L663, L669",
        ),
        Transition(
            "return",
            src={State.SIGNED_OUT},
            dst=State.DRAFT,
            parties={Party.OWNER},
            requires=("reason",),
            effect=_return,
            seed="004:L661",
        ),
    ),
    fields={
        "reason": FieldSpec(
            "shiftlog.handover.field.reason",
            max_length=300,
            parse=lambda obj, value, now: _text(value, "shiftlog.handover.field.reason"),
        )
    },
    party_labels={"subject": "shiftlog.handover.party.outgoing", "owner": "shiftlog.handover.party.incoming"},
    party_of=_handover_parties,
    history=_handover_history,
    audit_type="shiftlog.handover",
    load=_load_handover,
    noun="shiftlog.handover.noun",
)


def _issue_parties(scope, issue) -> set[Party]:
    """The liable person disputes; anyone else (a lead, by the transition's roles) decides: never one's own."""
    return {Party.SUBJECT} if scope.staff.pk == issue.responsible_id else {Party.OWNER}


def _dispute(ctx):
    ctx.obj.dispute_reason = ctx.fields["reason"]


def _decide(ctx):
    ctx.obj.decided_by, ctx.obj.decided_at = ctx.scope.staff, ctx.now
    ctx.obj.decision_note = ctx.fields["note"]


def _issue_history(ctx):
    from .services import log_event

    note = ctx.fields.get("reason") or ctx.fields.get("note") or ""
    log_event(
        ctx.obj.handover,
        actor=ctx.scope.staff,
        code=f"{ISSUE.name}.transition.{ctx.transition.name}",
        params={"kind": Msg(f"shiftlog.issue.kind.{ctx.obj.kind}")},
        note=note,
    )


def _load_issue(scope, issue):
    from .models import Issue

    return (
        Issue.objects.select_for_update(of=("self",))
        .select_related("handover")
        .filter(pk=issue.pk, handover__center=scope.center)
        .first()
    )


_OPEN = {IssueState.OPEN, IssueState.DISPUTED}
ISSUE = Machine(
    "shiftlog.issue",
    transitions=(
        Transition(
            "dispute",
            src={IssueState.OPEN},
            dst=IssueState.DISPUTED,
            parties={Party.SUBJECT},
            requires=("reason",),
            effect=_dispute,
            seed="004:L669",
        ),
        Transition(
            "uphold",
            src=_OPEN,
            dst=IssueState.UPHELD,
            roles=LEADS,
            parties={Party.OWNER},
            requires=("note",),
            effect=_decide,
            seed="004:L669",
        ),
        Transition(
            "dismiss",
            src=_OPEN,
            dst=IssueState.DISMISSED,
            roles=LEADS,
            parties={Party.OWNER},
            requires=("note",),
            effect=_decide,
            seed="004:L669",
        ),
    ),
    fields={
        "reason": FieldSpec(
            "shiftlog.issue.field.reason",
            max_length=300,
            parse=lambda obj, value, now: _text(value, "shiftlog.issue.field.reason"),
        ),
        "note": FieldSpec(
            "shiftlog.issue.field.note",
            max_length=300,
            parse=lambda obj, value, now: _text(value, "shiftlog.issue.field.note"),
        ),
    },
    party_labels={"subject": "shiftlog.issue.party.responsible", "owner": "shiftlog.issue.party.other_lead"},
    party_of=_issue_parties,
    state_attr="status",
    history=_issue_history,
    audit_type="shiftlog.issue",
    center_of=lambda issue: issue.handover.center_id,
    load=_load_issue,
    noun="shiftlog.issue.noun",
)
