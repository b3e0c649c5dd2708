"""How the API and the pages show the register's rows: labels rendered in the reader's language, codes kept."""

from __future__ import annotations

from kefu.messages import Msg

from . import services
from .models import Appraisal, DismissalProposal, Reward, Violation


def violation_out(v: Violation) -> dict:
    label = services.policy(v.center)["types"].get(v.type_code, {}).get("label", v.type_code)
    return {
        "id": v.pk,
        "staff_no": v.staff.staff_no,
        "type_code": v.type_code,
        "type_label": str(Msg(label)),
        "occurred_on": v.occurred_on,
        "source": v.source,
        "evidence": str(Msg.from_data(v.evidence)) if v.evidence else "",
        "note": v.note,
        "occurrence": v.occurrence,
        "sanction": v.sanction,
        "sanction_text": services.sanction_text(v.sanction),
        "state": v.state,
        "state_label": str(Msg(f"discipline.violation.state.{v.state}")),
        "appeal_due": v.appeal_due,
        "appeal_reason": v.appeal_reason,
        "version": v.version,
    }


def reward_out(r: Reward) -> dict:
    label = services.policy(r.center)["rewards"].get(r.type_code, {}).get("label", r.type_code)
    return {
        "id": r.pk,
        "staff_no": r.staff.staff_no,
        "type_code": r.type_code,
        "type_label": str(Msg(label)),
        "amount": r.amount,
        "month": r.month,
        "reason": r.reason,
        "state": r.state,
        "state_label": str(Msg(f"discipline.reward.state.{r.state}")),
    }


def appraisal_out(a: Appraisal) -> dict:
    return {
        "staff_no": a.staff.staff_no,
        "graded": a.graded,
        "violations": a.violations,
        "supervised": a.supervised,
        "grade": a.grade,
        "grade_label": str(Msg(f"discipline.grade.{a.grade}")) if a.grade else "",
        "reasons": reasons_text(a),
        "score": a.score,
        "base": a.base,
        "deductions": a.deductions,
        "forfeit": a.forfeit,
        "bonus": a.bonus,
        "rewards": a.rewards,
        "fines": a.fines,
    }


def proposal_out(p: DismissalProposal) -> dict:
    return {
        "id": p.pk,
        "staff_no": p.staff.staff_no,
        "violation_id": p.violation_id,
        "forfeit_salary": p.forfeit_salary,
        "state": p.state,
        "state_label": str(Msg(f"discipline.proposal.state.{p.state}")),
        "hr_note": p.hr_note,
        "decision_note": p.decision_note,
        "version": p.version,
    }


def reasons_text(a: Appraisal) -> list[str]:
    """Why the grade is what it is, in the reader's language, with the policy's limits (000:L57-61)."""
    if not a.graded:
        return [str(Msg(f"discipline.not_graded.{r}")) for r in a.reasons]
    scheme = services.policy(a.period.center)["appraisal"]
    limits = {
        "violations_over": scheme.get("fair_max_violations", ""),
        "supervised_over": scheme.get("poor_over_supervised", ""),
    }
    return [str(Msg(f"discipline.grade_reason.{r}", max=limits.get(r, ""))) for r in a.reasons]
