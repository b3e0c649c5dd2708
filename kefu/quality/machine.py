"""The QA evaluation on the workflow kernel (kefu/workflow.py): its states and transitions, declared once.

An inspector scores a sampled call (004:L943); the agent sees the score and acknowledges it, or appeals within the
policy's `appeal_days`; an appeal goes to the team lead of the agent's team, who upholds the score or revises it.
Scoring criteria are visible to the agent (业务员应该完整地了解评分方法, 004:L1535).

Who is who (`_parties`): the evaluated agent is the SUBJECT; the OWNER is whoever the evaluation waits on now, the
inspector while it is assigned and the agent's team lead (any team lead when the team has none) while it is appealed,
never the agent themselves.
"""

from __future__ import annotations

from datetime import timedelta

from kefu.errors import Problem
from kefu.messages import Msg
from kefu.org.roles import Role
from kefu.workflow import FieldSpec, Machine, Party, Transition

ASSIGNED = "assigned"
SCORED = "scored"
ACKNOWLEDGED = "acknowledged"
APPEALED = "appealed"
UPHELD = "upheld"
REVISED = "revised"

STATES = (ASSIGNED, SCORED, ACKNOWLEDGED, APPEALED, UPHELD, REVISED)
FINAL = {ACKNOWLEDGED, UPHELD, REVISED}


def lead_may_decide(evaluation, scope) -> bool:
    """The team lead of the agent's team decides an appeal; any team lead when the team has no lead."""
    if Role.TEAM_LEAD not in scope.roles or scope.staff.pk == evaluation.agent_id:
        return False
    team = evaluation.team or evaluation.agent.team
    return team is None or team.lead_id is None or team.lead_id == scope.staff.pk


def _parties(scope, evaluation) -> set[Party]:
    found = set()
    if scope.staff.pk == evaluation.agent_id:
        found.add(Party.SUBJECT)
    if evaluation.state == ASSIGNED and scope.staff.pk == evaluation.inspector_id:
        found.add(Party.OWNER)
    if evaluation.state == APPEALED and lead_may_decide(evaluation, scope):
        found.add(Party.OWNER)
    return found


def _marks(evaluation, value, now):
    """The marks of every item of the evaluation's form version, checked (RuleViolation naming `marks.<key>`)."""
    from .services import parse_marks

    return parse_marks(evaluation, value)


def _within_appeal_window(ctx):
    from .services import policy

    days = policy(ctx.obj.center)["appeal_days"]
    if ctx.obj.scored_at and ctx.now > ctx.obj.scored_at + timedelta(days=days):
        return Problem("reason", "appeal_deadline", Msg("quality.evaluation.appeal_deadline", days=days))
    return None


def _score(ctx):
    from .services import write_marks

    parsed, comments = ctx.fields["marks"]
    write_marks(ctx.obj, parsed=parsed, comments=comments)
    ctx.obj.notes = ctx.fields.get("notes", "")
    ctx.obj.scored_at = ctx.now


def _acknowledge(ctx):
    ctx.obj.acknowledged_at = ctx.now


def _appeal(ctx):
    from .models import Appeal

    Appeal.objects.create(evaluation=ctx.obj, reason=ctx.fields["reason"], original_total=ctx.obj.total)


def _decide(ctx):
    from .models import Appeal
    from .services import write_marks

    appeal = Appeal.objects.select_for_update().get(evaluation=ctx.obj)
    if ctx.transition.name == "revise":
        parsed, comments = ctx.fields["marks"]
        write_marks(ctx.obj, parsed=parsed, comments=comments)
        appeal.revised_total = ctx.obj.total
    appeal.decided_by = ctx.scope.staff
    appeal.decided_at = ctx.now
    appeal.decision = ctx.transition.dst
    appeal.decision_note = ctx.fields["decision_note"]
    appeal.save()


def _history(ctx):
    from .models import Transition as Step

    note = ctx.fields.get("reason") or ctx.fields.get("decision_note") or ctx.fields.get("notes") or ""
    Step.objects.create(
        evaluation=ctx.obj,
        name=ctx.transition.name,
        src=ctx.before,
        dst=ctx.obj.state,
        actor=ctx.scope.staff,
        note=note,
    )


def _load(scope, evaluation):
    from .models import Evaluation

    return (
        Evaluation.objects.select_for_update(of=("self",))
        .select_related("scorecard", "agent", "team")
        .filter(pk=evaluation.pk, center=scope.center)
        .first()
    )


MACHINE = Machine(
    "quality.evaluation",
    transitions=(
        Transition(
            "score",
            src={ASSIGNED},
            dst=SCORED,
            parties={Party.OWNER},
            requires=("marks",),
            allows=("notes",),
            effect=_score,
            seed="004:L943",
        ),
        Transition(
            "acknowledge",
            src={SCORED},
            dst=ACKNOWLEDGED,
            parties={Party.SUBJECT},
            effect=_acknowledge,
            seed="004:L1535",
        ),
        Transition(
            "appeal",
            src={SCORED},
            dst=APPEALED,
            parties={Party.SUBJECT},
            requires=("reason",),
            guard=_within_appeal_window,
            effect=_appeal,
        ),
        Transition(
            "uphold",
            src={APPEALED},
            dst=UPHELD,
            roles={Role.TEAM_LEAD},
            parties={Party.OWNER},
            requires=("decision_note",),
            effect=_decide,
        ),
        Transition(
            "revise",
            src={APPEALED},
            dst=REVISED,
            roles={Role.TEAM_LEAD},
            parties={Party.OWNER},
            requires=("decision_note", "marks"),
            effect=_decide,
        ),
    ),
    fields={
        "marks": FieldSpec("quality.evaluation.field.marks", kind="any", parse=_marks),
        "notes": FieldSpec("quality.evaluation.field.notes", max_length=4000),
        "reason": FieldSpec("quality.evaluation.field.reason", max_length=4000),
        "decision_note": FieldSpec("quality.evaluation.field.decision_note", max_length=4000),
    },
    party_labels={
        "score.owner": "quality.evaluation.party.inspector",
        "uphold.owner": "quality.evaluation.party.lead",
        "revise.owner": "quality.evaluation.party.lead",
        "subject": "quality.evaluation.party.agent",
    },
    party_of=_parties,
    history=_history,
    audit_type="qa_evaluation",
    load=_load,
    noun="quality.evaluation.noun",
)
